//! chokepoint-screening: restricted-party name screening.
//!
//! A library a bank or an exporter can embed on its own: it indexes
//! [`chokepoint_lists::ListEntry`] values and screens names against them. No network, database
//! or terminal code.
//!
//! * [`normalize`] — Unicode NFKC, transliteration of Cyrillic, Greek, Arabic, Hebrew, Chinese,
//!   Japanese kana and Hangul, tokenisation, legal forms and stop words;
//! * [`similarity`] — token comparison (exact, fuzzy, phonetic, transliterated, initial);
//! * [`score`] — name alignment (order-free, joined and split tokens) with a token-by-token
//!   explanation;
//! * [`Screener`] — the index for candidate generation and the `screen` API;
//! * [`qualifiers`] — country, date of birth, identifiers, entity type;
//! * [`eval`] — the evaluation over the shared evaluation sets.
//!
//! ```
//! use chokepoint_lists::{EntityType, ListEntry, Name, NameKind};
//! use chokepoint_screening::{Query, Screener};
//!
//! let entry = ListEntry {
//!     source: "us_csl".into(), sub_list: Some("Entity List".into()), id: "1".into(),
//!     entity_type: EntityType::Organization,
//!     names: vec![Name { full: "JSC Argument".into(), kind: NameKind::Primary, script: None }],
//!     addresses: vec![], countries: vec!["RU".into()], identifiers: vec![], dates_of_birth: vec![],
//!     programs: vec![], licence: None, remarks: None, source_url: None,
//! };
//! let screener = Screener::new(vec![entry]);
//! let hits = screener.screen(&Query::name("JSCARGUMENT"));
//! assert_eq!(hits[0].entry.id, "1");
//! ```

pub mod eval;
pub mod normalize;
pub mod qualifiers;
pub mod score;
pub mod screener;
pub mod similarity;
pub mod translit;

pub use qualifiers::{Qualifier, Schema};
pub use score::{NameExplanation, TokenMatch};
pub use screener::{
    match_names, Decision, Explanation, Hit, Query, Screener, DEFAULT_THRESHOLD, REVIEW_BAND,
};
pub use similarity::Method;
