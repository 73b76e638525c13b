//! The pipeline's own semantics, on a small synthetic regime ("XX") so that they are tested apart
//! from any real regulation: three-valued outcomes, dated versions, postures, notes, policy
//! strictness, exceptions never applied silently.

use chokepoint_engine::{determine, Options, Outcome, Report};
use chokepoint_model::{parse_shipment, Format, NoCatalog};
use chokepoint_rulebook::{Posture, Rulebook, SourceFile};
use chrono::NaiveDate;

const VOCAB: &str = include_str!("../../../rules/vocabulary.yaml");

const RULES: &str = r#"
rules:
  - id: XX.cg.BAD
    kind: country_group
    title: Countries of concern
    group: BAD
    countries: [CN, RU]
    citations: [{cite: "XX 1"}]
    valid_from: 2020-01-01
    valid_to: 2023-01-16
    confidence: verified
  - id: XX.cg.BAD
    kind: country_group
    title: Countries of concern (Macau added)
    group: BAD
    countries: [CN, RU, MO]
    citations: [{cite: "XX 1 as amended"}]
    valid_from: 2023-01-17
    confidence: verified
  - id: XX.hk
    kind: destination_treatment
    title: Hong Kong treated as China
    country: HK
    treated_as: CN
    citations: [{cite: "XX 2"}]
    valid_from: 2020-12-23
    confidence: verified
  - id: XX.derived.tpp
    kind: derived
    title: TPP
    target: tpp
    expr: "max(item.performance.map(p, p.bit_length * p.tera_ops))"
    citations: [{cite: "XX 3"}]
    valid_from: 2020-01-01
    confidence: verified
  - id: XX.derived.pd
    kind: derived
    title: PD
    target: performance_density
    expr: "item.tpp / item.applicable_die_area"
    citations: [{cite: "XX 3"}]
    valid_from: 2020-01-01
    confidence: verified
  - id: XX.reach.origin
    kind: reach
    title: Item of XX origin
    condition: "item.origin == 'US'"
    citations: [{cite: "XX 4"}]
    valid_from: 2020-01-01
    confidence: verified
  - id: XX.reach.content
    kind: reach
    title: Foreign item with more than 25 % XX content
    condition: "item.origin != 'US' && (item.us_content_pct > 25.0 || item.direct_product_of_us_technology)"
    citations: [{cite: "XX 5"}]
    valid_from: 2020-01-01
    confidence: secondary
  - id: XX.1A.a
    kind: control_entry
    title: Fast chips (old)
    paragraph: 1A.a
    condition: "item.kind == 'integrated_circuit' && item.tpp >= 6000.0"
    citations: [{cite: "XX 6 (2020)"}]
    valid_from: 2020-01-01
    valid_to: 2023-11-16
    confidence: verified
  - id: XX.1A.a
    kind: control_entry
    title: Fast or dense chips
    paragraph: 1A.a
    condition: "item.kind == 'integrated_circuit' && (item.tpp >= 4800.0 || (item.tpp >= 1600.0 && item.performance_density >= 5.92))"
    citations: [{cite: "XX 6 (2023)"}]
    valid_from: 2023-11-17
    confidence: verified
  - id: XX.1A.note
    kind: control_note
    title: Gaming chips below 4800 are out
    excludes: [XX.1A.a]
    condition: "item.designed_or_marketed_for_datacenter == false && item.tpp < 4800.0"
    citations: [{cite: "XX 6 note"}]
    valid_from: 2023-11-17
    confidence: verified
  - id: XX.req.bad
    kind: licence_requirement
    title: Licence for 1A.a to countries of concern
    reason: RS
    applies_to: ["1A.a"]
    policy: XX.pol.denial
    condition: "'BAD' in destination.groups"
    citations: [{cite: "XX 7"}]
    valid_from: 2020-01-01
    confidence: verified
  - id: XX.req.world
    kind: licence_requirement
    title: Licence for 1A.a worldwide (text as written)
    reason: RS
    applies_to: ["1A.a"]
    policy: case_by_case
    postures: [as-written]
    condition: "true"
    citations: [{cite: "XX 8"}]
    valid_from: 2025-01-15
    confidence: verified
  - id: XX.req.enduse
    kind: licence_requirement
    title: Any item for a supercomputer in a country of concern
    reason: end-use
    condition: "'supercomputer' in end_uses && 'BAD' in destination.groups"
    citations: [{cite: "XX 9"}]
    valid_from: 2020-01-01
    confidence: secondary
  - id: XX.req.enduser
    kind: licence_requirement
    title: Any item to a listed end user
    reason: end-user
    condition: "'entity_list' in parties.end_user.lists"
    citations: [{cite: "XX 10"}]
    valid_from: 2020-01-01
    confidence: verified
  - id: XX.req.fdp
    kind: licence_requirement
    title: Foreign-made 1A.a items need a licence for countries of concern
    reason: RS
    condition: "item.origin == 'TW' && '1A.a' in classified && 'BAD' in destination.groups"
    citations: [{cite: "XX 14"}]
    valid_from: 2020-01-01
    confidence: verified
  - id: XX.pol.denial
    kind: review_policy
    title: Denial
    applies_to_requirements: [XX.req.bad]
    policy: presumption_of_denial
    condition: "true"
    citations: [{cite: "XX 11"}]
    valid_from: 2020-01-01
    confidence: verified
  - id: XX.pol.relief
    kind: review_policy
    title: Case by case for smaller chips
    applies_to_requirements: [XX.req.bad]
    policy: case_by_case
    priority: 10
    condition: "item.tpp < 21000.0"
    citations: [{cite: "XX 12"}]
    valid_from: 2026-01-15
    confidence: verified
  - id: XX.exc.nac
    kind: licence_exception
    title: Notified chips
    code: NAC
    applies_to_requirements: [XX.req.bad]
    condition: "item.designed_or_marketed_for_datacenter == false"
    conditions_text: "Notify 25 days before."
    citations: [{cite: "XX 13"}]
    valid_from: 2020-01-01
    confidence: verified
