//! The determination report: the stable JSON output contract (`docs/output.md`).

use serde::Serialize;

/// The answer for one shipment as of one date, under one posture.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: String,
    pub posture: String,
    pub rulebook: RulebookRef,
    pub shipment: ShipmentRef,
    /// One per regime that reaches the shipment (or might: reach unknown).
    pub determinations: Vec<Determination>,
    /// Regimes considered that do not reach the shipment, with why.
    pub not_reached: Vec<NotReached>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulebookRef {
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShipmentRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub ship_from: String,
    pub destination: String,
    pub item_kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    LicenceRequired,
    NoLicenceRequired,
    Undetermined,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::LicenceRequired => "licence_required",
            Outcome::NoLicenceRequired => "no_licence_required",
            Outcome::Undetermined => "undetermined",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Determination {
    pub jurisdiction: String,
    pub law: String,
    pub outcome: Outcome,
    /// `null` when undetermined.
    pub licence_required: Option<bool>,
    /// Labels of the control entries the item meets (e.g. `3A090.a`).
    pub classifications: Vec<String>,
    /// Why: reach, classification, each licence requirement that holds, end-use and end-user
    /// controls, policy — each with the rule id and its citation.
    pub reasons: Vec<Reason>,
    /// The strictest review policy among the requirements that hold.
    pub policy: Option<String>,
    /// Licence exceptions that may overcome the requirement, with their conditions.
    pub exceptions: Vec<ExceptionOption>,
    /// Facts whose absence left the answer undetermined (or that could add a requirement).
    pub missing: Vec<String>,
    /// The weakest confidence among the rules the answer relied on.
    pub confidence: String,
    /// Control entries whose criteria could not be decided, with the facts needed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided_classifications: Vec<Undecided>,
    /// Rule defects met while evaluating (never silently ignored).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rule_errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    pub rule: String,
    pub cite: String,
    pub text: String,
    /// reach | classification | requirement | policy | note
    pub kind: String,
    pub confidence: String,
    /// The facts the rule read and their values (`item.tpp = 15832`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExceptionOption {
    pub code: String,
    pub rule: String,
    pub cite: String,
    pub title: String,
    /// `available` (eligibility met) or `possibly_available` (eligibility needs facts).
    pub status: String,
    /// What the exporter must do to use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<String>,
    /// The requirements it addresses.
    pub overcomes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Undecided {
    pub classification: String,
    pub rule: String,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotReached {
    pub jurisdiction: String,
    pub law: String,
    pub why: Vec<Reason>,
}
