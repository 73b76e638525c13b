//! Parses the real list files in `shared/data/lists` and checks counts and contents against
//! figures taken from the files themselves (see `shared/data/README.md`).

use std::collections::HashMap;
use std::path::PathBuf;

use chokepoint_lists::{parse_files, EntityType, Format, ListEntry, NameKind, SourceFile};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/lists")
        .join(rel)
}

fn parse(format: Format, rels: &[&str]) -> chokepoint_lists::ParsedList {
    let files: Vec<SourceFile> = rels
        .iter()
        .map(|r| SourceFile::read(&data(r)).expect("read list file"))
        .collect();
    parse_files(format, "test", &files).expect("parse list")
}

fn count_types(entries: &[ListEntry]) -> HashMap<EntityType, usize> {
    let mut m = HashMap::new();
    for e in entries {
        *m.entry(e.entity_type).or_insert(0) += 1;
    }
    m
}

fn by_id<'a>(entries: &'a [ListEntry], id: &str) -> &'a ListEntry {
    entries
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no entry {id}"))
}

#[test]
fn csl_csv_has_every_entry_and_entity_list_licence_data() {
    let p = parse(Format::CslCsv, &["us_csl_2026-07-31/consolidated.csv"]);
    assert_eq!(p.entries.len(), 25_921);
    let mut subs: HashMap<&str, usize> = HashMap::new();
    for e in &p.entries {
        *subs.entry(e.sub_list.as_deref().unwrap_or("")).or_insert(0) += 1;
    }
    assert_eq!(subs["SDN"], 19_181);
    assert_eq!(subs["EL"], 3_420);
    assert_eq!(subs["MEU"], 70);
    assert_eq!(subs["DPL"], 1_596);
    let types = count_types(&p.entries);
    assert_eq!(types[&EntityType::Organization], 10_206);
    assert_eq!(types[&EntityType::Person], 7_591);
    assert_eq!(types[&EntityType::Vessel], 1_524);
    assert_eq!(types[&EntityType::Aircraft], 344);
    assert_eq!(types[&EntityType::Unknown], 6_256);

    let with_req = p
        .entries
        .iter()
        .filter(|e| {
            e.licence
                .as_ref()
                .and_then(|l| l.licence_requirement.as_ref())
                .is_some()
        })
        .count();
    assert_eq!(with_req, 3_490);
    let mut per_footnote: HashMap<u8, usize> = HashMap::new();
    for e in &p.entries {
        for f in e.licence.iter().flat_map(|l| &l.footnotes) {
            *per_footnote.entry(f.number).or_insert(0) += 1;
        }
    }
    // Counted independently in the file: rows citing 734.9(e)1 / EAR2, EAR 2 or EAR)2 /
    // 734.9(g) / EAR)4 or 734.9(e)(2) / EAR)5.
    assert_eq!(per_footnote[&1], 156);
    assert_eq!(per_footnote[&2], 156);
    assert_eq!(per_footnote[&3], 771);
    assert_eq!(per_footnote[&4], 96);
    assert_eq!(per_footnote[&5], 16);
    assert_eq!(per_footnote.len(), 5);

    let huawei = p
        .entries
        .iter()
        .find(|e| e.primary_name() == "Huawei Technologies Co., Ltd. (Huawei)")
        .expect("Huawei");
    let lic = huawei.licence.as_ref().expect("licence data");
    assert_eq!(
        lic.footnotes.iter().map(|f| f.number).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let smic = by_id(&p.entries, "e3f79604df92cd359ac7db349116af8525901079");
    assert_eq!(
        smic.primary_name(),
        "Semiconductor Manufacturing International (Beijing) Corporation"
    );
    let lic = smic.licence.as_ref().expect("licence data");
    assert_eq!(lic.footnotes[0].number, 5);
    assert_eq!(
        lic.licence_review_policy.as_deref(),
        Some("Presumption of denial")
    );
    assert_eq!(lic.federal_register, vec!["85 FR 83420", "89 FR 96837"]);
    assert_eq!(smic.countries, vec!["CN"]);
    assert_eq!(smic.sub_list.as_deref(), Some("EL"));
}

#[test]
fn csl_fixture_rows_with_full_columns() {
    let p = parse(Format::CslCsv, &["us_csl_fixtures/consolidated.csv"]);
    assert_eq!(p.entries.len(), 13);
    let rim = by_id(&p.entries, "52291");
    assert_eq!(rim.entity_type, EntityType::Person);
    assert_eq!(rim.dates_of_birth, vec!["1978-12-05"]);
    assert_eq!(rim.countries, vec!["CN", "KP"]);
    assert_eq!(rim.identifiers.len(), 1, "{:?}", rim.identifiers);
    assert_eq!(rim.identifiers[0].scheme, "passport");
    assert_eq!(rim.identifiers[0].value, "836238033");
    assert_eq!(rim.identifiers[0].country.as_deref(), Some("KP"));
    let plc = by_id(&p.entries, "9673");
    assert_eq!(plc.names.len(), 3);
    assert_eq!(plc.names[1].kind, NameKind::Alias);
    // The older CSV without `_id` falls back to entity numbers and content ids.
    let old = parse(Format::CslCsv, &["us_csl_fixtures/csl.csv"]);
    assert_eq!(old.entries.len(), 115);
}

#[test]
fn csl_compact_json_matches_the_csv() {
    let json = parse(Format::CslJson, &["us_csl_2026-07-31/screening-list.json"]);
    let csv = parse(Format::CslCsv, &["us_csl_2026-07-31/consolidated.csv"]);
    assert_eq!(json.entries.len(), 25_921);
    assert_eq!(
        json.published.as_deref(),
        Some("2026-07-31T13:15:00.015113+00:00")
    );
    let names = |p: &chokepoint_lists::ParsedList| {
        let mut v: Vec<String> = p
            .entries
            .iter()
            .map(|e| e.primary_name().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&json), names(&csv));
    let fn_count = |p: &chokepoint_lists::ParsedList| {
        p.entries
            .iter()
            .flat_map(|e| e.licence.iter().flat_map(|l| &l.footnotes))
            .count()
    };
    assert_eq!(fn_count(&json), fn_count(&csv));
}

#[test]
fn un_xml_individuals_and_entities() {
    let p = parse(
        Format::UnXml,
        &["un_consolidated_2026-02-27/UN_consolidated.xml"],
    );
    assert_eq!(p.entries.len(), 1_003);
    let types = count_types(&p.entries);
    assert_eq!(types[&EntityType::Person], 730);
    assert_eq!(types[&EntityType::Organization], 273);
    assert_eq!(p.published.as_deref(), Some("2026-02-27T00:00:09.554Z"));
    let badege = by_id(&p.entries, "CDi.001");
    assert_eq!(badege.primary_name(), "ERIC BADEGE");
    assert_eq!(badege.dates_of_birth, vec!["1971"]);
    assert_eq!(badege.countries, vec!["CD", "RW"]);
    let kakolele = by_id(&p.entries, "CDi.002");
    assert_eq!(kakolele.names.len(), 4);
    let adf = by_id(&p.entries, "CDe.001");
    let kinds: Vec<NameKind> = adf.names.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        vec![
            NameKind::Primary,
            NameKind::Alias,
            NameKind::Former,
            NameKind::Former,
            NameKind::Former
        ]
    );
    // Low-quality aliases are weak.
    let weak = p
        .entries
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.kind == NameKind::WeakAlias)
        .count();
    assert!(weak > 100, "weak aliases: {weak}");
    let passports = p
        .entries
        .iter()
        .flat_map(|e| &e.identifiers)
        .filter(|i| i.scheme == "passport")
        .count();
    assert!(passports > 100, "passports: {passports}");
    // Names in original script carry a script tag.
    assert!(p
        .entries
        .iter()
        .flat_map(|e| &e.names)
        .any(|n| n.script.as_deref() == Some("Arab")));
}

