//! Load times of the full lists (`cargo bench -p chokepoint-lists --bench load`).
//!
//! Reads the files once, then measures parsing from memory into `ListEntry` values: the full CSL
//! CSV (25,921 entries), the compact CSL JSON, the UN XML and the 2021 OFAC SDN set.

use std::path::PathBuf;

use chokepoint_lists::{parse_files, Format, SourceFile};
use criterion::{criterion_group, criterion_main, Criterion};

fn data(rel: &str) -> SourceFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/lists")
        .join(rel);
    SourceFile::read(&path).expect("list file")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    let cases: Vec<(&str, Format, Vec<SourceFile>)> = vec![
        (
            "csl_csv_full",
            Format::CslCsv,
            vec![data("us_csl_2026-07-31/consolidated.csv")],
        ),
        (
            "csl_json_compact",
            Format::CslJson,
            vec![data("us_csl_2026-07-31/screening-list.json")],
        ),
        (
            "un_xml",
            Format::UnXml,
            vec![data("un_consolidated_2026-02-27/UN_consolidated.xml")],
        ),
        (
            "ofac_sdn_2021_set",
            Format::OfacCsv,
            ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
                .iter()
                .map(|f| data(&format!("ofac_sdn_set_2021-07-07/{f}")))
                .collect(),
        ),
    ];
    for (name, format, files) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let parsed = parse_files(*format, "bench", files).expect("parses");
                assert!(!parsed.entries.is_empty());
                parsed
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
