//! Qualifiers: what besides the name moves a score — country, date of birth, identifiers,
//! entity type.
//!
//! | qualifier | effect |
//! |---|---|
//! | identifier equal (after removing spaces/punctuation, case-folded) | decides: score 1.0 |
//! | date of birth: same full date | +0.05 |
//! | date of birth: same year | +0.02 |
//! | date of birth: nearest year 1 apart | 0 (a common recording error) |
//! | date of birth: nearest year ≥ 2 apart | −0.20 |
//! | country: among the entry's countries | +0.03 |
//! | country: entry has countries, none equal | −0.05 |
//! | entity type incompatible (person vs organisation vs vessel) | not a candidate at all |
//!
//! Missing data on either side changes nothing: a list entry without a date of birth is neither
//! confirmed nor contradicted.

use chokepoint_lists::EntityType;
use serde::Serialize;
use std::str::FromStr;

/// The kind of party a query names, in the vocabulary of FollowTheMoney schemata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, Default)]
pub enum Schema {
    Person,
    Organization,
    Company,
    /// A person or an organisation.
    LegalEntity,
    Vessel,
    Aircraft,
    /// Unknown: compares with everything.
    #[default]
    Any,
}

impl FromStr for Schema {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" => Schema::Person,
            "organization" | "organisation" | "entity" => Schema::Organization,
            "company" => Schema::Company,
            "legalentity" | "legal_entity" => Schema::LegalEntity,
            "vessel" | "ship" => Schema::Vessel,
            "aircraft" => Schema::Aircraft,
            "" | "any" | "thing" | "unknown" => Schema::Any,
            other => {
                return Err(format!(
                    "unknown schema {other:?}: expected Person, Company, Organization, LegalEntity, Vessel or Aircraft"
                ))
            }
        })
    }
}

impl Schema {
    /// Whether a list entry of type `t` can be the party a query of this schema names.
    pub fn admits(self, t: EntityType) -> bool {
        use EntityType as E;
        match self {
            Schema::Any => true,
            _ if t == E::Unknown => true,
            Schema::Person => t == E::Person,
            Schema::Organization | Schema::Company => t == E::Organization,
            Schema::LegalEntity => matches!(t, E::Person | E::Organization),
            Schema::Vessel => t == E::Vessel,
            Schema::Aircraft => t == E::Aircraft,
        }
    }
}

/// One qualifier's effect on a hit's score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Qualifier {
    /// "identifier", "date_of_birth" or "country".
    pub kind: &'static str,
    /// Added to the name score (identifiers: the score becomes 1.0).
    pub effect: f32,
    pub detail: String,
}

/// ISO 3166-1 alpha-2 code (upper case) of a country code or name (`"de"`, `"DEU"`, `"Germany"`,
/// `"Iran (Islamic Republic of)"`), or `None` when it cannot be told.
pub fn country_code(s: &str) -> Option<String> {
    let key: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect();
    if key.is_empty() {
        return None;
    }
    let found = celes::Country::from_str(&key)
        .or_else(|_| celes::Country::from_alias(&key))
        .or_else(|_| celes::Country::from_name(&key))
        .ok()
        .or_else(|| {
            // "Iran (Islamic Republic of)", "Korea, Democratic People's Republic of"
            let short: String = s
                .split(['(', ','])
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(|c| c.to_lowercase())
                .collect();
            if short != key && !short.is_empty() {
                celes::Country::from_str(&short)
                    .or_else(|_| celes::Country::from_alias(&short))
                    .ok()
            } else {
                None
            }
        })?;
    Some(found.alpha2.to_ascii_uppercase())
}

/// A date as far as it is known: year, and month/day when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Reads the dates in a free-text date of birth: `1965`, `1960-06-29`, `1960-6-9`, `29/06/1960`,
/// `29 Jun 1960`, `circa 1958`, `1958 to 1960` (both years). Unreadable text gives nothing.
pub fn parse_dates(s: &str) -> Vec<PartialDate> {
    let mut out = Vec::new();
    // runs of ASCII digits, in order
    let mut nums: Vec<(usize, &str)> = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            nums.push((start, &s[start..i]));
        } else {
            i += 1;
        }
    }
    for (k, (_, n)) in nums.iter().enumerate() {
        if n.len() == 4 {
            let Ok(year) = n.parse::<i32>() else { continue };
            if !(1850..=2100).contains(&year) {
                continue;
            }
            // ISO: YYYY-MM-DD
            let (mut month, mut day) = (None, None);
            if let (Some((_, m)), Some((_, d))) = (nums.get(k + 1), nums.get(k + 2)) {
                if m.len() <= 2 && d.len() <= 2 {
                    month = m.parse::<u8>().ok().filter(|m| (1..=12).contains(m));
                    day = d.parse::<u8>().ok().filter(|d| (1..=31).contains(d));
                }
            }
            // DD/MM/YYYY
            if month.is_none() && k >= 2 {
                let (d, m) = (nums[k - 2].1, nums[k - 1].1);
                if d.len() <= 2 && m.len() <= 2 {
                    day = d.parse::<u8>().ok().filter(|d| (1..=31).contains(d));
                    month = m.parse::<u8>().ok().filter(|m| (1..=12).contains(m));
                }
            }
            if month.is_none() {
                month = month_name(s);
            }
            if month.is_none() {
                day = None;
            }
            out.push(PartialDate { year, month, day });
        }
    }
    out
}

