//! chokepoint-screening
