//! U.S. Consolidated Screening List (trade.gov): the official CSV and JSON downloads, and the
//! compact `screening-list.json` extract of the JSON.
//!
//! CSV columns (29, the official header; `_id` is absent in older files):
//! `_id, source, entity_number, type, programs, name, title, addresses, federal_register_notice,
//! start_date, end_date, standard_order, license_requirement, license_policy, call_sign,
//! vessel_type, gross_tonnage, gross_registered_tonnage, vessel_flag, vessel_owner, remarks,
//! source_list_url, alt_names, citizenships, dates_of_birth, nationalities, places_of_birth,
//! source_information_url, ids`. Columns are found by header name, so their order does not
//! matter; `source` and `name` are required. Multi-valued cells are joined with `; `.
//!
//! * `sub_list` is the abbreviation in the `source` column: `EL` (Entity List), `MEU`, `SDN`,
//!   `DPL`, `UVL`, `ISN`, `DTC`, `SSI`, `PLC`, `CMIC`, `NS-MBS List`, `CAP`.
//! * `type` `Individual` → Person, `Entity` → Organization, `Vessel`, `Aircraft`; empty (all
//!   Entity List rows) → Unknown.
//! * `license_requirement` → [`LicenceData::licence_requirement`] and its footnote markers
//!   ([`crate::footnotes`]); `license_policy`, `federal_register_notice` (split on `; `),
//!   `start_date`, `end_date` are kept alongside.
//! * `ids` items read `type, number, country`; items that are not identifiers (`Gender`,
//!   `Website`, `Secondary sanctions risk:` ...) are left out.
//! * The entry id is `_id`, else `entity_number`, else a hash of source, name and addresses.
//!   The compact extract has no `_id`: its ids are `SUBLIST:entity_number` (`SDN:9647`), else the
//!   hash, so they differ from the CSV's.

use std::collections::HashMap;

use serde_json::Value;

use crate::country::{is_alpha2, to_alpha2};
use crate::entity::*;
use crate::error::{ListError, ParseError};
use crate::footnotes;
use crate::parse::{content_id, ParsedList, SourceFile};
use crate::text::{clean, push_unique, split_multi, LineCounter};

/// One CSL record in the official field names, before mapping.
#[derive(Debug, Default, Clone)]
struct Record {
    id: Option<String>,
    source: String,
    entity_number: Option<String>,
    entity_type: Option<String>,
    programs: Vec<String>,
    name: String,
    title: Option<String>,
    addresses: Vec<AddressParts>,
    federal_register_notice: Vec<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    license_requirement: Option<String>,
    license_policy: Option<String>,
    call_sign: Option<String>,
    vessel_flag: Option<String>,
    remarks: Option<String>,
    source_list_url: Option<String>,
    alt_names: Vec<String>,
    citizenships: Vec<String>,
    dates_of_birth: Vec<String>,
    nationalities: Vec<String>,
    /// (type, number, country)
    ids: Vec<(String, String, Option<String>)>,
}

#[derive(Debug, Default, Clone)]
struct AddressParts {
    text: Option<String>,
    city: Option<String>,
    country: Option<String>,
}

const REQUIRED: [&str; 2] = ["source", "name"];

