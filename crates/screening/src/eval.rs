//! Evaluation over the shared evaluation sets (`shared/data/eval/`), at one threshold.
//!
//! * **Recall** — the 683 perturbed UN names of `yente_candidate_generation/positives_un_treated.csv`
//!   screened as persons with their date of birth and nationality. A row counts as found when an
//!   entry at or above the threshold carries a name with the same tokens (in any order) as the
//!   row's clean name in `positives_un_untreated.csv`: the right person, not just any hit. The
//!   perturbed subset (rows whose name differs) is reported on its own.
//! * **False alarms** — the 50,000 synthetic people of `negatives_global.csv`, screened the same
//!   way; any hit at or above the threshold is a false alarm. Reported for all rows and for the
//!   even (tuning) and odd (held-out) halves: thresholds and weights were tuned looking only at the
//!   even rows.
//! * **Transliteration recall per script** — each pair of `netransliteration_coling2018/wd_*_20`
//!   (English name token vs its Arabic, Chinese, Hebrew, katakana, Korean, Russian spelling) and
//!   `google_transliteration/ar2en-*.txt` scored with [`match_names`]; recall = share at or above
//!   the threshold. `multiscript/cross_script_pairs.csv` and `putin_names.txt` likewise.
//!
//! File reading only: no terminal output here; callers print the [`EvalReport`].

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::normalize::normalize;
use crate::qualifiers::{country_code, Schema};
use crate::screener::{match_names, Query, Screener};

#[derive(Debug, Clone, Serialize)]
pub struct Recall {
    pub total: usize,
    pub found: usize,
    pub recall: f64,
}

