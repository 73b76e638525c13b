//! Name normalisation: Unicode NFKC, script-aware transliteration to lower-case ASCII,
//! tokenisation, and the classification of tokens (legal forms, stop words, name particles).
//!
//! The output of [`normalize`] is what both the index and the scorer see, so a list name and a
//! query go through exactly the same steps.

use unicode_normalization::UnicodeNormalization;

use crate::translit::{self, Script};

/// One token of a normalised name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token {
    /// Lower-case ASCII letters and digits.
    pub text: String,
    /// Script the token was written in.
    pub script: Script,
    /// Alternative Latin readings of a non-Latin token (other romanisation systems, vowel
    /// letters read as vowels; see [`crate::translit`]), different from `text`. Empty for
    /// Latin tokens.
    pub alts: Vec<String>,
}

/// How much a token counts as evidence, independent of how rare it is in the lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenClass {
    /// Legal forms ("ltd", "llc", "gmbh", "ooo", "jsc", "kk", ...): almost no weight.
    LegalForm,
    /// Function words ("the", "of", "and", "for"): almost no weight.
    StopWord,
    /// Generic organisation words ("group", "international", "trading", "company"): little weight.
    Generic,
    /// Name particles ("al", "bin", "abu", "de", "van"): reduced weight.
    Particle,
    /// Everything else.
    Name,
}

impl TokenClass {
    /// The class weight, multiplied with rarity and length to give a token's weight.
    pub fn weight(self) -> f32 {
        match self {
            TokenClass::LegalForm | TokenClass::StopWord => 0.02,
            TokenClass::Generic => 0.25,
            TokenClass::Particle => 0.35,
            TokenClass::Name => 1.0,
        }
    }

    /// Whether the token may be used to find candidates (legal forms and stop words may not:
    /// "CORP" alone must never bring up every corporation on the lists).
    pub fn is_evidence(self) -> bool {
        !matches!(self, TokenClass::LegalForm | TokenClass::StopWord)
    }
}

const LEGAL_FORMS: &[&str] = &[
    "ab",
    "ag",
    "ao",
    "as",
    "asa",
    "bhd",
    "bv",
    "cc",
    "cjsc",
    "co",
    "corp",
    "corporation",
    "cv",
    "eirl",
    "gk",
    "gmbh",
    "inc",
    "incorporated",
    "jsc",
    "kft",
    "kg",
    "kk",
    "kabushiki",
    "kaisha",
    "gaisha",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "ltda",
    "mbh",
    "nv",
    "oao",
    "ojsc",
    "ooo",
    "oy",
    "oyj",
    "pao",
    "pjsc",
    "plc",
    "pte",
    "pty",
    "pvt",
    "sa",
    "sab",
    "sae",
    "sal",
    "sarl",
    "sas",
    "sdn",
    "spa",
    "sp",
    "srl",
    "tov",
    "zao",
    "fzc",
    "fze",
    "fzco",
    "fzllc",
    "dmcc",
    "wll",
    "jv",
    "company",
    "companies",
    "cie",
    "ltee",
    "sro",
    "zrt",
    "dd",
    "doo",
    "ad",
    "ead",
    "tic",
    "sti",
    "aps",
    "se",
    "sc",
    "sl",
    "slu",
    "ooo",
    "chp",
    "tnhh",
    "ptc",
    "pt",
    "tbk",
    "shrka",
    "sharikat",
    "sherkat",
];

const STOP_WORDS: &[&str] = &[
    "the", "of", "and", "for", "a", "an", "to", "in", "on", "at", "by", "und", "et", "y", "e",
];

