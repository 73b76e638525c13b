//! Runs one check many times, for profilers and instruction counts:
//! `cargo build --release -p chokepoint-engine --example profile_check`
//! `perf stat -e instructions target/release/examples/profile_check examples/h100-to-china-datacenter.toml 2000`

use std::path::Path;

use chokepoint_catalog::Catalog;
use chokepoint_engine::{determine, Options};
use chokepoint_model::{parse_shipment, Format};
use chokepoint_rulebook::{Posture, Rulebook, SourceFile};

// The same allocator as the `chokepoint` binary, so the numbers are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let shipment_path = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("examples/h100-to-china-datacenter.toml");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let book = Rulebook::load(SourceFile::read_dir(Path::new("rules")).unwrap()).unwrap();
    let catalog = Catalog::read_dir(Path::new("catalog")).unwrap();
    let text = std::fs::read_to_string(shipment_path).unwrap();
    let shipment = parse_shipment(
        &text,
        Format::Toml,
        shipment_path,
        &book.vocabulary,
        &catalog,
    )
    .unwrap();
    let opts = Options {
        as_of: shipment.date.unwrap(),
        posture: Posture::Enforced,
        jurisdictions: None,
    };
    let mut times = Vec::with_capacity(n);
    let mut outcomes = 0;
    for _ in 0..n {
        let start = std::time::Instant::now();
        outcomes += determine(&book, &shipment, &opts).determinations.len();
        times.push(start.elapsed());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let mean = times.iter().sum::<std::time::Duration>() / n as u32;
    eprintln!(
        "{n} checks ({outcomes} determinations): mean {mean:?}, p50 {:?}, p90 {:?}, p99 {:?}, max {:?}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        times[times.len() - 1]
    );
}
