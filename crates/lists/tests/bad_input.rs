//! Malformed files: every error names the file, the line or record, and the field; nothing is
//! returned from a file that failed.

use chokepoint_lists::{parse_files, Format, ListError, SourceFile};

fn err(format: Format, files: &[(&str, &[u8])]) -> String {
    let files: Vec<SourceFile> = files.iter().map(|(n, b)| SourceFile::new(*n, *b)).collect();
    match parse_files(format, "t", &files) {
        Ok(p) => panic!("expected an error, got {} entries", p.entries.len()),
        Err(e) => {
            assert!(e.is_bad_input(), "{e}");
            e.to_string()
        }
    }
}

const SDN_OK: &str = "10278,\"LOGAN MOREY, Elvis Angus\",\"individual\",\"SDNT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";

#[test]
fn ofac_errors_name_file_line_and_field() {
    let bad_num =
        format!("{SDN_OK}12x,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    assert_eq!(
        err(Format::OfacCsv, &[("sdn.csv", bad_num.as_bytes())]),
        "sdn.csv: line 2: field `ent_num`: not an entity number: \"12x\""
    );
    let bad_type =
        format!("{SDN_OK}5,\"X\",\"robot\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    assert_eq!(
        err(Format::OfacCsv, &[("sdn.csv", bad_type.as_bytes())]),
        "sdn.csv: line 2: record ent_num 5: field `SDN_Type`: unknown type \"robot\""
    );
    let short = format!("{SDN_OK}{SDN_OK}6,\"X\"\r\n");
    assert!(err(Format::OfacCsv, &[("sdn.csv", short.as_bytes())])
        .starts_with("sdn.csv: line 3: expected 12 columns, found 2"));
    let dup = format!("{SDN_OK}{SDN_OK}");
    assert!(err(Format::OfacCsv, &[("sdn.csv", dup.as_bytes())])
        .contains("line 2: record ent_num 10278: field `ent_num`: duplicate"));
    let alt = b"10278,1,\"zka\",\"X\",-0- \r\n";
    assert_eq!(
        err(Format::OfacCsv, &[("sdn.csv", SDN_OK.as_bytes()), ("alt.csv", alt)]),
        "alt.csv: line 1: record ent_num 10278: field `alt_type`: unknown alternate-name type \"zka\""
    );
    // A set without its primary file, or with a file that is not part of a set.
    let files = [SourceFile::new("alt.csv", alt.to_vec())];
    assert!(matches!(
        parse_files(Format::OfacCsv, "t", &files),
        Err(ListError::Usage(_))
    ));
}

#[test]
fn csl_errors() {
    let header = "\"_id\",\"source\",\"name\",\"type\"\r\n";
    let missing = "\"_id\",\"name\"\r\n\"1\",\"X\"\r\n";
    assert_eq!(
        err(Format::CslCsv, &[("consolidated.csv", missing.as_bytes())]),
        "consolidated.csv: line 1: field `source`: missing column in header"
    );
    let bad_type = format!("{header}\"1\",\"Entity List (EL)\",\"A\",\"Entity\"\r\n\"2\",\"Entity List (EL)\",\"B\",\"Robot\"\r\n");
    assert_eq!(
        err(Format::CslCsv, &[("consolidated.csv", bad_type.as_bytes())]),
        "consolidated.csv: line 3: field `type`: unknown type \"robot\""
    );
    let no_name = format!("{header}\"1\",\"Entity List (EL)\",\"\",\"Entity\"\r\n");
    assert_eq!(
        err(Format::CslCsv, &[("consolidated.csv", no_name.as_bytes())]),
        "consolidated.csv: line 2: field `name`: empty name"
    );
    let dup = format!("{header}\"1\",\"EL\",\"A\",\"\"\r\n\"1\",\"EL\",\"B\",\"\"\r\n");
    assert!(err(Format::CslCsv, &[("c.csv", dup.as_bytes())])
        .contains("record 1: field `id`: duplicate"));
    let ragged = format!("{header}\"1\",\"EL\",\"A\"\r\n");
    assert!(err(Format::CslCsv, &[("c.csv", ragged.as_bytes())])
        .starts_with("c.csv: line 2: expected 4 columns"));
    assert!(err(
        Format::CslJson,
        &[("c.json", b"{\"results\": [{\"name\": \"A\"}]}")]
    )
    .contains("record #1: field `source`"));
    assert!(err(
        Format::CslJson,
        &[("c.json", b"{\"results\": [\n{\"name\": \"A\",]}")]
    )
    .starts_with("c.json: line 2: invalid JSON"));
}

#[test]
fn un_xml_errors() {
    let truncated = b"<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>1</DATAID>\n";
    assert!(err(Format::UnXml, &[("un.xml", truncated)])
        .contains("un.xml: line 6: field `INDIVIDUAL`: file ends inside <INDIVIDUAL>"));
    let mismatched = b"<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n</ENTITIES>\n</CONSOLIDATED_LIST>";
    assert!(
        err(Format::UnXml, &[("un.xml", mismatched)]).starts_with("un.xml: line 3: malformed XML")
    );
    let wrong_root = b"<html></html>";
    assert!(err(Format::UnXml, &[("un.xml", wrong_root)])
        .contains("expected root element CONSOLIDATED_LIST"));
    let no_name = b"<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL><DATAID>7</DATAID><REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
    assert_eq!(
        err(Format::UnXml, &[("un.xml", no_name)]),
        "un.xml: line 2: record QDi.1: field `FIRST_NAME`: record has no name"
    );
}

