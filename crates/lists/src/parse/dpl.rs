//! BIS Denied Persons List, tab-separated text (`dpl.txt`).
//!
//! Header: `Name, Street_Address, City, State, Country, Postal_Code, Effective_Date,
//! Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation`; every field double-quoted;
//! dates `MM/DD/YYYY` (`Last_Update` `YYYY-MM-DD`). The list has no ids, so an entry's id is a
//! hash of name, address and effective date. Effective and expiration dates and the Federal
//! Register citations go into [`LicenceData`]; the type is Unknown (the list mixes people and
//! firms). No publication date is inferred: `Last_Update` values are not reliable (the 2022 file
//! has one dated 3017-08-22).

use std::collections::HashMap;

use crate::country::to_alpha2;
use crate::entity::*;
use crate::error::{ListError, ParseError};
use crate::parse::{content_id, ParsedList, SourceFile};
use crate::text::{clean, line_of, normalise_date, push_unique, LineCounter};

const COLUMNS: [&str; 12] = [
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
];

pub fn parse(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let bytes = super::without_bom(file);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let (col, header_len) = super::header_columns(&mut reader, file, &COLUMNS)?;
    let mut parsed = ParsedList::default();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut lines = LineCounter::new(bytes);
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = line_of(bytes, e.position().map(|p| p.byte() as usize).unwrap_or(0));
            ParseError::new(&file.name, format!("malformed record: {e}")).line(line)
        })?;
        let line = lines.record_line(record.position());
        if record.len() != header_len {
            return Err(ParseError::new(
                &file.name,
                format!("expected {} fields, found {}", header_len, record.len()),
            )
            .line(line)
            .into());
        }
        let get = |name: &str| col.get(name).and_then(|&i| record.get(i)).and_then(clean);
        let name = get("Name").ok_or_else(|| {
            ParseError::new(&file.name, "empty name")
                .line(line)
                .field("Name")
        })?;
        let street = get("Street_Address");
        let effective = get("Effective_Date").map(|d| normalise_date(&d));
        let base = content_id(
            "dpl-",
            &[
                &name,
                street.as_deref().unwrap_or(""),
                effective.as_deref().unwrap_or(""),
            ],
        );
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 { base } else { format!("{base}-{n}") };
        let country = get("Country")
            .as_deref()
            .and_then(to_alpha2)
            .map(str::to_string);
        let text: Vec<String> = [street, get("State"), get("Postal_Code")]
            .into_iter()
            .flatten()
            .collect();
        let mut e = ListEntry {
            source: source.to_string(),
            sub_list: Some("DPL".into()),
            id,
            names: vec![Name {
                full: name,
                kind: NameKind::Primary,
                script: None,
            }],
            addresses: vec![Address {
                text: (!text.is_empty()).then(|| text.join(", ")),
                city: get("City"),
                country: country.clone(),
            }],
            remarks: get("Action"),
            licence: Some(LicenceData {
                federal_register: get("FR_Citation").into_iter().collect(),
                start_date: effective,
                end_date: get("Expiration_Date").map(|d| normalise_date(&d)),
                ..LicenceData::default()
            }),
            ..ListEntry::default()
        };
        if let Some(cc) = &country {
            push_unique(&mut e.countries, cc);
        }
        parsed.entries.push(e);
    }
    Ok(parsed)
}
