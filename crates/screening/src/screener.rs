//! The screener: an inverted index over every name of every list entry, candidate generation
//! from it, and the scorer run on the candidates only.
//!
//! ## Index
//! * **vocabulary** — every distinct normalised token, with its comparison features
//!   ([`TokInfo`]), its document frequency and its weight;
//! * **postings** — token → the names that contain it (one flat array, offsets per token);
//! * **deletion neighbourhood** — a hash of each token of four or more letters and of each of
//!   its one-letter deletions → tokens. Looking up a query token's own deletions finds every
//!   list token within one substitution, insertion, deletion or adjacent transposition
//!   (symmetric-delete, as in SymSpell), without scanning the vocabulary;
//! * **consonant skeletons** → tokens, for queries written in Arabic, Hebrew, kana, Hangul,
//!   Han, Thai or Indic scripts (and, the other way, for list tokens written in them);
//! * **Double Metaphone codes** → tokens;
//! * **identifiers** → entries.
//!
//! ## Query
//! Each evidence token of the query (not a legal form or stop word) collects list tokens: itself,
//! its deletion neighbours, its skeleton and phonetic twins, its halves when it splits into two
//! list tokens (`jscargument` → `jsc` + `argument`), and its concatenation with the next query
//! token (`al qaida` → `alqaida`). Each neighbour is verified with the token comparison (once, at
//! index time, for tokens the lists hold). Names accumulate an estimate of the score numerator
//! (see [`Screener::candidates`]); those holding at least a quarter of the query's evidence
//! weight whose estimate can reach the review floor, best first and at most [`MAX_CANDIDATES`],
//! are scored by [`align`], then qualified by entity type, date of birth, country and
//! identifiers. Common query tokens open no candidates of their own when they could not lift a
//! name over those limits (MaxScore).

use std::cell::RefCell;
use std::rc::Rc;

use crate::translit::Script;
use std::hash::{Hash, Hasher};

use chokepoint_lists::{ListEntry, NameKind};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;
use smallvec::SmallVec;

use crate::normalize::normalize;
use crate::qualifiers::{self, Qualifier, Schema};
use crate::score::{
    align, align_with, joined_info, joined_query, length_factor, static_weight, NameExplanation,
};
use crate::similarity::{compare, edit_budget, Method, TokInfo};

/// Score at or above which a hit is a match.
pub const DEFAULT_THRESHOLD: f32 = 0.80;
/// Width of the review band below the threshold: hits in `[threshold − REVIEW_BAND, threshold)`
/// are reported for a person to review.
pub const REVIEW_BAND: f32 = 0.10;
/// At most this many names are scored per query.
pub const MAX_CANDIDATES: usize = 32;
/// A name must share at least this share of the query's evidence weight to be scored.
const MIN_SHARE: f32 = 0.25;
/// Allowance for the pairings candidate generation does not see (two or more edits, initials,
/// joined and split tokens) when it estimates a name's score.
const ESTIMATE_MARGIN: f32 = 0.10;
/// The most the qualifiers can add to a name score (same date of birth +0.05, country +0.03).
const QUALIFIER_HEADROOM: f32 = 0.08;

/// What to screen.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub name: String,
    pub schema: Schema,
    /// ISO-2 country (or a country name; it is converted).
    pub country: Option<String>,
    pub date_of_birth: Option<String>,
    /// Identifiers (passport, registration, IMO ...) as written.
    pub identifiers: Vec<String>,
    /// Only these list sources (`ListEntry::source`) or sub-lists (`ListEntry::sub_list`); empty = all.
    pub lists: Vec<String>,
    /// Match threshold; `None` = [`DEFAULT_THRESHOLD`].
    pub threshold: Option<f32>,
}

impl Query {
    pub fn name(name: impl Into<String>) -> Query {
        Query {
            name: name.into(),
            ..Query::default()
        }
    }
}

/// Whether a hit is a match or needs a person's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Match,
    Review,
}

/// Why a hit scored what it did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// Score of the names alone.
    pub name_score: f32,
    pub name: NameExplanation,
    pub qualifiers: Vec<Qualifier>,
}

/// One list entry that matched a query.
#[derive(Debug, Clone, Serialize)]
pub struct Hit<'a> {
    /// The list entry (source, sub-list, id, names, licence data ...).
    pub entry: &'a ListEntry,
    /// Position of the entry in the screener.
    pub entry_index: usize,
    /// The name of the entry that matched best.
    pub matched_name: &'a str,
    pub name_kind: NameKind,
    /// Final score, 0..=1.
    pub score: f32,
    pub decision: Decision,
    pub explanation: Explanation,
}

struct IndexedName {
    entry: u32,
    name: u16,
    tokens: Box<[u32]>,
    /// `joined[j]` = tokens `j` and `j + 1` written together, in [`Screener::joined_vocab`].
    joined: Box<[u32]>,
}

