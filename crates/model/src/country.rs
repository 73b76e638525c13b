//! ISO 3166-1 alpha-2 country codes (plus XK, Kosovo, which lists use).

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/countries.tsv");

fn table() -> &'static HashMap<&'static str, &'static str> {
    static T: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    T.get_or_init(|| TABLE.lines().filter_map(|l| l.split_once('\t')).collect())
}

/// Whether `code` is a known alpha-2 code (upper case).
pub fn is_country(code: &str) -> bool {
    table().contains_key(code)
}

/// The English short name of a country code, if known.
pub fn country_name(code: &str) -> Option<&'static str> {
    table().get(code).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn hong_kong_and_macau_are_their_own_codes() {
        assert!(is_country("HK"));
        assert!(is_country("MO"));
        assert!(is_country("CN"));
        assert!(!is_country("ZZ"));
        assert!(!is_country("cn"));
    }
}
