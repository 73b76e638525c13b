//! chokepoint-engine