/// Parses the official CSV.
pub fn parse_csv(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let bytes = super::without_bom(file);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let (col, header_len) = super::header_columns(&mut reader, file, &REQUIRED)?;
    let mut parsed = ParsedList::default();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(bytes);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.record_line(e.position());
                return Err(ParseError::new(&file.name, format!("malformed CSV: {e}"))
                    .line(line)
                    .into());
            }
        }
        let line = lines.record_line(record.position());
        if record.len() != header_len {
            if record.len() == 1 && record[0].trim().is_empty() {
                continue;
            }
            return Err(ParseError::new(
                &file.name,
                format!(
                    "expected {} columns as in the header, found {}",
                    header_len,
                    record.len()
                ),
            )
            .line(line)
            .into());
        }
        let get = |name: &str| col.get(name).and_then(|&i| record.get(i)).and_then(clean);
        let multi = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| split_multi(&v).map(str::to_string).collect())
                .unwrap_or_default()
        };
        let err = |field: &str, msg: &str| ParseError::new(&file.name, msg).line(line).field(field);
        let rec = Record {
            id: get("_id"),
            source: get("source").ok_or_else(|| err("source", "empty source list"))?,
            entity_number: get("entity_number"),
            entity_type: get("type"),
            programs: multi("programs"),
            name: get("name").ok_or_else(|| err("name", "empty name"))?,
            title: get("title"),
            addresses: multi("addresses")
                .into_iter()
                .map(|a| address_from_text(&a))
                .collect(),
            federal_register_notice: multi("federal_register_notice"),
            start_date: get("start_date"),
            end_date: get("end_date"),
            license_requirement: get("license_requirement"),
            license_policy: get("license_policy"),
            call_sign: get("call_sign"),
            vessel_flag: get("vessel_flag"),
            remarks: get("remarks"),
            source_list_url: get("source_list_url"),
            alt_names: multi("alt_names"),
            citizenships: multi("citizenships"),
            dates_of_birth: multi("dates_of_birth"),
            nationalities: multi("nationalities"),
            ids: multi("ids")
                .iter()
                .filter_map(|i| id_from_text(i))
                .collect(),
        };
        let entry = to_entry(source, rec).map_err(|(field, msg)| err(field, &msg))?;
        parsed.entries.push(entry);
    }
    dedupe_content_ids(&mut parsed.entries);
    Ok(parsed)
}

/// `Komitas 26/114, Yerevan, Armenia, AM` → text, and the country from the last part.
fn address_from_text(text: &str) -> AddressParts {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let country = parts
        .last()
        .and_then(|last| to_alpha2(last))
        .map(str::to_string);
    let only_country = parts.len() == 1 && country.is_some();
    AddressParts {
        text: (!only_country).then(|| text.to_string()),
        city: None,
        country,
    }
}

/// `Passport, 836238033, KP` → (`Passport`, `836238033`, `KP`).
fn id_from_text(item: &str) -> Option<(String, String, Option<String>)> {
    let parts: Vec<&str> = item.split(", ").map(str::trim).collect();
    match parts.as_slice() {
        [kind, value] => Some((kind.to_string(), value.to_string(), None)),
        [kind, middle @ .., last] if is_alpha2(last) || to_alpha2(last).is_some() => Some((
            kind.to_string(),
            middle.join(", "),
            to_alpha2(last).map(str::to_string),
        )),
        [kind, rest @ ..] => Some((kind.to_string(), rest.join(", "), None)),
        _ => None,
    }
}

/// Maps a CSL identifier type to a scheme, or `None` for items that are not identifiers.
fn id_scheme(kind: &str) -> Option<String> {
    let k = kind.trim().trim_end_matches(':').trim();
    if let Some(cur) = k.strip_prefix("Digital Currency Address - ") {
        return Some(format!("crypto_{}", cur.trim().to_ascii_lowercase()));
    }
    if let Some((_, scheme)) = super::ofac::ID_LABELS.iter().find(|(l, _)| *l == k) {
        return Some(scheme.to_string());
    }
    let lower = k.to_ascii_lowercase();
    let looks_like_id = [
        "number",
        "no.",
        " id",
        "identification",
        "registration",
        "passport",
        "code",
    ]
    .iter()
    .any(|w| lower.contains(w) || lower.starts_with(w.trim()));
    if !looks_like_id || lower.contains("phone") || lower.contains("fax") {
        return None;
    }
    let slug: String = lower
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let slug = slug
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    Some(slug)
}

/// The abbreviation in a CSL source name: `Entity List (EL) - Bureau of ...` → `EL`.
pub fn sub_list_code(source_name: &str) -> String {
    if let (Some(open), Some(close)) = (source_name.find('('), source_name.find(')')) {
        if open < close {
            return source_name[open + 1..close].trim().to_string();
        }
    }
    source_name.trim().to_string()
}