#[test]
fn other_format_errors() {
    assert_eq!(
        err(Format::UkCsv, &[("uk.csv", b"Unique ID,Name\nX,Y\n")]),
        "uk.csv: line 1: field `OFSI Group ID`: missing column in header"
    );
    let uk = "Unique ID,OFSI Group ID,Name,Regime Name,Type,Designation source,Date Designated\nA1,1,N,R,Individual,UK,01-01-2020\nA1,2,M,R,Entity,UK,01-01-2020\n";
    assert_eq!(
        err(Format::UkCsv, &[("uk.csv", uk.as_bytes())]),
        "uk.csv: line 3: field `Unique ID`: A1 already used on line 2"
    );
    assert!(err(Format::UkOds, &[("uk.ods", b"PK\x03\x04 not a zip")])
        .starts_with("uk.ods: not a readable ODS file"));
    assert_eq!(
        err(Format::DplTxt, &[("dpl.txt", b"\"Name\"\t\"City\"\n")]),
        "dpl.txt: line 1: field `Street_Address`: missing column in header"
    );
    assert_eq!(
        err(
            Format::RegistryJson,
            &[(
                "jp.json",
                br#"[{"id":"jp-1","list_id":"x","entity_type":"robot","entity_name":"A"}]"#
            )]
        ),
        "jp.json: record jp-1: field `entity_type`: unknown type \"robot\""
    );
    assert_eq!(
        err(
            Format::RegistryJson,
            &[(
                "jp.json",
                br#"[{"id":"jp-1","list_id":"x","entity_type":"company","aliases":"A"}]"#
            )]
        ),
        "jp.json: record jp-1: field `aliases`: wrong type: \"A\""
    );
    assert_eq!(
        err(
            Format::RegistryJson,
            &[(
                "jp.json",
                br#"[{"id":"jp-1","list_id":"x","entity_type":"company","entity_name":""}]"#
            )]
        ),
        "jp.json: record jp-1: field `entity_name`: empty name"
    );
    let ftm = b"{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n{\"id\":\"b\",\"schema\":\"Person\",\"properties\":{\"name\":\"B\"}}\n";
    assert_eq!(
        err(Format::FtmJson, &[("e.ftm.json", ftm)]),
        "e.ftm.json: line 2: field `properties.name`: expected an array, found \"B\""
    );
}

#[test]
fn ftm_entities_map_to_the_model() {
    let lines = concat!(
        r#"{"id":"NK-1","schema":"Person","datasets":["us_ofac_sdn"],"properties":{"name":["Ivan Petrov"],"alias":["Иван Петров"],"weakAlias":["Vanya"],"previousName":["Ivan Sidorov"],"nationality":["ru"],"birthDate":["1970-01-02"],"passportNumber":["123"],"program":["RUSSIA-EO14024"]}}"#,
        "\n",
        r#"{"id":"addr-1","schema":"Address","properties":{"full":["Moscow"]}}"#,
        "\n\n",
        r#"{"id":"v-1","schema":"Vessel","properties":{"name":["SEA STAR"],"imoNumber":["IMO 9187629"],"flag":["pa"]}}"#,
        "\n",
        r#"{"id":"c-1","schema":"Company","properties":{"registrationNumber":["77"]}}"#,
        "\n"
    );
    let p = parse_files(
        Format::FtmJson,
        "opensanctions",
        &[SourceFile::new("e.ftm.json", lines.as_bytes())],
    )
    .unwrap();
    assert_eq!(p.entries.len(), 2);
    assert_eq!(p.warnings.len(), 1, "the nameless company is skipped");
    let ivan = &p.entries[0];
    use chokepoint_lists::{EntityType, NameKind};
    assert_eq!(ivan.entity_type, EntityType::Person);
    assert_eq!(ivan.sub_list.as_deref(), Some("us_ofac_sdn"));
    let kinds: Vec<(&str, NameKind)> = ivan
        .names
        .iter()
        .map(|n| (n.full.as_str(), n.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("Ivan Petrov", NameKind::Primary),
            ("Иван Петров", NameKind::Alias),
            ("Vanya", NameKind::WeakAlias),
            ("Ivan Sidorov", NameKind::Former)
        ]
    );
    assert_eq!(ivan.names[1].script.as_deref(), Some("Cyrl"));
    assert_eq!(ivan.countries, vec!["RU"]);
    assert_eq!(ivan.dates_of_birth, vec!["1970-01-02"]);
    assert_eq!(ivan.identifiers[0].scheme, "passport");
    assert_eq!(ivan.programs, vec!["RUSSIA-EO14024"]);
    assert_eq!(p.entries[1].entity_type, EntityType::Vessel);
    assert_eq!(p.entries[1].countries, vec!["PA"]);
}
