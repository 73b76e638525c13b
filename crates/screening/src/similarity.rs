//! Token-level similarity: how one normalised token compares with another, and why.
//!
//! Each comparison returns a similarity in 0..=1 and the [`Method`] that produced it, so the
//! scorer can explain itself. The rules, strongest first:
//!
//! 1. **exact** — the same ASCII form (after transliteration): 1.0.
//! 2. **fuzzy** — optimal-string-alignment edit distance (typos, a transposed pair of letters)
//!    within a budget that grows with length: none below 4 letters, 1 up to 7, 2 up to 11, then 3;
//!    the first letters must agree (or the first two be swapped, `baid` ~ `abid`) below 5 letters.
//!    Similarity is Jaro-Winkler, floored at 0.75 inside the budget.
//! 3. **transliterated** — when either token came from a script that does not carry Latin vowels
//!    faithfully (Arabic, Hebrew, kana, Hangul, Thai, Indic), equal consonant skeletons
//!    (see [`skeleton`]) of three or more consonants count: `mhmd` (محمد) ~ `mohammed`. 0.85 for
//!    three consonants, 0.9 for four, 0.95 for more; 0.75 for skeletons one edit apart when they
//!    have five or more consonants, and 0.75 for equal short skeletons of tokens of at most four
//!    letters (`ly` (علي) ~ `ali`).
//!
//! Pinyin syllables from Han characters are compared exactly (below seven letters): `cheng` and
//! `chen` are different syllables, not a typo.
//! 4. **phonetic** — equal Double Metaphone codes on tokens of five or more letters whose first
//!    letters sound alike (`aleksandr` ~ `alexander`): 0.8.
//! 5. **initial** — a one-letter token against a word starting with that letter: 0.6.
//!
//! Anything else is 0: no similarity is ever made up from a weak Jaro-Winkler value alone, which
//! is what makes brute-force JW screening noisy on short names.

use rphonetic::DoubleMetaphone;
use std::sync::OnceLock;

use crate::normalize::{classify, Token, TokenClass};
use crate::translit::Script;

/// How a query token was aligned with a list token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Exact,
    Fuzzy,
    Phonetic,
    Transliterated,
    Initial,
    /// Two adjacent query tokens written together on the list (`al qaida` ~ `alqaida`).
    Joined,
    /// One query token written as two on the list (`jscargument` ~ `jsc argument`).
    Split,
}

/// A token with its precomputed comparison features.
///
/// Besides the strings, three integer keys let [`compare`] reject the great majority of pairs
/// (unrelated tokens) without touching the strings: `letters` (which letters occur), `skel_key`
/// (the skeleton packed into an integer) and `meta_key` (the Double Metaphone codes packed).
#[derive(Debug, Clone)]
pub struct TokInfo {
    pub text: String,
    pub script: Script,
    pub class: TokenClass,
    pub len: usize,
    pub skeleton: String,
    pub metaphone: (String, String),
    /// Bit `b % 32` set for every byte `b` of the text. One edit (substitution, insertion,
    /// deletion) changes at most two bits and a transposition none, so two tokens within `k`
    /// edits differ in at most `2k` bits.
    pub letters: u32,
    /// The skeleton packed ([`pack`]); equal keys ⇔ equal skeletons.
    pub skel_key: u128,
    /// The Double Metaphone codes packed; 0 when there is none.
    pub meta_key: (u64, u64),
    /// For a Latin token, the skeleton of its continental reading ([`continental`]: `ch` as
    /// `k`, `w` as `v`, `j` as `y`, `c` before `e`/`i` as `s`) when it differs from `skeleton`;
    /// else empty. Used only against tokens of other scripts.
    pub skeleton2: String,
    pub skel_key2: u128,
    /// Alternative Latin readings of a non-Latin token ([`crate::normalize::Token::alts`]),
    /// each with its own features (no phonetic code, no further alternatives).
    pub alts: Vec<TokInfo>,
}

/// Packs an ASCII string of up to 8 bytes (metaphone codes are at most 6) into an integer that
/// is equal for equal strings and non-zero for non-empty ones.
fn pack64(s: &str) -> u64 {
    s.bytes().take(8).fold(0u64, |k, b| (k << 8) | b as u64)
}