"#;

fn book() -> Rulebook {
    Rulebook::load(vec![
        SourceFile {
            path: "vocabulary.yaml".into(),
            text: VOCAB.into(),
        },
        SourceFile {
            path: "xx/jurisdiction.yaml".into(),
            text: "jurisdiction: XX\nname: Test regime\nlaw: Test law\n".into(),
        },
        SourceFile {
            path: "xx/rules.yaml".into(),
            text: RULES.into(),
        },
    ])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn run(toml: &str, date: &str, posture: Posture) -> Report {
    let book = book();
    let s = parse_shipment(
        toml,
        Format::Toml,
        "test.toml",
        &book.vocabulary,
        &NoCatalog,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = Options {
        as_of: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        posture,
        jurisdictions: None,
    };
    determine(&book, &s, &o)
}

const CHIP: &str = r#"
ship_from = "US"
destination = "CN"
end_uses = []
[item]
kind = "integrated_circuit"
origin = "US"
designed_or_marketed_for_datacenter = true
performance = [{ bit_length = 8, tera_ops = 1979 }]
applicable_die_area = "814 mm2"
[parties.end_user]
name = "X"
lists = []
"#;

#[test]
fn a_fast_chip_to_a_country_of_concern_needs_a_licence() {
    let r = run(CHIP, "2024-03-01", Posture::Enforced);
    let d = &r.determinations[0];
    assert_eq!(d.outcome, Outcome::LicenceRequired);
    assert_eq!(d.licence_required, Some(true));
    assert_eq!(d.classifications, vec!["1A.a"]);
    assert_eq!(d.policy.as_deref(), Some("presumption_of_denial"));
    assert!(d.reasons.iter().any(|x| x.rule == "XX.req.bad"));
    let cls = d
        .reasons
        .iter()
        .find(|x| x.kind == "classification")
        .unwrap();
    assert!(
        cls.facts.iter().any(|f| f == "item.tpp = 15832"),
        "{:?}",
        cls.facts
    );
    assert!(
        d.exceptions.is_empty(),
        "datacenter chips are not NAC-eligible here"
    );
}

#[test]
fn dated_versions_give_each_day_its_law() {
    // Under the old version (TPP >= 6000) the 4992 chip is not controlled; under the new one it is.
    let a100 = CHIP.replace("tera_ops = 1979", "tera_ops = 624");
    let old = run(&a100, "2023-03-01", Posture::Enforced);
    assert_eq!(old.determinations[0].outcome, Outcome::NoLicenceRequired);
    let new = run(&a100, "2024-03-01", Posture::Enforced);
    assert_eq!(new.determinations[0].outcome, Outcome::LicenceRequired);
}

#[test]
fn a_missing_parameter_is_undetermined_never_no() {
    // TPP 2400 would need the performance density, and the die area is not given.
    let s = CHIP
        .replace("tera_ops = 1979", "tera_ops = 300")
        .replace("applicable_die_area = \"814 mm2\"\n", "");
    let r = run(&s, "2024-03-01", Posture::Enforced);
    let d = &r.determinations[0];
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.licence_required, None);
    assert!(
        d.missing
            .iter()
            .any(|m| m.starts_with("item.applicable_die_area")),
        "{:?}",
        d.missing
    );
    // Giving it decides.
    let s2 = CHIP
        .replace("tera_ops = 1979", "tera_ops = 300")
        .replace("814 mm2", "800 mm2");
    assert_eq!(
        run(&s2, "2024-03-01", Posture::Enforced).determinations[0].outcome,
        Outcome::NoLicenceRequired
    );
}

#[test]
fn undeclared_end_uses_and_unscreened_parties_are_named() {
    let s = CHIP
        .replace("tera_ops = 1979", "tera_ops = 10")
        .replace("end_uses = []\n", "")
        .replace("lists = []\n", "");
    let d = &run(&s, "2024-03-01", Posture::Enforced).determinations[0];
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert!(
        d.missing.iter().any(|m| m.starts_with("end_uses")),
        "{:?}",
        d.missing
    );
    assert!(
        d.missing
            .iter()
            .any(|m| m.starts_with("parties.end_user.lists")),
        "{:?}",
        d.missing
    );
    // Not a country of concern: the end-use rule is false whatever the end use.
    let de = s.replace("destination = \"CN\"", "destination = \"DE\"");
    let d = &run(&de, "2024-03-01", Posture::Enforced).determinations[0];
    assert!(
        !d.missing.iter().any(|m| m.starts_with("end_uses")),
        "{:?}",
        d.missing
    );
}

#[test]
fn hong_kong_is_treated_as_china_and_macau_joins_by_date() {
    let hk = CHIP.replace("destination = \"CN\"", "destination = \"HK\"");
    assert_eq!(
        run(&hk, "2024-03-01", Posture::Enforced).determinations[0].outcome,
        Outcome::LicenceRequired
    );
    let mo = CHIP.replace("destination = \"CN\"", "destination = \"MO\"");
    assert_eq!(
        run(&mo, "2022-12-01", Posture::Enforced).determinations[0].outcome,
        Outcome::NoLicenceRequired
    );
    assert_eq!(
        run(&mo, "2023-02-01", Posture::Enforced).determinations[0].outcome,
        Outcome::LicenceRequired
    );
}

#[test]
fn postures_differ_where_the_text_and_its_enforcement_differ() {
    let de = CHIP.replace("destination = \"CN\"", "destination = \"DE\"");
    let enforced = run(&de, "2025-06-01", Posture::Enforced);
    assert_eq!(enforced.posture, "enforced");
    assert_eq!(
        enforced.determinations[0].outcome,
        Outcome::NoLicenceRequired
    );
    let written = run(&de, "2025-06-01", Posture::AsWritten);
    assert_eq!(written.determinations[0].outcome, Outcome::LicenceRequired);
    assert_eq!(
        written.determinations[0].policy.as_deref(),
        Some("case_by_case")
    );
}

#[test]
fn notes_take_items_out_and_exceptions_are_offered_not_applied() {
    // Gaming chip below 4800 but dense: excluded by the note.
    let gaming = CHIP
        .replace(
            "designed_or_marketed_for_datacenter = true",
            "designed_or_marketed_for_datacenter = false",
        )
        .replace("tera_ops = 1979", "tera_ops = 500")
        .replace("814 mm2", "300 mm2");
    let d = &run(&gaming, "2024-03-01", Posture::Enforced).determinations[0];
    assert_eq!(d.outcome, Outcome::NoLicenceRequired);
    assert!(d
        .reasons
        .iter()
        .any(|x| x.kind == "note" && x.rule == "XX.1A.note"));
    // Gaming chip above 4800: controlled, licence required, NAC listed with its conditions.
    let big = gaming.replace("tera_ops = 500", "tera_ops = 700");
    let d = &run(&big, "2024-03-01", Posture::Enforced).determinations[0];
    assert_eq!(d.outcome, Outcome::LicenceRequired);
    assert_eq!(d.exceptions.len(), 1);
    assert_eq!(d.exceptions[0].code, "NAC");
    assert_eq!(d.exceptions[0].status, "available");
    assert_eq!(
        d.exceptions[0].conditions.as_deref(),
        Some("Notify 25 days before.")
    );
}

#[test]
fn the_highest_priority_policy_wins_for_a_requirement() {
    let d = &run(CHIP, "2026-02-01", Posture::Enforced).determinations[0];
    assert_eq!(d.policy.as_deref(), Some("case_by_case"));
    let huge = CHIP.replace("tera_ops = 1979", "tera_ops = 4500");
    let d = &run(&huge, "2026-02-01", Posture::Enforced).determinations[0];
    assert_eq!(d.policy.as_deref(), Some("presumption_of_denial"));
}

#[test]
fn reach_false_is_reported_with_why_and_reach_unknown_is_undetermined() {
    let foreign = CHIP.replace(
        "origin = \"US\"",
        "origin = \"TW\"\nus_content_pct = 10\ndirect_product_of_us_technology = false",
    );
    let r = run(&foreign, "2024-03-01", Posture::Enforced);
    assert!(r.determinations.is_empty());
    assert_eq!(r.not_reached[0].jurisdiction, "XX");
    assert_eq!(r.not_reached[0].why.len(), 2);
    let unknown = CHIP.replace(
        "origin = \"US\"",
        "origin = \"TW\"\ndirect_product_of_us_technology = false",
    );
    let d = &run(&unknown, "2024-03-01", Posture::Enforced).determinations[0];
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert!(
        d.missing
            .iter()
            .any(|m| m.starts_with("item.us_content_pct")),
        "{:?}",
        d.missing
    );
    assert_eq!(d.confidence, "secondary");
}

#[test]
fn a_listed_end_user_needs_a_licence_for_any_item() {
    let s = CHIP
        .replace("tera_ops = 1979", "tera_ops = 10")
        .replace("destination = \"CN\"", "destination = \"DE\"")
        .replace(
            "lists = []",
            "lists = [{ list = \"entity_list\", footnotes = [4] }]",
        );
    let d = &run(&s, "2024-03-01", Posture::Enforced).determinations[0];
    assert_eq!(d.outcome, Outcome::LicenceRequired);
    assert!(d.reasons.iter().any(|x| x.rule == "XX.req.enduser"));
}

#[test]
fn a_condition_on_an_undecided_classification_is_unknown_only_when_it_matters() {
    // TPP 2400 with no die area: 1A.a is undecided. The rule reading `classified` is unknown for
    // a country of concern, and false elsewhere whatever the classification.
    let s = CHIP
        .replace(
            "origin = \"US\"",
            "origin = \"TW\"\ndirect_product_of_us_technology = true",
        )
        .replace("tera_ops = 1979", "tera_ops = 300")
        .replace("applicable_die_area = \"814 mm2\"\n", "");
    let d = &run(&s, "2024-03-01", Posture::Enforced).determinations[0];
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert!(
        d.missing
            .iter()
            .any(|m| m.starts_with("item.applicable_die_area")),
        "{:?}",
        d.missing
    );
    let fr = s.replace("destination = \"CN\"", "destination = \"FR\"");
    let d = &run(&fr, "2024-03-01", Posture::Enforced).determinations[0];
    assert_eq!(d.outcome, Outcome::NoLicenceRequired, "{:?}", d.missing);
}

#[test]
fn a_reach_exclusion_takes_the_shipment_out_of_the_regime() {
    let book = Rulebook::load(vec![
        SourceFile { path: "vocabulary.yaml".into(), text: VOCAB.into() },
        SourceFile { path: "xx/jurisdiction.yaml".into(), text: "jurisdiction: XX\nname: Test regime\nlaw: Test law\n".into() },
        SourceFile {
            path: "xx/rules.yaml".into(),
            text: format!(
                "{RULES}  - id: XX.domestic\n    kind: reach_exclusion\n    title: Domestic shipments are not exports\n    condition: \"ship_from.country == destination.country\"\n    citations: [{{cite: \"XX 15\"}}]\n    valid_from: 2020-01-01\n    confidence: verified\n"
            ),
        },
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let s = parse_shipment(
        &CHIP.replace("destination = \"CN\"", "destination = \"US\""),
        Format::Toml,
        "t.toml",
        &book.vocabulary,
        &NoCatalog,
    )
    .unwrap();
    let o = Options {
        as_of: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        posture: Posture::Enforced,
        jurisdictions: None,
    };
    let r = determine(&book, &s, &o);
    assert!(r.determinations.is_empty());
    assert_eq!(r.not_reached[0].why[0].rule, "XX.domestic");
}
