//! FollowTheMoney entities as JSON lines (OpenSanctions' `entities.ftm.json` and similar):
//! one object per line, `{"id", "schema", "properties": {"name": [...], ...}, "datasets": [...]}`.
//!
//! Only parties are kept: `Person` → Person; `Organization`, `Company`, `LegalEntity`,
//! `PublicBody` → Organization; `Vessel` → Vessel; `Airplane` → Aircraft. Other schemata
//! (`Address`, `Sanction`, `Ownership` ...) are skipped. A party without any name is skipped
//! with a warning. Properties used:
//!
//! * `name` (first is primary, others aliases), `alias`, `weakAlias` (weak), `previousName`
//!   (former);
//! * `country`, `nationality`, `citizenship`, `jurisdiction`, `mainCountry`, `registrationCountry`,
//!   `flag` → countries (ISO alpha-2; FtM writes lower-case codes);
//! * `birthDate` → dates of birth; `address` / `addressEntity` text → addresses;
//! * identifiers: `passportNumber`, `idNumber`, `registrationNumber`, `taxNumber`, `innCode`,
//!   `ogrnCode`, `leiCode`, `swiftBic`, `imoNumber`, `mmsi`, `callSign`, `icaoCode`, `cryptoWallet`;
//! * `program`/`programId` → programs; `notes` → remarks; `sourceUrl` → source URL; the first of
//!   `datasets` → sub-list.

use serde_json::Value;

use crate::country::to_alpha2;
use crate::entity::*;
use crate::error::{ListError, ParseError};
use crate::parse::{ParsedList, SourceFile};
use crate::text::{clean, detect_script, push_unique};

const IDS: &[(&str, &str)] = &[
    ("passportNumber", "passport"),
    ("idNumber", "national_id"),
    ("registrationNumber", "registration"),
    ("taxNumber", "tax_id"),
    ("innCode", "inn"),
    ("ogrnCode", "ogrn"),
    ("leiCode", "lei"),
    ("swiftBic", "swift"),
    ("imoNumber", "imo"),
    ("mmsi", "mmsi"),
    ("callSign", "call_sign"),
    ("icaoCode", "icao"),
];

const COUNTRY_PROPS: &[&str] = &[
    "country",
    "nationality",
    "citizenship",
    "jurisdiction",
    "mainCountry",
    "registrationCountry",
    "flag",
];

pub fn parse(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let text = std::str::from_utf8(&file.bytes).map_err(|e| {
        let line = crate::text::line_of(&file.bytes, e.valid_up_to());
        ParseError::new(&file.name, "not UTF-8").line(line)
    })?;
    let mut parsed = ParsedList::default();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let err =
            |field: &str, msg: String| ParseError::new(&file.name, msg).line(line_no).field(field);
        let v: Value = serde_json::from_str(line)
            .map_err(|e| ParseError::new(&file.name, format!("invalid JSON: {e}")).line(line_no))?;
        if !v.is_object() {
            return Err(err("entity", "not a JSON object".into()).into());
        }
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .and_then(clean)
            .ok_or_else(|| err("id", "missing id".into()))?;
        let schema = v
            .get("schema")
            .and_then(Value::as_str)
            .ok_or_else(|| err("schema", "missing schema".into()))?;
        let entity_type = match schema {
            "Person" => EntityType::Person,
            "Organization" | "Company" | "LegalEntity" | "PublicBody" => EntityType::Organization,
            "Vessel" => EntityType::Vessel,
            "Airplane" => EntityType::Aircraft,
            _ => continue,
        };
        let props = match v.get("properties") {
            Some(p @ Value::Object(_)) => p,
            None => &Value::Null,
            Some(_) => return Err(err("properties", "not an object".into()).into()),
        };
        let values = |key: &str| -> Result<Vec<String>, ParseError> {
            match props.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|x| match x {
                        Value::String(s) => Ok(s.trim().to_string()),
                        Value::Object(o) => Ok(o
                            .get("caption")
                            .or_else(|| o.get("id"))
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string()),
                        other => Err(err(
                            &format!("properties.{key}"),
                            format!("expected strings, found {other}"),
                        )),
                    })
                    .filter(|r| r.as_ref().map(|s| !s.is_empty()).unwrap_or(true))
                    .collect(),
                Some(other) => Err(err(
                    &format!("properties.{key}"),
                    format!("expected an array, found {other}"),
                )),
            }
        };
        let mut e = ListEntry {
            source: source.to_string(),
            sub_list: v
                .get("datasets")
                .and_then(|d| d.get(0))
                .and_then(Value::as_str)
                .map(str::to_string),
            id: id.clone(),
            entity_type,
            ..ListEntry::default()
        };
        let add = |e: &mut ListEntry, full: String, kind: NameKind| {
            if !e.names.iter().any(|n| n.full == full) {
                let script = detect_script(&full);
                e.names.push(Name { full, kind, script });
            }
        };
        for (i, n) in values("name")?.into_iter().enumerate() {
            let kind = if i == 0 {
                NameKind::Primary
            } else {
                NameKind::Alias
            };
            add(&mut e, n, kind);
        }
        for n in values("alias")? {
            add(&mut e, n, NameKind::Alias);
        }
        for n in values("weakAlias")? {
            add(&mut e, n, NameKind::WeakAlias);
        }
        for n in values("previousName")? {
            add(&mut e, n, NameKind::Former);
        }
        if e.names.is_empty() {
            parsed.warnings.push(format!(
                "{}: line {line_no}: {schema} {id} has no name; skipped",
                file.name
            ));
            continue;
        }
        if e.names[0].kind != NameKind::Primary {
            e.names[0].kind = NameKind::Primary;
        }
        for key in COUNTRY_PROPS {
            for c in values(key)? {
                if let Some(cc) = to_alpha2(&c) {
                    push_unique(&mut e.countries, cc);
                }
            }
        }
        e.dates_of_birth = values("birthDate")?;
        for a in values("address")?
            .into_iter()
            .chain(values("addressEntity")?)
        {
            e.addresses.push(Address {
                text: Some(a),
                ..Address::default()
            });
        }
        for (prop, scheme) in IDS {
            for value in values(prop)? {
                e.identifiers.push(Identifier {
                    scheme: scheme.to_string(),
                    value,
                    country: None,
                });
            }
        }
        for w in values("cryptoWallet")? {
            e.identifiers.push(Identifier {
                scheme: "crypto".into(),
                value: w,
                country: None,
            });
        }
        for p in values("program")?.into_iter().chain(values("programId")?) {
            push_unique(&mut e.programs, &p);
        }
        let notes = values("notes")?;
        if !notes.is_empty() {
            e.remarks = Some(notes.join(" "));
        }
        e.source_url = values("sourceUrl")?.into_iter().next();
        parsed.entries.push(e);
    }
    Ok(parsed)
}
