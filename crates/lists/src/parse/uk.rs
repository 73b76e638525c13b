//! UK FCDO sanctions list, summary spreadsheet (ODS) and its CSV form.
//!
//! Columns (found by header name): `Unique ID, OFSI Group ID, Name, Regime Name` (or `Regime`),
//! `Type, Designation source, Date Designated, Sanctions Imposed`. Each row is one designation;
//! one party designated under several regimes has several rows with the same `OFSI Group ID`
//! (sometimes spelled differently). Rows are therefore merged per group: the entry id is the
//! group id, the first row's name is primary and other spellings become aliases, the regimes
//! become programs and the row ids are kept as `uk_unique_id` identifiers.
//!
//! `Type`: `Individual` → Person, `Entity` → Organization, `Ship` → Vessel. A row with an empty
//! `Name` (the 2025-08-11 list has one, `BEL0174`) is skipped with a warning.

use std::collections::HashMap;

use calamine::{Data, Reader};

use crate::entity::*;
use crate::error::{ListError, ParseError};
use crate::parse::{ParsedList, SourceFile};
use crate::text::{clean, line_of, push_unique, LineCounter};

const COLUMNS: [&str; 7] = [
    "Unique ID",
    "OFSI Group ID",
    "Name",
    "Regime Name",
    "Type",
    "Designation source",
    "Date Designated",
];

/// Parses the CSV form.
pub fn parse_csv(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let bytes = super::without_bom(file);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut lines = LineCounter::new(bytes);
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = line_of(bytes, e.position().map(|p| p.byte() as usize).unwrap_or(0));
            ParseError::new(&file.name, format!("malformed CSV: {e}")).line(line)
        })?;
        let line = lines.record_line(record.position());
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    from_rows(source, file, rows)
}

/// Parses the ODS spreadsheet (first sheet; the header row is the first row naming `Unique ID`).
pub fn parse_ods(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let mut book: calamine::Ods<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(file.bytes.as_slice()))
            .map_err(|e| ParseError::new(&file.name, format!("not a readable ODS file: {e}")))?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(ParseError::new(&file.name, "the spreadsheet has no sheet").into());
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| ParseError::new(&file.name, format!("sheet {sheet:?}: {e}")))?;
    let start_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            (
                start_row + i as u64 + 1,
                row.iter().map(cell_text).collect::<Vec<String>>(),
            )
        })
        .collect();
    from_rows(source, file, rows)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => {
            // Spreadsheet serial date: days since 1899-12-30.
            let days = d.as_f64().floor();
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .filter(|_| days.is_finite() && days.abs() < 3_000_000.0)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days as i64)))
                .map(|date| date.format("%d-%m-%Y").to_string())
                .unwrap_or_else(|| d.to_string())
        }
        Data::DateTimeIso(s) => {
            let date = s.get(..10).unwrap_or(s);
            // ISO 2025-08-11 → 11-08-2025, the CSV's form.
            match (date.get(..4), date.get(5..7), date.get(8..10)) {
                (Some(y), Some(m), Some(d)) => format!("{d}-{m}-{y}"),
                _ => s.clone(),
            }
        }
        other => other.to_string(),
    }
}

fn from_rows(
    source: &str,
    file: &SourceFile,
    rows: Vec<(u64, Vec<String>)>,
) -> Result<ParsedList, ListError> {
    let header_at = rows
        .iter()
        .position(|(_, r)| r.first().map(|c| c.trim() == "Unique ID").unwrap_or(false))
        .ok_or_else(|| ParseError::new(&file.name, "no header row starting with `Unique ID`"))?;
    let (header_line, header) = &rows[header_at];
    let mut col: HashMap<&str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        let h = if h == "Regime" { "Regime Name" } else { h };
        col.entry(h).or_insert(i);
    }
    for c in COLUMNS {
        if !col.contains_key(c) {
            return Err(ParseError::new(&file.name, "missing column in header")
                .line(*header_line)
                .field(c)
                .into());
        }
    }
    let mut parsed = ParsedList::default();
    let mut by_group: HashMap<String, usize> = HashMap::new();
    let mut row_ids: HashMap<String, u64> = HashMap::new();
    for (line, row) in rows.iter().skip(header_at + 1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            col.get(name)
                .and_then(|&i| row.get(i))
                .and_then(|v| clean(v))
        };
        let err =
            |field: &str, msg: String| ParseError::new(&file.name, msg).line(*line).field(field);
        let unique = get("Unique ID").ok_or_else(|| err("Unique ID", "empty".into()))?;
        if let Some(first) = row_ids.insert(unique.clone(), *line) {
            return Err(err(
                "Unique ID",
                format!("{unique} already used on line {first}"),
            )
            .into());
        }
        let Some(name) = get("Name") else {
            // The 2025-08-11 list has such a row (BEL0174): nothing to screen by, so it is
            // skipped and reported rather than failing the whole list.
            parsed.warnings.push(format!(
                "{}: line {line}: {unique} has an empty name; skipped",
                file.name
            ));
            continue;
        };
        let group = get("OFSI Group ID").unwrap_or_else(|| unique.clone());
        let entity_type = match get("Type").map(|t| t.to_ascii_lowercase()).as_deref() {
            Some("individual") => EntityType::Person,
            Some("entity") => EntityType::Organization,
            Some("ship") | Some("vessel") => EntityType::Vessel,
            Some("aircraft") => EntityType::Aircraft,
            None => EntityType::Unknown,
            Some(other) => return Err(err("Type", format!("unknown type {other:?}")).into()),
        };
        let i = match by_group.get(&group) {
            Some(&i) => i,
            None => {
                by_group.insert(group.clone(), parsed.entries.len());
                parsed.entries.push(ListEntry {
                    source: source.to_string(),
                    sub_list: get("Designation source"),
                    id: group,
                    entity_type,
                    names: vec![Name {
                        full: name.clone(),
                        kind: NameKind::Primary,
                        script: None,
                    }],
                    ..ListEntry::default()
                });
                parsed.entries.len() - 1
            }
        };
        let e = &mut parsed.entries[i];
        if !e.names.iter().any(|n| n.full == name) {
            e.names.push(Name {
                full: name,
                kind: NameKind::Alias,
                script: None,
            });
        }
        if let Some(regime) = get("Regime Name") {
            push_unique(&mut e.programs, &regime);
        }
        e.identifiers.push(Identifier {
            scheme: "uk_unique_id".into(),
            value: unique,
            country: None,
        });
        let mut remark = Vec::new();
        if let Some(d) = get("Date Designated") {
            remark.push(format!("designated {}", crate::text::normalise_date(&d)));
        }
        if let Some(s) = get("Sanctions Imposed") {
            remark.push(s);
        }
        if !remark.is_empty() {
            let line = remark.join(": ");
            e.remarks = Some(match e.remarks.take() {
                Some(r) => format!("{r}; {line}"),
                None => line,
            });
        }
    }
    Ok(parsed)
}
