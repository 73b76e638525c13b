//! The licence determination engine.
//!
//! Given a validated [`Shipment`](chokepoint_model::Shipment) and the
//! [`Rulebook`](chokepoint_rulebook::Rulebook), answers per jurisdiction: does the regime reach the
//! shipment, which control entries the item meets, which licence requirements hold (by
//! classification, end use, end user), the review policy, the licence exceptions that may overcome
//! them, and the outcome — `licence_required`, `no_licence_required` or `undetermined` with the
//! missing facts.
//!
//! Architecture invariant: generic over regimes — no regulatory number, date, country list or
//! rule id appears here. A missing fact can never produce `no_licence_required`.

mod determine;
mod report;

pub use determine::{classify, determine, Classification, EntryStatus, Options};
pub use report::*;
