//! Official restricted-party lists: parsers into one entity model, and a list store.
//!
//! * [`entity`]: the one model every parser produces ([`ListEntry`]).
//! * [`parse`]: one module per official format; [`parse_files`] dispatches on a [`Format`].
//! * [`store`]: a versioned on-disk store with atomic swaps, and [`store::Store::update`] which
//!   downloads, validates and swaps.
//! * [`default_set`]: the set the matcher and the licence engine load (CSL + UN + OFAC SDN).
//!
//! Parsers never panic on any input: bad input is a [`ParseError`] naming the file, the line or
//! record and the field, and nothing is returned from a file that failed.

pub mod country;
pub mod default_set;
pub mod diff;
pub mod entity;
pub mod error;
pub mod footnotes;
pub mod parse;
pub mod sources;
pub mod store;
mod text;

pub use default_set::{load_default_set, DefaultSet, DefaultSetPaths};
pub use entity::*;
pub use error::{ListError, ParseError, Result};
pub use parse::{parse_files, Format, ParsedList, SourceFile};