#[test]
fn ofac_sdn_2024_primary_file() {
    let p = parse(Format::OfacCsv, &["ofac_sdn_2024-05-03/sdn.csv"]);
    assert_eq!(p.entries.len(), 14_965);
    let types = count_types(&p.entries);
    assert_eq!(types[&EntityType::Person], 6_854);
    assert_eq!(types[&EntityType::Vessel], 851);
    assert_eq!(types[&EntityType::Aircraft], 376);
    assert_eq!(types[&EntityType::Organization], 6_884);
    assert!(p.entries.iter().any(|e| e.id == "48907"));
}

#[test]
fn ofac_sdn_2021_set_joins_every_file() {
    let p = parse(
        Format::OfacCsv,
        &[
            "ofac_sdn_set_2021-07-07/sdn.csv",
            "ofac_sdn_set_2021-07-07/add.csv",
            "ofac_sdn_set_2021-07-07/alt.csv",
            "ofac_sdn_set_2021-07-07/sdn_comments.csv",
        ],
    );
    assert_eq!(p.entries.len(), 8_976);
    assert!(
        p.warnings.is_empty(),
        "{:?}",
        &p.warnings[..3.min(p.warnings.len())]
    );
    let names = p.entries.iter().flat_map(|e| &e.names);
    let (mut alias, mut former) = (0, 0);
    for n in names {
        match n.kind {
            NameKind::Alias => alias += 1,
            NameKind::Former => former += 1,
            _ => {}
        }
    }
    // alt.csv rows whose name differs from the names already on the entry (counted in the file):
    // 11,535 aka/nka and 369 fka. Remark a.k.a.s that repeat an alt.csv name are not added twice.
    assert_eq!(former, 369);
    assert_eq!(alias, 11_535);
}