/// [`pack64`] for up to 16 bytes; longer strings keep their first 15 bytes and a hash of the
/// rest (equality of keys then only holds with a negligible collision chance, and equal
/// skeletons always give equal keys).
pub fn pack(s: &str) -> u128 {
    let b = s.as_bytes();
    if b.len() <= 16 {
        b.iter().fold(0u128, |k, &x| (k << 8) | x as u128)
    } else {
        let head = b[..15].iter().fold(0u128, |k, &x| (k << 8) | x as u128);
        let mut h: u8 = 0x9b;
        for &x in &b[15..] {
            h = h.rotate_left(3) ^ x;
        }
        (head << 8) | (h | 0x80) as u128
    }
}

fn letter_mask(s: &str) -> u32 {
    s.bytes().fold(0u32, |m, b| m | 1 << (b % 32))
}

fn metaphone() -> &'static DoubleMetaphone {
    static DM: OnceLock<DoubleMetaphone> = OnceLock::new();
    DM.get_or_init(|| DoubleMetaphone::new(Some(6)))
}

impl TokInfo {
    pub fn new(token: &Token) -> TokInfo {
        TokInfo::from_text(&token.text, token.script).with_alts(&token.alts)
    }

    /// Adds the alternative readings of a non-Latin token.
    pub fn with_alts(mut self, alts: &[String]) -> TokInfo {
        self.alts = alts
            .iter()
            .map(|a| {
                let mut t = TokInfo::light(a, self.script);
                t.class = self.class;
                t
            })
            .collect();
        self
    }

    /// Whether two infos have the same alternative readings (then their comparisons agree).
    pub fn same_alts(&self, other: &TokInfo) -> bool {
        self.alts.len() == other.alts.len()
            && self
                .alts
                .iter()
                .zip(&other.alts)
                .all(|(a, b)| a.text == b.text)
    }

    /// All skeletons of the token: its own, the continental reading's, its alternatives'.
    pub fn skeletons(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.skeleton.as_str())
            .chain((!self.skeleton2.is_empty()).then_some(self.skeleton2.as_str()))
            .chain(self.alts.iter().map(|a| a.skeleton.as_str()))
    }

    /// Without the phonetic code (used for the joined forms built during alignment, where the
    /// Double Metaphone would cost more than it finds).
    pub fn light(text: &str, script: Script) -> TokInfo {
        let skeleton = skeleton(text);
        let skeleton2 = if script == Script::Latin {
            continental(text)
                .map(|c| crate::similarity::skeleton(&c))
                .filter(|s2| *s2 != skeleton)
                .unwrap_or_default()
        } else {
            String::new()
        };
        TokInfo {
            skel_key2: if skeleton2.is_empty() {
                0
            } else {
                pack(&skeleton2)
            },
            skeleton2,
            alts: Vec::new(),
            text: text.to_string(),
            script,
            class: classify(text),
            len: text.len(),
            letters: letter_mask(text),
            skel_key: pack(&skeleton),
            skeleton,
            metaphone: (String::new(), String::new()),
            meta_key: (0, 0),
        }
    }

    /// Sets the Double Metaphone codes (and their keys).
    pub fn set_metaphone(&mut self, m: (String, String)) {
        self.meta_key = (pack64(&m.0), pack64(&m.1));
        self.metaphone = m;
    }

    pub fn from_text(text: &str, script: Script) -> TokInfo {
        let len = text.len(); // ASCII after normalisation
        let metaphone = if len >= 5 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
            let r = metaphone().double_metaphone(text);
            (r.primary(), r.alternate())
        } else {
            (String::new(), String::new())
        };
        let mut t = TokInfo::light(text, script);
        t.len = len;
        t.set_metaphone(metaphone);
        t
    }
}

