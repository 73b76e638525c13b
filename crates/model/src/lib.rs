//! chokepoint-model
