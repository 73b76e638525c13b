//! `chokepoint match` — score two names (or a CSV of pairs) and explain the score.
//!
//! Uses the library's list-independent scorer (`chokepoint_screening::match_names`): token weights
//! come from token class and length, not from list statistics, so the same pair always scores the
//! same. `match` is `true` at the library's default threshold.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use chokepoint_screening::{match_names, Schema, DEFAULT_THRESHOLD};

use crate::exit::{BadInput, DECIDED};

#[derive(clap::Args)]
pub struct MatchArgs {
    pub name1: Option<String>,
    pub name2: Option<String>,
    /// Party type: Person, Company, Organization, LegalEntity, Vessel.
    #[arg(long = "type", value_name = "T")]
    pub schema: Option<String>,
    /// Machine-readable JSON output.
    #[arg(long)]
    pub json: bool,
    /// CSV with columns `name1,name2` and optionally `schema`.
    #[arg(long)]
    pub pairs: Option<PathBuf>,
    /// Where to write the scored pairs (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: MatchArgs) -> anyhow::Result<u8> {
    let schema = match &args.schema {
        Some(s) => s.parse::<Schema>().map_err(BadInput)?,
        None => Schema::Any,
    };
    if let Some(pairs) = &args.pairs {
        return run_pairs(&args, pairs, schema);
    }
    let (a, b) = match (&args.name1, &args.name2) {
        (Some(a), Some(b)) if !a.trim().is_empty() && !b.trim().is_empty() => (a, b),
        _ => {
            return Err(BadInput(
                "give two non-empty names: chokepoint match NAME1 NAME2 (or --pairs FILE)".into(),
            )
            .into())
        }
    };
    let (score, ex) = match_names(a, b, schema);
    let is_match = score >= DEFAULT_THRESHOLD;
    if args.json {
        let out = serde_json::json!({
            "name1": a, "name2": b, "score": score, "match": is_match,
            "threshold": DEFAULT_THRESHOLD, "explanation": ex,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{score:.3} {}", if is_match { "match" } else { "no match" });
        for t in &ex.tokens {
            match (&t.matched, t.method) {
                (Some(m), Some(method)) => println!(
                    "  {:<18} ~ {:<18} {:?} sim {:.2} weight {:.2}",
                    t.query, m, method, t.similarity, t.weight
                ),
                _ => println!("  {:<18}   (no partner)   weight {:.2}", t.query, t.weight),
            }
        }
        for (tok, w) in &ex.unmatched_list_tokens {
            println!("  {:<18}   (unmatched in name 2: {tok}) weight {w:.2}", "");
        }
    }
    Ok(DECIDED)
}

fn run_pairs(args: &MatchArgs, path: &PathBuf, default_schema: Schema) -> anyhow::Result<u8> {
    let file = File::open(path).map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let headers = rdr
        .headers()
        .map_err(|e| BadInput(format!("{}: {e}", path.display())))?
        .clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let (c1, c2) = match (col("name1"), col("name2")) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(BadInput(format!("{}: needs columns name1,name2", path.display())).into()),
    };
    let cs = col("schema");
    let out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout())),
    };
    let mut wtr = csv::Writer::from_writer(out);
    let mut head: Vec<String> = headers.iter().map(String::from).collect();
    head.push("score".into());
    head.push("match".into());
    wtr.write_record(&head)?;
    for (i, rec) in rdr.records().enumerate() {
        let rec =
            rec.map_err(|e| BadInput(format!("{}: record {}: {e}", path.display(), i + 1)))?;
        let schema = match cs
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => s
                .parse::<Schema>()
                .map_err(|e| BadInput(format!("{}: record {}: {e}", path.display(), i + 1)))?,
            None => default_schema,
        };
        let (score, _) = match_names(rec.get(c1).unwrap_or(""), rec.get(c2).unwrap_or(""), schema);
        let mut row: Vec<String> = rec.iter().map(String::from).collect();
        row.resize(headers.len(), String::new());
        row.push(format!("{score:.4}"));
        row.push((score >= DEFAULT_THRESHOLD).to_string());
        wtr.write_record(&row)?;
    }
    wtr.flush()?;
    Ok(DECIDED)
}
