//! Criterion benchmarks: index build, one query (single thread), and a batch on the rayon pool,
//! against CSL + UN + OFAC SDN loaded with the private loader in `common`.
//! `cargo bench -p chokepoint-screening --bench screening`

mod common;

use chokepoint_screening::{Query, Schema, Screener};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn queries() -> Vec<Query> {
    let path = common::shared_data().join("eval/yente_candidate_generation/negatives_global.csv");
    let mut rdr = csv::Reader::from_path(path).expect("negatives");
    rdr.records()
        .take(5000)
        .filter_map(|r| r.ok())
        .map(|r| Query {
            name: r[0].to_string(),
            schema: Schema::Person,
            ..Query::default()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let entries = common::load_default();
    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    g.bench_function("build CSL+UN+SDN", |b| {
        b.iter(|| Screener::new(black_box(entries.clone())))
    });
    g.finish();

    let screener = Screener::new(entries);
    let qs = queries();
    let mut g = c.benchmark_group("query");
    g.bench_function("single (cycling 5,000 synthetic people)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % qs.len();
            black_box(screener.screen(&qs[i]))
        })
    });
    g.bench_function("known name with typo", |b| {
        let q = Query::name("ABDULHAI SALEK");
        b.iter(|| black_box(screener.screen(&q)))
    });
    g.finish();

    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(qs.len() as u64));
    g.bench_function("5,000 queries, rayon", |b| {
        b.iter(|| black_box(screener.screen_batch(&qs)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