const GENERIC: &[&str] = &[
    "group",
    "holding",
    "holdings",
    "international",
    "intl",
    "trading",
    "trade",
    "industries",
    "industrial",
    "industry",
    "technology",
    "technologies",
    "tech",
    "enterprise",
    "enterprises",
    "services",
    "service",
    "import",
    "export",
    "development",
    "investment",
    "investments",
    "general",
    "global",
    "research",
    "institute",
    "engineering",
    "electronics",
    "electronic",
    "systems",
    "system",
    "solutions",
    "manufacturing",
    "products",
    "science",
    "sciences",
    "equipment",
    "logistics",
    "shipping",
    "energy",
    "commercial",
    "national",
    "center",
    "centre",
    "factory",
    "plant",
    "branch",
    "office",
    "organization",
    "organisation",
    "firm",
    "network",
    "bank",
    "university",
    "academy",
    "ministry",
    "agency",
    "association",
    "foundation",
];

const PARTICLES: &[&str] = &[
    "al", "el", "ul", "bin", "ibn", "bint", "ben", "abu", "abd", "abdul", "abdel", "de", "da",
    "di", "do", "dos", "das", "du", "del", "della", "la", "le", "van", "von", "der", "den", "ter",
    "mac", "mc", "ould", "uld", "haji", "hajji", "mulla", "mullah", "mawlawi", "maulvi", "sheikh",
    "shaikh", "sayed", "sayyid", "syed", "mr", "mrs", "ms", "dr", "prof", "gen", "col",
];

fn class_table() -> &'static rustc_hash::FxHashMap<&'static str, TokenClass> {
    static TABLE: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, TokenClass>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        // later lists override earlier ones: a legal form ("company") wins over a generic word
        for (list, class) in [
            (PARTICLES, TokenClass::Particle),
            (GENERIC, TokenClass::Generic),
            (STOP_WORDS, TokenClass::StopWord),
            (LEGAL_FORMS, TokenClass::LegalForm),
        ] {
            for w in list {
                m.insert(*w, class);
            }
        }
        m
    })
}

/// Classifies a normalised token.
pub fn classify(token: &str) -> TokenClass {
    class_table()
        .get(token)
        .copied()
        .unwrap_or(TokenClass::Name)
}

