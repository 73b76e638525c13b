//! OFAC legacy CSV set: SDN (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`) and the
//! consolidated non-SDN list (`cons_prim.csv`, `cons_add.csv`, `cons_alt.csv`, `cons_comments.csv`).
//!
//! Per OFAC's CSV data specification the files have no header row, are Windows-1252, use CRLF,
//! write null as `-0-` (in practice `-0- ` with a trailing space, unquoted) and may end with a
//! Ctrl-Z (0x1A) byte. Columns:
//!
//! * primary (12): `ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
//!   GRT, Vess_flag, Vess_owner, Remarks`
//! * addresses (6): `Ent_num, Add_num, Address, City/State/Province/Postal Code, Country, Add_remarks`
//! * alternate names (5): `Ent_num, alt_num, alt_type, alt_name, alt_remarks`
//! * comments (2): `Ent_num, Remarks_Extended` — the continuation of a `Remarks` value.
//!
//! Names: the primary name, `alt.csv` names (`aka` and `nka` → [`NameKind::Alias`], `fka` →
//! [`NameKind::Former`], any alias whose remarks say "weak" → [`NameKind::WeakAlias`]), and the
//! names quoted in the remarks (`a.k.a. 'HESA'`). OFAC's legacy files carry only strong aliases
//! in `alt.csv`; the weak ones are printed in the remarks between single quotes, so those
//! become [`NameKind::WeakAlias`].
//!
//! The remarks are also mined for dates of birth (`DOB 28 Jul 1963` → `1963-07-28`, ranges
//! `DOB 01 Jan 1973 to 31 Dec 1973` → `1973-01-01/1973-12-31`, `circa 1960` kept as text), nationality and
//! citizenship, and identifiers (`Passport P0017003 (Belize)`, `Vessel Registration
//! Identification IMO 9187629`, `SWIFT/BIC ...`, `Digital Currency Address - XBT ...`).
//!
//! Address and alias rows whose `ent_num` has no primary record are skipped with a warning (OFAC's
//! own fixture files have some); a primary file is required.

use std::collections::HashMap;

use crate::country::to_alpha2;
use crate::entity::*;
use crate::error::{ListError, ParseError};
use crate::parse::{ParsedList, SourceFile};
use crate::text::{clean, normalise_date, push_unique, LineCounter};

/// Which file of the set a [`SourceFile`] is, from its base name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Primary,
    Addresses,
    Aliases,
    Comments,
}

/// Tells the role of a file from its name: `sdn.csv`/`cons_prim.csv`, `add.csv`/`cons_add.csv`,
/// `alt.csv`/`cons_alt.csv`, `sdn_comments.csv`/`cons_comments.csv` (any case, any directory,
/// optional prefix such as a date).
pub fn role_of(name: &str) -> Option<Role> {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    let stem = base.strip_suffix(".csv")?;
    if stem.ends_with("comments") {
        Some(Role::Comments)
    } else if stem.ends_with("add") {
        Some(Role::Addresses)
    } else if stem.ends_with("alt") {
        Some(Role::Aliases)
    } else if stem.ends_with("sdn") || stem.ends_with("prim") {
        Some(Role::Primary)
    } else {
        None
    }
}

/// Decodes Windows-1252 and strips a trailing Ctrl-Z.
pub fn decode(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .rposition(|&b| b != 0x1A && !b.is_ascii_whitespace())
        .map(|i| i + 1)
        .unwrap_or(0);
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes[..end]);
    text.into_owned()
}

/// Reads the headerless rows of one file, checking the column count.
fn rows(file: &SourceFile, columns: usize) -> Result<Vec<(u64, Vec<String>)>, ParseError> {
    let text = decode(&file.bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.record_line(record.position());
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                if record.len() != columns {
                    return Err(ParseError::new(
                        &file.name,
                        format!("expected {columns} columns, found {}", record.len()),
                    )
                    .line(line));
                }
                out.push((line, record.iter().map(str::to_string).collect()));
            }
            Err(e) => {
                let line = lines.record_line(e.position());
                return Err(ParseError::new(&file.name, format!("malformed CSV: {e}")).line(line));
            }
        }
    }
    Ok(out)
}

fn ent_num(file: &SourceFile, line: u64, value: &str) -> Result<u64, ParseError> {
    value.trim().parse::<u64>().map_err(|_| {
        ParseError::new(&file.name, format!("not an entity number: {value:?}"))
            .line(line)
            .field("ent_num")
    })
}