#[test]
fn ofac_fixture_remarks_and_orphans() {
    let p = parse(
        Format::OfacCsv,
        &[
            "ofac_fixtures_watchman/sdn.csv",
            "ofac_fixtures_watchman/add.csv",
            "ofac_fixtures_watchman/alt.csv",
            "ofac_fixtures_watchman/sdn_comments.csv",
        ],
    );
    assert_eq!(p.entries.len(), 17);
    // 4 address rows and 5 alias rows point at ent_nums without a primary record.
    assert_eq!(p.warnings.len(), 9, "{:?}", p.warnings);
    let logan = by_id(&p.entries, "10278");
    assert_eq!(logan.entity_type, EntityType::Person);
    assert_eq!(logan.dates_of_birth, vec!["1963-07-28"]);
    assert!(logan
        .names
        .iter()
        .any(|n| n.full == "BURTON BURGESS" && n.kind == NameKind::WeakAlias));
    assert!(logan.identifiers.iter().any(|i| i.scheme == "passport"
        && i.value == "P0017003"
        && i.country.as_deref() == Some("BZ")));
    let iami = by_id(&p.entries, "11195");
    assert_eq!(iami.programs, vec!["NPWMD", "IFSR", "IRAN-CON-ARMS-EO"]);
    assert!(iami.countries.contains(&"IR".to_string()));
    assert!(iami
        .names
        .iter()
        .any(|n| n.full == "HESA" && n.kind == NameKind::WeakAlias));
}

#[test]
fn ofac_consolidated_non_sdn_set() {
    let dir = "ofac_consolidated_nonsdn_2025-12-19";
    let p = parse(
        Format::OfacCsv,
        &[
            &format!("{dir}/cons_prim.csv"),
            &format!("{dir}/cons_add.csv"),
            &format!("{dir}/cons_alt.csv"),
            &format!("{dir}/cons_comments.csv"),
        ],
    );
    assert_eq!(p.entries.len(), 442);
    assert!(p.warnings.is_empty());
    assert!(p
        .entries
        .iter()
        .all(|e| e.sub_list.as_deref() == Some("CONS")));
}

