//! Name-level scoring: align the tokens of two names and explain every step.
//!
//! **Alignment.** Every query token is compared with every list token ([`compare`]); adjacent
//! pairs are also compared joined (`al qaida` vs `alqaida`, `jsc argument` vs `jscargument`). The
//! pairings are taken greedily, best first (similarity, then weight), each token used once. Token order
//! is free.
//!
//! **Score.** A weighted Dice over both names:
//!
//! ```text
//!            Σ_aligned sim · (w_query + w_list)
//! score = ───────────────────────────────────────────────
//!          Σ_aligned (w_query + w_list) + Σ_unaligned w
//! ```
//!
//! so every token of either name that found no partner pulls the score down in proportion to its
//! weight, and a legal form (weight 0.02) neither helps nor hurts. When no aligned pair holds a
//! token that counts as evidence ([`TokenClass::is_evidence`]) the score is 0: "CORP" against
//! "CORP" is not a match. The score is symmetric in its two names when the weights are.

use serde::Serialize;
use smallvec::SmallVec;

use crate::normalize::TokenClass;
use crate::similarity::{compare, Method, TokInfo};
use crate::translit::Script;

/// Limits the alignment to the first tokens of very long names (list "names" that are really
/// descriptions); 24 tokens cover every real name.
pub const MAX_TOKENS: usize = 24;

/// How one token (or joined pair) of the query was aligned.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TokenMatch {
    /// The query token(s), normalised.
    pub query: String,
    /// The list token(s) it aligned with; `None` when it found no partner.
    pub matched: Option<String>,
    pub method: Option<Method>,
    /// Token similarity, 0..=1 (0 when unmatched).
    pub similarity: f32,
    /// Weight of the query side (rarity × class × length).
    pub weight: f32,
    /// Class of the query token (legal forms and stop words are not evidence).
    pub class: TokenClass,
}

/// The explanation of a name score.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct NameExplanation {
    /// One row per query token (joined tokens share a row).
    pub tokens: Vec<TokenMatch>,
    /// List tokens that found no query partner, with their weights.
    pub unmatched_list_tokens: Vec<(String, f32)>,
}

/// One candidate pairing: query tokens `q0..q0+qn` with list tokens `c0..c0+cn` (one or two
/// adjacent tokens on each side).
#[derive(Debug, Clone, Copy)]
struct Pair {
    q0: u8,
    qn: u8,
    c0: u8,
    cn: u8,
    sim: f32,
    method: Method,
    weight: f32,
}

impl Pair {
    fn q(&self) -> std::ops::Range<usize> {
        self.q0 as usize..(self.q0 + self.qn) as usize
    }
    fn c(&self) -> std::ops::Range<usize> {
        self.c0 as usize..(self.c0 + self.cn) as usize
    }
    fn q_mask(&self) -> u32 {
        ((1u32 << self.qn) - 1) << self.q0
    }
    fn c_mask(&self) -> u32 {
        ((1u32 << self.cn) - 1) << self.c0
    }
}

/// Aligns two token sequences and returns the score with its explanation.
pub fn align(
    q: &[&TokInfo],
    qw: &[f32],
    c: &[&TokInfo],
    cw: &[f32],
    explain: bool,
) -> (f32, Option<NameExplanation>) {
    let qj = joined_query(q);
    align_with(q, qw, &qj, c, cw, None, explain, |i, j| compare(q[i], c[j]))
}

/// The joined forms of adjacent query tokens (`q[i] + q[i+1]`), computed once per query.
pub fn joined_query(q: &[&TokInfo]) -> Vec<TokInfo> {
    q.windows(2)
        .take(MAX_TOKENS)
        .map(|w| joined_info(w[0], w[1]))
        .collect()
}

