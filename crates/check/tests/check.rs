//! Screening flows into the licence determination: a matched Entity List entry with its footnote
//! adds the end-user requirement citing the entry; a near-match leaves the answer undetermined,
//! naming the hit; a declared status still works.

use std::path::Path;

use chokepoint_check::{check, screen_parties};
use chokepoint_engine::{Options, Outcome};
use chokepoint_lists::{EntityType, Footnote, LicenceData, ListEntry, Name, NameKind};
use chokepoint_model::{parse_shipment, Format, NoCatalog};
use chokepoint_rulebook::{Posture, Rulebook, SourceFile};
use chokepoint_screening::{Query, Schema, Screener};
use chrono::NaiveDate;

fn book() -> Rulebook {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    Rulebook::load(SourceFile::read_dir(&root).unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

fn entity(id: &str, name: &str, footnote: Option<u8>) -> ListEntry {
    ListEntry {
        source: "us_csl".into(),
        sub_list: Some("EL".into()),
        id: id.into(),
        entity_type: EntityType::Organization,
        names: vec![Name {
            full: name.into(),
            kind: NameKind::Primary,
            script: None,
        }],
        countries: vec!["CN".into()],
        licence: Some(LicenceData {
            licence_requirement: Some("For all items subject to the EAR.".into()),
            licence_review_policy: Some("Presumption of denial.".into()),
            footnotes: footnote
                .map(|n| Footnote {
                    number: n,
                    source_text: format!("§ 734.9(e)({n})"),
                })
                .into_iter()
                .collect(),
            ..LicenceData::default()
        }),
        ..ListEntry::default()
    }
}

const SHIPMENT: &str = r#"
date = "2026-11-28"
ship_from = "US"
destination = "CN"
end_uses = []
[item]
kind = "integrated_circuit"
origin = "US"
tpp = 100
ic_function = "logic"
contains_hbm = false
designed_or_marketed_for_datacenter = false
applicable_die_area = "100 mm2"
[parties.end_user]
name = "NAME"
country = "CN"
headquarters = "CN"
parent_headquarters = "CN"
[exporter]
us_person = true
natural_person = false
headquarters = "US"
"#;

fn opts() -> Options {
    Options {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        posture: Posture::Enforced,
        jurisdictions: Some(vec!["US".into()]),
    }
}

fn screener() -> Screener {
    Screener::new(vec![
        entity(
            "EL-1",
            "Shenzhen Example Microelectronics Technology Co., Ltd.",
            Some(4),
        ),
        entity(
            "EL-2",
            "Beijing Quantum Lattice Instruments Co., Ltd.",
            None,
        ),
    ])
}

#[test]
fn a_matched_entity_list_entry_requires_a_licence_citing_the_entry() {
    let book = book();
    let s = parse_shipment(
        &SHIPMENT.replace(
            "NAME",
            "Shenzhen Example Microelectronics Technology Company Limited",
        ),
        Format::Toml,
        "t.toml",
        &book.vocabulary,
        &NoCatalog,
    )
    .unwrap();
    let sc = screener();
    let r = check(&book, s, &opts(), Some((&sc, vec!["us_csl@test".into()])));
    let us = &r.report.determinations[0];
    assert_eq!(us.outcome, Outcome::LicenceRequired, "{:?}", us.missing);
    let hit = &r.screening.as_ref().unwrap().parties[0].hits[0];
    assert_eq!(hit.decision, "match");
    assert_eq!(hit.list.as_deref(), Some("entity_list"));
    assert_eq!(hit.footnotes, vec![4]);
    let el = us
        .reasons
        .iter()
        .find(|x| x.facts.iter().any(|f| f.contains("entity_list")))
        .expect("an Entity List reason");
    assert_eq!(el.kind, "requirement");
}

#[test]
fn an_unlisted_party_is_screened_clean_and_the_answer_is_decided() {
    let book = book();
    let s = parse_shipment(
        &SHIPMENT.replace("NAME", "Harbour Lights Bakery"),
        Format::Toml,
        "t.toml",
        &book.vocabulary,
        &NoCatalog,
    )
    .unwrap();
    let sc = screener();
    let r = check(&book, s.clone(), &opts(), Some((&sc, vec![])));
    assert_eq!(
        r.report.determinations[0].outcome,
        Outcome::NoLicenceRequired,
        "{:?}",
        r.report.determinations[0].missing
    );
    // Without screening and without a declared status, the list status is unknown.
    let r = check(&book, s, &opts(), None);
    assert_eq!(r.report.determinations[0].outcome, Outcome::Undetermined);
    assert!(
        r.report.determinations[0]
            .missing
            .iter()
            .any(|m| m.contains("lists")),
        "{:?}",
        r.report.determinations[0].missing
    );
}

#[test]
fn a_near_match_leaves_the_answer_undetermined_naming_the_hit() {
    let book = book();
    let sc = screener();
    // Find a spelling the screener puts in the review band (not a match).
    let candidates = [
        "Beijing Quantum Lattice Instrument Trading",
        "Quantum Lattice Instruments Beijing Holdings",
        "Beijing Quantim Latice Instrumentation Group",
        "Beijing Quantum Lattice",
        "Beijing Quartz Lattice Instruments",
        "Quantum Latis Instruments Shanghai",
        "Beijing Quantum Lighting Instruments",
        "Nanjing Quantum Lattice Devices",
        "Beijing Kuantum Instruments",
        "Quantum Instruments Beijing",
    ];
    let near = candidates.iter().find(|n| {
        let hits = sc.screen(&Query {
            name: n.to_string(),
            schema: Schema::LegalEntity,
            country: Some("CN".into()),
            ..Query::default()
        });
        hits.first().is_some_and(|h| {
            h.entry.id == "EL-2" && h.decision != chokepoint_screening::Decision::Match
        })
    });
    let Some(near) = near else {
        let scores: Vec<_> = candidates
            .iter()
            .map(|n| {
                let hits = sc.screen(&Query {
                    name: n.to_string(),
                    schema: Schema::LegalEntity,
                    country: Some("CN".into()),
                    ..Query::default()
                });
                (
                    n,
                    hits.first()
                        .map(|h| (h.entry.id.clone(), h.score, h.decision)),
                )
            })
            .collect();
        panic!("none of the spellings falls in the review band: {scores:?}");
    };
    let mut s = parse_shipment(
        &SHIPMENT.replace("NAME", near),
        Format::Toml,
        "t.toml",
        &book.vocabulary,
        &NoCatalog,
    )
    .unwrap();
    let screened = screen_parties(&mut s, &sc);
    assert_eq!(screened[0].hits[0].decision, "review");
    assert!(s.parties.end_user.as_ref().unwrap().lists.is_none());
    let r = check(&book, s, &opts(), None);
    let us = &r.report.determinations[0];
    assert_eq!(us.outcome, Outcome::Undetermined);
    assert!(
        us.missing
            .iter()
            .any(|m| m.contains("needs review") && m.contains("EL-2")),
        "{:?}",
        us.missing
    );
}

#[test]
fn a_declared_status_still_works_with_screening() {
    let book = book();
    let text = SHIPMENT.replace("NAME", "Harbour Lights Bakery").replace(
        "parent_headquarters = \"CN\"\n",
        "parent_headquarters = \"CN\"\nlists = [{ list = \"entity_list\", footnotes = [1] }]\n",
    );
    let s = parse_shipment(&text, Format::Toml, "t.toml", &book.vocabulary, &NoCatalog).unwrap();
    let sc = screener();
    let r = check(&book, s, &opts(), Some((&sc, vec![])));
    assert_eq!(r.report.determinations[0].outcome, Outcome::LicenceRequired);
}
