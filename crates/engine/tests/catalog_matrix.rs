//! Every catalog product shipped from the United States to CN, NL, JP, AE, SA, DE, VN and within
//! the US, as of 2026-11-28: each check runs without rule errors, and the table of answers is a
//! snapshot a compliance officer can review line by line (`tests/snapshots/catalog_matrix__*.snap`).

mod common {
    include!("scenarios_common.rs");
}

use chokepoint_engine::{determine, Options, Outcome};
use chokepoint_model::{parse_shipment, Format};
use chokepoint_rulebook::Posture;
use chrono::NaiveDate;

const DESTINATIONS: &[&str] = &["CN", "NL", "JP", "AE", "SA", "DE", "VN", "US"];

#[test]
fn every_catalog_item_to_every_destination() {
    let book = common::load_book();
    let catalog = common::load_catalog();
    let opts = Options {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        posture: Posture::Enforced,
        jurisdictions: None,
    };
    let mut table = String::new();
    for item in catalog.items() {
        for dest in DESTINATIONS {
            let text = format!(
                r#"
ship_from = "US"
destination = "{dest}"
end_uses = []
[item]
catalog = "{id}"
[parties.end_user]
name = "Buyer"
country = "{dest}"
headquarters = "{dest}"
parent_headquarters = "{dest}"
lists = []
[exporter]
us_person = true
natural_person = false
headquarters = "US"
"#,
                id = item.id
            );
            let s = parse_shipment(
                &text,
                Format::Toml,
                "matrix.toml",
                &book.vocabulary,
                &catalog,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", item.id));
            let r = determine(&book, &s, &opts);
            let mut cells = Vec::new();
            for d in &r.determinations {
                assert!(
                    d.rule_errors.is_empty(),
                    "{} → {dest}: {:?}",
                    item.id,
                    d.rule_errors
                );
                if d.outcome == Outcome::NoLicenceRequired && d.classifications.is_empty() {
                    cells.push(format!("{} no", d.jurisdiction));
                    continue;
                }
                let mut cell = format!(
                    "{} {}",
                    d.jurisdiction,
                    match d.outcome {
                        Outcome::LicenceRequired => "LICENCE",
                        Outcome::NoLicenceRequired => "no",
                        Outcome::Undetermined => "UNDETERMINED",
                    }
                );
                if !d.classifications.is_empty() {
                    cell.push_str(&format!(" [{}]", d.classifications.join(",")));
                }
                if let Some(p) = &d.policy {
                    cell.push_str(&format!(" {p}"));
                }
                let codes: Vec<_> = d.exceptions.iter().map(|x| x.code.as_str()).collect();
                if !codes.is_empty() {
                    cell.push_str(&format!(" exc:{}", codes.join(",")));
                }
                if d.outcome == Outcome::Undetermined {
                    let needs: Vec<_> = d
                        .missing
                        .iter()
                        .map(|m| m.split(':').next().unwrap_or(m))
                        .collect();
                    cell.push_str(&format!(" need:{}", needs.join(",")));
                }
                cells.push(cell);
            }
            if r.determinations.is_empty() {
                cells.push("no regime reaches it".into());
            }
            table.push_str(&format!("{:<28} {dest}  {}\n", item.id, cells.join(" | ")));
        }
    }
    insta::assert_snapshot!(table);
}
