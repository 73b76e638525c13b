//! Official restricted-party lists: parsers into one entity model, and a list store.
pub mod entity;
pub use entity::*;
