//! One rule record, as written in a rule file.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Condition;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    CountryGroup,
    DestinationTreatment,
    Derived,
    Reach,
    ReachExclusion,
    ControlEntry,
    ControlNote,
    LicenceRequirement,
    ReviewPolicy,
    LicenceException,
}

/// How sure we are of a rule. Ordered from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Unverified,
    Secondary,
    Verified,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Unverified => "unverified",
            Confidence::Secondary => "secondary",
            Confidence::Verified => "verified",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Posture {
    #[serde(rename = "enforced")]
    Enforced,
    #[serde(rename = "as-written")]
    AsWritten,
}

impl Posture {
    pub fn as_str(self) -> &'static str {
        match self {
            Posture::Enforced => "enforced",
            Posture::AsWritten => "as-written",
        }
    }
    pub fn parse(s: &str) -> Option<Posture> {
        match s {
            "enforced" => Some(Posture::Enforced),
            "as-written" => Some(Posture::AsWritten),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub cite: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The fields of a rule record as written (all kinds share one struct; the loader checks which
/// fields each kind needs and refuses the ones it does not take).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub citations: Vec<Citation>,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    pub confidence: Confidence,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub postures: Option<Vec<Posture>>,
    #[serde(default)]
    pub condition: Option<String>,
    // country_group
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub countries: Option<Vec<String>>,
    // destination_treatment
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub treated_as: Option<String>,
    // derived
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub expr: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    // control_entry
    #[serde(default)]
    pub paragraph: Option<String>,
    #[serde(default)]
    pub eccn: Option<String>,
    #[serde(default)]
    pub reasons: Option<Vec<String>>,
    #[serde(default)]
    pub report_as: Option<String>,
    // control_note
    #[serde(default)]
    pub excludes: Option<Vec<String>>,
    // licence_requirement
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub applies_to: Option<Vec<String>>,
    #[serde(default)]
    pub policy: Option<String>,
    // review_policy / licence_exception
    #[serde(default)]
    pub applies_to_requirements: Option<Vec<String>>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub conditions_text: Option<String>,
}

/// A validated, compiled rule record (one version of one rule id).
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub citations: Vec<Citation>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub confidence: Confidence,
    pub text: Option<String>,
    pub note: Option<String>,
    pub postures: Option<Vec<Posture>>,
    pub condition: Option<Condition>,
    /// The file the record came from and its line.
    pub file: String,
    pub line: usize,
    pub group: Option<String>,
    pub countries: Vec<String>,
    pub country: Option<String>,
    pub treated_as: Option<String>,
    pub target: Option<String>,
    pub expr: Option<Condition>,
    pub unit: Option<String>,
    pub paragraph: Option<String>,
    pub eccn: Option<String>,
    pub reasons: Vec<String>,
    pub report_as: Option<String>,
    pub excludes: Vec<String>,
    pub reason: Option<String>,
    pub applies_to: Option<Vec<String>>,
    pub policy: Option<String>,
    pub applies_to_requirements: Vec<String>,
    pub priority: i64,
    pub code: Option<String>,
    pub conditions_text: Option<String>,
}

impl Rule {
    /// Whether this version is in force on `date` under `posture`.
    pub fn applies_on(&self, date: NaiveDate, posture: Posture) -> bool {
        self.valid_from <= date
            && self.valid_to.is_none_or(|to| date <= to)
            && self.postures.as_ref().is_none_or(|p| p.contains(&posture))
    }

    /// The first citation, formatted for a reason line.
    pub fn cite(&self) -> String {
        self.citations
            .iter()
            .map(|c| match &c.source {
                Some(s) => format!("{} ({s})", c.cite),
                None => c.cite.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The classification label a met control entry reports.
    pub fn label(&self) -> &str {
        self.report_as
            .as_deref()
            .or(self.paragraph.as_deref())
            .unwrap_or(&self.id)
    }
}
