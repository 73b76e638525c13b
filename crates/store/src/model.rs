//! The rows the store keeps, as plain values.

use serde::Serialize;

/// What a token may do. The server maps each endpoint to the roles allowed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs checks and screenings.
    Screener,
    /// A screener who also decides review cases.
    Reviewer,
    /// Everything, including list updates and tokens.
    Admin,
    /// Reads the audit trail, cases and rules; changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Screener, Role::Reviewer, Role::Admin, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Screener => "screener",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An API token (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Where a review case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Match,
    NoMatch,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Match => "match",
            CaseStatus::NoMatch => "no_match",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        [CaseStatus::Open, CaseStatus::Match, CaseStatus::NoMatch]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// A party that was screened: its key and the query, kept for re-screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    /// The client's party id, or one derived from the query.
    pub key: String,
    pub name: String,
    /// The screening query as JSON.
    pub query: String,
}

/// A hit to review.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    pub party_key: String,
    pub party_name: String,
    pub list_source: String,
    pub entry_id: String,
    /// SHA-256 of the list entry's content when the hit was found.
    pub entry_hash: String,
    pub entry_name: String,
    pub score: f64,
    /// The hit as JSON (entry, matched name, explanation).
    pub hit: String,
}

/// A review case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub id: i64,
    pub opened_at: String,
    pub status: CaseStatus,
    pub party_key: String,
    pub party_name: String,
    pub list_source: String,
    pub entry_id: String,
    pub entry_hash: String,
    pub entry_name: String,
    pub score: f64,
    pub hit: serde_json::Value,
    /// The audit record of the screening that opened it.
    pub audit_seq: Option<i64>,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
}

/// A party cleared against one list entry in one content version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllowEntry {
    pub id: i64,
    pub party_key: String,
    pub list_source: String,
    pub entry_id: String,
    pub entry_hash: String,
    pub case_id: i64,
    pub reason: String,
    pub created_at: String,
    pub created_by: String,
}