fn entity_type(t: Option<&str>) -> Result<EntityType, String> {
    Ok(match t.map(|s| s.to_ascii_lowercase()).as_deref() {
        None => EntityType::Unknown,
        Some("individual") => EntityType::Person,
        Some("entity") => EntityType::Organization,
        Some("vessel") => EntityType::Vessel,
        Some("aircraft") => EntityType::Aircraft,
        Some(other) => return Err(format!("unknown type {other:?}")),
    })
}

fn to_entry(source: &str, r: Record) -> Result<ListEntry, (&'static str, String)> {
    let entity_type = entity_type(r.entity_type.as_deref()).map_err(|m| ("type", m))?;
    let id =
        r.id.clone()
            .or_else(|| r.entity_number.clone())
            .unwrap_or_else(|| {
                let addresses: Vec<&str> = r
                    .addresses
                    .iter()
                    .map(|a| a.text.as_deref().or(a.country.as_deref()).unwrap_or(""))
                    .collect();
                content_id("h", &[&r.source, &r.name, &addresses.join("|")])
            });
    let mut e = ListEntry {
        source: source.to_string(),
        sub_list: Some(sub_list_code(&r.source)),
        id,
        entity_type,
        names: vec![Name {
            full: r.name,
            kind: NameKind::Primary,
            script: None,
        }],
        programs: r.programs,
        remarks: r.remarks,
        source_url: r.source_list_url,
        dates_of_birth: r.dates_of_birth,
        ..ListEntry::default()
    };
    for alt in r.alt_names {
        if !e.names.iter().any(|n| n.full == alt) {
            let script = crate::text::detect_script(&alt);
            e.names.push(Name {
                full: alt,
                kind: NameKind::Alias,
                script,
            });
        }
    }
    for a in r.addresses {
        if let Some(cc) = &a.country {
            push_unique(&mut e.countries, cc);
        }
        e.addresses.push(Address {
            text: a.text,
            city: a.city,
            country: a.country,
        });
    }
    for c in r.citizenships.iter().chain(&r.nationalities) {
        if let Some(cc) = to_alpha2(c) {
            push_unique(&mut e.countries, cc);
        }
    }
    if let Some(flag) = r.vessel_flag.as_deref().and_then(to_alpha2) {
        push_unique(&mut e.countries, flag);
    }
    if let Some(cs) = r.call_sign {
        e.identifiers.push(Identifier {
            scheme: "call_sign".into(),
            value: cs,
            country: None,
        });
    }
    for (kind, value, country) in r.ids {
        if value.is_empty() {
            continue;
        }
        if let Some(scheme) = id_scheme(&kind) {
            e.identifiers.push(Identifier {
                scheme,
                value,
                country,
            });
        }
    }
    let has_licence = r.license_requirement.is_some()
        || r.license_policy.is_some()
        || !r.federal_register_notice.is_empty()
        || r.start_date.is_some()
        || r.end_date.is_some();
    if has_licence {
        e.licence = Some(LicenceData {
            footnotes: r
                .license_requirement
                .as_deref()
                .map(footnotes::parse)
                .unwrap_or_default(),
            licence_requirement: r.license_requirement,
            licence_review_policy: r.license_policy,
            federal_register: r.federal_register_notice,
            start_date: r.start_date,
            end_date: r.end_date,
        });
    }
    if let Some(title) = r.title {
        let remarks = match e.remarks.take() {
            Some(rem) => format!("Title: {title}. {rem}"),
            None => format!("Title: {title}"),
        };
        e.remarks = Some(remarks);
    }
    Ok(e)
}

/// Content-derived ids can collide for identical rows; suffix repeats with `-2`, `-3` ...
fn dedupe_content_ids(entries: &mut [ListEntry]) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for e in entries.iter_mut() {
        let n = seen.entry(e.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 && e.id.starts_with('h') {
            e.id = format!("{}-{}", e.id, n);
        }
    }
}