/// The consonant skeleton used for cross-script comparison: letters folded into sound classes
/// that transliterations confuse, vowels and glides dropped, repeats collapsed.
///
/// Classes: `b p f v` → `b`; `d t` (and `th`, `dh`) → `t`; `k g q c` (and `kh`, `gh`, `ck`) → `k`;
/// `s z` (and `ts`) → `s`; `sh ch j zh` → `j`; `l r` → `r`; `x` → `ks`; `h` kept; vowels, `y`,
/// `w` dropped. `mohammed` → `mhmt`, `mhmd` → `mhmt`, `ralseuteon` → `rst`... ralston → `rstn`.
pub fn skeleton(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    let push = |c: char, out: &mut String| {
        if !out.ends_with(c) {
            out.push(c);
        }
    };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let (class, step) = match (c, next) {
            (b's', Some(b'h')) | (b'c', Some(b'h')) | (b'z', Some(b'h')) => (Some('j'), 2),
            (b't', Some(b'h')) | (b'd', Some(b'h')) => (Some('t'), 2),
            (b'k', Some(b'h')) | (b'g', Some(b'h')) | (b'c', Some(b'k')) => (Some('k'), 2),
            (b'p', Some(b'h')) => (Some('b'), 2),
            (b't', Some(b's')) => (Some('s'), 2),
            (b'b' | b'p' | b'f' | b'v', _) => (Some('b'), 1),
            (b'd' | b't', _) => (Some('t'), 1),
            (b'k' | b'g' | b'q' | b'c', _) => (Some('k'), 1),
            (b's' | b'z', _) => (Some('s'), 1),
            (b'j', _) => (Some('j'), 1),
            (b'l' | b'r', _) => (Some('r'), 1),
            (b'x', _) => {
                push('k', &mut out);
                (Some('s'), 1)
            }
            (b'h', _) => (Some('h'), 1),
            (b'm', _) => (Some('m'), 1),
            (b'n', _) => (Some('n'), 1),
            (b'0'..=b'9', _) => (Some(c as char), 1),
            _ => (None, 1),
        };
        if let Some(cl) = class {
            push(cl, &mut out);
        }
        i += step;
    }
    out
}

/// The continental-European reading of a Latin spelling, as names from German, Dutch, Polish,
/// Italian or Scandinavian are pronounced (and so transliterated into other scripts): `ch` →
/// `k` (`Bach`, `Graucher`), `w` → `v` (`Wagner`), `j` → `y` (`Johansson`), `c` before `e`, `i`,
/// `y` → `s` (`Cecil`). `None` when the token has none of these letters.
pub fn continental(text: &str) -> Option<String> {
    let b = text.as_bytes();
    if !b.iter().any(|c| matches!(c, b'c' | b'w' | b'j')) {
        return None;
    }
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        match (b[i], next) {
            (b's', Some(b'c')) if b.get(i + 2) == Some(&b'h') => {
                out.push_str("sh");
                i += 3;
                continue;
            }
            (b'c', Some(b'h')) => {
                out.push('k');
                i += 2;
                continue;
            }
            (b'c', Some(b'e' | b'i' | b'y')) => out.push('s'),
            (b'w', _) => out.push('v'),
            (b'j', _) => out.push('y'),
            (c, _) => out.push(c as char),
        }
        i += 1;
    }
    Some(out)
}

/// Edit budget for a token of `len` letters.
pub fn edit_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        8..=11 => 2,
        _ => 3,
    }
}

/// Compares two tokens. Returns `None` when they are not similar enough to count as evidence.
///
/// Cheap necessary conditions are checked first, on the integer keys of [`TokInfo`]: most pairs
/// compared during screening are unrelated tokens and are rejected here without an edit
/// distance being computed.
pub fn compare(a: &TokInfo, b: &TokInfo) -> Option<(f32, Method)> {
    let best = compare_one(a, b);
    if a.alts.is_empty() && b.alts.is_empty() || best.is_some_and(|x| x.0 >= 1.0) {
        return best;
    }
    // alternative readings: the best of every pairing of forms, as a transliteration
    let mut best = best;
    for (k, x) in std::iter::once(a).chain(&a.alts).enumerate() {
        for (l, y) in std::iter::once(b).chain(&b.alts).enumerate() {
            if k + l == 0 {
                continue;
            }
            if let Some((sim, m)) = compare_one(x, y) {
                if m != Method::Initial {
                    best = better(best, (sim, Method::Transliterated));
                }
            }
        }
    }
    best
}

