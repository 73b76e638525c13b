//! One `check` with the full rulebook, and the rulebook's load time.
//! Run: `cargo bench -p chokepoint-engine --bench check`

use std::path::{Path, PathBuf};

use chokepoint_catalog::Catalog;
use chokepoint_engine::{determine, Options};
use chokepoint_model::{parse_shipment, Format};
use chokepoint_rulebook::{Posture, Rulebook, SourceFile};
use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

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

fn rule_files() -> Vec<SourceFile> {
    let rules = root().join("rules");
    let mut paths = Vec::new();
    files(&rules, "yaml", &mut paths);
    paths
        .iter()
        .map(|p| SourceFile {
            path: p
                .strip_prefix(&rules)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            text: std::fs::read_to_string(p).unwrap(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let sources = rule_files();
    c.bench_function("rulebook_load", |b| {
        b.iter(|| Rulebook::load(black_box(sources.clone())).unwrap())
    });

    let book = Rulebook::load(sources).unwrap();
    let mut paths = Vec::new();
    files(&root().join("catalog"), "toml", &mut paths);
    let texts: Vec<(String, String)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    let catalog = Catalog::load(texts.iter().map(|(p, t)| (p.as_str(), t.as_str()))).unwrap();
    for example in [
        "h100-to-china-datacenter.toml",
        "jp-ald-tool-to-china-fab.toml",
        "nl-arf-immersion-scanner-to-china.toml",
    ] {
        let text = std::fs::read_to_string(root().join("examples").join(example)).unwrap();
        let shipment =
            parse_shipment(&text, Format::Toml, example, &book.vocabulary, &catalog).unwrap();
        let opts = Options {
            as_of: shipment
                .date
                .unwrap_or(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
            posture: Posture::Enforced,
            jurisdictions: None,
        };
        c.bench_function(&format!("check/{example}"), |b| {
            b.iter(|| determine(black_box(&book), black_box(&shipment), &opts))
        });
        let us_only = Options {
            jurisdictions: Some(vec!["US".into()]),
            ..opts.clone()
        };
        c.bench_function(&format!("check_us_only/{example}"), |b| {
            b.iter(|| determine(black_box(&book), black_box(&shipment), &us_only))
        });
        let eu_only = Options {
            jurisdictions: Some(vec!["EU".into()]),
            ..opts.clone()
        };
        c.bench_function(&format!("check_eu_only/{example}"), |b| {
            b.iter(|| determine(black_box(&book), black_box(&shipment), &eu_only))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