/// [`align`] with the joined query forms precomputed by [`joined_query`], optionally the joined
/// list forms (`cj[j]` = `c[j] + c[j+1]`, as [`joined_info`] builds them; the screener builds
/// them once at index time), and the token comparison supplied by the caller.
#[allow(clippy::too_many_arguments)]
pub fn align_with(
    q: &[&TokInfo],
    qw: &[f32],
    qj: &[TokInfo],
    c: &[&TokInfo],
    cw: &[f32],
    cj: Option<&[&TokInfo]>,
    explain: bool,
    mut unit: impl FnMut(usize, usize) -> Option<(f32, Method)>,
) -> (f32, Option<NameExplanation>) {
    let q = &q[..q.len().min(MAX_TOKENS)];
    let c = &c[..c.len().min(MAX_TOKENS)];
    if q.is_empty() || c.is_empty() {
        return (0.0, explain.then(NameExplanation::default));
    }
    let mut pairs: SmallVec<[Pair; 32]> = SmallVec::new();
    for (i, wi) in qw.iter().enumerate().take(q.len()) {
        for (j, wj) in cw.iter().enumerate().take(c.len()) {
            if let Some((sim, method)) = unit(i, j) {
                pairs.push(Pair {
                    q0: i as u8,
                    qn: 1,
                    c0: j as u8,
                    cn: 1,
                    sim,
                    method,
                    weight: wi + wj,
                });
            }
        }
    }
    // Joined query tokens against one list token, and one query token against joined list tokens.
    for i in 0..q.len().saturating_sub(1) {
        let joined = &qj[i];
        for (j, b) in c.iter().enumerate() {
            if !could_match(joined.len, joined.script, b.len, b.script) {
                continue;
            }
            if let Some((sim, m)) = compare(joined, b) {
                if joined_evidence(m, joined, b) {
                    pairs.push(Pair {
                        q0: i as u8,
                        qn: 2,
                        c0: j as u8,
                        cn: 1,
                        sim,
                        method: Method::Joined,
                        weight: qw[i] + qw[i + 1] + cw[j],
                    });
                }
            }
        }
    }
    for j in 0..c.len().saturating_sub(1) {
        let (len, script) = (c[j].len + c[j + 1].len, c[j].script);
        if !q.iter().any(|a| could_match(a.len, a.script, len, script)) {
            continue;
        }
        let built;
        let joined: &TokInfo = match cj.and_then(|cj| cj.get(j)) {
            Some(t) => t,
            None => {
                built = joined_info(c[j], c[j + 1]);
                &built
            }
        };
        for (i, a) in q.iter().enumerate() {
            if !could_match(a.len, a.script, joined.len, joined.script) {
                continue;
            }
            if let Some((sim, m)) = compare(a, joined) {
                if joined_evidence(m, a, joined) {
                    pairs.push(Pair {
                        q0: i as u8,
                        qn: 1,
                        c0: j as u8,
                        cn: 2,
                        sim,
                        method: Method::Split,
                        weight: qw[i] + cw[j] + cw[j + 1],
                    });
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.sim.total_cmp(&a.sim).then(b.weight.total_cmp(&a.weight)));
    let mut used_q: u32 = 0;
    let mut used_c: u32 = 0;
    let mut chosen: SmallVec<[usize; 16]> = SmallVec::new();
    for (k, p) in pairs.iter().enumerate() {
        let (mq, mc) = (p.q_mask(), p.c_mask());
        if used_q & mq == 0 && used_c & mc == 0 {
            used_q |= mq;
            used_c |= mc;
            chosen.push(k);
        }
    }
    let mut matched = 0.0f32;
    let mut total = 0.0f32;
    let mut evidence = false;
    for &k in &chosen {
        let p = &pairs[k];
        matched += p.sim * p.weight;
        total += p.weight;
        if p.q().any(|i| q[i].class.is_evidence()) && p.c().any(|j| c[j].class.is_evidence()) {
            evidence = true;
        }
    }
    for (i, w) in qw.iter().enumerate().take(q.len()) {
        if used_q & (1 << i) == 0 {
            total += w;
        }
    }
    for (j, w) in cw.iter().enumerate().take(c.len()) {
        if used_c & (1 << j) == 0 {
            total += w;
        }
    }
    let score = if evidence && total > 0.0 {
        (matched / total).clamp(0.0, 1.0)
    } else {
        0.0
    };
    if !explain {
        return (score, None);
    }
    let mut ex = NameExplanation::default();
    let mut i = 0;
    while i < q.len() {
        let found = chosen
            .iter()
            .map(|&k| &pairs[k])
            .find(|p| p.q0 as usize == i);
        match found {
            Some(p) => {
                ex.tokens.push(TokenMatch {
                    query: p
                        .q()
                        .map(|x| q[x].text.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    matched: Some(
                        p.c()
                            .map(|x| c[x].text.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    method: Some(p.method),
                    similarity: p.sim,
                    weight: p.q().map(|x| qw[x]).sum(),
                    class: q[i].class,
                });
                i += p.qn as usize;
            }
            None => {
                ex.tokens.push(TokenMatch {
                    query: q[i].text.clone(),
                    matched: None,
                    method: None,
                    similarity: 0.0,
                    weight: qw[i],
                    class: q[i].class,
                });
                i += 1;
            }
        }
    }
    for (j, tok) in c.iter().enumerate() {
        if used_c & (1 << j) == 0 {
            ex.unmatched_list_tokens.push((tok.text.clone(), cw[j]));
        }
    }
    (score, Some(ex))
}

/// Whether a comparison involving a joined form counts: not an initial, and a consonant-skeleton
/// match only with four or more consonants — two short transliterated tokens written together
/// have a skeleton as short as a three-letter acronym or a short word (`미영 이` → `miyeongi`,
/// skeleton `mnk`, is not `MANGO`).
fn joined_evidence(m: Method, a: &TokInfo, b: &TokInfo) -> bool {
    match m {
        Method::Initial => false,
        Method::Transliterated => a.skeleton.len().min(b.skeleton.len()) >= 4,
        _ => true,
    }
}

/// Cheap necessary condition for [`compare`] to find a joined form similar: lengths within the
/// largest edit budget, unless a script without reliable vowels is involved.
fn could_match(alen: usize, ascript: Script, blen: usize, bscript: Script) -> bool {
    ascript.vowels_unreliable() || bscript.vowels_unreliable() || alen.abs_diff(blen) <= 3
}

/// The token `a` and `b` form when written together (`al` + `qaida` → `alqaida`).
pub fn joined_info(a: &TokInfo, b: &TokInfo) -> TokInfo {
    let mut text = String::with_capacity(a.len + b.len);
    text.push_str(&a.text);
    text.push_str(&b.text);
    let script = if a.script.vowels_unreliable() {
        a.script
    } else {
        b.script
    };
    let mut info = TokInfo::light(&text, script);
    // alternative readings of the joined form: each pairing of the parts' forms (at most four)
    if !a.alts.is_empty() || !b.alts.is_empty() {
        let mut alts: Vec<String> = Vec::new();
        for x in std::iter::once(a).chain(&a.alts) {
            for y in std::iter::once(b).chain(&b.alts) {
                let t = format!("{}{}", x.text, y.text);
                if t != text && alts.len() < 4 && !alts.contains(&t) {
                    alts.push(t);
                }
            }
        }
        info = info.with_alts(&alts);
    }
    // A joined token is a name token even when a part is a legal form ("jsc" + "argument").
    info.class = TokenClass::Name;
    for alt in &mut info.alts {
        alt.class = TokenClass::Name;
    }
    info
}

/// Weight of a token when no list statistics are at hand: its class weight times a length
/// factor (an initial says less than a word).
pub fn static_weight(t: &TokInfo) -> f32 {
    t.class.weight() * length_factor(t.len)
}

pub fn length_factor(len: usize) -> f32 {
    match len {
        0 => 0.0,
        1 => 0.3,
        2 => 0.6,
        3 => 0.8,
        _ => 1.0,
    }
}
