//! The shipment model of chokepoint: countries, items with parameters in units, parties, end uses.
//!
//! A shipment is written as JSON or TOML (see `docs/transaction.md`) and validated against the
//! [`Vocabulary`] (`rules/vocabulary.yaml`): unknown kinds, parameters, units, countries, end uses
//! and lists are refused with an [`InputError`] naming the file and the field.
//!
//! Architecture invariant: this crate knows no regulation. It turns text into validated facts;
//! a fact that is not given stays absent, never defaulted.

mod country;
mod error;
mod shipment;
mod vocabulary;

pub use country::{country_name, is_country};
pub use error::InputError;
pub use shipment::{
    parse_shipment, CatalogLookup, Exporter, Format, Item, ListStatus, NoCatalog, Parties, Party,
    Shipment,
};
pub use vocabulary::{Dimension, KindSpec, ParamSpec, ParamType, Vocabulary};
