//! `chokepoint screen` — screen a name, or a CSV of parties, against restricted-party lists.
//!
//! Lists come from `--list-file KIND=PATH` when given (parsed in full, nothing stored), else from
//! the list store (`--store DIR`, `$CHOKEPOINT_STORE`, or the default store directory).
//! Exit codes: 0 screened (hits or not), 2 bad input (empty name, bad CSV, unknown list kind).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use chokepoint_lists::store::{default_root, expand_paths, Store};
use chokepoint_lists::{parse_files, Format, ListEntry, SourceFile};
use chokepoint_screening::{
    Decision, Hit, Query, Schema, Screener, DEFAULT_THRESHOLD, REVIEW_BAND,
};
use rayon::prelude::*;

use crate::exit::{BadInput, DECIDED};

/// Where the lists come from (shared by `screen` and `eval`).
#[derive(clap::Args, Clone, Debug)]
pub struct ListSource {
    /// A list file to screen against instead of the store: KIND=PATH, KIND one of us_csl, un,
    /// ofac_sdn (a directory or sdn.csv; repeat for add.csv/alt.csv), ofac_cons, uk, bis_dpl,
    /// jp_eul, cn_mofcom, opensanctions. Repeatable.
    #[arg(long = "list-file", value_name = "KIND=PATH")]
    pub list_files: Vec<String>,
    /// List store directory (default: $CHOKEPOINT_STORE, else ~/.local/share/chokepoint/lists).
    #[arg(long)]
    pub store: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ScreenArgs {
    /// Name to screen.
    pub name: Option<String>,
    /// Country of the party (ISO 3166 alpha-2, or a name).
    #[arg(long)]
    pub country: Option<String>,
    /// Party type: Person, Company, Organization, LegalEntity, Vessel, Aircraft.
    #[arg(long = "type", value_name = "T")]
    pub schema: Option<String>,
    /// Date of birth (YYYY or YYYY-MM-DD).
    #[arg(long)]
    pub dob: Option<String>,
    /// An identifier of the party (passport, registration, IMO ...). Repeatable.
    #[arg(long = "id")]
    pub ids: Vec<String>,
    /// Only these lists: source keys (us_csl, un, ofac_sdn ...) or sub-lists ("Entity List").
    #[arg(long, value_delimiter = ',')]
    pub lists: Vec<String>,
    /// Match threshold (default: the library's default).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Machine-readable JSON output.
    #[arg(long)]
    pub json: bool,
    /// At most this many hits per name.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Screen a CSV of parties (column `name`; optional `country`, `type`/`schema`,
    /// `date_of_birth`, `id`) instead of one name.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Where to write the hits of `--input` (CSV; default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub source: ListSource,
}

fn parse_schema(s: Option<&str>) -> anyhow::Result<Schema> {
    match s {
        None => Ok(Schema::Any),
        Some(s) => s.parse::<Schema>().map_err(|e| BadInput(e).into()),
    }
}

fn check_threshold(t: Option<f32>) -> anyhow::Result<()> {
    if let Some(t) = t {
        if !(0.0..=1.0).contains(&t) {
            return Err(BadInput(format!("--threshold must be within 0..1, got {t}")).into());
        }
    }
    Ok(())
}

pub fn run(args: ScreenArgs) -> anyhow::Result<u8> {
    check_threshold(args.threshold)?;
    let schema = parse_schema(args.schema.as_deref())?;
    if args.input.is_none() {
        let name = args.name.as_deref().unwrap_or("");
        if name.trim().is_empty() {
            return Err(BadInput(
                "empty name: give a NAME to screen, or --input parties.csv".into(),
            )
            .into());
        }
    }
    let t = Instant::now();
    let entries = load_lists(&args.source, &args.lists)?;
    let screener = Screener::new(entries);
    if !args.quiet && !args.json {
        eprintln!(
            "indexed {} names of {} entries in {:.2}s",
            screener.name_count(),
            screener.entries().len(),
            t.elapsed().as_secs_f64()
        );
    }
    if let Some(input) = &args.input {
        return screen_file(&screener, &args, input);
    }
    let query = Query {
        name: args.name.clone().unwrap_or_default(),
        schema,
        country: args.country.clone(),
        date_of_birth: args.dob.clone(),
        identifiers: args.ids.clone(),
        lists: args.lists.clone(),
        threshold: args.threshold,
    };
    if query.name.chars().all(|c| !c.is_alphanumeric()) {
        return Err(BadInput(format!("name {:?} has no letters or digits", query.name)).into());
    }
    let mut hits = screener.screen(&query);
    hits.truncate(args.limit);
    if args.json {
        let out = serde_json::json!({
            "query": query.name,
            "threshold": args.threshold.unwrap_or(DEFAULT_THRESHOLD),
            "review_band": REVIEW_BAND,
            "hits": hits,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_hits(&query.name, &hits);
    }
    Ok(DECIDED)
}

fn print_hits(name: &str, hits: &[Hit<'_>]) {
    if hits.is_empty() {
        println!("{name}: no hits");
        return;
    }
    for h in hits {
        let e = h.entry;
        println!(
            "{:.3} {:<6} {} [{}{}] id {} — matched {:?}",
            h.score,
            match h.decision {
                Decision::Match => "MATCH",
                Decision::Review => "review",
            },
            e.primary_name(),
            e.source,
            e.sub_list
                .as_deref()
                .map(|s| format!(" / {s}"))
                .unwrap_or_default(),
            e.id,
            h.matched_name
        );
        for t in &h.explanation.name.tokens {
            match (&t.matched, t.method) {
                (Some(m), Some(method)) => println!(
                    "        {:<18} ~ {:<18} {:?} sim {:.2} weight {:.2}",
                    t.query, m, method, t.similarity, t.weight
                ),
                _ => println!(
                    "        {:<18}   (no partner)         weight {:.2}",
                    t.query, t.weight
                ),
            }
        }
        for (tok, w) in &h.explanation.name.unmatched_list_tokens {
            println!(
                "        {:<18}   (list token unmatched) weight {:.2}",
                "", w
            );
            let _ = tok;
        }
        for q in &h.explanation.qualifiers {
            println!("        {} {:+.2}: {}", q.kind, q.effect, q.detail);
        }
        if let Some(l) = &e.licence {
            if !l.footnotes.is_empty() {
                let f: Vec<String> = l.footnotes.iter().map(|f| f.number.to_string()).collect();
                println!("        licence footnotes: {}", f.join(", "));
            }
        }
    }
}

/// Loads the lists: from `--list-file` when given, else from the store.
pub fn load_lists(source: &ListSource, only: &[String]) -> anyhow::Result<Vec<ListEntry>> {
    if !source.list_files.is_empty() {
        return load_list_files(&source.list_files);
    }
    let root = source
        .store
        .clone()
        .or_else(|| std::env::var_os("CHOKEPOINT_STORE").map(PathBuf::from))
        .unwrap_or_else(default_root);
    if !root.exists() {
        return Err(BadInput(format!(
            "no list store at {} and no --list-file: run `chokepoint lists load` or pass --list-file KIND=PATH",
            root.display()
        ))
        .into());
    }
    let store =
        Store::open(&root).with_context(|| format!("opening the list store {}", root.display()))?;
    let keys: Vec<&str> = only
        .iter()
        .map(String::as_str)
        .filter(|k| !k.contains(' '))
        .collect();
    let set = if keys.is_empty() || only.iter().any(|k| k.contains(' ')) {
        store.load_default_set()
    } else {
        store.load_set(&keys)
    };
    Ok(set.map_err(|e| BadInput(e.to_string()))?.entries)
}

fn format_for(kind: &str, path: &Path) -> Option<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match kind {
        "us_csl" | "csl" => {
            if ext == "json" {
                Format::CslJson
            } else {
                Format::CslCsv
            }
        }
        "un" => Format::UnXml,
        "ofac_sdn" | "ofac_cons" | "sdn" => Format::OfacCsv,
        "uk" => {
            if ext == "ods" {
                Format::UkOds
            } else {
                Format::UkCsv
            }
        }
        "bis_dpl" | "dpl" => Format::DplTxt,
        "jp_eul" | "cn_mofcom" | "jp" | "cn" => Format::RegistryJson,
        "opensanctions" | "ftm" => Format::FtmJson,
        other => return Format::from_name(other),
    })
}

fn load_list_files(specs: &[String]) -> anyhow::Result<Vec<ListEntry>> {
    // group the files of one kind (an OFAC set is several files)
    let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for spec in specs {
        let (kind, path) = spec
            .split_once('=')
            .ok_or_else(|| BadInput(format!("--list-file {spec:?}: expected KIND=PATH")))?;
        let kind = kind.trim().to_ascii_lowercase();
        match groups.iter_mut().find(|g| g.0 == kind) {
            Some(g) => g.1.push(PathBuf::from(path)),
            None => groups.push((kind, vec![PathBuf::from(path)])),
        }
    }
    let mut entries = Vec::new();
    for (kind, paths) in groups {
        let paths = expand_paths(&paths).map_err(|e| BadInput(e.to_string()))?;
        let format = format_for(&kind, &paths[0])
            .ok_or_else(|| BadInput(format!("--list-file: unknown list kind {kind:?}")))?;
        let files = paths
            .iter()
            .map(|p| SourceFile::read(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| BadInput(e.to_string()))?;
        let parsed = parse_files(format, &kind, &files).map_err(|e| BadInput(e.to_string()))?;
        entries.extend(parsed.entries);
    }
    Ok(entries)
}

/// `--input parties.csv`: streamed in chunks, each chunk screened on all cores, results written
/// in input order. Every party gets at least one row (`decision` = `clear` when nothing hit).
fn screen_file(screener: &Screener, args: &ScreenArgs, input: &Path) -> anyhow::Result<u8> {
    let file = File::open(input).map_err(|e| BadInput(format!("{}: {e}", input.display())))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let headers = rdr
        .headers()
        .map_err(|e| BadInput(format!("{}: {e}", input.display())))?
        .clone();
    let col = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let name_col = col(&["name", "full_name", "party", "name1"])
        .ok_or_else(|| BadInput(format!("{}: no `name` column", input.display())))?;
    let (country_col, type_col, dob_col, id_col) = (
        col(&["country", "nationality"]),
        col(&["type", "schema"]),
        col(&["date_of_birth", "dob"]),
        col(&["id", "identifier"]),
    );
    let out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout())),
    };
    let mut wtr = csv::Writer::from_writer(out);
    wtr.write_record([
        "row",
        "name",
        "decision",
        "score",
        "source",
        "sub_list",
        "entry_id",
        "listed_name",
        "matched_name",
        "footnotes",
    ])?;
    let bar = if args.quiet || args.output.is_none() {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(size);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {per_sec} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    };
    let default_schema = parse_schema(args.schema.as_deref())?;
    let mut row = 0usize;
    let (mut parties, mut matches, mut reviews) = (0usize, 0usize, 0usize);
    let mut records = rdr.records();
    loop {
        let mut chunk: Vec<(usize, Query)> = Vec::with_capacity(4096);
        for rec in records.by_ref() {
            row += 1;
            let rec =
                rec.map_err(|e| BadInput(format!("{}: record {row}: {e}", input.display())))?;
            let get = |c: Option<usize>| {
                c.and_then(|c| rec.get(c))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
            };
            let schema = match get(type_col) {
                Some(t) => t
                    .parse::<Schema>()
                    .map_err(|e| BadInput(format!("{}: record {row}: {e}", input.display())))?,
                None => default_schema,
            };
            chunk.push((
                row,
                Query {
                    name: get(Some(name_col)).unwrap_or_default(),
                    schema,
                    country: get(country_col).or_else(|| args.country.clone()),
                    date_of_birth: get(dob_col),
                    identifiers: get(id_col).into_iter().collect(),
                    lists: args.lists.clone(),
                    threshold: args.threshold,
                },
            ));
            if chunk.len() == 4096 {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<Vec<Hit<'_>>> =
            chunk.par_iter().map(|(_, q)| screener.screen(q)).collect();
        for ((r, q), hits) in chunk.iter().zip(results) {
            parties += 1;
            if hits.is_empty() {
                wtr.write_record([
                    r.to_string().as_str(),
                    &q.name,
                    "clear",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ])?;
            }
            if hits.first().is_some_and(|h| h.decision == Decision::Match) {
                matches += 1;
            } else if !hits.is_empty() {
                reviews += 1;
            }
            for h in hits.iter().take(args.limit) {
                let footnotes: Vec<String> = h
                    .entry
                    .licence
                    .as_ref()
                    .map(|l| l.footnotes.iter().map(|f| f.number.to_string()).collect())
                    .unwrap_or_default();
                wtr.write_record([
                    r.to_string().as_str(),
                    &q.name,
                    if h.decision == Decision::Match {
                        "match"
                    } else {
                        "review"
                    },
                    &format!("{:.4}", h.score),
                    &h.entry.source,
                    h.entry.sub_list.as_deref().unwrap_or(""),
                    &h.entry.id,
                    h.entry.primary_name(),
                    h.matched_name,
                    &footnotes.join(" "),
                ])?;
            }
        }
        bar.set_position(records.reader().position().byte());
        bar.set_message(format!("{parties} parties"));
    }
    wtr.flush()?;
    bar.finish_and_clear();
    if !args.quiet {
        eprintln!("{parties} parties screened: {matches} with a match, {reviews} for review");
    }
    Ok(DECIDED)
}
