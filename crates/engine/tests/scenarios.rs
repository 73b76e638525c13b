//! Scenario tests: shipments written from the regulation text, with the expected determination,
//! kept as data in `tests/scenarios/<jurisdiction>/*.toml` (format in `tests/scenarios/README.md`).
//! Each file is one case; the test reports every failing case at once.

use std::collections::BTreeMap;

use chokepoint_engine::{determine, Options, Report};
use chokepoint_model::{parse_shipment, Format};
use chokepoint_rulebook::Posture;

mod common {
    include!("scenarios_common.rs");
}
use chrono::NaiveDate;
use common::{load_book, load_catalog, root};
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    title: String,
    #[allow(dead_code)]
    basis: String,
    #[serde(default)]
    posture: Option<String>,
    shipment: toml::Value,
    expect: BTreeMap<String, Expect>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: Option<String>,
    reach: Option<bool>,
    #[serde(default)]
    classifications: Vec<String>,
    #[serde(default)]
    not_classifications: Vec<String>,
    #[serde(default)]
    requirements: Vec<String>,
    #[serde(default)]
    not_requirements: Vec<String>,
    #[serde(default)]
    missing: Vec<String>,
    policy: Option<String>,
    #[serde(default)]
    exceptions: Vec<String>,
    #[serde(default)]
    not_exceptions: Vec<String>,
}

fn check(report: &Report, jurisdiction: &str, e: &Expect) -> Vec<String> {
    let mut errs = Vec::new();
    let det = report
        .determinations
        .iter()
        .find(|d| d.jurisdiction == jurisdiction);
    let reached = det.is_some();
    if let Some(r) = e.reach {
        if r != reached {
            errs.push(format!("reach: expected {r}, got {reached}"));
        }
    }
    let Some(d) = det else {
        if e.outcome
            .as_deref()
            .is_some_and(|o| o != "no_licence_required")
            || !e.classifications.is_empty()
        {
            errs.push(format!(
                "{jurisdiction} does not reach the shipment, but an outcome was expected"
            ));
        }
        return errs;
    };
    if let Some(o) = &e.outcome {
        if d.outcome.as_str() != o {
            errs.push(format!(
                "outcome: expected {o}, got {} (missing: {:?})",
                d.outcome.as_str(),
                d.missing
            ));
        }
    }
    for c in &e.classifications {
        if !d.classifications.contains(c) {
            errs.push(format!(
                "classification {c} expected, got {:?}",
                d.classifications
            ));
        }
    }
    for c in &e.not_classifications {
        if d.classifications.contains(c) {
            errs.push(format!(
                "classification {c} not expected, got {:?}",
                d.classifications
            ));
        }
    }
    let held: Vec<&str> = d
        .reasons
        .iter()
        .filter(|r| r.kind == "requirement")
        .map(|r| r.rule.as_str())
        .collect();
    for q in &e.requirements {
        if !held.contains(&q.as_str()) {
            errs.push(format!("requirement {q} expected to hold, held: {held:?}"));
        }
    }
    for q in &e.not_requirements {
        if held.contains(&q.as_str()) {
            errs.push(format!("requirement {q} not expected to hold"));
        }
    }
    for m in &e.missing {
        if !d.missing.iter().any(|x| x.contains(m.as_str())) {
            errs.push(format!("missing fact `{m}` expected, got {:?}", d.missing));
        }
    }
    if let Some(p) = &e.policy {
        if d.policy.as_deref() != Some(p.as_str()) {
            errs.push(format!("policy: expected {p}, got {:?}", d.policy));
        }
    }
    let codes: Vec<&str> = d.exceptions.iter().map(|x| x.code.as_str()).collect();
    for x in &e.exceptions {
        if !codes.contains(&x.as_str()) {
            errs.push(format!("exception {x} expected, got {codes:?}"));
        }
    }
    for x in &e.not_exceptions {
        if codes.contains(&x.as_str()) {
            errs.push(format!("exception {x} not expected"));
        }
    }
    if !d.rule_errors.is_empty() {
        errs.push(format!("rule errors: {:?}", d.rule_errors));
    }
    errs
}

#[test]
fn scenarios() {
    let book = load_book();
    let catalog = load_catalog();
    let mut paths = Vec::new();
    files_under(&root().join("tests/scenarios"), "toml", &mut paths);
    paths.sort();
    assert!(!paths.is_empty(), "no scenario files found");
    let mut failures = Vec::new();
    for p in &paths {
        let name = p.strip_prefix(root()).unwrap_or(p).display().to_string();
        let text = std::fs::read_to_string(p).unwrap();
        let sc: Scenario = match toml::from_str(&text) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{name}: not a scenario: {e}"));
                continue;
            }
        };
        let shipment_text = serde_json::to_string(&sc.shipment).unwrap();
        let shipment = match parse_shipment(
            &shipment_text,
            Format::Json,
            &name,
            &book.vocabulary,
            &catalog,
        ) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{name}: bad shipment: {e}"));
                continue;
            }
        };
        let posture = Posture::parse(sc.posture.as_deref().unwrap_or("enforced")).expect("posture");
        let as_of = shipment
            .date
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        let report = determine(
            &book,
            &shipment,
            &Options {
                as_of,
                posture,
                jurisdictions: None,
            },
        );
        for (j, e) in &sc.expect {
            for err in check(&report, j, e) {
                failures.push(format!("{name} [{}] {j}: {err}", sc.title));
            }
        }
    }
    eprintln!("{} scenarios, {} failures", paths.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{} scenario failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
