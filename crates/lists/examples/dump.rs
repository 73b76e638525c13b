//! Parses list files and prints a summary, or the entries as JSON lines with `--json`.
//!
//! `cargo run -p chokepoint-lists --example dump -- FORMAT FILE... [--json]`
use chokepoint_lists::{parse_files, Format, SourceFile};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let mut rest = args.iter().filter(|a| *a != "--json");
    let Some(format) = rest.next().and_then(|f| Format::from_name(f)) else {
        eprintln!("usage: dump FORMAT FILE... [--json]");
        std::process::exit(2);
    };
    let files: Vec<SourceFile> = match rest.map(|p| SourceFile::read(p.as_ref())).collect() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    match parse_files(format, "dump", &files) {
        Ok(parsed) => {
            if json {
                for e in &parsed.entries {
                    println!("{}", serde_json::to_string(e).unwrap_or_default());
                }
            } else {
                println!(
                    "{} entries, published {:?}, {} warnings",
                    parsed.entries.len(),
                    parsed.published,
                    parsed.warnings.len()
                );
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