/// Parses an OFAC CSV set. `files` must contain exactly one primary file; the others are optional.
pub fn parse_set(source: &str, files: &[SourceFile]) -> Result<ParsedList, ListError> {
    let mut primary = None;
    let mut others: Vec<(Role, &SourceFile)> = Vec::new();
    for f in files {
        match role_of(&f.name) {
            Some(Role::Primary) if primary.is_none() => primary = Some(f),
            Some(Role::Primary) => {
                return Err(ListError::Usage(format!(
                    "OFAC set has two primary files: {} and {}",
                    primary.map(|p| p.name.as_str()).unwrap_or(""),
                    f.name
                )))
            }
            Some(role) => others.push((role, f)),
            None => {
                return Err(ListError::Usage(format!(
                    "{}: not a file of an OFAC CSV set (expected sdn.csv, add.csv, alt.csv, \
                     sdn_comments.csv or cons_prim/add/alt/comments.csv)",
                    f.name
                )))
            }
        }
    }
    let primary = primary.ok_or_else(|| {
        ListError::Usage("OFAC set needs its primary file (sdn.csv or cons_prim.csv)".into())
    })?;
    let sub_list = if primary.base_name().contains("cons") {
        "CONS"
    } else {
        "SDN"
    };
    let mut parsed = ParsedList::default();
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut remarks_raw: Vec<String> = Vec::new();
    for (line, row) in rows(primary, 12)? {
        let num = ent_num(primary, line, &row[0])?;
        let err = |field: &str, msg: String| {
            ParseError::new(&primary.name, msg)
                .line(line)
                .record(format!("ent_num {num}"))
                .field(field)
        };
        let name = clean(&row[1]).ok_or_else(|| err("SDN_Name", "empty name".into()))?;
        let entity_type = match clean(&row[2]).map(|t| t.to_ascii_lowercase()).as_deref() {
            None => EntityType::Organization,
            Some("individual") => EntityType::Person,
            Some("vessel") => EntityType::Vessel,
            Some("aircraft") => EntityType::Aircraft,
            Some(other) => return Err(err("SDN_Type", format!("unknown type {other:?}")).into()),
        };
        if index.insert(num, parsed.entries.len()).is_some() {
            return Err(err("ent_num", "duplicate entity number".into()).into());
        }
        let mut entry = ListEntry {
            source: source.to_string(),
            sub_list: Some(sub_list.to_string()),
            id: num.to_string(),
            entity_type,
            names: vec![Name {
                full: name,
                kind: NameKind::Primary,
                script: None,
            }],
            ..ListEntry::default()
        };
        if let Some(programs) = clean(&row[3]) {
            for p in programs.split("] [") {
                let p = p.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace());
                if !p.is_empty() {
                    push_unique(&mut entry.programs, p);
                }
            }
        }
        if let Some(call_sign) = clean(&row[5]) {
            entry.identifiers.push(Identifier {
                scheme: "call_sign".into(),
                value: call_sign,
                country: None,
            });
        }
        if let Some(flag) = clean(&row[9]) {
            if let Some(cc) = to_alpha2(&flag) {
                push_unique(&mut entry.countries, cc);
            }
        }
        remarks_raw.push(clean(&row[11]).unwrap_or_default());
        parsed.entries.push(entry);
    }

    // Comments first: they complete the remarks.
    for (role, file) in &others {
        if *role != Role::Comments {
            continue;
        }
        for (line, row) in rows(file, 2)? {
            let num = ent_num(file, line, &row[0])?;
            match index.get(&num) {
                Some(&i) => {
                    if let Some(text) = clean(&row[1]) {
                        remarks_raw[i].push_str(&text);
                    }
                }
                None => parsed.warnings.push(format!(
                    "{}: line {line}: ent_num {num} has no primary record; skipped",
                    file.name
                )),
            }
        }
    }
    for (i, remarks) in remarks_raw.into_iter().enumerate() {
        if !remarks.is_empty() {
            apply_remarks(&mut parsed.entries[i], &remarks);
            parsed.entries[i].remarks = Some(remarks);
        }
    }

    for (role, file) in &others {
        match role {
            Role::Addresses => {
                for (line, row) in rows(file, 6)? {
                    let num = ent_num(file, line, &row[0])?;
                    let Some(&i) = index.get(&num) else {
                        parsed.warnings.push(format!(
                            "{}: line {line}: ent_num {num} has no primary record; skipped",
                            file.name
                        ));
                        continue;
                    };
                    let entry = &mut parsed.entries[i];
                    let country_name = clean(&row[4]);
                    let country = country_name.as_deref().and_then(to_alpha2);
                    let address = Address {
                        text: clean(&row[2]),
                        city: clean(&row[3]),
                        country: country.map(str::to_string),
                    };
                    if let Some(cc) = country {
                        push_unique(&mut entry.countries, cc);
                    }
                    if address != Address::default() {
                        entry.addresses.push(address);
                    }
                }
            }
            Role::Aliases => {
                for (line, row) in rows(file, 5)? {
                    let num = ent_num(file, line, &row[0])?;
                    let Some(&i) = index.get(&num) else {
                        parsed.warnings.push(format!(
                            "{}: line {line}: ent_num {num} has no primary record; skipped",
                            file.name
                        ));
                        continue;
                    };
                    let kind = match clean(&row[2]).map(|t| t.to_ascii_lowercase()).as_deref() {
                        Some("aka") | Some("a.k.a.") | Some("nka") | Some("n.k.a.") | None => {
                            NameKind::Alias
                        }
                        Some("fka") | Some("f.k.a.") => NameKind::Former,
                        Some(other) => {
                            return Err(ParseError::new(
                                &file.name,
                                format!("unknown alternate-name type {other:?}"),
                            )
                            .line(line)
                            .record(format!("ent_num {num}"))
                            .field("alt_type")
                            .into())
                        }
                    };
                    let weak = clean(&row[4])
                        .map(|r| r.to_ascii_lowercase().contains("weak"))
                        .unwrap_or(false);
                    let kind = if weak { NameKind::WeakAlias } else { kind };
                    let full = clean(&row[3]).ok_or_else(|| {
                        ParseError::new(&file.name, "empty alternate name")
                            .line(line)
                            .record(format!("ent_num {num}"))
                            .field("alt_name")
                    })?;
                    add_name(&mut parsed.entries[i], full, kind);
                }
            }
            Role::Primary | Role::Comments => {}
        }
    }
    Ok(parsed)
}

