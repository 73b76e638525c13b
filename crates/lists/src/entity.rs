//! One entity model for every restricted-party list.
//!
//! Every parser (OFAC SDN, CSL, UN, UK, BIS DPL, METI, MOFCOM, FollowTheMoney) produces
//! [`ListEntry`] values; the screening crate indexes them and the licence engine reads their
//! licence data (Entity List footnotes, review policy).

use serde::{Deserialize, Serialize};

/// What kind of party a list entry is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Person,
    Organization,
    Vessel,
    Aircraft,
    /// The list does not say.
    #[default]
    Unknown,
}

/// How strong a name is as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Primary,
    Alias,
    /// "Weak" / low-quality aliases (OFAC "weak a.k.a.", UN "low quality").
    WeakAlias,
    /// Former name (f.k.a.).
    Former,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Name {
    pub full: String,
    pub kind: NameKind,
    /// Script or language tag when the list gives one or the parser can tell: the parsers here
    /// write ISO 15924 script codes ("Arab", "Cyrl", "Hani", "Hang", "Jpan", "Grek", "Hebr", "Thai").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub script: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 where it can be determined.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identifier {
    /// e.g. "passport", "national_id", "imo", "registration", "tax_id", "swift".
    pub scheme: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
}

/// An Entity List footnote parsed from the licence requirement text (e.g. `§ 734.9(e)1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footnote {
    pub number: u8,
    /// The text it was parsed from.
    pub source_text: String,
}

/// List-specific licence data (US Entity List, MEU, DPL ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LicenceData {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub licence_requirement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub licence_review_policy: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub footnotes: Vec<Footnote>,
    /// Federal Register citation(s) that listed it.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub federal_register: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_date: Option<String>,
}

/// One entry of one restricted-party list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListEntry {
    /// Source list key, e.g. "us_csl", "ofac_sdn", "un", "uk", "bis_dpl", "jp_eul", "cn_uel".
    pub source: String,
    /// The list's own sub-list when a file carries several (CSL: "Entity List", "MEU", "SDN" ...).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_list: Option<String>,
    /// Id within the source (stable across updates where the source has one).
    pub id: String,
    pub entity_type: EntityType,
    /// First is the primary name.
    pub names: Vec<Name>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub addresses: Vec<Address>,
    /// ISO alpha-2 countries associated (nationality, citizenship, address, registration).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub countries: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub identifiers: Vec<Identifier>,
    /// As given (YYYY, YYYY-MM-DD, or ranges as text).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dates_of_birth: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub programs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub licence: Option<LicenceData>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remarks: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source_url: Option<String>,
}

impl ListEntry {
    pub fn primary_name(&self) -> &str {
        self.names.first().map(|n| n.full.as_str()).unwrap_or("")
    }
}
