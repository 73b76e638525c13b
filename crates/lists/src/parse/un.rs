//! UN Security Council Consolidated List XML (`consolidated.xml`, schema
//! `https://www.un.org/sc/resources/sc-sanctions.xsd`).
//!
//! Root `CONSOLIDATED_LIST` (attribute `dateGenerated` → publication date) with
//! `INDIVIDUALS/INDIVIDUAL` (→ Person) and `ENTITIES/ENTITY` (→ Organization). Per record:
//!
//! * id: `REFERENCE_NUMBER` (e.g. `CDi.001`), else `DATAID`;
//! * primary name: `FIRST_NAME SECOND_NAME THIRD_NAME FOURTH_NAME` joined; `NAME_ORIGINAL_SCRIPT`
//!   as an alias with its script;
//! * `*_ALIAS`: `QUALITY` `Good`/`a.k.a.` → alias, `Low` → weak alias, `f.k.a.` → former name;
//! * `NATIONALITY/VALUE` and address countries → countries (ISO alpha-2 where known);
//! * `INDIVIDUAL_DATE_OF_BIRTH`: `DATE`, or `YEAR`, or `FROM_YEAR`/`TO_YEAR` as `1960/1965`;
//! * `INDIVIDUAL_DOCUMENT`: `TYPE_OF_DOCUMENT` + `NUMBER` + issuing country → identifier;
//! * `UN_LIST_TYPE` → programs, `COMMENTS1` → remarks.
//!
//! The reader is streaming (`quick-xml`); mismatched or unclosed tags and a truncated file are
//! errors with the line.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::country::to_alpha2;
use crate::entity::*;
use crate::error::{ListError, ParseError};
use crate::parse::{ParsedList, SourceFile};
use crate::text::{clean, detect_script, line_of, push_unique, LineCounter};

#[derive(Default)]
struct Rec {
    is_person: bool,
    dataid: Option<String>,
    reference: Option<String>,
    name_parts: [Option<String>; 4],
    original_script: Option<String>,
    list_type: Option<String>,
    comments: Option<String>,
    nationalities: Vec<String>,
    aliases: Vec<(Option<String>, String)>,
    addresses: Vec<Address>,
    dobs: Vec<String>,
    documents: Vec<Identifier>,
    start_line: u64,
}

#[derive(Default)]
struct Sub {
    quality: Option<String>,
    alias_name: Option<String>,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
    country: Option<String>,
    date: Option<String>,
    year: Option<String>,
    from_year: Option<String>,
    to_year: Option<String>,
    doc_type: Option<String>,
    doc_type2: Option<String>,
    number: Option<String>,
    issuing_country: Option<String>,
}