/// Normalises a name into tokens. Never panics, whatever the input.
///
/// Steps: NFKC; CJK legal-form suffixes replaced by their Latin token; each run of one script
/// transliterated (see [`crate::translit`]); case folded; anything that is not a letter or digit
/// separates tokens, except apostrophes, which are dropped inside a word (`O'Brien` → `obrien`);
/// dotted abbreviations joined (`L.L.C.` → `llc`). A Han run of two or three characters is read as
/// a Chinese personal name (surname + joined given name: `习近平` → `xi jinping`); longer Han runs
/// give one token per syllable. A Hangul run of two to four syllables is read as a Korean name
/// (surname + joined given name: `김정은` → `kim jeongeun`), other Hangul runs as one word.
pub fn normalize(input: &str) -> Vec<Token> {
    // ASCII is unchanged by NFKC: skip the normalisation pass for it
    let chars: Vec<char> = if input.is_ascii() {
        input.chars().collect()
    } else {
        input.nfkc().collect()
    };
    let mut out = Tokens::default();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let script = translit::script_of(c);
        // CJK legal forms first.
        if matches!(script, Script::Han | Script::Kana | Script::Hangul) {
            if let Some((len, latin)) = cjk_legal_form(&chars[i..]) {
                out.flush();
                out.push_token(latin, script);
                i += len;
                continue;
            }
        }
        match script {
            Script::Han => {
                let start = i;
                while i < chars.len()
                    && translit::script_of(chars[i]) == Script::Han
                    && cjk_legal_form(&chars[i..]).is_none()
                {
                    i += 1;
                }
                out.flush();
                han_run(&chars[start..i], &mut out);
            }
            Script::Kana => {
                let start = i;
                while i < chars.len()
                    && translit::script_of(chars[i]) == Script::Kana
                    && chars[i] != '・'
                    && cjk_legal_form(&chars[i..]).is_none()
                {
                    i += 1;
                }
                if i == start {
                    // a lone middle dot: a separator
                    out.flush();
                    i += 1;
                    continue;
                }
                out.flush();
                let latin = translit::kana_run(&chars[start..i]);
                let alt = translit::kana_devoiced(&latin);
                out.push_token_alts(&latin, vec![alt], Script::Kana);
            }
            Script::Hangul => {
                let start = i;
                while i < chars.len()
                    && translit::script_of(chars[i]) == Script::Hangul
                    && cjk_legal_form(&chars[i..]).is_none()
                {
                    i += 1;
                }
                out.flush();
                hangul_run(&chars[start..i], &mut out);
            }
            Script::Cyrillic => {
                let next = chars.get(i + 1).copied();
                let last = next.is_none_or(|n| translit::cyrillic(n).is_none());
                let next_last = chars
                    .get(i + 2)
                    .is_none_or(|n| translit::cyrillic(*n).is_none());
                let alt = translit::cyrillic_alt(
                    c,
                    i.checked_sub(1).map(|k| chars[k]),
                    next,
                    last,
                    next_last,
                );
                match (translit::cyrillic(c), alt) {
                    (Some(s), Some(a)) => out.push_alt(s, a, script),
                    _ => out.flush(),
                }
                i += 1;
            }
            Script::Arabic => {
                let main = translit::arabic(c);
                // the article: `ال` starting a word of at least two more letters
                let starts_word = |k: usize| {
                    k == 0 || translit::arabic(chars[k - 1]).is_none_or(|s| s.is_empty())
                };
                let article = (c == 'ا'
                    && chars.get(i + 1) == Some(&'ل')
                    && starts_word(i)
                    && arabic_letters(&chars[i + 2..]) >= 2)
                    || (c == 'ل'
                        && i >= 1
                        && chars[i - 1] == 'ا'
                        && starts_word(i - 1)
                        && arabic_letters(&chars[i + 1..]) >= 2);
                match (main, translit::arabic_alt(c, article)) {
                    (Some(s), Some(a)) => out.push_alt(s, a, script),
                    _ => out.flush(),
                }
                i += 1;
            }
            Script::Hebrew => {
                let word_final = chars
                    .get(i + 1)
                    .is_none_or(|n| translit::script_of(*n) != Script::Hebrew);
                let prev = i.checked_sub(1).map(|k| chars[k]);
                let next = chars.get(i + 1).copied();
                match (
                    translit::hebrew(c, word_final),
                    translit::hebrew_alt(c, prev, next, word_final),
                ) {
                    (Some(s), Some(a)) => out.push_alt(s, a, script),
                    _ => out.flush(),
                }
                i += 1;
            }
            _ => {
                if c.is_ascii_alphanumeric() {
                    out.push_char(c.to_ascii_lowercase(), Script::Latin);
                } else if c == '\''
                    || c == '\u{2019}'
                    || c == '`'
                    || c == '\u{02BB}'
                    || c == '\u{02BC}'
                {
                    // apostrophes vanish inside a word
                } else if c == '.' {
                    out.dot();
                } else if c.is_alphanumeric() || is_combining(c) {
                    let ascii = deunicode::deunicode_char(c).unwrap_or("");
                    let script = if script == Script::Other {
                        Script::Latin
                    } else {
                        script
                    };
                    let mut any = false;
                    for a in ascii.chars() {
                        if a.is_ascii_alphanumeric() {
                            out.push_char(a.to_ascii_lowercase(), script);
                            any = true;
                        } else if any {
                            out.flush();
                        }
                    }
                } else {
                    out.flush();
                }
                i += 1;
            }
        }
    }
    out.finish()
}

fn is_combining(c: char) -> bool {
    // Indic and Thai vowel signs and viramas are marks, not alphanumeric, but belong to the word.
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF | 0x0E00..=0x0E7F)
}

fn cjk_legal_form(rest: &[char]) -> Option<(usize, &'static str)> {
    for (form, latin) in translit::CJK_LEGAL_FORMS {
        let n = form.chars().count();
        if rest.len() >= n && form.chars().zip(rest.iter()).all(|(a, b)| a == *b) {
            return Some((n, latin));
        }
    }
    None
}

