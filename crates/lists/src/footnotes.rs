//! Entity List footnote markers in the CSL `license_requirement` text.
//!
//! Supplement No. 4 to Part 744 marks entries with footnotes that switch on foreign-direct-product
//! rules. In the CSL the footnote number is printed straight after the citation, in several
//! spellings (all seen in the 2026-07-31 CSL):
//!
//! | Text | Footnote |
//! |---|---|
//! | `§§ 734.9(e)1 and 744.11`, `§ 734.9(e) 1`, `§734.9(e)1,` | 1 |
//! | `... of the EAR2`, `... of the EAR 2` | 2 |
//! | `§ 734.9(g),3`, `§734.9(g), 3`, `§§734.9(g)3,` | 3 |
//! | `(See §§ 734.9(e)(2) and 744.11 of the EAR)4`, `EAR) 4`, `EAR)4.` | 4 |
//! | `(See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)5` | 5 |
//!
//! A paragraph reference such as `734.9(e)(2)` or `746.8(a)(3)` is never read as a marker.
//! Where the text cites a foreign-direct-product paragraph but its marker was lost (e.g.
//! `§§ 734.9(g), 746.8(a)(3)`), the footnote is inferred from the paragraph using the pairing
//! the marked entries show: (e)(1) → 1, (g) → 3, (e)(2) → 4, (e)(3) → 5; its `source_text` is
//! then the citation alone, without a marker digit.

use std::sync::OnceLock;

use regex::Regex;

use crate::entity::Footnote;

fn after_paragraph() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // §734.9(e)1 / § 734.9(g),3 / 734.9(g), 3 / 734.9(g)3 — a single digit after a one-letter
    // paragraph, not followed by another digit, '.' or '(' (which would make it a section number).
    R.get_or_init(|| {
        Regex::new(r"(?:§+\s*)?734\.9\s*\(\s*[a-z]\s*\)\s*,?\s*([1-9])(?:[^0-9.(]|$)")
            .expect("valid regex")
    })
}

fn after_ear() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // "of the EAR2", "of the EAR 2", "of the EAR)4", "EAR) 4", "EAR)4."
    R.get_or_init(|| Regex::new(r"EAR\.?\s*\)?\.?\s*([1-9])(?:[^0-9]|$)").expect("valid regex"))
}

fn cited_paragraph() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"734\.9\s*\(\s*([eg])\s*\)(?:\s*\(\s*([1-3])\s*\))?").expect("valid regex")
    })
}

/// The EAR paragraph a footnote number points to, as the marked CSL entries pair them.
pub fn provision(number: u8) -> Option<&'static str> {
    match number {
        1 => Some("§ 734.9(e)(1)"),
        3 => Some("§ 734.9(g)"),
        4 => Some("§ 734.9(e)(2)"),
        5 => Some("§ 734.9(e)(3)"),
        _ => None,
    }
}

/// Parses the footnote markers of a licence requirement text, in order of number, without
/// duplicates.
pub fn parse(text: &str) -> Vec<Footnote> {
    let mut out: Vec<Footnote> = Vec::new();
    fn add(out: &mut Vec<Footnote>, number: u8, source_text: &str) {
        if !out.iter().any(|f| f.number == number) {
            out.push(Footnote {
                number,
                source_text: source_text.trim().trim_end_matches([',', ' ']).to_string(),
            });
        }
    }
    for re in [after_paragraph(), after_ear()] {
        for caps in re.captures_iter(text) {
            let (Some(all), Some(digit)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let number = digit.as_str().parse::<u8>().unwrap_or(0);
            let source = &text[all.start()..digit.end()];
            if number > 0 {
                add(&mut out, number, source);
            }
        }
    }
    if out.is_empty() {
        for caps in cited_paragraph().captures_iter(text) {
            let para = caps.get(1).map(|m| m.as_str());
            let sub = caps.get(2).map(|m| m.as_str());
            let number = match (para, sub) {
                (Some("g"), _) => 3,
                (Some("e"), Some("1")) => 1,
                (Some("e"), Some("2")) => 4,
                (Some("e"), Some("3")) => 5,
                _ => continue,
            };
            if let Some(m) = caps.get(0) {
                add(&mut out, number, m.as_str());
            }
        }
    }
    out.sort_by_key(|f| f.number);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<u8> {
        parse(text).iter().map(|f| f.number).collect()
    }

    #[test]
    fn every_marker_spelling_in_the_csl() {
        assert_eq!(
            numbers("For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2"),
            vec![1, 2]
        );
        assert_eq!(
            numbers("For all items subject to the EAR, see §§ 734.9(e) 1 and 744.11 of the EAR 2"),
            vec![1, 2]
        );
        assert_eq!(
            numbers("For All Items Subject to the EAR (See §734.9(e)1, and §744.11 of the EAR)2."),
            vec![1, 2]
        );
        assert_eq!(
            numbers("(See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)"),
            vec![3]
        );
        assert_eq!(
            numbers("(See §734.9(g), 3 §746.8(a)(3), and §744.21(b) of the EAR)."),
            vec![3]
        );
        assert_eq!(
            numbers("(See §§734.9(g)3, 746.8(a)(3), and 744.2l(b) of the EAR)"),
            vec![3]
        );
        assert_eq!(
            numbers("(See §§ 734.9(e)(2) and 744.11 of the EAR)4"),
            vec![4]
        );
        assert_eq!(
            numbers("(See §§ 734.9(e)(2) and 744.11 of the EAR) 4"),
            vec![4]
        );
        assert_eq!(numbers("(See §734.9(e), and 744.11 of the EAR)4."), vec![4]);
        assert_eq!(
            numbers("(See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)5"),
            vec![5]
        );
        let f = parse("see §§ 734.9(e)1 and 744.11 of the EAR2");
        assert_eq!(f[0].source_text, "§§ 734.9(e)1");
        assert_eq!(f[1].source_text, "EAR2");
    }

    #[test]
    fn section_numbers_are_not_markers() {
        assert!(numbers("For all items subject to the EAR. (See §744.11 of the EAR).").is_empty());
        assert!(
            numbers("For items on the CCL and EAR99 items listed in supplement no. 7").is_empty()
        );
        assert!(numbers("(See § 746.8(a)(4) of the EAR)").is_empty());
        assert!(numbers("License Exception GOV under § 740.11(b)(2) and (e).").is_empty());
    }

    #[test]
    fn lost_markers_are_inferred_from_the_paragraph() {
        let f = parse("(See §§ 734.9(g), 746.8(a)(3), and 744.21(b) of the EAR)");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].number, 3);
        assert_eq!(f[0].source_text, "734.9(g)");
        assert_eq!(
            numbers("(See §§ 734.9(e)(2) and 744.11 of the EAR)"),
            vec![4]
        );
        // (e) alone could be footnote 1 or 4: nothing is guessed.
        assert!(numbers("(See §734.9(e) and §744.11 of the EAR)").is_empty());
        assert_eq!(provision(3), Some("§ 734.9(g)"));
    }
}
