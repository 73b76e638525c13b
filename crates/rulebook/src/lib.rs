//! The rulebook: regulation as dated data.
//!
//! Rule files (`rules/<jurisdiction>/*.yaml`, format in `docs/rulebook.md`) are loaded, validated
//! and compiled once; conditions are CEL expressions evaluated in three-valued (Kleene) logic, so a
//! condition that needs an absent fact is *unknown* and names that fact.
//!
//! Architecture invariant: no regulatory number, date or country list lives in this crate; it
//! only knows the *shape* of rules. Its only I/O is reading a rules directory when asked
//! ([`SourceFile::read_dir`]); it knows nothing of HTTP, SQL or terminals.

mod condition;
mod load;
mod record;

pub use condition::{Condition, EvalContext, Evaluation, Tri};
pub use load::{
    policy_rank, Jurisdiction, JurisdictionHeader, LoadError, Problem, Rulebook, SourceFile,
};
pub use record::{Citation, Confidence, Kind, Posture, Rule};