#[test]
fn uk_csv_merges_designations_per_group() {
    let p = parse(
        Format::UkCsv,
        &["uk_fcdo_sanctions_list_2025-08-11/FCDO_SL_Mon_Aug_11_2025.DERIVED.csv"],
    );
    // 5,302 rows: 2 without a name; 4,837 OFSI groups plus 447 rows without a group id.
    assert_eq!(p.entries.len(), 5_284);
    assert_eq!(p.warnings.len(), 2);
    let rows: usize = p
        .entries
        .iter()
        .map(|e| {
            e.identifiers
                .iter()
                .filter(|i| i.scheme == "uk_unique_id")
                .count()
        })
        .sum();
    assert_eq!(rows, 5_300);
    let karaev = by_id(&p.entries, "13923");
    assert_eq!(karaev.entity_type, EntityType::Person);
    assert_eq!(karaev.programs, vec!["Belarus", "Global Human Rights"]);
    assert_eq!(karaev.names.len(), 2);
    let types = count_types(&p.entries);
    assert!(types[&EntityType::Vessel] > 400);
}

#[test]
fn uk_ods_is_refused_cleanly_by_calamine() {
    // calamine 0.30 stops on a cell holding only a newline (the same BEL0174 row), so the
    // spreadsheet yields a parse error naming the file, not a panic or a partial list.
    let file = SourceFile::read(&data(
        "uk_fcdo_sanctions_list_2025-08-11/FCDO_SL_Mon_Aug 11 2025.ods",
    ))
    .unwrap();
    match parse_files(Format::UkOds, "uk", &[file]) {
        Ok(p) => assert_eq!(p.entries.len(), 5_284),
        Err(e) => assert!(e.to_string().contains("FCDO_SL_Mon_Aug 11 2025.ods"), "{e}"),
    }
}

#[test]
fn bis_denied_persons() {
    let p = parse(Format::DplTxt, &["bis_denied_persons_2022-09-07/dpl.txt"]);
    assert_eq!(p.entries.len(), 581);
    let first = &p.entries[0];
    assert_eq!(first.primary_name(), "I. ASH");
    let lic = first.licence.as_ref().unwrap();
    assert_eq!(lic.start_date.as_deref(), Some("2003-06-19"));
    assert_eq!(lic.end_date.as_deref(), Some("2056-06-29"));
    assert_eq!(first.countries, vec!["US"]);
}

#[test]
fn japan_end_user_list() {
    let p = parse(
        Format::RegistryJson,
        &["jp_meti_end_user_list_2025-09-29/jp.json"],
    );
    assert_eq!(p.entries.len(), 835);
    // 37 records with the name fused into the address are recovered.
    assert_eq!(p.warnings.len(), 37);
    assert!(p.entries.iter().all(|e| !e.primary_name().is_empty()));
    assert!(p
        .entries
        .iter()
        .any(|e| e.primary_name() == "23rd Research Institute" && e.countries == ["CN"]));
    let unmapped = p.entries.iter().filter(|e| e.countries.is_empty()).count();
    assert_eq!(unmapped, 0, "every METI region maps to a country code");
    let by_id = by_id(&p.entries, "jp-eul-99");
    assert_eq!(by_id.countries, vec!["IR"]);
}

#[test]
fn china_mofcom_lists() {
    let p = parse(Format::RegistryJson, &["cn_mofcom_lists_2026-07/cn.json"]);
    assert_eq!(p.entries.len(), 240);
    let mut lists: HashMap<&str, usize> = HashMap::new();
    for e in &p.entries {
        *lists.entry(e.sub_list.as_deref().unwrap()).or_insert(0) += 1;
    }
    assert_eq!(lists["cn-unreliable-entity-list"], 61);
    assert_eq!(lists["cn-export-control-watchlist"], 139);
    assert_eq!(lists["cn-attention-list"], 40);
    // Two ids are each used twice in the file.
    assert_eq!(p.warnings.len(), 2);
    let subaru = by_id(&p.entries, "cn-att-20260224-1");
    assert_eq!(subaru.names[1].full, "斯巴鲁株式会社");
    assert_eq!(subaru.names[1].script.as_deref(), Some("Hani"));
}