/// An index over list entries that screens names against them.
pub struct Screener {
    entries: Vec<ListEntry>,
    names: Vec<IndexedName>,
    /// Sum of the token weights of each name.
    name_weight: Vec<f32>,
    vocab: Vec<TokInfo>,
    /// The joined forms of adjacent list tokens (`jsc` + `argument` → `jscargument`), built once
    /// here rather than per candidate at query time.
    joined_vocab: Vec<TokInfo>,
    weight: Vec<f32>,
    vocab_map: FxHashMap<Box<str>, u32>,
    post_offsets: Vec<u32>,
    post_data: Vec<u32>,
    /// For every evidence token of the vocabulary, its neighbours (see [`Screener::neighbours`])
    /// with their similarity, computed once at index time: a query token the lists hold (most
    /// of them) needs no deletion lookups or comparisons. Flat, offsets per token.
    nb_offsets: Vec<u32>,
    nb_data: Vec<(u32, f32)>,
    deletions: FxHashMap<u64, (u32, u32)>,
    deletion_data: Vec<u32>,
    skeletons: FxHashMap<Box<str>, Vec<u32>>,
    /// Skeletons of tokens written in scripts without reliable vowels (for Latin queries).
    foreign_skeletons: FxHashMap<Box<str>, Vec<u32>>,
    phonetic: FxHashMap<Box<str>, Vec<u32>>,
    identifiers: FxHashMap<String, Vec<u32>>,
    normalized_countries: Vec<Vec<String>>,
    /// Unique per screener: keys the per-thread cache of out-of-vocabulary neighbours.
    id: u64,
}

/// Entries a thread keeps in its cache of out-of-vocabulary neighbours before starting over.
const OOV_CACHE_ENTRIES: usize = 8192;

static NEXT_SCREENER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Per thread: the comparison features and the neighbours of query tokens the lists do not
/// hold (or hold in another script or with other alternative readings), by script, text and
/// alternative readings — everything they are computed from — for one screener at a time.
/// Bounded: each map is cleared when full.
#[derive(Default)]
struct OovCache {
    screener: u64,
    key: String,
    infos: FxHashMap<Box<str>, Rc<TokInfo>>,
    map: FxHashMap<Box<str>, Box<[(u32, f32)]>>,
}

impl OovCache {
    /// Readies the cache for a token of `screener`: emptied if it held another screener's
    /// tokens, and `key` set to the token's script, text and alternative readings.
    fn prepare<'a>(
        &mut self,
        screener: u64,
        script: Script,
        text: &str,
        alts: impl Iterator<Item = &'a str>,
    ) {
        if self.screener != screener {
            self.infos.clear();
            self.map.clear();
            self.screener = screener;
        }
        self.key.clear();
        self.key.push(char::from(b'A' + script as u8));
        self.key.push_str(text);
        for a in alts {
            self.key.push('\0');
            self.key.push_str(a);
        }
    }
}

thread_local! {
    static OOV: RefCell<OovCache> = RefCell::new(OovCache::default());
}

/// A query token's features: the vocabulary's, or computed (shared with the thread's cache).
enum QTok<'a> {
    Borrowed(&'a TokInfo),
    Shared(Rc<TokInfo>),
}

impl QTok<'_> {
    fn get(&self) -> &TokInfo {
        match self {
            QTok::Borrowed(t) => t,
            QTok::Shared(t) => t,
        }
    }
}

