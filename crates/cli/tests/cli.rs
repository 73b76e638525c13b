//! The binary as a user meets it: exit codes, bad input named by file and field, the rulebook
//! refusing to start when a rule file is malformed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chokepoint"));
    c.current_dir(root());
    c.env_remove("CHOKEPOINT_RULES")
        .env_remove("CHOKEPOINT_CATALOG")
        // Hermetic: no list store, so the parties are not screened unless a test says so.
        .env("CHOKEPOINT_STORE", "/nonexistent/chokepoint-store");
    c
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run chokepoint")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("chokepoint-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_shipment(name: &str, text: &str) -> PathBuf {
    let p = temp_dir(name).join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const GOOD: &str = r#"
date = "2024-03-01"
ship_from = "US"
destination = "CN"
end_uses = []
[item]
kind = "integrated_circuit"
origin = "US"
designed_or_marketed_for_datacenter = true
applicable_die_area = "814 mm2"
performance = [{ bit_length = 8, tera_ops = 1979 }]
[parties.end_user]
name = "Example"
country = "CN"
headquarters = "CN"
parent_headquarters = "CN"
lists = []
"#;

#[test]
fn the_readme_example_is_decided_and_its_json_follows_the_contract() {
    let o = run(&["check", "examples/h100-to-china-datacenter.toml", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["as_of"], "2024-03-01");
    assert_eq!(v["posture"], "enforced");
    assert!(v["rulebook"]["version"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    let us = v["determinations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["jurisdiction"] == "US")
        .unwrap();
    assert_eq!(us["outcome"], "licence_required");
    assert_eq!(us["licence_required"], true);
    assert!(us["classifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "3A090.a"));
    for r in us["reasons"].as_array().unwrap() {
        assert!(r["rule"].is_string() && r["cite"].is_string() && r["text"].is_string());
    }
    assert!(us["policy"].is_string());
    assert!(us["exceptions"].is_array() && us["missing"].is_array());
}

#[test]
fn a_missing_fact_exits_3_and_names_it() {
    let p = write_shipment(
        "nodie.toml",
        &GOOD
            .replace("applicable_die_area = \"814 mm2\"\n", "")
            .replace("tera_ops = 1979", "tera_ops = 300"),
    );
    let o = run(&["check", p.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("applicable_die_area"));
}

fn bad(name: &str, text: &str, expect: &[&str]) {
    let p = write_shipment(name, text);
    let o = run(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains(name), "{name}: the file is not named: {e}");
    for x in expect {
        assert!(e.contains(x), "{name}: `{x}` not in: {e}");
    }
}

#[test]
fn bad_input_exits_2_naming_file_and_field() {
    bad(
        "malformed.json",
        "{\"ship_from\": \"US\",",
        &["malformed JSON"],
    );
    bad(
        "malformed.toml",
        "ship_from = \"US\"\ndestination = ",
        &["malformed TOML", ":2"],
    );
    bad(
        "country.toml",
        &GOOD.replace("destination = \"CN\"", "destination = \"XX\""),
        &["`destination`", "unknown country"],
    );
    bad(
        "party-country.toml",
        &GOOD.replace("headquarters = \"CN\"\n", "headquarters = \"China\"\n"),
        &["parties.end_user.headquarters"],
    );
    bad(
        "kind.toml",
        &GOOD.replace("kind = \"integrated_circuit\"", "kind = \"flux_capacitor\""),
        &["item.kind", "unknown kind"],
    );
    bad(
        "param.toml",
        &GOOD.replace("origin = \"US\"", "origin = \"US\"\nwarp_factor = 9"),
        &["item.warp_factor", "unknown parameter"],
    );
    bad(
        "unit.toml",
        &GOOD.replace("814 mm2", "814 GB/s"),
        &["item.applicable_die_area", "unit `GB/s`"],
    );
    bad(
        "type.toml",
        &GOOD.replace(
            "designed_or_marketed_for_datacenter = true",
            "designed_or_marketed_for_datacenter = \"yes\"",
        ),
        &["item.designed_or_marketed_for_datacenter", "true or false"],
    );
    bad(
        "enduse.toml",
        &GOOD.replace("end_uses = []", "end_uses = [\"space_tourism\"]"),
        &["end_uses[0]"],
    );
    bad(
        "perf.toml",
        &GOOD.replace("bit_length = 8, ", ""),
        &["item.performance[0].bit_length", "required"],
    );
    bad(
        "field.toml",
        &GOOD.replace("ship_from = \"US\"", "ship_from = \"US\"\nshipper = \"me\""),
        &["`shipper`", "unknown field"],
    );
}

#[test]
fn a_missing_file_and_a_bad_flag_are_bad_input() {
    let o = run(&["check", "does-not-exist.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does-not-exist.toml"));
    let o = run(&[
        "check",
        "examples/h100-to-china-datacenter.toml",
        "--posture",
        "lenient",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--posture"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_malformed_rule_file_refuses_start_up_naming_file_and_entry() {
    let rules = temp_dir("rules").join("rules");
    copy_dir(&root().join("rules"), &rules);
    let broken = "rules:\n  - id: US.broken.entry\n    kind: control_entry\n    title: Broken\n    paragraph: 9Z999\n    citations: [{cite: x}]\n    valid_from: 2024-01-01\n    confidence: verified\n    condition: \"item.tpp >=\"\n";
    std::fs::write(rules.join("us/zz-broken.yaml"), broken).unwrap();
    let o = bin()
        .args(["check", "examples/h100-to-china-datacenter.toml", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("us/zz-broken.yaml") && e.contains("US.broken.entry") && e.contains("CEL"),
        "{e}"
    );
    let o = bin()
        .args(["rules", "check", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rules_commands_list_and_show() {
    let o = run(&["rules", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["rules", "list", "--jurisdiction", "US", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["jurisdiction"] == "US"));
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "US.3A090.a.1"));
    let o = run(&["rules", "show", "US.3A090.a.1"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("cite:") && out.contains("confidence:") && out.contains("condition:"),
        "{out}"
    );
    let o = run(&["rules", "show", "US.nonexistent"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["rules", "list", "--jurisdiction", "ZZ"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn parties_are_screened_against_the_loaded_lists_and_the_entry_is_cited() {
    let csl = root().join("../shared/data/lists/us_csl_2026-07-31/consolidated.csv");
    if !csl.exists() {
        panic!("shared list data missing: {}", csl.display());
    }
    let store = temp_dir("store");
    let o = bin()
        .args(["lists", "load", "--source", "us_csl", "--store"])
        .arg(&store)
        .arg(&csl)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A low-end, uncontrolled chip to Huawei: only the Entity List (footnote 1 entry) makes it licensable.
    let p = write_shipment(
        "huawei.toml",
        &GOOD
            .replace("tera_ops = 1979", "tera_ops = 10")
            .replace(
                "name = \"Example\"",
                "name = \"Huawei Technologies Co., Ltd.\"",
            )
            .replace("lists = []\n", "")
            .replace(
                "kind = \"integrated_circuit\"",
                "kind = \"integrated_circuit\"\nic_function = \"logic\"\ncontains_hbm = false",
            ),
    );
    let o = bin()
        .args([
            "check",
            "--json",
            "--jurisdiction",
            "US",
            p.to_str().unwrap(),
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    let hits = &v["screening"]["parties"][0]["hits"];
    let el = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["list"] == "entity_list" && h["decision"] == "match")
        .unwrap_or_else(|| panic!("no Entity List match: {hits}"));
    assert!(
        el["footnotes"].as_array().unwrap().iter().any(|f| f == 1),
        "{el}"
    );
    let us = &v["determinations"][0];
    assert_eq!(us["outcome"], "licence_required", "{us}");
    let human = bin()
        .args([
            "check",
            "--jurisdiction",
            "US",
            p.to_str().unwrap(),
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("parties screened against us_csl@") && text.contains("MATCH"),
        "{text}"
    );
}

#[test]
fn classify_reports_the_entries_met_and_what_is_missing() {
    let o = run(&[
        "classify",
        "examples/h100-to-china-datacenter.toml",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let us = v["classifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["jurisdiction"] == "US")
        .unwrap();
    assert!(us["classifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "3A090.a"));
    let met = us["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == "US.3A090.a.1")
        .unwrap();
    assert_eq!(met["status"], "true");
    assert!(met["facts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.as_str().unwrap().starts_with("item.tpp = ")));
    // Without the die area, a chip between the bands cannot be classified: exit 3, naming it.
    let p = write_shipment(
        "band.toml",
        &GOOD
            .replace("applicable_die_area = \"814 mm2\"\n", "")
            .replace("tera_ops = 1979", "tera_ops = 300"),
    );
    let o = run(&["classify", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stdout).contains("applicable_die_area"));
}

#[test]
fn every_regime_lists_its_rules() {
    for j in ["US", "EU", "NL", "JP", "GB", "TW", "CN"] {
        let o = run(&["rules", "list", "--jurisdiction", j, "--json"]);
        assert_eq!(o.status.code(), Some(0), "{j}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let rules = v.as_array().unwrap();
        assert!(!rules.is_empty(), "{j} has no rules");
        assert!(rules
            .iter()
            .all(|r| r["jurisdiction"] == j && r["confidence"].is_string()));
    }
}

#[test]
fn docs_vocabulary_md_is_the_vocabulary() {
    let o = run(&["rules", "vocabulary"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = std::fs::read_to_string(root().join("docs/vocabulary.md")).unwrap();
    assert!(
        doc == String::from_utf8_lossy(&o.stdout),
        "docs/vocabulary.md is out of date: run `chokepoint rules vocabulary > docs/vocabulary.md`"
    );
}
