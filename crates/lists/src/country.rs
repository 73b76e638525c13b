//! Country names to ISO 3166-1 alpha-2 codes.
//!
//! The table is `data/countries.tsv` in this crate: ISO short, official and common names plus the
//! spellings the official lists use ("Korea, North", "Iran (Islamic Republic of)", "Burma" ...).

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/countries.tsv");

struct Table {
    by_name: HashMap<String, &'static str>,
    codes: HashMap<&'static str, ()>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_name = HashMap::new();
        let mut codes = HashMap::new();
        for line in TABLE.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some((code, name)) = line.split_once('\t') {
                codes.insert(code, ());
                by_name.entry(key(name)).or_insert(code);
            }
        }
        Table { by_name, codes }
    })
}

/// Lower-case, letters and digits only, single spaces, and a leading "the " dropped.
fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '\u{2019}' {
            space = true;
        }
    }
    match out.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

/// Is `code` an ISO 3166-1 alpha-2 code in the table (upper case, e.g. `CN`)?
pub fn is_alpha2(code: &str) -> bool {
    code.len() == 2 && table().codes.contains_key(code)
}

/// The ISO alpha-2 code for a country name or code, if it can be determined.
///
/// Accepts a two-letter code in any case (`cn`, `CN`), an ISO name, or a known list spelling.
pub fn to_alpha2(name: &str) -> Option<&'static str> {
    let trimmed = name.trim();
    if trimmed.len() == 2 {
        let upper = trimmed.to_ascii_uppercase();
        if let Some((code, _)) = table().codes.get_key_value(upper.as_str()) {
            return Some(code);
        }
    }
    let k = key(trimmed);
    if let Some(code) = table().by_name.get(&k) {
        return Some(code);
    }
    // "Region: Gaza", "possibly Palestinian"
    for prefix in ["region ", "possibly "] {
        if let Some(rest) = k.strip_prefix(prefix) {
            return table().by_name.get(rest).copied();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(to_alpha2("cn"), Some("CN"));
        assert_eq!(to_alpha2("Russia"), Some("RU"));
        assert_eq!(to_alpha2("Russian Federation"), Some("RU"));
        assert_eq!(to_alpha2("Korea, North"), Some("KP"));
        assert_eq!(to_alpha2("Iran (Islamic Republic of)"), Some("IR"));
        assert_eq!(to_alpha2("Islamic Republic of Iran"), Some("IR"));
        assert_eq!(to_alpha2("Region: Gaza"), Some("PS"));
        assert_eq!(to_alpha2("Côte d'Ivoire"), Some("CI"));
        assert_eq!(to_alpha2("the Netherlands"), Some("NL"));
        assert_eq!(to_alpha2("Atlantis"), None);
        assert_eq!(to_alpha2("xx"), None);
        assert!(is_alpha2("DE"));
        assert!(!is_alpha2("de"));
    }
}
