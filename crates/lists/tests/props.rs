//! Property tests: no parser panics, whatever the bytes; a parse either fails with an error
//! that names the file or returns entries that all have an id and a primary name.

use chokepoint_lists::{footnotes, parse_files, Format, ListError, NameKind, SourceFile};
use proptest::prelude::*;

fn names_for(format: Format) -> &'static [&'static str] {
    match format {
        Format::OfacCsv => &["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"],
        Format::CslCsv => &["consolidated.csv"],
        Format::CslJson => &["consolidated.json"],
        Format::UnXml => &["consolidated.xml"],
        Format::UkCsv => &["uk.csv"],
        Format::UkOds => &["uk.ods"],
        Format::DplTxt => &["dpl.txt"],
        Format::RegistryJson => &["jp.json"],
        Format::FtmJson => &["entities.ftm.json"],
    }
}

fn check(format: Format, files: Vec<SourceFile>) {
    let first = files[0].name.clone();
    match parse_files(format, "p", &files) {
        Ok(parsed) => {
            for e in &parsed.entries {
                assert!(!e.id.is_empty());
                assert_eq!(e.names.first().map(|n| n.kind), Some(NameKind::Primary));
                assert!(!e.primary_name().is_empty());
            }
        }
        Err(ListError::Parse(p)) => {
            assert!(files.iter().any(|f| f.name == p.file), "{p} vs {first}")
        }
        Err(ListError::Usage(_)) => {}
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

/// Pieces that appear in the real formats, to get past the first checks more often than random
/// bytes do.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-0- ".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("; ".to_string()),
        Just("individual".to_string()),
        Just("10278".to_string()),
        Just("a.k.a. 'X'".to_string()),
        Just("DOB 28 Jul 1963".to_string()),
        Just("Passport P1 (Iran)".to_string()),
        Just("§ 734.9(g),3".to_string()),
        Just("of the EAR)4".to_string()),
        Just("<INDIVIDUAL>".to_string()),
        Just("</INDIVIDUAL>".to_string()),
        Just("<FIRST_NAME>".to_string()),
        Just("<CONSOLIDATED_LIST>".to_string()),
        Just("<INDIVIDUALS>".to_string()),
        Just("{\"id\":\"x\",\"schema\":\"Person\",\"properties\":{\"name\":[".to_string()),
        Just("\u{1a}".to_string()),
        Just("\u{fffd}".to_string()),
        "[a-zA-Z0-9 ]{0,8}",
        any::<String>(),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..40).prop_map(|v| v.concat())
}

const CSL_HEADER: &str = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), which in 0usize..9) {
        let format = Format::ALL[which];
        let files = names_for(format)
            .iter()
            .map(|n| SourceFile::new(*n, bytes.clone()))
            .collect();
        check(format, files);
    }

    #[test]
    fn token_soup_never_panics(body in text(), which in 0usize..9) {
        let format = Format::ALL[which];
        let body = match format {
            Format::CslCsv => format!("{CSL_HEADER}{body}"),
            Format::UnXml => format!("<CONSOLIDATED_LIST><INDIVIDUALS>{body}"),
            Format::UkCsv => format!("Unique ID,OFSI Group ID,Name,Regime Name,Type,Designation source,Date Designated\n{body}"),
            Format::DplTxt => format!("Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\tStandard_Order\tLast_Update\tAction\tFR_Citation\n{body}"),
            _ => body,
        };
        let files = names_for(format)
            .iter()
            .map(|n| SourceFile::new(*n, body.clone().into_bytes()))
            .collect();
        check(format, files);
    }

    #[test]
    fn ofac_rows_with_any_field_text(name in any::<String>(), remarks in text(), kind in prop_oneof![Just("-0- "), Just("\"individual\""), Just("\"vessel\""), Just("\"aircraft\"")]) {
        let esc = |s: &str| s.replace('"', "\"\"");
        let row = format!(
            "1,\"{}\",{kind},\"SDN] [IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,\"{}\",-0- ,\"{}\"\r\n",
            esc(&name), esc(&remarks), esc(&remarks)
        );
        let parsed = parse_files(Format::OfacCsv, "p", &[SourceFile::new("sdn.csv", row.into_bytes())]);
        if !name.trim().is_empty() && !name.contains('\u{1a}') {
            let parsed = parsed.expect("a well-formed row parses");
            prop_assert_eq!(parsed.entries.len(), 1);
        }
    }

    #[test]
    fn footnote_parser_never_panics(s in text()) {
        for f in footnotes::parse(&s) {
            prop_assert!((1..=9).contains(&f.number));
            prop_assert!(s.contains(f.source_text.trim()) || f.source_text.is_empty());
        }
    }
}