impl Recall {
    fn new(total: usize, found: usize) -> Recall {
        Recall {
            total,
            found,
            recall: if total == 0 {
                0.0
            } else {
                found as f64 / total as f64
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FalseAlarms {
    pub total: usize,
    pub alerts: usize,
    pub rate: f64,
    /// Even rows: the part looked at while tuning.
    pub tuning_half_rate: f64,
    /// Odd rows: never looked at while tuning.
    pub held_out_half_rate: f64,
    /// Hits in the review band (below the threshold).
    pub review: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScriptRecall {
    pub set: String,
    pub script: String,
    pub total: usize,
    pub found: usize,
    pub recall: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub queries: usize,
    pub median_us: f64,
    pub p95_us: f64,
    pub batch_queries_per_s: f64,
    pub threads: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub threshold: f32,
    pub names_indexed: usize,
    pub entries_indexed: usize,
    pub positives: Recall,
    pub positives_perturbed: Recall,
    /// Rows whose clean name is on no indexed list (cannot be found; counted as misses above).
    pub positives_not_listed: usize,
    pub negatives: FalseAlarms,
    pub transliteration: Vec<ScriptRecall>,
    pub timing: Option<Timing>,
    /// The first missed positives and false alarms, for inspection.
    pub missed_examples: Vec<String>,
    pub false_alarm_examples: Vec<String>,
}

#[derive(Debug, Clone)]
struct Person {
    name: String,
    dob: Option<String>,
    country: Option<String>,
}

fn read_people(path: &Path) -> Result<Vec<Person>, String> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = rdr
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (name, dob, nat) = (col("full_name"), col("date_of_birth"), col("nationality"));
    let name = name.ok_or_else(|| format!("{}: no full_name column", path.display()))?;
    let mut out = Vec::new();
    for (line, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: record {}: {e}", path.display(), line + 1))?;
        let get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        out.push(Person {
            name: get(Some(name)).unwrap_or_default(),
            dob: get(dob),
            country: get(nat),
        });
    }
    Ok(out)
}

fn person_query(p: &Person) -> Query {
    Query {
        name: p.name.clone(),
        schema: Schema::Person,
        country: p.country.as_deref().and_then(country_code),
        date_of_birth: p.dob.clone(),
        ..Query::default()
    }
}

/// Sorted token texts: the identity used to decide "the right person".
fn token_key(name: &str) -> Vec<String> {
    let mut v: Vec<String> = normalize(name).into_iter().map(|t| t.text).collect();
    v.sort();
    v
}

/// Runs the whole evaluation. `eval_dir` is `shared/data/eval`. `timing` also measures query
/// latency (single thread) and batch throughput (all rayon threads).
pub fn run(
    screener: &Screener,
    eval_dir: &Path,
    threshold: f32,
    timing: bool,
) -> Result<EvalReport, String> {
    let ycg = eval_dir.join("yente_candidate_generation");
    let treated = read_people(&ycg.join("positives_un_treated.csv"))?;
    let clean = read_people(&ycg.join("positives_un_untreated.csv"))?;
    if treated.len() != clean.len() {
        return Err(
            "positives_un_treated.csv and positives_un_untreated.csv differ in length".into(),
        );
    }
    let negatives = read_people(&ycg.join("negatives_global.csv"))?;

    // which clean names are on the indexed lists at all
    let mut listed: std::collections::HashSet<Vec<String>> = std::collections::HashSet::new();
    for e in screener.entries() {
        for n in &e.names {
            listed.insert(token_key(&n.full));
        }
    }

    let pos: Vec<(bool, bool)> = treated
        .par_iter()
        .zip(clean.par_iter())
        .map(|(t, c)| {
            let key = token_key(&c.name);
            let mut q = person_query(t);
            q.threshold = Some(threshold);
            let hits = screener.screen(&q);
            let found = hits
                .iter()
                .filter(|h| h.score >= threshold)
                .any(|h| h.entry.names.iter().any(|n| token_key(&n.full) == key));
            (found, t.name != c.name)
        })
        .collect();
    let mut missed_examples = Vec::new();
    for (i, (found, _)) in pos.iter().enumerate() {
        if !found && missed_examples.len() < 40 {
            missed_examples.push(format!("{} (clean: {})", treated[i].name, clean[i].name));
        }
    }
    let positives = Recall::new(pos.len(), pos.iter().filter(|p| p.0).count());
    let perturbed = Recall::new(
        pos.iter().filter(|p| p.1).count(),
        pos.iter().filter(|p| p.0 && p.1).count(),
    );
    let not_listed = clean
        .iter()
        .filter(|c| !listed.contains(&token_key(&c.name)))
        .count();

    let neg: Vec<(f32, Option<String>)> = negatives
        .par_iter()
        .map(|p| {
            let mut q = person_query(p);
            q.threshold = Some(threshold);
            let hits = screener.screen(&q);
            match hits.first() {
                Some(h) => (
                    h.score,
                    Some(format!(
                        "{} ~ {} [{}] {:.3}",
                        p.name, h.matched_name, h.entry.source, h.score
                    )),
                ),
                None => (0.0, None),
            }
        })
        .collect();
    let alert = |s: f32| s >= threshold;
    let alerts = neg.iter().filter(|n| alert(n.0)).count();
    let half = |parity: usize| {
        let rows: Vec<_> = neg
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .collect();
        rows.iter().filter(|(_, n)| alert(n.0)).count() as f64 / rows.len().max(1) as f64
    };
    let false_alarm_examples: Vec<String> = neg
        .iter()
        .filter(|n| alert(n.0))
        .filter_map(|n| n.1.clone())
        .take(40)
        .collect();
    let negatives_report = FalseAlarms {
        total: neg.len(),
        alerts,
        rate: alerts as f64 / neg.len().max(1) as f64,
        tuning_half_rate: half(0),
        held_out_half_rate: half(1),
        review: neg.iter().filter(|n| n.0 > 0.0 && !alert(n.0)).count(),
    };

    let transliteration = transliteration(eval_dir, threshold)?;

    let timing = if timing {
        let queries: Vec<Query> = treated
            .iter()
            .chain(negatives.iter())
            .map(person_query)
            .collect();
        Some(measure(screener, &queries))
    } else {
        None
    };

    Ok(EvalReport {
        threshold,
        names_indexed: screener.name_count(),
        entries_indexed: screener.entries().len(),
        positives,
        positives_perturbed: perturbed,
        positives_not_listed: not_listed,
        negatives: negatives_report,
        transliteration,
        timing,
        missed_examples,
        false_alarm_examples,
    })
}

/// Median and 95th-percentile latency of single queries on one thread, and the throughput of
/// [`Screener::screen_batch`] on the rayon pool.
pub fn measure(screener: &Screener, queries: &[Query]) -> Timing {
    // warm-up
    for q in queries.iter().take(1000) {
        std::hint::black_box(screener.screen(q));
    }
    let sample: Vec<&Query> = queries
        .iter()
        .step_by((queries.len() / 20_000).max(1))
        .collect();
    let mut lat: Vec<f64> = sample
        .iter()
        .map(|q| {
            let t = Instant::now();
            std::hint::black_box(screener.screen(q));
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    lat.sort_by(f64::total_cmp);
    let t = Instant::now();
    let out = screener.screen_batch(queries);
    let secs = t.elapsed().as_secs_f64();
    std::hint::black_box(out);
    Timing {
        queries: queries.len(),
        median_us: lat.get(lat.len() / 2).copied().unwrap_or(0.0),
        p95_us: lat.get(lat.len() * 95 / 100).copied().unwrap_or(0.0),
        batch_queries_per_s: queries.len() as f64 / secs,
        threads: rayon::current_num_threads(),
    }
}

/// Transliteration recall per script (the pair sets only; no lists needed).
pub fn transliteration(eval_dir: &Path, threshold: f32) -> Result<Vec<ScriptRecall>, String> {
    let mut out = Vec::new();
    let ne = eval_dir.join("netransliteration_coling2018");
    for (file, script) in [
        ("wd_arabic_20", "Arabic"),
        ("wd_chinese_20", "Chinese"),
        ("wd_hebrew_20", "Hebrew"),
        ("wd_katakana_20", "Japanese katakana"),
        ("wd_korean_20", "Korean"),
        ("wd_russian_20", "Russian"),
    ] {
        let path = ne.join(file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let pairs: Vec<(String, String)> = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let en = f.next()?.trim();
                let native: String = f.next()?.split(' ').collect();
                (!en.is_empty() && !native.is_empty()).then(|| (en.to_string(), native))
            })
            .collect();
        out.push(pair_recall(
            "netransliteration_coling2018",
            script,
            &pairs,
            threshold,
        ));
    }
    let gt = eval_dir.join("google_transliteration");
    let mut pairs = Vec::new();
    for file in ["ar2en-test.txt", "ar2en-eval.txt"] {
        let path = gt.join(file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        pairs.extend(text.lines().filter_map(|l| {
            let (ar, en) = l.split_once('\t')?;
            Some((en.trim().to_string(), ar.trim().to_string()))
        }));
    }
    out.push(pair_recall(
        "google_transliteration",
        "Arabic",
        &pairs,
        threshold,
    ));

    let ms = eval_dir.join("multiscript");
    let path = ms.join("cross_script_pairs.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            let c = comment.trim();
            if let Some((script, _)) = c.split_once(" to Latin") {
                groups.push((script.to_string(), Vec::new()));
            }
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() >= 2 {
            if let Some(g) = groups.last_mut() {
                g.1.push((f[1].to_string(), f[0].to_string()));
            }
        }
    }
    for (script, pairs) in groups {
        out.push(pair_recall(
            "multiscript/cross_script_pairs",
            &script,
            &pairs,
            threshold,
        ));
    }
    let path = ms.join("putin_names.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let pairs: Vec<(String, String)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| ("Vladimir Vladimirovich Putin".to_string(), l.to_string()))
        .collect();
    out.push(pair_recall(
        "multiscript/putin_names",
        "mixed",
        &pairs,
        threshold,
    ));
    Ok(out)
}

fn pair_recall(
    set: &str,
    script: &str,
    pairs: &[(String, String)],
    threshold: f32,
) -> ScriptRecall {
    let found = pairs
        .par_iter()
        .filter(|(a, b)| match_names(a, b, Schema::Person).0 >= threshold)
        .count();
    let r = Recall::new(pairs.len(), found);
    ScriptRecall {
        set: set.into(),
        script: script.into(),
        total: r.total,
        found: r.found,
        recall: r.recall,
    }
}

/// Per-pair scores for a script set, for inspection (used by the eval binary's `--verbose`).
pub fn transliteration_misses(
    eval_dir: &Path,
    file: &str,
    threshold: f32,
    limit: usize,
) -> Vec<String> {
    let path = eval_dir.join("netransliteration_coling2018").join(file);
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let en = f.next()?.trim().to_string();
            let native: String = f.next()?.split(' ').collect();
            let (s, ex) = match_names(&en, &native, Schema::Person);
            (s < threshold).then(|| {
                let t: Vec<String> = normalize(&native).into_iter().map(|t| t.text).collect();
                format!(
                    "{en} ~ {native} ({}) {s:.2} {:?}",
                    t.join(" "),
                    ex.tokens.first().and_then(|t| t.method)
                )
            })
        })
        .take(limit)
        .collect()
}
