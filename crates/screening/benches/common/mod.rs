//! List loading for the benchmarks and the evaluation: `load_default` uses
//! `chokepoint_lists::load_default_set`; the private loader kept here (for comparison) reads the CSL CSV (`name`, `alt_names`, `type`, `source`, countries,
//! licence requirement), the UN consolidated XML (names, aliases, dates of birth, nationalities)
//! and the OFAC SDN CSV (primary names, `alt.csv` aliases, `DOB` from the remarks).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use chokepoint_lists::{EntityType, LicenceData, ListEntry, Name, NameKind};
use quick_xml::events::Event;

pub fn shared_data() -> std::path::PathBuf {
    std::env::var_os("CHOKEPOINT_SHARED_DATA")
        .map(Into::into)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn entry(source: &str, sub_list: Option<String>, id: String, t: EntityType) -> ListEntry {
    ListEntry {
        source: source.into(),
        sub_list,
        id,
        entity_type: t,
        names: vec![],
        addresses: vec![],
        countries: vec![],
        identifiers: vec![],
        dates_of_birth: vec![],
        programs: vec![],
        licence: None,
        remarks: None,
        source_url: None,
    }
}

fn name(full: &str, kind: NameKind) -> Name {
    Name {
        full: full.trim().to_string(),
        kind,
        script: None,
    }
}

pub fn load_csl(path: &Path) -> Vec<ListEntry> {
    let mut rdr = csv::Reader::from_path(path).expect("CSL CSV");
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (src, num, typ, nm, addr, alt, lr, lp) = (
        col("source"),
        col("entity_number"),
        col("type"),
        col("name"),
        col("addresses"),
        col("alt_names"),
        col("license_requirement"),
        col("license_policy"),
    );
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.expect("CSL record");
        let t = match &rec[typ] {
            "Individual" => EntityType::Person,
            "Entity" => EntityType::Organization,
            "Vessel" => EntityType::Vessel,
            "Aircraft" => EntityType::Aircraft,
            _ => EntityType::Unknown,
        };
        let id = if rec[num].is_empty() {
            format!("row{}", i + 1)
        } else {
            rec[num].to_string()
        };
        let mut e = entry("us_csl", Some(rec[src].to_string()), id, t);
        e.names.push(name(&rec[nm], NameKind::Primary));
        for a in rec[alt].split("; ").filter(|a| !a.trim().is_empty()) {
            e.names.push(name(a, NameKind::Alias));
        }
        e.countries = rec[addr]
            .split("; ")
            .filter(|c| c.len() == 2)
            .map(String::from)
            .collect();
        if !rec[lr].is_empty() {
            e.licence = Some(LicenceData {
                licence_requirement: Some(rec[lr].to_string()),
                licence_review_policy: Some(rec[lp].to_string()).filter(|s| !s.is_empty()),
                ..LicenceData::default()
            });
        }
        out.push(e);
    }
    out
}

pub fn load_un(path: &Path) -> Vec<ListEntry> {
    let xml = std::fs::read_to_string(path).expect("UN XML");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut cur: Option<ListEntry> = None;
    let mut parts: Vec<String> = Vec::new();
    let mut alias_low = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(s)) => {
                let tag = String::from_utf8_lossy(s.name().as_ref()).to_string();
                if tag == "INDIVIDUAL" || tag == "ENTITY" {
                    let t = if tag == "INDIVIDUAL" {
                        EntityType::Person
                    } else {
                        EntityType::Organization
                    };
                    cur = Some(entry("un", None, String::new(), t));
                    parts.clear();
                }
                if tag.ends_with("_ALIAS") {
                    alias_low = false;
                }
                stack.push(tag);
            }
            Ok(Event::End(_)) => {
                let tag = stack.pop().unwrap_or_default();
                if tag == "INDIVIDUAL" || tag == "ENTITY" {
                    if let Some(mut e) = cur.take() {
                        e.names.insert(0, name(&parts.join(" "), NameKind::Primary));
                        out.push(e);
                    }
                }
            }
            Ok(Event::Text(t)) => {
                let text = t.unescape().map(|c| c.to_string()).unwrap_or_default();
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                let Some(e) = cur.as_mut() else { continue };
                let tag = stack.last().map(String::as_str).unwrap_or("");
                let parent = stack
                    .len()
                    .checked_sub(2)
                    .map(|i| stack[i].as_str())
                    .unwrap_or("");
                match (parent, tag) {
                    (_, "DATAID") => e.id = text.to_string(),
                    (
                        "INDIVIDUAL" | "ENTITY",
                        "FIRST_NAME" | "SECOND_NAME" | "THIRD_NAME" | "FOURTH_NAME",
                    ) => parts.push(text.to_string()),
                    (_, "NAME_ORIGINAL_SCRIPT") => e.names.push(name(text, NameKind::Alias)),
                    (_, "QUALITY") => alias_low = text.eq_ignore_ascii_case("low"),
                    (_, "ALIAS_NAME") => e.names.push(name(
                        text,
                        if alias_low {
                            NameKind::WeakAlias
                        } else {
                            NameKind::Alias
                        },
                    )),
                    ("INDIVIDUAL_DATE_OF_BIRTH", "DATE" | "YEAR" | "FROM_YEAR" | "TO_YEAR") => {
                        e.dates_of_birth.push(text.to_string())
                    }
                    ("NATIONALITY", "VALUE") => e.countries.push(text.to_string()),
                    ("ENTITY_ADDRESS" | "INDIVIDUAL_ADDRESS", "COUNTRY") => {
                        e.countries.push(text.to_string())
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("UN XML: {e}"),
            _ => {}
        }
    }
    out
}

