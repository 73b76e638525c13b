//! One `check` with the full rulebook, and the rulebook's load time.
//! Run: `cargo bench -p chokepoint-engine --bench check`

use std::path::{Path, PathBuf};

use chokepoint_catalog::Catalog;
use chokepoint_engine::{determine, Options};
use chokepoint_model::{parse_shipment, Format};
use chokepoint_rulebook::{Posture, Rulebook, SourceFile};
use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

// The same allocator as the `chokepoint` binary, so the numbers are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rule_files() -> Vec<SourceFile> {
    SourceFile::read_dir(&root().join("rules")).unwrap()
}

fn bench(c: &mut Criterion) {
    let sources = rule_files();
    c.bench_function("rulebook_load", |b| {
        b.iter(|| Rulebook::load(black_box(sources.clone())).unwrap())
    });

    let book = Rulebook::load(sources).unwrap();
    let catalog = Catalog::read_dir(&root().join("catalog")).unwrap();
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