fn hash_str(s: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

fn for_each_deletion(text: &str, mut f: impl FnMut(u64)) {
    let b = text.as_bytes();
    f(hash_str(b));
    if b.len() >= 4 {
        // on the stack for the usual lengths
        let mut stack = [0u8; 64];
        let mut heap = Vec::new();
        let buf: &mut [u8] = if b.len() <= stack.len() {
            &mut stack[..b.len() - 1]
        } else {
            heap.resize(b.len() - 1, 0);
            &mut heap
        };
        for k in 0..b.len() {
            if k > 0 && b[k] == b[k - 1] {
                continue; // same deletion as the previous position
            }
            buf[..k].copy_from_slice(&b[..k]);
            buf[k..].copy_from_slice(&b[k + 1..]);
            f(hash_str(buf));
        }
    }
}

/// Weight of a token from how many names hold it: rare tokens near 1, the commonest near 0.3.
fn rarity(df: u32, n_names: usize) -> f32 {
    let n = n_names.max(2) as f32;
    let idf = ((n + 1.0) / (df as f32 + 0.5)).ln() / (n + 1.0).ln();
    idf.clamp(0.0, 1.0).sqrt().max(0.3)
}

impl Screener {
    /// Builds the index. Takes a few hundred milliseconds for the full CSL + UN + SDN.
    pub fn new(entries: Vec<ListEntry>) -> Screener {
        let mut vocab: Vec<TokInfo> = Vec::new();
        let mut vocab_map: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut names = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let mut identifiers: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        // normalise in parallel, intern sequentially
        let normalized: Vec<Vec<Vec<crate::normalize::Token>>> = entries
            .par_iter()
            .map(|e| e.names.iter().map(|n| normalize(&n.full)).collect())
            .collect();
        for (ei, (entry, entry_names)) in entries.iter().zip(normalized).enumerate() {
            for (ni, tokens) in entry_names.into_iter().enumerate() {
                if tokens.is_empty() || ni > u16::MAX as usize {
                    continue;
                }
                let mut ids = Vec::with_capacity(tokens.len());
                for t in &tokens {
                    let id = match vocab_map.get(t.text.as_str()) {
                        Some(&id) => id,
                        None => {
                            let id = vocab.len() as u32;
                            vocab.push(TokInfo::light(&t.text, t.script).with_alts(&t.alts));
                            vocab_map.insert(t.text.clone().into_boxed_str(), id);
                            df.push(0);
                            id
                        }
                    };
                    if !ids.contains(&id) {
                        df[id as usize] += 1;
                    }
                    ids.push(id);
                }
                names.push(IndexedName {
                    entry: ei as u32,
                    name: ni as u16,
                    tokens: ids.into_boxed_slice(),
                    joined: Box::default(),
                });
            }
            for id in &entry.identifiers {
                let key = qualifiers::normalize_identifier(&id.value);
                if key.len() >= 4 {
                    identifiers.entry(key).or_default().push(ei as u32);
                }
            }
        }
        // phonetic codes in parallel (the costliest feature)
        let phon: Vec<(String, String)> = vocab
            .par_iter()
            .map(|t| TokInfo::from_text(&t.text, t.script).metaphone)
            .collect();
        for (t, m) in vocab.iter_mut().zip(phon) {
            t.set_metaphone(m);
        }
        // joined forms of adjacent tokens, interned
        let mut joined_vocab: Vec<TokInfo> = Vec::new();
        let mut joined_map: FxHashMap<Box<str>, u32> = FxHashMap::default();
        for n in names.iter_mut() {
            let toks = &n.tokens[..n.tokens.len().min(crate::score::MAX_TOKENS)];
            let ids: Vec<u32> = toks
                .windows(2)
                .map(|w| {
                    let (a, b) = (&vocab[w[0] as usize], &vocab[w[1] as usize]);
                    let mut text = String::with_capacity(a.len + b.len);
                    text.push_str(&a.text);
                    text.push_str(&b.text);
                    if let Some(&id) = joined_map.get(text.as_str()) {
                        return id;
                    }
                    let id = joined_vocab.len() as u32;
                    joined_vocab.push(joined_info(a, b));
                    joined_map.insert(text.into_boxed_str(), id);
                    id
                })
                .collect();
            n.joined = ids.into_boxed_slice();
        }
        drop(joined_map);
        joined_vocab.shrink_to_fit();
        let weight: Vec<f32> = vocab
            .iter()
            .zip(&df)
            .map(|(t, &d)| t.class.weight() * length_factor(t.len) * rarity(d, names.len()))
            .collect();
        let name_weight: Vec<f32> = names
            .iter()
            .map(|n| {
                n.tokens
                    .iter()
                    .take(crate::score::MAX_TOKENS)
                    .map(|&t| weight[t as usize])
                    .sum()
            })
            .collect();
        // postings, flat
        let mut post_offsets = vec![0u32; vocab.len() + 1];
        for n in &names {
            let mut seen: smallvec::SmallVec<[u32; 8]> = smallvec::SmallVec::new();
            for &t in n.tokens.iter() {
                if !seen.contains(&t) {
                    seen.push(t);
                    post_offsets[t as usize + 1] += 1;
                }
            }
        }
        for i in 1..post_offsets.len() {
            post_offsets[i] += post_offsets[i - 1];
        }
        let mut fill = post_offsets.clone();
        let mut post_data = vec![0u32; *post_offsets.last().unwrap_or(&0) as usize];
        for (ni, n) in names.iter().enumerate() {
            let mut seen: smallvec::SmallVec<[u32; 8]> = smallvec::SmallVec::new();
            for &t in n.tokens.iter() {
                if !seen.contains(&t) {
                    seen.push(t);
                    post_data[fill[t as usize] as usize] = ni as u32;
                    fill[t as usize] += 1;
                }
            }
        }
        // deletion neighbourhood, skeletons, phonetic codes
        let mut del_pairs: Vec<(u64, u32)> = Vec::new();
        let mut skeletons: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut foreign_skeletons: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut phonetic: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        for (id, t) in vocab.iter().enumerate() {
            if !t.class.is_evidence() {
                continue;
            }
            if t.len >= 4 {
                for_each_deletion(&t.text, |h| del_pairs.push((h, id as u32)));
            }
            // alternative readings are found by their deletions too
            for alt in &t.alts {
                if alt.len >= 4 {
                    for_each_deletion(&alt.text, |h| del_pairs.push((h, id as u32)));
                }
            }
            for sk in t.skeletons() {
                if sk.len() < 2 {
                    continue;
                }
                let list = skeletons.entry(sk.into()).or_default();
                if list.last() != Some(&(id as u32)) {
                    list.push(id as u32);
                }
                if t.script.vowels_unreliable() {
                    let list = foreign_skeletons.entry(sk.into()).or_default();
                    if list.last() != Some(&(id as u32)) {
                        list.push(id as u32);
                    }
                }
            }
            for code in [&t.metaphone.0, &t.metaphone.1] {
                if code.len() >= 3 {
                    let list = phonetic.entry(code.clone().into_boxed_str()).or_default();
                    if list.last() != Some(&(id as u32)) {
                        list.push(id as u32);
                    }
                }
            }
        }
        del_pairs.sort_unstable();
        del_pairs.dedup();
        let mut deletions: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        deletions.reserve(del_pairs.len() / 2);
        let deletion_data: Vec<u32> = del_pairs.iter().map(|p| p.1).collect();
        let mut k = 0;
        while k < del_pairs.len() {
            let start = k;
            while k < del_pairs.len() && del_pairs[k].0 == del_pairs[start].0 {
                k += 1;
            }
            deletions.insert(del_pairs[start].0, (start as u32, (k - start) as u32));
        }
        let normalized_countries = entries
            .iter()
            .map(|e| {
                let mut v: Vec<String> = e
                    .countries
                    .iter()
                    .chain(e.addresses.iter().filter_map(|a| a.country.as_ref()))
                    .filter_map(|c| qualifiers::country_code(c))
                    .collect();
                v.sort();
                v.dedup();
                v
            })
            .collect();
        vocab.shrink_to_fit();
        let mut screener = Screener {
            entries,
            names,
            name_weight,
            vocab,
            joined_vocab,
            weight,
            vocab_map,
            post_offsets,
            post_data,
            deletions,
            deletion_data,
            skeletons,
            foreign_skeletons,
            phonetic,
            identifiers,
            normalized_countries,
            nb_offsets: Vec::new(),
            nb_data: Vec::new(),
            id: NEXT_SCREENER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        let lists: Vec<Vec<(u32, f32)>> = (0..screener.vocab.len())
            .into_par_iter()
            .map(|id| {
                let mut out = Vec::new();
                let t = &screener.vocab[id];
                if t.class.is_evidence() {
                    screener.neighbours_uncached(t, &mut out);
                }
                out
            })
            .collect();
        let mut nb_offsets = Vec::with_capacity(lists.len() + 1);
        nb_offsets.push(0u32);
        let mut nb_data = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for l in lists {
            nb_data.extend_from_slice(&l);
            nb_offsets.push(nb_data.len() as u32);
        }
        screener.nb_offsets = nb_offsets;
        screener.nb_data = nb_data;
        screener
    }

    pub fn entries(&self) -> &[ListEntry] {
        &self.entries
    }

    /// Number of indexed names (primary names and aliases).
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// Number of distinct tokens in the index.
    pub fn vocabulary_size(&self) -> usize {
        self.vocab.len()
    }

    fn postings(&self, token: u32) -> &[u32] {
        let a = self.post_offsets[token as usize] as usize;
        let b = self.post_offsets[token as usize + 1] as usize;
        &self.post_data[a..b]
    }

    /// Query-side weight: the list weight of the same token, or — for a token no list holds —
    /// its class and length weight (a token nobody on the lists has is rare).
    fn query_weight(&self, t: &TokInfo) -> f32 {
        match self.vocab_map.get(t.text.as_str()) {
            Some(&id) => self.weight[id as usize],
            None => static_weight(t),
        }
    }

    /// Screens one query. Hits at or above the review floor (`threshold − REVIEW_BAND`), best
    /// first, one per list entry.
    pub fn screen(&self, query: &Query) -> Vec<Hit<'_>> {
        self.screen_inner(query, true)
    }

    /// The best score any entry reaches for this query (0 when none is a candidate), without
    /// building explanations: the fast path for batch evaluation.
    pub fn best_score(&self, query: &Query) -> f32 {
        self.screen_inner(query, false)
            .first()
            .map(|h| h.score)
            .unwrap_or(0.0)
    }

    /// Screens many queries on all cores (rayon). Results are in query order.
    pub fn screen_batch(&self, queries: &[Query]) -> Vec<Vec<Hit<'_>>> {
        queries.par_iter().map(|q| self.screen(q)).collect()
    }

    fn screen_inner(&self, query: &Query, explain: bool) -> Vec<Hit<'_>> {
        let threshold = query.threshold.unwrap_or(DEFAULT_THRESHOLD);
        let floor = (threshold - REVIEW_BAND).max(0.0);
        let tokens = normalize(&query.name);
        let qinfo: SmallVec<[QTok<'_>; 8]> = tokens
            .iter()
            .take(crate::score::MAX_TOKENS)
            .map(|t| self.token_info(t))
            .collect();
        let qw: SmallVec<[f32; 8]> = qinfo.iter().map(|t| self.query_weight(t.get())).collect();
        let country = query.country.as_deref().and_then(qualifiers::country_code);

        let mut best: FxHashMap<u32, Hit<'_>> = FxHashMap::default();
        // identifiers decide
        for id in &query.identifiers {
            let key = qualifiers::normalize_identifier(id);
            if let Some(list) = self.identifiers.get(&key) {
                for &e in list {
                    let entry = &self.entries[e as usize];
                    if !self.list_selected(entry, &query.lists) {
                        continue;
                    }
                    best.insert(
                        e,
                        Hit {
                            entry,
                            entry_index: e as usize,
                            matched_name: entry.primary_name(),
                            name_kind: entry
                                .names
                                .first()
                                .map(|n| n.kind)
                                .unwrap_or(NameKind::Primary),
                            score: 1.0,
                            decision: Decision::Match,
                            explanation: Explanation {
                                name_score: 0.0,
                                name: NameExplanation::default(),
                                qualifiers: vec![Qualifier {
                                    kind: "identifier",
                                    effect: 1.0,
                                    detail: format!("identifier {id} is listed for this entry"),
                                }],
                            },
                        },
                    );
                }
            }
        }

        let qrefs: SmallVec<[&TokInfo; 8]> = qinfo.iter().map(|c| c.get()).collect();
        let candidates = self.candidates(&qrefs, &qw, floor);
        let qj = joined_query(&qrefs);
        for (_est, name_id) in candidates {
            let name = &self.names[name_id as usize];
            let entry = &self.entries[name.entry as usize];
            if !query.schema.admits(entry.entity_type) || !self.list_selected(entry, &query.lists) {
                continue;
            }
            if best.get(&name.entry).is_some_and(|h| {
                h.explanation
                    .qualifiers
                    .iter()
                    .any(|q| q.kind == "identifier")
            }) {
                continue;
            }
            let crefs: SmallVec<[&TokInfo; 8]> = name
                .tokens
                .iter()
                .map(|&t| &self.vocab[t as usize])
                .collect();
            let cw: SmallVec<[f32; 8]> = name
                .tokens
                .iter()
                .map(|&t| self.weight[t as usize])
                .collect();
            let cj: SmallVec<[&TokInfo; 8]> = name
                .joined
                .iter()
                .map(|&t| &self.joined_vocab[t as usize])
                .collect();
            let unit = |i: usize, j: usize| compare(qrefs[i], crefs[j]);
            let (name_score, _) = align_with(&qrefs, &qw, &qj, &crefs, &cw, Some(&cj), false, unit);
            if name_score + QUALIFIER_HEADROOM < floor {
                continue; // no qualifier can lift it into the review band
            }
            // the explanation only for the few names that may be reported
            let ex = if explain {
                align_with(&qrefs, &qw, &qj, &crefs, &cw, Some(&cj), true, unit).1
            } else {
                None
            };
            let mut quals = Vec::new();
            if let Some(dob) = &query.date_of_birth {
                quals.extend(qualifiers::date_of_birth(dob, &entry.dates_of_birth));
            }
            if let Some(cc) = &country {
                quals.extend(qualifiers::country(
                    cc,
                    &self.normalized_countries[name.entry as usize],
                ));
            }
            let score = (name_score + quals.iter().map(|q| q.effect).sum::<f32>()).clamp(0.0, 1.0);
            if score < floor {
                continue;
            }
            if best.get(&name.entry).is_some_and(|h| h.score >= score) {
                continue;
            }
            let n = &entry.names[name.name as usize];
            best.insert(
                name.entry,
                Hit {
                    entry,
                    entry_index: name.entry as usize,
                    matched_name: &n.full,
                    name_kind: n.kind,
                    score,
                    decision: if score >= threshold {
                        Decision::Match
                    } else {
                        Decision::Review
                    },
                    explanation: Explanation {
                        name_score,
                        name: ex.unwrap_or_default(),
                        qualifiers: quals,
                    },
                },
            );
        }
        let mut hits: Vec<Hit<'_>> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.entry_index.cmp(&b.entry_index))
        });
        hits
    }

    fn list_selected(&self, entry: &ListEntry, lists: &[String]) -> bool {
        lists.is_empty()
            || lists.iter().any(|l| {
                l.eq_ignore_ascii_case(&entry.source)
                    || entry
                        .sub_list
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(l))
            })
    }

    /// Candidate generation (see the module documentation).
    ///
    /// The score's denominator is known before any alignment: every token of both names counts
    /// once in it, aligned or not, so it is `W_query + W_name`. Candidate generation sees, for
    /// each query token, the list tokens it resembles and their similarity, so it can sum the
    /// best `sim · (w_query + w_list)` per query token over each name's tokens: an estimate of
    /// the numerator that is an upper bound for every pairing it saw. Names whose estimate plus
    /// [`ESTIMATE_MARGIN`] (for pairings it does not see: two or more edits, initials, joined
    /// tokens) cannot reach the review floor before qualifiers are not scored; the others are
    /// scored best estimate first, at most [`MAX_CANDIDATES`].
    fn candidates(&self, q: &[&TokInfo], qw: &[f32], floor: f32) -> Vec<(f32, u32)> {
        thread_local! {
            static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
        }
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            s.prepare(self.names.len(), self.vocab.len());
            let mut total = 0.0f32;
            let wq: f32 = qw.iter().sum();
            let need = floor - QUALIFIER_HEADROOM - ESTIMATE_MARGIN;
            // 1. each evidence token's list tokens, with the numerator they bring: (token,
            //    contribution, other half of a split or u32::MAX)
            let mut found: Vec<(u32, f32, u32)> = std::mem::take(&mut s.found);
            found.clear();
            let mut nb: Vec<(u32, f32)> = std::mem::take(&mut s.nb);
            // per query token: range in `found`, posting volume, best contribution
            let mut slots: SmallVec<[Slot; 8]> = SmallVec::new();
            for (i, t) in q.iter().enumerate() {
                if !t.class.is_evidence() {
                    continue;
                }
                total += qw[i];
                let start = found.len();
                nb.clear();
                self.neighbours(t, &mut nb);
                for &(tok, sim) in &nb {
                    found.push((tok, sim * (qw[i] + self.weight[tok as usize]), u32::MAX));
                }
                // joined with the next token: "al qaida" → "alqaida" (both query weights)
                if let Some(next) = q.get(i + 1) {
                    let mut joined = String::with_capacity(t.len + next.len);
                    joined.push_str(&t.text);
                    joined.push_str(&next.text);
                    if let Some(&id) = self.vocab_map.get(joined.as_str()) {
                        found.push((id, qw[i] + qw[i + 1] + self.weight[id as usize], u32::MAX));
                    }
                }
                // split: "jscargument" → "jsc" + "argument"; a name holding both halves is
                // credited with both list weights, found through the rarer half
                if t.len >= 5 {
                    for k in 2..=t.len - 2 {
                        if let (Some(&a), Some(&b)) = (
                            self.vocab_map.get(&t.text[..k]),
                            self.vocab_map.get(&t.text[k..]),
                        ) {
                            let (rare, other) = if self.postings(a).len() <= self.postings(b).len()
                            {
                                (a, b)
                            } else {
                                (b, a)
                            };
                            let c = qw[i] + self.weight[a as usize] + self.weight[b as usize];
                            found.push((rare, c, other));
                        }
                    }
                }
                let volume: usize = found[start..]
                    .iter()
                    .map(|f| self.postings(f.0).len())
                    .sum();
                let best = found[start..].iter().map(|f| f.1).fold(0.0f32, f32::max);
                slots.push(Slot {
                    i,
                    range: (start, found.len()),
                    best,
                    volume,
                });
            }
            s.nb = nb;
            if total <= 0.0 {
                s.found = found;
                return Vec::new();
            }
            let min = total * MIN_SHARE;
            // 2. MaxScore: the query tokens with the longest postings (common names) that
            //    together cannot bring a name to the minimum share nor to the estimate needed
            //    do not open new candidates; they only add to names found through the others.
            slots.sort_by_key(|sl| std::cmp::Reverse(sl.volume));
            let (mut e_share, mut e_best, mut n_expensive) = (0.0f32, 0.0f32, 0usize);
            for sl in &slots {
                let (share, best) = (e_share + qw[sl.i], e_best + sl.best);
                if sl.volume < 256 || (share >= min && best / wq >= need) {
                    break;
                }
                e_share = share;
                e_best = best;
                n_expensive += 1;
            }
            // 3. postings of the other tokens
            for sl in &slots[n_expensive..] {
                s.stamp_epoch();
                for &(tok, contrib, other) in &found[sl.range.0..sl.range.1] {
                    let post = self.postings(tok);
                    if other == u32::MAX {
                        for &n in post {
                            s.add(n, qw[sl.i], contrib);
                        }
                    } else {
                        for &n in post {
                            if self.names[n as usize].tokens.contains(&other) {
                                s.add(n, qw[sl.i], contrib);
                            }
                        }
                    }
                }
            }
            // 4. the expensive tokens, looked up in the names found so far
            for sl in &slots[..n_expensive] {
                s.stamp_epoch();
                let mark = s.epoch;
                for &(tok, contrib, other) in &found[sl.range.0..sl.range.1] {
                    if other == u32::MAX {
                        let t = tok as usize;
                        if s.tok_stamp[t] != mark || s.tok_val[t] < contrib {
                            s.tok_stamp[t] = mark;
                            s.tok_val[t] = contrib;
                        }
                    }
                }
                for k in 0..s.touched.len() {
                    let n = s.touched[k];
                    let name = &self.names[n as usize];
                    let mut best = 0.0f32;
                    for &t in name.tokens.iter() {
                        if s.tok_stamp[t as usize] == mark {
                            best = best.max(s.tok_val[t as usize]);
                        }
                    }
                    for &(tok, contrib, other) in &found[sl.range.0..sl.range.1] {
                        if other != u32::MAX
                            && name.tokens.contains(&tok)
                            && name.tokens.contains(&other)
                        {
                            best = best.max(contrib);
                        }
                    }
                    if best > 0.0 {
                        s.add(n, qw[sl.i], best);
                    }
                }
            }
            s.found = found;
            let cap = MAX_CANDIDATES;
            let mut cands: Vec<(f32, u32)> = std::mem::take(&mut s.cands);
            cands.clear();
            for &n in &s.touched {
                let a = s.names[n as usize];
                if a.shared < min {
                    continue;
                }
                let est = a.acc / (wq + self.name_weight[n as usize]);
                if est >= need {
                    cands.push((est, n));
                }
            }
            s.clear();
            if cands.len() > cap {
                cands.select_nth_unstable_by(cap, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                cands.truncate(cap);
            }
            let out = cands.iter().map(|&(e, n)| (e, n)).collect();
            s.cands = cands;
            out
        })
    }

    /// List tokens similar to `t` by [`compare`], found through the index, with their similarity:
    /// precomputed for a token of the vocabulary written in the same script.
    fn neighbours(&self, t: &TokInfo, out: &mut Vec<(u32, f32)>) {
        if let Some(&id) = self.vocab_map.get(t.text.as_str()) {
            let v = &self.vocab[id as usize];
            if v.script == t.script && v.same_alts(t) {
                let (a, b) = (
                    self.nb_offsets[id as usize] as usize,
                    self.nb_offsets[id as usize + 1] as usize,
                );
                out.extend_from_slice(&self.nb_data[a..b]);
                return;
            }
        }
        OOV.with(|c| {
            let mut c = c.borrow_mut();
            let c = &mut *c;
            c.prepare(
                self.id,
                t.script,
                &t.text,
                t.alts.iter().map(|a| a.text.as_str()),
            );
            if let Some(list) = c.map.get(c.key.as_str()) {
                out.extend_from_slice(list);
                return;
            }
            let start = out.len();
            self.neighbours_uncached(t, out);
            if c.map.len() >= OOV_CACHE_ENTRIES {
                c.map.clear();
            }
            c.map.insert(c.key.as_str().into(), out[start..].into());
        });
    }

    fn neighbours_uncached(&self, t: &TokInfo, out: &mut Vec<(u32, f32)>) {
        let start = out.len();
        let mut consider: SmallVec<[u32; 32]> = SmallVec::new();
        let own = self.vocab_map.get(t.text.as_str()).copied();
        if let Some(id) = own {
            out.push((id, 1.0));
        }
        for form in std::iter::once(t).chain(&t.alts) {
            if form.len >= 4 && edit_budget(form.len) > 0 {
                for_each_deletion(&form.text, |h| {
                    if let Some(&(a, n)) = self.deletions.get(&h) {
                        consider
                            .extend_from_slice(&self.deletion_data[a as usize..(a + n) as usize]);
                    }
                });
            }
        }
        let map = if t.script.vowels_unreliable() {
            &self.skeletons
        } else {
            &self.foreign_skeletons
        };
        for sk in t.skeletons() {
            if sk.len() >= 2 {
                if let Some(list) = map.get(sk) {
                    consider.extend(list.iter().take(128).copied());
                }
            }
        }
        for code in [&t.metaphone.0, &t.metaphone.1] {
            if code.len() >= 3 {
                if let Some(list) = self.phonetic.get(code.as_str()) {
                    consider.extend(list.iter().take(128).copied());
                }
            }
        }
        consider.sort_unstable();
        consider.dedup();
        for id in consider {
            if Some(id) == own {
                continue;
            }
            let v = &self.vocab[id as usize];
            if !(t.script.vowels_unreliable() || v.script.vowels_unreliable())
                && t.len.abs_diff(v.len) > 3
            {
                continue;
            }
            if let Some((sim, m)) = compare(t, v) {
                if m != Method::Initial {
                    out.push((id, sim));
                }
            }
        }
        let _ = start;
    }

    /// The comparison features of a query token: the precomputed ones when the lists hold the
    /// same token, else computed.
    fn token_info(&self, t: &crate::normalize::Token) -> QTok<'_> {
        let own = self.vocab_map.get(t.text.as_str()).copied();
        if let Some(id) = own {
            let v = &self.vocab[id as usize];
            if v.script == t.script
                && v.alts.len() == t.alts.len()
                && v.alts.iter().zip(&t.alts).all(|(a, b)| a.text == *b)
            {
                return QTok::Borrowed(v);
            }
        }
        // computed, and kept per thread: a token the lists do not hold recurs across queries
        OOV.with(|c| {
            let mut c = c.borrow_mut();
            let c = &mut *c;
            c.prepare(
                self.id,
                t.script,
                &t.text,
                t.alts.iter().map(String::as_str),
            );
            if let Some(info) = c.infos.get(c.key.as_str()) {
                return QTok::Shared(info.clone());
            }
            let info = match own {
                Some(id) => {
                    // the same letters from another script (or from other letters of it, with
                    // other alternative readings) compare differently
                    let mut info = self.vocab[id as usize].clone();
                    info.script = t.script;
                    info.with_alts(&t.alts)
                }
                None => TokInfo::new(t),
            };
            let info = Rc::new(info);
            if c.infos.len() >= OOV_CACHE_ENTRIES {
                c.infos.clear();
            }
            c.infos.insert(c.key.as_str().into(), info.clone());
            QTok::Shared(info)
        })
    }

    /// Scores two names with this screener's token weights (rarity on its lists).
    pub fn match_names(&self, a: &str, b: &str) -> (f32, NameExplanation) {
        let ai: Vec<TokInfo> = normalize(a).iter().map(TokInfo::new).collect();
        let bi: Vec<TokInfo> = normalize(b).iter().map(TokInfo::new).collect();
        let aw: Vec<f32> = ai.iter().map(|t| self.query_weight(t)).collect();
        let bw: Vec<f32> = bi.iter().map(|t| self.query_weight(t)).collect();
        let ar: Vec<&TokInfo> = ai.iter().collect();
        let br: Vec<&TokInfo> = bi.iter().collect();
        let (s, ex) = align(&ar, &aw, &br, &bw, true);
        (s, ex.unwrap_or_default())
    }

    /// Approximate heap bytes held by the index (not counting the entries themselves).
    pub fn index_bytes(&self) -> usize {
        let vocab: usize = self
            .vocab
            .iter()
            .map(|t| 96 + t.text.len() * 2 + t.skeleton.len() + 12)
            .sum();
        let names: usize = self.names.iter().map(|n| 24 + n.tokens.len() * 4).sum();
        vocab
            + names
            + self.post_data.len() * 4
            + self.post_offsets.len() * 4
            + self.deletion_data.len() * 4
            + self.deletions.len() * 24
            + self.weight.len() * 4
    }
}