/// Parses the CSL JSON: the official download (`{"results": [...]}` or a bare array) or the
/// compact extract (`{"entries": [...], "tables": {...}}`).
pub fn parse_json(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let value: Value = serde_json::from_slice(&file.bytes).map_err(|e| {
        ParseError::new(&file.name, format!("invalid JSON: {e}")).line(e.line() as u64)
    })?;
    if value.get("entries").is_some() && value.get("tables").is_some() {
        return parse_compact(source, file, &value);
    }
    let results = match &value {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("results") {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(ParseError::new(&file.name, "expected an array of results")
                    .field("results")
                    .into())
            }
        },
        _ => return Err(ParseError::new(&file.name, "expected an object or an array").into()),
    };
    let mut parsed = ParsedList::default();
    for (i, item) in results.iter().enumerate() {
        let rec_name = format!("#{}", i + 1);
        let err = |field: &str, msg: String| {
            ParseError::new(&file.name, msg)
                .record(rec_name.clone())
                .field(field)
        };
        if !item.is_object() {
            return Err(err("results", "not an object".into()).into());
        }
        let s = |k: &str| str_field(item, k);
        let list = |k: &str| list_field(item, k);
        let addresses = match item.get("addresses") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|a| match a {
                    Value::String(t) => address_from_text(t),
                    Value::Object(_) => {
                        let parts: Vec<String> = ["address", "city", "state", "postal_code"]
                            .iter()
                            .filter_map(|k| str_field(a, k))
                            .collect();
                        let country = str_field(a, "country")
                            .as_deref()
                            .and_then(to_alpha2)
                            .map(str::to_string);
                        AddressParts {
                            text: (!parts.is_empty()).then(|| parts.join(", ")),
                            city: str_field(a, "city"),
                            country,
                        }
                    }
                    _ => AddressParts::default(),
                })
                .collect(),
            Some(Value::String(t)) => split_multi(t).map(address_from_text).collect(),
            _ => Vec::new(),
        };
        let ids = match item.get("ids") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| match v {
                    Value::Object(_) => Some((
                        str_field(v, "type").unwrap_or_default(),
                        str_field(v, "number").unwrap_or_default(),
                        str_field(v, "country")
                            .as_deref()
                            .and_then(to_alpha2)
                            .map(str::to_string),
                    )),
                    Value::String(t) => id_from_text(t),
                    _ => None,
                })
                .collect(),
            Some(Value::String(t)) => split_multi(t).filter_map(id_from_text).collect(),
            _ => Vec::new(),
        };
        let rec = Record {
            id: s("id").or_else(|| s("_id")),
            source: s("source").ok_or_else(|| err("source", "missing source list".into()))?,
            entity_number: s("entity_number"),
            entity_type: s("type"),
            programs: list("programs"),
            name: s("name").ok_or_else(|| err("name", "missing name".into()))?,
            title: s("title"),
            addresses,
            federal_register_notice: list("federal_register_notice"),
            start_date: s("start_date"),
            end_date: s("end_date"),
            license_requirement: s("license_requirement"),
            license_policy: s("license_policy"),
            call_sign: s("call_sign"),
            vessel_flag: s("vessel_flag"),
            remarks: s("remarks"),
            source_list_url: s("source_list_url"),
            alt_names: list("alt_names"),
            citizenships: list("citizenships"),
            dates_of_birth: list("dates_of_birth"),
            nationalities: list("nationalities"),
            ids,
        };
        let entry = to_entry(source, rec).map_err(|(f, m)| err(f, m))?;
        parsed.entries.push(entry);
    }
    dedupe_content_ids(&mut parsed.entries);
    Ok(parsed)
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => clean(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A field that may be an array of strings or one `; `-joined string.
fn list_field(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => clean(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => split_multi(s).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// The compact extract: short keys, and indexes into `tables`.
fn parse_compact(source: &str, file: &SourceFile, root: &Value) -> Result<ParsedList, ListError> {
    let table = |name: &str| -> Vec<Option<String>> {
        match root.get("tables").and_then(|t| t.get(name)) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let sources = table("sources");
    let requirements = table("licenceRequirements");
    let policies = table("licencePolicies");
    let programmes = table("programmes");
    let urls = table("urls");
    let Some(Value::Array(entries)) = root.get("entries") else {
        return Err(ParseError::new(&file.name, "`entries` is not an array")
            .field("entries")
            .into());
    };
    let mut parsed = ParsedList {
        published: root
            .get("sourceGeneratedAt")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..ParsedList::default()
    };
    for (i, item) in entries.iter().enumerate() {
        let rec_name = format!("#{}", i + 1);
        let err = |field: &str, msg: String| {
            ParseError::new(&file.name, msg)
                .record(rec_name.clone())
                .field(field)
        };
        let lookup = |key: &str, table: &[Option<String>]| -> Result<Option<String>, ParseError> {
            match item.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => {
                    let idx = v
                        .as_u64()
                        .ok_or_else(|| err(key, "expected a table index".into()))?;
                    table
                        .get(idx as usize)
                        .cloned()
                        .flatten()
                        .map(Some)
                        .ok_or_else(|| err(key, format!("table index {idx} out of range")))
                }
            }
        };
        let source_name =
            lookup("s", &sources)?.ok_or_else(|| err("s", "missing source".into()))?;
        let name = str_field(item, "n").ok_or_else(|| err("n", "missing name".into()))?;
        let countries = list_field(item, "c");
        let code = sub_list_code(&source_name);
        let rec = Record {
            // entity_number repeats across sub-lists (one party on SSI and NS-MBS), so the id is
            // qualified by the sub-list.
            id: str_field(item, "e").map(|n| format!("{code}:{n}")),
            entity_number: str_field(item, "e"),
            entity_type: str_field(item, "t"),
            programs: lookup("pg", &programmes)?
                .map(|p| split_multi(&p).map(str::to_string).collect())
                .unwrap_or_default(),
            addresses: countries
                .iter()
                .map(|c| AddressParts {
                    text: None,
                    city: None,
                    country: to_alpha2(c).map(str::to_string),
                })
                .collect(),
            federal_register_notice: list_field(item, "fr"),
            license_requirement: lookup("lr", &requirements)?,
            license_policy: lookup("lp", &policies)?,
            source_list_url: lookup("u", &urls)?,
            alt_names: list_field(item, "a"),
            source: source_name,
            name,
            ..Record::default()
        };
        let entry = to_entry(source, rec).map_err(|(f, m)| err(f, m))?;
        parsed.entries.push(entry);
    }
    if let Some(n) = root.get("entryCount").and_then(Value::as_u64) {
        if n as usize != parsed.entries.len() {
            return Err(ParseError::new(
                &file.name,
                format!(
                    "entryCount says {n} but {} entries are present",
                    parsed.entries.len()
                ),
            )
            .field("entryCount")
            .into());
        }
    }
    dedupe_content_ids(&mut parsed.entries);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_sub_lists() {
        assert_eq!(
            sub_list_code("Entity List (EL) - Bureau of Industry and Security"),
            "EL"
        );
        assert_eq!(
            id_from_text("Passport, 836238033, KP"),
            Some(("Passport".into(), "836238033".into(), Some("KP".into())))
        );
        assert_eq!(id_scheme("Passport").as_deref(), Some("passport"));
        assert_eq!(id_scheme("Gender"), None);
        assert_eq!(id_scheme("Secondary sanctions risk:"), None);
        assert_eq!(id_scheme("Website"), None);
        assert_eq!(id_scheme("SWIFT/BIC").as_deref(), Some("swift"));
        assert_eq!(
            id_scheme("Digital Currency Address - ETH").as_deref(),
            Some("crypto_eth")
        );
    }
}
