//! Transliteration recall per script, without loading any list (fast to iterate on):
//! `cargo run --release -p chokepoint-screening --example translit_eval [FILE LIMIT]`.
//! With `FILE` (e.g. `wd_hebrew_20`) it also prints up to `LIMIT` missed pairs of that set with
//! their normalised forms.

#[path = "../benches/common/mod.rs"]
mod common;

use chokepoint_screening::{eval, DEFAULT_THRESHOLD};

fn main() {
    let dir = common::shared_data().join("eval");
    for r in eval::transliteration(&dir, DEFAULT_THRESHOLD).expect("eval sets") {
        println!(
            "{:<32} {:<20} {:>6}/{:<6} {:.3}",
            r.set, r.script, r.found, r.total, r.recall
        );
    }
    let mut args = std::env::args().skip(1);
    if let Some(file) = args.next() {
        let limit = args.next().and_then(|s| s.parse().ok()).unwrap_or(40);
        for m in eval::transliteration_misses(&dir, &file, DEFAULT_THRESHOLD, limit) {
            println!("{m}");
        }
    }
}