/// OFAC SDN: `sdn.csv` (12 columns) and an `alt.csv` (5 columns); aliases of unknown entries are dropped.
pub fn load_sdn(sdn: &Path, alt: &Path) -> Vec<ListEntry> {
    let read = |p: &Path| {
        let bytes = std::fs::read(p).expect("OFAC CSV");
        let bytes: Vec<u8> = bytes.into_iter().filter(|&b| b != 0x1A).collect();
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::Cursor::new(bytes))
    };
    let clean = |s: &str| {
        let s = s.trim();
        if s == "-0-" {
            String::new()
        } else {
            s.to_string()
        }
    };
    let mut out = Vec::new();
    let mut by_num: HashMap<String, usize> = HashMap::new();
    for rec in read(sdn).records() {
        let Ok(rec) = rec else { continue };
        if rec.len() < 12 {
            continue;
        }
        let t = match clean(&rec[2]).as_str() {
            "individual" => EntityType::Person,
            "vessel" => EntityType::Vessel,
            "aircraft" => EntityType::Aircraft,
            _ => EntityType::Organization,
        };
        let id = clean(&rec[0]);
        let mut e = entry("ofac_sdn", Some("SDN".into()), id.clone(), t);
        e.names.push(name(&clean(&rec[1]), NameKind::Primary));
        let remarks = clean(&rec[11]);
        for part in remarks.split(';') {
            if let Some(d) = part.trim().strip_prefix("DOB ") {
                e.dates_of_birth.push(d.to_string());
            }
            if let Some(n) = part.trim().strip_prefix("nationality ") {
                e.countries.push(n.to_string());
            }
        }
        by_num.insert(id, out.len());
        out.push(e);
    }
    for rec in read(alt).records() {
        let Ok(rec) = rec else { continue };
        if rec.len() < 4 {
            continue;
        }
        if let Some(&i) = by_num.get(&clean(&rec[0])) {
            let kind = if clean(&rec[2]) == "fka" {
                NameKind::Former
            } else {
                NameKind::Alias
            };
            out[i].names.push(name(&clean(&rec[3]), kind));
        }
    }
    out
}

/// CSL + UN + OFAC SDN, as the targets are stated, through the lists crate's real parsers
/// (`chokepoint_lists::load_default_set`). `CHOKEPOINT_PRIVATE_LOADER=1` uses the private loader
/// above instead (kept to compare with the numbers measured before the switch).
pub fn load_default() -> Vec<ListEntry> {
    let d = shared_data().join("lists");
    if std::env::var_os("CHOKEPOINT_PRIVATE_LOADER").is_some() {
        return load_private();
    }
    chokepoint_lists::load_default_set(&chokepoint_lists::DefaultSetPaths {
        csl: Some(d.join("us_csl_2026-07-31/consolidated.csv")),
        un: Some(d.join("un_consolidated_2026-02-27/UN_consolidated.xml")),
        ofac_sdn: vec![
            d.join("ofac_sdn_2024-05-03/sdn.csv"),
            d.join("ofac_sdn_parts_2025-12-24/alt.csv"),
        ],
    })
    .expect("default list set")
    .entries
}

/// The private loader (CSL + UN + SDN), as used for the first measurements.
pub fn load_private() -> Vec<ListEntry> {
    let d = shared_data().join("lists");
    let mut all = load_csl(&d.join("us_csl_2026-07-31/consolidated.csv"));
    all.extend(load_un(
        &d.join("un_consolidated_2026-02-27/UN_consolidated.xml"),
    ));
    all.extend(load_sdn(
        &d.join("ofac_sdn_2024-05-03/sdn.csv"),
        &d.join("ofac_sdn_parts_2025-12-24/alt.csv"),
    ));
    all
}

/// Resident set size of this process in bytes (Linux), for the memory target.
pub fn rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
