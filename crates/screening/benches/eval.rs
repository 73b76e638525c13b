//! The evaluation as a bench binary: `cargo bench -p chokepoint-screening --bench eval`.
//! Loads CSL + UN + SDN with the private loader in `common`, builds the index, and prints the
//! report of `chokepoint_screening::eval::run` as JSON (and a summary on stderr).
//! `EVAL_THRESHOLD=0.8` overrides the threshold; `EVAL_NO_TIMING=1` skips the timing.

mod common;

// The allocator of the `chokepoint` binary, so the timings are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use chokepoint_screening::{eval, Screener, DEFAULT_THRESHOLD};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` compatibility
    }
    let rss0 = common::rss_bytes().unwrap_or(0);
    let t = Instant::now();
    let entries = common::load_default();
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let screener = Screener::new(entries);
    let build_s = t.elapsed().as_secs_f64();
    let rss1 = common::rss_bytes().unwrap_or(0);
    let threshold: f32 = std::env::var("EVAL_THRESHOLD")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_THRESHOLD);
    let timing = std::env::var_os("EVAL_NO_TIMING").is_none();
    let report = eval::run(
        &screener,
        &common::shared_data().join("eval"),
        threshold,
        timing,
    )
    .expect("eval");
    eprintln!(
        "entries {} names {} vocab {} | load {:.2}s build {:.2}s | RSS before {:.0} MB after index {:.0} MB (index est. {:.0} MB)",
        screener.entries().len(),
        screener.name_count(),
        screener.vocabulary_size(),
        load_s,
        build_s,
        rss0 as f64 / 1e6,
        rss1 as f64 / 1e6,
        screener.index_bytes() as f64 / 1e6
    );
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}
