//! Profiling driver: loads CSL + UN + SDN, builds the index and screens the evaluation's people
//! (positives, then negatives) on one thread.
//! `cargo build --release -p chokepoint-screening --example profile_queries`, then e.g.
//! `valgrind --tool=callgrind --toggle-collect='*screen_inner*' target/release/examples/profile_queries 3000`
//! (the argument is the number of queries; default all). `PROFILE_DUMP=FILE` also writes every
//! hit (query, entry, score, decision, matched name, explanation) to FILE, to diff two builds.

#[path = "../benches/common/mod.rs"]
mod common;

use std::time::Instant;

use chokepoint_screening::{Query, Schema, Screener};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("match") {
        // `profile_queries match NAME1 NAME2`: the pair's score and explanation (static weights)
        let a: Vec<String> = std::env::args().skip(2).collect();
        let (s, ex) = chokepoint_screening::match_names(&a[0], &a[1], Schema::Person);
        eprintln!("{s:.3} {ex:#?}");
        return;
    }
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    let screener = Screener::new(common::load_default());
    let dir = common::shared_data().join("eval/yente_candidate_generation");
    let mut queries = Vec::new();
    for f in ["positives_un_treated.csv", "negatives_global.csv"] {
        let mut rdr = csv::Reader::from_path(dir.join(f)).expect("eval csv");
        let h = rdr.headers().expect("header").clone();
        let col = |n: &str| h.iter().position(|x| x == n);
        let (name, dob, nat) = (col("full_name"), col("date_of_birth"), col("nationality"));
        for r in rdr.records().filter_map(Result::ok) {
            let get = |i: Option<usize>| i.and_then(|i| r.get(i)).filter(|s| !s.is_empty());
            queries.push(Query {
                name: get(name).unwrap_or_default().to_string(),
                schema: Schema::Person,
                country: get(nat).map(String::from),
                date_of_birth: get(dob).map(String::from),
                ..Query::default()
            });
        }
    }
    // interleave so a prefix holds both kinds
    let step = 7;
    let order: Vec<usize> = (0..step)
        .flat_map(|k| (k..queries.len()).step_by(step))
        .take(n)
        .collect();
    let t = Instant::now();
    let mut hits = 0usize;
    for &i in &order {
        hits += std::hint::black_box(screener.screen(&queries[i])).len();
    }
    let s = t.elapsed().as_secs_f64();
    if let Some(path) = std::env::var_os("PROFILE_DUMP") {
        // every hit of every query (to check that a speed change leaves the results identical)
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("dump file"));
        for &i in &order {
            for h in screener.screen(&queries[i]) {
                writeln!(
                    w,
                    "{i}\t{}\t{:.6}\t{:?}\t{}\t{:?}",
                    h.entry_index, h.score, h.decision, h.matched_name, h.explanation.name
                )
                .expect("write");
            }
        }
    }
    eprintln!(
        "{} queries in {:.3}s = {:.1} µs/query; {} hits",
        order.len(),
        s,
        s * 1e6 / order.len() as f64,
        hits
    );
}