fn add_name(entry: &mut ListEntry, full: String, kind: NameKind) {
    if !entry.names.iter().any(|n| n.full == full) {
        entry.names.push(Name {
            full,
            kind,
            script: None,
        });
    }
}

/// Identifier labels used in OFAC remarks, longest first so that e.g. "Diplomatic Passport" wins
/// over "Passport". The second element is the scheme in [`Identifier::scheme`].
pub(crate) const ID_LABELS: &[(&str, &str)] = &[
    ("Vessel Registration Identification IMO", "imo"),
    ("Identification Number IMO", "imo"),
    ("Company Number IMO", "imo_company"),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        "aircraft_msn",
    ),
    ("Aircraft Mode S Transponder Code", "aircraft_mode_s"),
    ("Aircraft Tail Number", "aircraft_tail"),
    ("Business Registration Number", "registration"),
    ("Public Registration Number", "registration"),
    ("Commercial Registry Number", "registration"),
    ("Central Registration System Number", "registration"),
    ("Chamber of Commerce Number", "registration"),
    ("Government Gazette Number", "registration"),
    ("Registration Number", "registration"),
    ("Registration ID", "registration"),
    ("Company Number", "registration"),
    ("UK Company Number", "registration"),
    ("Legal Entity Number", "lei"),
    ("Diplomatic Passport", "passport"),
    ("Passport", "passport"),
    ("National Foreign ID Number", "national_id"),
    ("National ID No.", "national_id"),
    ("Personal ID Card", "national_id"),
    ("Identification Number", "national_id"),
    ("Cedula No.", "national_id"),
    ("D.N.I.", "national_id"),
    ("Turkish Identification Number", "national_id"),
    ("Birth Certificate Number", "birth_certificate"),
    ("Residency Number", "residency"),
    ("Tax ID No.", "tax_id"),
    ("V.A.T. Number", "vat"),
    ("SSN", "ssn"),
    ("SWIFT/BIC", "swift"),
    ("MMSI", "mmsi"),
    ("Digital Currency Address -", "crypto"),
];