/// Parses the UN consolidated XML.
pub fn parse(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let bytes = &file.bytes;
    let mut reader = Reader::from_reader(bytes.as_slice());
    reader.config_mut().check_end_names = true;
    let mut parsed = ParsedList::default();
    let mut stack: Vec<String> = Vec::new();
    let mut rec: Option<Rec> = None;
    let mut sub = Sub::default();
    let mut text = String::new();
    let mut seen_root = false;
    let mut buf = Vec::new();
    let mut lines = LineCounter::new(bytes);
    let err_at =
        |pos: u64, msg: String| ParseError::new(&file.name, msg).line(line_of(bytes, pos as usize));
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| err_at(reader.error_position(), format!("malformed XML: {e}")))?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if stack.is_empty() {
                    if seen_root || name != "CONSOLIDATED_LIST" {
                        return Err(err_at(
                            pos,
                            format!("expected root element CONSOLIDATED_LIST, found {name}"),
                        )
                        .field(name)
                        .into());
                    }
                    seen_root = true;
                    for attr in start.attributes().flatten() {
                        if attr.key.as_ref() == b"dateGenerated" {
                            parsed.published =
                                Some(String::from_utf8_lossy(&attr.value).into_owned());
                        }
                    }
                }
                match name.as_str() {
                    "INDIVIDUAL" | "ENTITY" if stack.len() == 2 => {
                        rec = Some(Rec {
                            is_person: name == "INDIVIDUAL",
                            start_line: lines.line_at(pos as usize),
                            ..Rec::default()
                        });
                    }
                    _ => {}
                }
                if stack.len() == 3 && rec.is_some() {
                    sub = Sub::default();
                }
                stack.push(name);
                text.clear();
            }
            Event::Empty(_) => {}
            Event::Text(t) => {
                let s = t
                    .unescape()
                    .map_err(|e| err_at(pos, format!("bad text: {e}")))?;
                text.push_str(&s);
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(err_at(pos, "unexpected closing tag".into()).into());
                };
                let value = clean(&text);
                text.clear();
                let depth = stack.len();
                if let Some(r) = rec.as_mut() {
                    if depth == 3 {
                        // direct child of INDIVIDUAL/ENTITY
                        match name.as_str() {
                            "DATAID" => r.dataid = value,
                            "REFERENCE_NUMBER" => r.reference = value,
                            "FIRST_NAME" => r.name_parts[0] = value,
                            "SECOND_NAME" => r.name_parts[1] = value,
                            "THIRD_NAME" => r.name_parts[2] = value,
                            "FOURTH_NAME" => r.name_parts[3] = value,
                            "NAME_ORIGINAL_SCRIPT" => r.original_script = value,
                            "UN_LIST_TYPE" => r.list_type = value,
                            "COMMENTS1" => r.comments = value,
                            "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => {
                                if let Some(n) = sub.alias_name.take() {
                                    r.aliases.push((sub.quality.take(), n));
                                }
                            }
                            "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => {
                                let text_parts: Vec<String> = [&sub.street, &sub.state, &sub.zip]
                                    .iter()
                                    .filter_map(|p| (*p).clone())
                                    .collect();
                                let country = sub
                                    .country
                                    .as_deref()
                                    .and_then(to_alpha2)
                                    .map(str::to_string);
                                let a = Address {
                                    text: (!text_parts.is_empty()).then(|| text_parts.join(", ")),
                                    city: sub.city.take(),
                                    country,
                                };
                                if a != Address::default() {
                                    r.addresses.push(a);
                                }
                            }
                            "INDIVIDUAL_DATE_OF_BIRTH" => {
                                let dob =
                                    sub.date
                                        .take()
                                        .or_else(|| sub.year.take())
                                        .or_else(|| {
                                            match (sub.from_year.take(), sub.to_year.take()) {
                                                (Some(f), Some(t)) => Some(format!("{f}/{t}")),
                                                (Some(f), None) => Some(f),
                                                (None, Some(t)) => Some(t),
                                                (None, None) => None,
                                            }
                                        });
                                if let Some(d) = dob {
                                    push_unique(&mut r.dobs, &d);
                                }
                            }
                            "INDIVIDUAL_DOCUMENT" => {
                                if let Some(number) = sub.number.take() {
                                    let kind = sub
                                        .doc_type
                                        .take()
                                        .or_else(|| sub.doc_type2.take())
                                        .unwrap_or_default();
                                    let country = sub
                                        .issuing_country
                                        .as_deref()
                                        .and_then(to_alpha2)
                                        .map(str::to_string);
                                    r.documents.push(Identifier {
                                        scheme: document_scheme(&kind),
                                        value: number,
                                        country,
                                    });
                                }
                            }
                            _ => {}
                        }
                    } else if depth == 4 {
                        let parent = stack.get(3).map(String::as_str).unwrap_or("");
                        match (parent, name.as_str()) {
                            ("NATIONALITY", "VALUE") => {
                                if let Some(v) = value {
                                    r.nationalities.push(v)
                                }
                            }
                            (_, "QUALITY") => sub.quality = value,
                            (_, "ALIAS_NAME") => sub.alias_name = value,
                            (_, "STREET") => sub.street = value,
                            (_, "CITY") => sub.city = value,
                            (_, "STATE_PROVINCE") => sub.state = value,
                            (_, "ZIP_CODE") => sub.zip = value,
                            (_, "COUNTRY") => sub.country = value,
                            (_, "DATE") => sub.date = value,
                            (_, "YEAR") => sub.year = value,
                            (_, "FROM_YEAR") => sub.from_year = value,
                            (_, "TO_YEAR") => sub.to_year = value,
                            (_, "TYPE_OF_DOCUMENT") => sub.doc_type = value,
                            (_, "TYPE_OF_DOCUMENT2") => sub.doc_type2 = value,
                            (_, "NUMBER") => sub.number = value,
                            (_, "ISSUING_COUNTRY") | (_, "COUNTRY_OF_ISSUE")
                                if sub.issuing_country.is_none() =>
                            {
                                sub.issuing_country = value
                            }
                            _ => {}
                        }
                    } else if depth == 2 && (name == "INDIVIDUAL" || name == "ENTITY") {
                        if let Some(r) = rec.take() {
                            let entry = finish(source, file, r)?;
                            parsed.entries.push(entry);
                        }
                    }
                }
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(
                        err_at(pos, format!("file ends inside <{open}> (truncated?)"))
                            .field(open.clone())
                            .into(),
                    );
                }
                if !seen_root {
                    return Err(ParseError::new(&file.name, "no CONSOLIDATED_LIST element").into());
                }
                break;
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
        buf.clear();
    }
    Ok(parsed)
}

