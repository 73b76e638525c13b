//! chokepoint-catalog