fn han_run(run: &[char], out: &mut Tokens) {
    let syllables: Vec<&str> = run.iter().filter_map(|c| translit::han(*c)).collect();
    if syllables.is_empty() {
        return;
    }
    if (2..=3).contains(&syllables.len()) {
        out.push_token(syllables[0], Script::Han);
        out.push_token(&syllables[1..].concat(), Script::Han);
    } else {
        for s in syllables {
            out.push_token(s, Script::Han);
        }
    }
}

fn hangul_run(run: &[char], out: &mut Tokens) {
    let syllables: Vec<String> = run
        .iter()
        .filter_map(|c| translit::hangul_syllable(*c))
        .collect();
    if syllables.is_empty() {
        return;
    }
    // the foreign-name reading (see `translit::hangul_foreign`)
    let alt_of = |chars: &[char]| -> Vec<String> {
        let a: String = chars
            .iter()
            .enumerate()
            .filter_map(|(k, c)| translit::hangul_foreign(*c, k == 0))
            .collect();
        vec![a]
    };
    let surname = translit::korean_surname(run[0]);
    match surname {
        Some(s) if (2..=4).contains(&syllables.len()) => {
            let mut alts = Vec::new();
            alts.extend(
                translit::korean_surname_extra(run[0])
                    .iter()
                    .map(|x| x.to_string()),
            );
            out.push_token_alts(s, alts, Script::Hangul);
            out.push_token_alts(&syllables[1..].concat(), alt_of(&run[1..]), Script::Hangul);
        }
        _ => out.push_token_alts(&syllables.concat(), alt_of(run), Script::Hangul),
    }
}

/// Number of Arabic-script letters at the start of `rest` (for the article rule).
fn arabic_letters(rest: &[char]) -> usize {
    rest.iter()
        .take_while(|c| translit::arabic(**c).is_some())
        .filter(|c| translit::arabic(**c).is_some_and(|s| !s.is_empty()))
        .count()
}

/// Token builder.
#[derive(Default)]
struct Tokens {
    done: Vec<Token>,
    cur: String,
    /// The alternative reading of the current token, built alongside `cur`.
    alt: String,
    cur_script: Option<Script>,
    /// The previous token was a single letter followed directly by a dot ("L." of "L.L.C.").
    after_dotted_letter: bool,
    dotted_run: bool,
}