/// Extracts DOBs, nationality/citizenship and identifiers from OFAC remarks.
pub fn apply_remarks(entry: &mut ListEntry, remarks: &str) {
    for part in remarks.split(';') {
        let part = part.trim().trim_end_matches('.').trim();
        let part = part.strip_prefix("alt. ").unwrap_or(part).trim();
        if part.is_empty() {
            continue;
        }
        if let Some(name) = quoted_alias(part) {
            add_name(entry, name, NameKind::WeakAlias);
            continue;
        }
        if let Some(dob) = part.strip_prefix("DOB ") {
            // "01 Jan 1973 to 31 Dec 1973" → "1973-01-01/1973-12-31" (an ISO 8601 interval).
            let dob = match dob.split_once(" to ") {
                Some((from, to)) => format!("{}/{}", normalise_date(from), normalise_date(to)),
                None => normalise_date(dob),
            };
            if !dob.is_empty() && !entry.dates_of_birth.contains(&dob) {
                entry.dates_of_birth.push(dob);
            }
            continue;
        }
        let lower = part.to_ascii_lowercase();
        if let Some(rest) = ["nationality ", "citizen "]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| &part[p.len()..]))
        {
            if let Some(cc) = to_alpha2(rest) {
                push_unique(&mut entry.countries, cc);
            }
            continue;
        }
        for (label, scheme) in ID_LABELS {
            let Some(rest) = part.strip_prefix(label) else {
                continue;
            };
            if !rest.starts_with(' ') {
                continue;
            }
            let (value, country) = split_id_value(rest.trim());
            if value.is_empty() {
                break;
            }
            let scheme = if *scheme == "crypto" {
                // "XBT 1abc..." → scheme crypto_xbt, value 1abc...
                match value.split_once(' ') {
                    Some((cur, addr)) => {
                        entry.identifiers.push(Identifier {
                            scheme: format!("crypto_{}", cur.to_ascii_lowercase()),
                            value: addr.trim().to_string(),
                            country: None,
                        });
                        break;
                    }
                    None => scheme.to_string(),
                }
            } else {
                scheme.to_string()
            };
            let country = country.and_then(|c| to_alpha2(&c)).map(str::to_string);
            if let Some(cc) = &country {
                if scheme == "passport" || scheme == "national_id" {
                    push_unique(&mut entry.countries, cc);
                }
            }
            entry.identifiers.push(Identifier {
                scheme,
                value,
                country,
            });
            break;
        }
    }
}

/// `a.k.a. 'NAME'` / `f.k.a. 'NAME'` / `n.k.a. 'NAME'` → NAME.
fn quoted_alias(part: &str) -> Option<String> {
    let rest = ["a.k.a. ", "f.k.a. ", "n.k.a. "]
        .iter()
        .find_map(|p| part.strip_prefix(p))?
        .trim();
    let inner = rest.strip_prefix('\'')?;
    let inner = inner.strip_suffix('\'').unwrap_or(inner).trim();
    (!inner.is_empty()).then(|| inner.to_string())
}

/// `P0017003 (Belize) issued 2010 expires 2020` → (`P0017003`, Some(`Belize`)).
fn split_id_value(rest: &str) -> (String, Option<String>) {
    let mut value = rest;
    let mut country = None;
    if let Some(open) = rest.find(" (") {
        value = &rest[..open];
        let after = &rest[open + 2..];
        if let Some(close) = after.find(')') {
            country = Some(after[..close].to_string());
        }
    }
    for cut in [" issued ", " expires "] {
        if let Some(i) = value.find(cut) {
            value = &value[..i];
        }
    }
    (value.trim().to_string(), country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_names() {
        assert_eq!(role_of("/x/SDN.CSV"), Some(Role::Primary));
        assert_eq!(role_of("cons_prim.csv"), Some(Role::Primary));
        assert_eq!(role_of("sdn_comments.csv"), Some(Role::Comments));
        assert_eq!(role_of("cons_alt.csv"), Some(Role::Aliases));
        assert_eq!(role_of("add.csv"), Some(Role::Addresses));
        assert_eq!(role_of("notes.txt"), None);
    }

    #[test]
    fn remarks_are_mined() {
        let mut e = ListEntry::default();
        apply_remarks(
            &mut e,
            "DOB 28 Jul 1963; alt. DOB 1964; DOB 01 Jan 1973 to 31 Dec 1973; POB Toledo District, Belize; Passport P0017003 \
             (Belize); SSN 561-77-9011 (United States); nationality Iran; a.k.a. 'BURTON BURGESS'; \
             Vessel Registration Identification IMO 9187629; Digital Currency Address - XBT 1Abc.",
        );
        assert_eq!(
            e.dates_of_birth,
            vec!["1963-07-28", "1964", "1973-01-01/1973-12-31"]
        );
        assert_eq!(e.names[0].full, "BURTON BURGESS");
        assert_eq!(e.names[0].kind, NameKind::WeakAlias);
        assert!(e.countries.contains(&"IR".to_string()));
        assert!(e.countries.contains(&"BZ".to_string()));
        let ids: Vec<_> = e
            .identifiers
            .iter()
            .map(|i| (i.scheme.as_str(), i.value.as_str(), i.country.as_deref()))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("passport", "P0017003", Some("BZ")),
                ("ssn", "561-77-9011", Some("US")),
                ("imo", "9187629", None),
                ("crypto_xbt", "1Abc", None),
            ]
        );
    }

    #[test]
    fn ctrl_z_and_cp1252() {
        assert_eq!(decode(b"a\xe9b\r\n\x1a"), "a\u{e9}b");
        assert_eq!(decode(b"\x1a"), "");
    }
}
