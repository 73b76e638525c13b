//! Runs one check many times, for profilers and instruction counts:
//! `cargo build --release -p chokepoint-engine --example profile_check`
//! `perf stat -e instructions target/release/examples/profile_check examples/h100-to-china-datacenter.toml 2000`

use std::path::{Path, PathBuf};

use chokepoint_catalog::Catalog;
use chokepoint_engine::{determine, Options};
use chokepoint_model::{parse_shipment, Format};
use chokepoint_rulebook::{Posture, Rulebook, SourceFile};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let shipment_path = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("examples/h100-to-china-datacenter.toml");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let rules = Path::new("rules");
    let mut paths = Vec::new();
    files(rules, "yaml", &mut paths);
    let sources = paths
        .iter()
        .map(|p| SourceFile {
            path: p
                .strip_prefix(rules)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            text: std::fs::read_to_string(p).unwrap(),
        })
        .collect();
    let book = Rulebook::load(sources).unwrap();
    let mut cpaths = Vec::new();
    files(Path::new("catalog"), "toml", &mut cpaths);
    let texts: Vec<(String, String)> = cpaths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    let catalog = Catalog::load(texts.iter().map(|(p, t)| (p.as_str(), t.as_str()))).unwrap();
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
    let start = std::time::Instant::now();
    let mut outcomes = 0;
    for _ in 0..n {
        outcomes += determine(&book, &shipment, &opts).determinations.len();
    }
    let per = start.elapsed() / n as u32;
    eprintln!("{n} checks, {per:?} per check ({outcomes} determinations)");
}