impl Tokens {
    fn push_char(&mut self, c: char, script: Script) {
        if self.cur.is_empty() {
            self.cur_script = Some(script);
        }
        self.cur.push(c);
        self.alt.push(c);
    }
    /// A letter with a main and an alternative reading.
    fn push_alt(&mut self, s: &str, alt: &str, script: Script) {
        self.push_str(s, script);
        self.alt.truncate(self.alt.len() - s.len());
        self.alt.push_str(alt);
    }
    fn push_str(&mut self, s: &str, script: Script) {
        if self.cur.is_empty() {
            self.cur_script = Some(script);
        }
        self.cur.push_str(s);
        self.alt.push_str(s);
        if s.is_empty() && self.cur.is_empty() {
            // silent letter at the start of a word: keep the word's script
            self.cur_script = Some(script);
        }
    }
    fn push_token(&mut self, s: &str, script: Script) {
        self.push_token_alts(s, Vec::new(), script);
    }
    /// A whole token with its alternative readings (those equal to it or empty are dropped).
    fn push_token_alts(&mut self, s: &str, mut alts: Vec<String>, script: Script) {
        self.flush();
        if !s.is_empty() {
            alts.retain(|a| !a.is_empty() && a != s);
            alts.sort();
            alts.dedup();
            self.done.push(Token {
                text: s.to_string(),
                script,
                alts,
            });
        }
        self.after_dotted_letter = false;
    }
    /// A dot: "L.L.C." → "llc"; "J. Smith" keeps "j" as an initial.
    fn dot(&mut self) {
        if self.cur.len() == 1 {
            let letter = std::mem::take(&mut self.cur);
            self.alt.clear();
            let script = self.cur_script.unwrap_or(Script::Latin);
            if self.after_dotted_letter && self.dotted_run {
                if let Some(last) = self.done.last_mut() {
                    last.text.push_str(&letter);
                }
            } else {
                self.done.push(Token {
                    text: letter,
                    script,
                    alts: Vec::new(),
                });
                self.dotted_run = true;
            }
            self.after_dotted_letter = true;
        } else {
            self.flush();
        }
    }
    fn flush(&mut self) {
        let alt = std::mem::take(&mut self.alt);
        if !self.cur.is_empty() {
            let text = std::mem::take(&mut self.cur);
            let alts = if alt.is_empty() || alt == text {
                Vec::new()
            } else {
                vec![alt]
            };
            self.done.push(Token {
                text,
                script: self.cur_script.unwrap_or(Script::Latin),
                alts,
            });
        }
        self.after_dotted_letter = false;
        self.dotted_run = false;
    }
    fn finish(mut self) -> Vec<Token> {
        self.flush();
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        normalize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn latin_diacritics_case_punctuation() {
        assert_eq!(
            texts("  Łódź-Straße, O'Brien & Co."),
            ["lodz", "strasse", "obrien", "co"]
        );
        assert_eq!(texts("L.L.C."), ["llc"]);
        assert_eq!(texts("J. Smith"), ["j", "smith"]);
        assert_eq!(texts("ＡＢＣ"), ["abc"]); // NFKC folds full-width letters
    }

    #[test]
    fn scripts() {
        assert_eq!(texts("Владимир Путин"), ["vladimir", "putin"]);
        assert_eq!(texts("ООО Ромашка"), ["ooo", "romashka"]);
        assert_eq!(texts("محمد علي"), ["mhmd", "ly"]);
        assert_eq!(texts("משה"), ["mshe"]);
        assert_eq!(texts("习近平"), ["xi", "jinping"]);
        assert_eq!(texts("华为技术有限公司"), ["hua", "wei", "ji", "shu", "co"]);
        assert_eq!(texts("김정은"), ["kim", "jeongeun"]);
        assert_eq!(texts("ウラジーミル・プーチン"), ["urajimiru", "puchin"]);
        assert_eq!(texts("ピノック"), ["pinokku"]);
        assert_eq!(texts("トゥホルスキー"), ["tuhorusuki"]);
        assert_eq!(texts("Αλέξανδρος"), ["alexandros"]);
    }

    fn alts(s: &str) -> Vec<Vec<String>> {
        normalize(s).into_iter().map(|t| t.alts).collect()
    }

    #[test]
    fn alternative_readings() {
        // Hebrew vowel letters: ו inside a word is a vowel, at its start a consonant
        assert_eq!(texts("סמוט"), ["smvt"]);
        assert_eq!(alts("סמוט"), [["smot"]]);
        assert_eq!(alts("ויטי"), [["viti"]]);
        // Cyrillic: ISO 9 / European spellings and the -ий ending
        assert_eq!(alts("Дмитрий Хайдер"), [vec!["dmitry"], vec!["haider"]]);
        assert_eq!(alts("Андрей"), [["andrei"]]);
        // Arabic: the article dropped
        assert_eq!(texts("الطيراوي"), ["altyrawy"]);
        assert_eq!(alts("الطيراوي"), [["tyrawy"]]);
        // kana: the vowels added to consonant clusters dropped
        assert_eq!(alts("フロル"), [["fror"]]);
        // Hangul: the epenthetic ㅡ of foreign names dropped; surname spellings
        assert_eq!(alts("랄스턴"), [["ralsteon"]]);
        assert_eq!(alts("이민호")[0], ["rhee", "ri", "yi"]);
        // Latin tokens have none
        assert!(alts("Vladimir Putin").iter().all(Vec::is_empty));
    }

    #[test]
    fn classes() {
        assert_eq!(classify("ltd"), TokenClass::LegalForm);
        assert_eq!(classify("ooo"), TokenClass::LegalForm);
        assert_eq!(classify("the"), TokenClass::StopWord);
        assert_eq!(classify("al"), TokenClass::Particle);
        assert_eq!(classify("huawei"), TokenClass::Name);
    }
}