/// One evidence token of the query during candidate generation.
struct Slot {
    /// Position in the query.
    i: usize,
    /// Its list tokens in `Scratch::found`.
    range: (usize, usize),
    /// The largest numerator it can bring to one name.
    best: f32,
    /// Postings it would read.
    volume: usize,
}

/// Per name, during candidate generation (one record: one cache line touched per posting).
#[derive(Clone, Copy, Default)]
struct NameAcc {
    /// The estimated score numerator (Σ over query tokens of the best
    /// `sim · (w_query + w_list)`).
    acc: f32,
    /// The query evidence weight it shares.
    shared: f32,
    /// The contribution of the current query token so far (its best neighbour).
    last: f32,
    stamp: u32,
}

#[derive(Default)]
struct Scratch {
    /// Per name.
    names: Vec<NameAcc>,
    epoch: u32,
    touched: Vec<u32>,
    found: Vec<(u32, f32, u32)>,
    nb: Vec<(u32, f32)>,
    cands: Vec<(f32, u32)>,
    /// Per vocabulary token: marks the neighbours of the current expensive query token.
    tok_stamp: Vec<u32>,
    tok_val: Vec<f32>,
}

impl Scratch {
    fn prepare(&mut self, n: usize, vocab: usize) {
        if self.tok_stamp.len() < vocab {
            self.tok_stamp.resize(vocab, 0);
            self.tok_val.resize(vocab, 0.0);
        }
        if self.names.len() < n {
            self.names.resize(n, NameAcc::default());
        }
    }
    fn stamp_epoch(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.names.iter_mut().for_each(|a| a.stamp = 0);
            self.tok_stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
    }
    /// Credits name `n` with query weight `qw` and numerator `contrib` for the current query
    /// token; a second list token of the same name only raises the credit to the better one.
    #[inline(always)]
    fn add(&mut self, n: u32, qw: f32, contrib: f32) {
        let a = &mut self.names[n as usize];
        if a.stamp == self.epoch {
            if contrib > a.last {
                a.acc += contrib - a.last;
                a.last = contrib;
            }
            return;
        }
        a.stamp = self.epoch;
        if a.shared == 0.0 {
            self.touched.push(n);
        }
        a.shared += qw.max(1e-6);
        a.acc += contrib;
        a.last = contrib;
    }
    fn clear(&mut self) {
        for &n in &self.touched {
            let a = &mut self.names[n as usize];
            a.acc = 0.0;
            a.shared = 0.0;
        }
        self.touched.clear();
    }
}

/// Scores two names without list statistics: each token weighs its class × length
/// (legal forms 0.02, particles 0.35, initials 0.3). Symmetric.
pub fn match_names(a: &str, b: &str, schema: Schema) -> (f32, NameExplanation) {
    let _ = schema; // names of any schema are normalised alike; kept for the API's stability
    let ai: Vec<TokInfo> = normalize(a).iter().map(TokInfo::new).collect();
    let bi: Vec<TokInfo> = normalize(b).iter().map(TokInfo::new).collect();
    let aw: Vec<f32> = ai.iter().map(static_weight).collect();
    let bw: Vec<f32> = bi.iter().map(static_weight).collect();
    let ar: Vec<&TokInfo> = ai.iter().collect();
    let br: Vec<&TokInfo> = bi.iter().collect();
    let (s, ex) = align(&ar, &aw, &br, &bw, true);
    (s, ex.unwrap_or_default())
}