/// [`compare`] of one form of each token.
fn compare_one(a: &TokInfo, b: &TokInfo) -> Option<(f32, Method)> {
    if a.len == b.len && a.text == b.text {
        return Some((1.0, Method::Exact));
    }
    let long = a.len.max(b.len);
    let short = a.len.min(b.len);
    let mut best: Option<(f32, Method)> = None;
    let exact_syllables = (a.script.syllables_exact() || b.script.syllables_exact()) && short < 7;
    let budget = if short < 4 || exact_syllables {
        0
    } else {
        edit_budget(long)
    };
    if budget > 0
        && long - short <= budget
        && (a.letters ^ b.letters).count_ones() as usize <= 2 * budget
        && (a.text.as_bytes()[0] == b.text.as_bytes()[0] || short >= 5 || swapped_start(a, b))
        && osa_within(&a.text, &b.text, budget).is_some()
    {
        let jw =
            rapidfuzz::distance::jaro_winkler::similarity(a.text.bytes(), b.text.bytes()) as f32;
        best = Some((jw.max(0.75), Method::Fuzzy));
    }
    let cross = a.script.vowels_unreliable() || b.script.vowels_unreliable();
    // A Latin-script token without a vowel is an acronym or abbreviation (`TCL`), not a
    // spelling of a name: a consonant skeleton says nothing about it.
    if cross && a.script != b.script && spelled(a) && spelled(b) {
        // the continental reading of a Latin token counts as well as its usual one
        let (sa, sb) = if a.skel_key != b.skel_key && a.skel_key2 | b.skel_key2 != 0 {
            if a.skel_key2 != 0 && a.skel_key2 == b.skel_key {
                (&a.skeleton2, &b.skeleton)
            } else if b.skel_key2 != 0 && b.skel_key2 == a.skel_key {
                (&a.skeleton, &b.skeleton2)
            } else {
                (&a.skeleton, &b.skeleton)
            }
        } else {
            (&a.skeleton, &b.skeleton)
        };
        let consonants = sa.len().min(sb.len());
        let same = sa == sb;
        if consonants >= 3 && same {
            // the longer the skeleton, the less likely two different names share it
            let sim = match consonants {
                3 => 0.85,
                4 => 0.9,
                _ => 0.95,
            };
            best = better(best, (sim, Method::Transliterated));
        } else if consonants >= 1 && same && long <= 4 {
            // short names (علي ~ ali): weak evidence, and short tokens weigh little anyway
            best = better(best, (0.75, Method::Transliterated));
        } else if consonants >= 5
            && sa.len().abs_diff(sb.len()) <= 1
            && sa.as_bytes()[0] == sb.as_bytes()[0]
            && osa_within(sa, sb, 1).is_some()
        {
            best = better(best, (0.75, Method::Transliterated));
        }
    }
    if !exact_syllables
        && a.meta_key.0 != 0
        && b.meta_key.0 != 0
        && (a.meta_key.0 == b.meta_key.0
            || a.meta_key.0 == b.meta_key.1
            || a.meta_key.1 == b.meta_key.0)
        && a.metaphone.0.len() >= 3
        && a.skeleton.as_bytes().first() == b.skeleton.as_bytes().first()
    {
        best = better(best, (0.8, Method::Phonetic));
    }
    if best.is_none() && (a.len == 1 || b.len == 1) && a.text.as_bytes()[0] == b.text.as_bytes()[0]
    {
        best = Some((0.6, Method::Initial));
    }
    best
}

/// Optimal-string-alignment distance if it is at most `max`, on the bytes.
fn osa_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let d = if a.len() <= 64 {
        osa_bits(a, b)
    } else {
        rapidfuzz::distance::osa::distance(a.iter().copied(), b.iter().copied())
    };
    (d <= max).then_some(d)
}