fn month_name(s: &str) -> Option<u8> {
    let lower = s.to_ascii_lowercase();
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    MONTHS
        .iter()
        .position(|m| lower.contains(m))
        .map(|i| i as u8 + 1)
}

/// The date-of-birth qualifier for a query date against an entry's dates.
pub fn date_of_birth(query: &str, entry: &[String]) -> Option<Qualifier> {
    let q = parse_dates(query);
    let q = q.first()?;
    let listed: Vec<PartialDate> = entry.iter().flat_map(|d| parse_dates(d)).collect();
    if listed.is_empty() {
        return None;
    }
    if listed.iter().any(|d| {
        d.year == q.year
            && d.month.is_some()
            && d.month == q.month
            && d.day == q.day
            && d.day.is_some()
    }) {
        return Some(Qualifier {
            kind: "date_of_birth",
            effect: 0.05,
            detail: format!("same date of birth ({query})"),
        });
    }
    let nearest = listed
        .iter()
        .map(|d| (d.year - q.year).abs())
        .min()
        .unwrap_or(i32::MAX);
    Some(match nearest {
        0 => Qualifier {
            kind: "date_of_birth",
            effect: 0.02,
            detail: format!("same year of birth ({})", q.year),
        },
        1 => Qualifier {
            kind: "date_of_birth",
            effect: 0.0,
            detail: format!("year of birth one apart ({})", q.year),
        },
        n => Qualifier {
            kind: "date_of_birth",
            effect: -0.20,
            detail: format!(
                "year of birth {} apart ({} vs {})",
                n,
                q.year,
                entry.join(", ")
            ),
        },
    })
}

/// The country qualifier for a query country (ISO-2) against an entry's countries.
pub fn country(query: &str, entry: &[String]) -> Option<Qualifier> {
    if entry.is_empty() {
        return None;
    }
    if entry.iter().any(|c| c.eq_ignore_ascii_case(query)) {
        Some(Qualifier {
            kind: "country",
            effect: 0.03,
            detail: format!("country {query} is listed"),
        })
    } else {
        Some(Qualifier {
            kind: "country",
            effect: -0.05,
            detail: format!("country {query} not among {}", entry.join(", ")),
        })
    }
}

/// An identifier in the comparable form: letters and digits only, upper case.
pub fn normalize_identifier(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_dates("1965"),
            [PartialDate {
                year: 1965,
                month: None,
                day: None
            }]
        );
        assert_eq!(
            parse_dates("1960-06-29"),
            [PartialDate {
                year: 1960,
                month: Some(6),
                day: Some(29)
            }]
        );
        assert_eq!(
            parse_dates("29/06/1960"),
            [PartialDate {
                year: 1960,
                month: Some(6),
                day: Some(29)
            }]
        );
        assert_eq!(parse_dates("29 Jun 1960")[0].month, Some(6));
        assert_eq!(parse_dates("1958 to 1960").len(), 2);
        assert!(parse_dates("garbage").is_empty());
    }

    #[test]
    fn countries() {
        assert_eq!(country_code("de").as_deref(), Some("DE"));
        assert_eq!(country_code("Germany").as_deref(), Some("DE"));
        assert_eq!(country_code("Iraq").as_deref(), Some("IQ"));
        assert_eq!(
            country_code("Iran (Islamic Republic of)").as_deref(),
            Some("IR")
        );
        assert_eq!(country_code("Atlantis"), None);
    }

    #[test]
    fn dob_effects() {
        let e = vec!["1960-06-29".to_string()];
        assert!(date_of_birth("1960-06-29", &e).unwrap().effect > 0.0);
        assert_eq!(date_of_birth("1961", &e).unwrap().effect, 0.0);
        assert!(date_of_birth("1975-01-01", &e).unwrap().effect < 0.0);
        assert!(date_of_birth("1975", &[]).is_none());
    }
}
