//! `chokepoint audit verify | export`: check and write out the hash-chained audit trail.

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use chokepoint_store::audit::{parse_export_line, Verifier};
use chokepoint_store::VerifyReport;

use crate::exit::BadInput;
use crate::serve::{runtime, DatabaseArgs};

/// Exit code of `audit verify` when the trail fails verification.
pub const TAMPERED: u8 = 4;

#[derive(clap::Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 4 and name every changed, deleted, inserted or reordered
    /// record if it does not hold.
    Verify {
        /// Verify an exported file (JSON lines) instead of the database.
        #[arg(long)]
        file: Option<PathBuf>,
        /// A head written down earlier, `SEQ:HASH`: fail unless that record still has that hash
        /// (catches a chain rewritten from that point on).
        #[arg(long)]
        expect: Vec<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Write the trail as JSON lines, oldest first (to stdout, or --output).
    Export {
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Only records after this sequence number.
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub fn run(cmd: AuditCommand) -> anyhow::Result<u8> {
    match cmd {
        AuditCommand::Verify {
            file,
            expect,
            json,
            db,
        } => {
            let anchors = expect
                .iter()
                .map(|a| {
                    let (s, h) = a
                        .split_once(':')
                        .ok_or_else(|| BadInput(format!("--expect: `{a}` is not SEQ:HASH")))?;
                    let seq: i64 = s.parse().map_err(|_| {
                        BadInput(format!("--expect: `{s}` is not a sequence number"))
                    })?;
                    Ok((seq, h.to_string()))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let (mut report, hashes) = match file {
                Some(path) => verify_file(&path, &anchors)?,
                None => {
                    let rt = runtime()?;
                    let store = db.open(&rt)?;
                    let report = rt.block_on(store.verify())?;
                    let mut hashes = Vec::new();
                    for (seq, _) in &anchors {
                        hashes.push(rt.block_on(store.audit_get(*seq)).ok().map(|r| r.hash));
                    }
                    rt.block_on(store.close());
                    (report, hashes)
                }
            };
            for ((seq, want), got) in anchors.iter().zip(hashes) {
                if got.as_deref() != Some(want.as_str()) {
                    report.ok = false;
                    report.problem_count += 1;
                    report.problems.push(chokepoint_store::VerifyProblem {
                        seq: *seq,
                        kind: "anchor".into(),
                        message: match got {
                            Some(h) => format!("record {seq} has hash {h}, not the expected {want}: the chain was rewritten"),
                            None => format!("record {seq} is missing (expected hash {want})"),
                        },
                    });
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_report(&report);
            }
            Ok(if report.ok { 0 } else { TAMPERED })
        }
        AuditCommand::Export { output, after, db } => {
            let rt = runtime()?;
            let store = db.open(&rt)?;
            let mut out: Box<dyn std::io::Write> = match &output {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("creating {}", p.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let mut cursor = after;
            let mut n = 0u64;
            loop {
                let page = rt.block_on(store.audit_page(cursor, 2000, None))?;
                let Some(last) = page.last() else { break };
                cursor = last.seq;
                for r in &page {
                    serde_json::to_writer(&mut out, r)?;
                    out.write_all(b"\n")?;
                    n += 1;
                }
            }
            out.flush()?;
            rt.block_on(store.close());
            eprintln!("{n} records exported");
            Ok(0)
        }
    }
}

fn verify_file(
    path: &std::path::Path,
    anchors: &[(i64, String)],
) -> anyhow::Result<(VerifyReport, Vec<Option<String>>)> {
    let f = std::fs::File::open(path).map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    let mut v = Verifier::new();
    let mut hashes: Vec<Option<String>> = vec![None; anchors.len()];
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_export_line(&line) {
            Ok(r) => {
                for (k, (seq, _)) in anchors.iter().enumerate() {
                    if r.seq == *seq {
                        hashes[k] = Some(r.hash.clone());
                    }
                }
                v.push(&r);
            }
            Err(e) => v.unreadable(i + 1, e),
        }
    }
    Ok((v.finish_unanchored(), hashes))
}

fn print_report(r: &VerifyReport) {
    if r.ok {
        println!("audit trail verified: {} records, chain intact", r.records);
    } else {
        println!(
            "audit trail FAILED verification: {} problem(s) in {} records",
            r.problem_count, r.records
        );
        for p in &r.problems {
            println!("  record {:>8}  {:<9} {}", p.seq, p.kind, p.message);
        }
        if r.problem_count as usize > r.problems.len() {
            println!(
                "  … and {} more",
                r.problem_count as usize - r.problems.len()
            );
        }
    }
    println!("last record {} hash {}", r.last_seq, r.last_hash);
}