/// Optimal-string-alignment distance, Hyyrö's bit-parallel algorithm (2003) for `a` of at most
/// 64 bytes, without allocation (the match masks on the stack): the algorithm rapidfuzz uses,
/// minus its per-call heap buffers.
fn osa_bits(a: &[u8], b: &[u8]) -> usize {
    debug_assert!(a.len() <= 64);
    let m = a.len();
    if m == 0 {
        return b.len();
    }
    let mut peq = [0u64; 256];
    for (i, &c) in a.iter().enumerate() {
        peq[c as usize] |= 1u64 << i;
    }
    let last = 1u64 << (m - 1);
    let (mut vp, mut vn, mut d0, mut pm_old) = (!0u64, 0u64, 0u64, 0u64);
    let mut dist = m;
    for &c in b {
        let pm = peq[c as usize];
        let tr = (((!d0) & pm) << 1) & pm_old;
        d0 = ((((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn) | tr;
        let mut hp = vn | !(d0 | vp);
        let mut hn = d0 & vp;
        if hp & last != 0 {
            dist += 1;
        } else if hn & last != 0 {
            dist -= 1;
        }
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        pm_old = pm;
    }
    dist
}

/// The first two letters swapped (`baid` ~ `abid`): a typo at the start of a short name that
/// the same-first-letter rule would otherwise refuse.
fn swapped_start(a: &TokInfo, b: &TokInfo) -> bool {
    let (x, y) = (a.text.as_bytes(), b.text.as_bytes());
    x.len() >= 2 && y.len() >= 2 && x[0] == y[1] && x[1] == y[0] && x[0] != x[1]
}

/// Whether a token can be compared by its consonant skeleton: tokens of scripts without
/// reliable vowels always, others only when they hold a vowel.
fn spelled(t: &TokInfo) -> bool {
    t.script.vowels_unreliable() || t.text.bytes().any(|b| b"aeiouy".contains(&b))
}

fn better(cur: Option<(f32, Method)>, new: (f32, Method)) -> Option<(f32, Method)> {
    match cur {
        Some(c) if c.0 >= new.0 => Some(c),
        _ => Some(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TokInfo {
        TokInfo::from_text(s, Script::Latin)
    }
    fn ar(s: &str) -> TokInfo {
        TokInfo::from_text(s, Script::Arabic)
    }

    #[test]
    fn rules() {
        assert_eq!(compare(&t("salek"), &t("salek")).unwrap().1, Method::Exact);
        assert_eq!(
            compare(&t("abdulhai"), &t("abdulhia")).unwrap().1,
            Method::Fuzzy
        );
        assert!(
            compare(&t("ali"), &t("ari")).is_none(),
            "no fuzzy on three letters"
        );
        assert_eq!(
            compare(&ar("mhmd"), &t("mohammed")).unwrap().1,
            Method::Transliterated
        );
        assert_eq!(
            compare(&t("aleksandr"), &t("alexander")).unwrap().1,
            Method::Phonetic
        );
        assert_eq!(compare(&t("j"), &t("john")).unwrap().1, Method::Initial);
        assert!(compare(&t("smith"), &t("jones")).is_none());
    }

    #[test]
    fn start_swap_and_acronyms() {
        assert_eq!(compare(&t("baid"), &t("abid")).unwrap().1, Method::Fuzzy);
        assert!(compare(&t("bead"), &t("abid")).is_none(), "two edits");
        // an acronym has no vowel: no skeleton evidence from it
        assert!(compare(&ar("tkl"), &t("tcl")).is_none());
        assert!(compare(&ar("tkl"), &t("tikal")).is_some());
    }

    #[test]
    fn integer_keys_agree_with_strings() {
        for (x, y) in [("mohammed", "muhammad"), ("smith", "smyth"), ("ali", "aly")] {
            let (a, b) = (t(x), t(y));
            assert_eq!(a.skel_key == b.skel_key, a.skeleton == b.skeleton);
            let d = rapidfuzz::distance::osa::distance(a.text.bytes(), b.text.bytes());
            assert!((a.letters ^ b.letters).count_ones() as usize <= 2 * d);
        }
    }

    #[test]
    fn osa_agrees_with_rapidfuzz() {
        // pseudo-random strings over a small alphabet (many transpositions and repeats)
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..20_000 {
            let la = next(14) as usize;
            let lb = next(14) as usize;
            let a: String = (0..la).map(|_| (b'a' + next(4) as u8) as char).collect();
            let b: String = (0..lb).map(|_| (b'a' + next(4) as u8) as char).collect();
            let d = rapidfuzz::distance::osa::distance(a.bytes(), b.bytes());
            assert_eq!(osa_bits(a.as_bytes(), b.as_bytes()), d, "{a} {b}");
            for max in 0..4 {
                assert_eq!(osa_within(&a, &b, max), (d <= max).then_some(d), "{a} {b}");
            }
        }
        let long = "ab".repeat(40);
        assert_eq!(osa_within(&long, &long[1..], 1), Some(1));
        assert_eq!(osa_bits(b"ca", b"abc"), 3);
        assert_eq!(osa_bits(b"mohammed", b"mohamemd"), 1);
    }

    #[test]
    fn alternative_readings_compare() {
        use crate::normalize::normalize;
        let info = |s: &str| TokInfo::new(&normalize(s)[0]);
        // the vowel reading of Hebrew ו finds `smooth`, the main one does not
        assert_eq!(
            compare(&info("סמוט"), &t("smooth")).unwrap().1,
            Method::Transliterated
        );
        // Cyrillic х as h
        assert!(compare(&info("Хайдер"), &t("heider")).is_some());
        // the continental reading of a Latin name (ch as k) against Hebrew
        assert!(compare(&info("גראוכר"), &t("graucher")).is_some());
        assert_eq!(continental("graucher").as_deref(), Some("grauker"));
        assert_eq!(continental("smith"), None);
        // an unrelated pair stays unrelated
        assert!(compare(&info("סמוט"), &t("jones")).is_none());
    }

    #[test]
    fn skeletons() {
        assert_eq!(skeleton("mohammed"), skeleton("mhmd"));
        assert_eq!(skeleton("khaled"), skeleton("khld"));
        assert_eq!(skeleton("ralseuteon"), skeleton("ralston"));
    }
}