fn document_scheme(kind: &str) -> String {
    let k = kind.to_ascii_lowercase();
    if k.contains("passport") {
        "passport".into()
    } else if k.contains("national identification") || k.contains("national id") {
        "national_id".into()
    } else if k.is_empty() {
        "document".into()
    } else {
        k.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
            .split('_')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("_")
    }
}

fn finish(source: &str, file: &SourceFile, r: Rec) -> Result<ListEntry, ParseError> {
    let id = r
        .reference
        .clone()
        .or_else(|| r.dataid.clone())
        .ok_or_else(|| {
            ParseError::new(&file.name, "record has neither REFERENCE_NUMBER nor DATAID")
                .line(r.start_line)
                .field("REFERENCE_NUMBER")
        })?;
    let full: Vec<&str> = r.name_parts.iter().flatten().map(String::as_str).collect();
    if full.is_empty() {
        return Err(ParseError::new(&file.name, "record has no name")
            .line(r.start_line)
            .record(id)
            .field("FIRST_NAME"));
    }
    let mut e = ListEntry {
        source: source.to_string(),
        sub_list: r.list_type.clone(),
        id,
        entity_type: if r.is_person {
            EntityType::Person
        } else {
            EntityType::Organization
        },
        names: vec![Name {
            full: full.join(" "),
            kind: NameKind::Primary,
            script: None,
        }],
        remarks: r.comments,
        dates_of_birth: r.dobs,
        identifiers: r.documents,
        ..ListEntry::default()
    };
    if let Some(p) = r.list_type {
        e.programs.push(p);
    }
    let add = |e: &mut ListEntry, full: String, kind: NameKind| {
        if !e.names.iter().any(|n| n.full == full) {
            let script = detect_script(&full);
            e.names.push(Name { full, kind, script });
        }
    };
    if let Some(orig) = r.original_script {
        add(&mut e, orig, NameKind::Alias);
    }
    for (quality, name) in r.aliases {
        let kind = match quality.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("low") => NameKind::WeakAlias,
            Some("f.k.a.") | Some("fka") => NameKind::Former,
            _ => NameKind::Alias,
        };
        add(&mut e, name, kind);
    }
    for n in &r.nationalities {
        if let Some(cc) = to_alpha2(n) {
            push_unique(&mut e.countries, cc);
        }
    }
    for a in &r.addresses {
        if let Some(cc) = &a.country {
            push_unique(&mut e.countries, cc);
        }
    }
    e.addresses = r.addresses;
    Ok(e)
}
