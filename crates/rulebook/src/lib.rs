//! chokepoint-rulebook
