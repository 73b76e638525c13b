//! `chokepoint eval` — the screening evaluation over the shared evaluation sets.
//!
//! Lists: `--list-file` / the store as for `screen`; when neither holds lists, the default set
//! (CSL + UN + OFAC SDN) is read from `<data>/lists/` (the shared data folder).

use std::path::PathBuf;
use std::time::Instant;

use chokepoint_lists::{load_default_set, DefaultSetPaths};
use chokepoint_screening::{eval, Screener, DEFAULT_THRESHOLD};

use crate::exit::{BadInput, DECIDED};
use crate::screen::{load_lists, ListSource};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The shared data folder (holding `eval/` and `lists/`); default $CHOKEPOINT_SHARED_DATA,
    /// else ../shared/data.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Threshold to evaluate at (default: the library's default).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Skip the latency and throughput measurement.
    #[arg(long)]
    pub no_timing: bool,
    /// Print the full report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub source: ListSource,
}

pub fn run(args: EvalArgs) -> anyhow::Result<u8> {
    let data = args
        .data
        .clone()
        .or_else(|| std::env::var_os("CHOKEPOINT_SHARED_DATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    if !data.join("eval").is_dir() {
        return Err(BadInput(format!("{}: no eval/ folder (give --data)", data.display())).into());
    }
    let t = Instant::now();
    let entries = match load_lists(&args.source, &[]) {
        Ok(e) if !e.is_empty() => e,
        _ => {
            let l = data.join("lists");
            load_default_set(&DefaultSetPaths {
                csl: Some(l.join("us_csl_2026-07-31/consolidated.csv")),
                un: Some(l.join("un_consolidated_2026-02-27/UN_consolidated.xml")),
                ofac_sdn: vec![
                    l.join("ofac_sdn_2024-05-03/sdn.csv"),
                    l.join("ofac_sdn_parts_2025-12-24/alt.csv"),
                ],
            })
            .map_err(|e| BadInput(e.to_string()))?
            .entries
        }
    };
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let screener = Screener::new(entries);
    let build_s = t.elapsed().as_secs_f64();
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    let report =
        eval::run(&screener, &data.join("eval"), threshold, !args.no_timing).map_err(BadInput)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(DECIDED);
    }
    println!(
        "lists: {} entries, {} names; loaded in {load_s:.2}s, indexed in {build_s:.2}s; threshold {threshold}",
        report.entries_indexed, report.names_indexed
    );
    let p = &report.positives;
    let pp = &report.positives_perturbed;
    println!(
        "recall (perturbed UN names): {}/{} = {:.4}; perturbed rows only {}/{} = {:.4}",
        p.found, p.total, p.recall, pp.found, pp.total, pp.recall
    );
    let n = &report.negatives;
    println!(
        "false alarms (synthetic people): {}/{} = {:.4}% (tuning half {:.4}%, held-out half {:.4}%); {} in the review band",
        n.alerts, n.total, n.rate * 100.0, n.tuning_half_rate * 100.0, n.held_out_half_rate * 100.0, n.review
    );
    for s in &report.transliteration {
        println!(
            "transliteration {:<34} {:<18} {:>6}/{:<6} {:.3}",
            s.set, s.script, s.found, s.total, s.recall
        );
    }
    if let Some(t) = &report.timing {
        println!(
            "latency: median {:.1} µs, p95 {:.1} µs (one thread); batch {:.0} queries/s on {} threads",
            t.median_us, t.p95_us, t.batch_queries_per_s, t.threads
        );
    }
    Ok(DECIDED)
}
