//! Japan METI End User List and PRC MOFCOM lists, in the normalised JSON of
//! `entity-schema.json` (an array of records with `id, country, list_id, source_list_name,
//! entity_name, entity_type, aliases, addresses, date_added, reason, source_url, last_verified`).
//!
//! * `country` is the issuing authority (`jp`, `cn`), not the party's country, so it is not put
//!   into `countries`; `list_id` becomes `sub_list` and `programs`.
//! * An address that is only a country or region name (all of `jp.json`) gives the country.
//! * Known defect of `jp.json`: 37 PRC records have an empty `entity_name` with the name fused
//!   into `addresses[0]` after `People's Republic of China `. The name is recovered from there and
//!   a warning recorded; a record with no name and nothing to recover is an error.
//! * Known defect of `cn.json`: two ids (`cn-uel-20240520-1`, `-2`) are each used by two
//!   records. A repeated id gets a `~2`, `~3` ... suffix and a warning.
//! * `entity_type`: `company`/`organization` → Organization, `individual` → Person, `vessel`,
//!   `aircraft`; `other` → Unknown.

use serde::Deserialize;

use crate::country::to_alpha2;
use crate::entity::*;
use crate::error::{ListError, ParseError};
use crate::parse::{ParsedList, SourceFile};
use crate::text::{clean, detect_script, push_unique};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    id: String,
    #[serde(default)]
    #[allow(dead_code)]
    country: Option<String>,
    list_id: String,
    #[serde(default)]
    source_list_name: Option<String>,
    #[serde(default)]
    entity_name: Option<String>,
    entity_type: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    addresses: Vec<String>,
    #[serde(default)]
    date_added: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    source_url: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    last_verified: Option<String>,
}

const FUSED_PREFIX: &str = "People's Republic of China ";

pub fn parse(source: &str, file: &SourceFile) -> Result<ParsedList, ListError> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(&file.bytes).map_err(|e| {
        ParseError::new(&file.name, format!("expected a JSON array of records: {e}"))
            .line(e.line() as u64)
    })?;
    let mut parsed = ParsedList::default();
    let mut ids_seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for (i, value) in values.into_iter().enumerate() {
        let label = value
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", i + 1));
        let rec: Record = serde_path_to_error_free(value).map_err(|(path, msg)| {
            ParseError::new(&file.name, msg)
                .record(label.clone())
                .field(path)
        })?;
        let err = |field: &str, msg: &str| {
            ParseError::new(&file.name, msg)
                .record(rec.id.clone())
                .field(field)
        };
        let entity_type = match rec.entity_type.as_str() {
            "company" | "organization" => EntityType::Organization,
            "individual" => EntityType::Person,
            "vessel" => EntityType::Vessel,
            "aircraft" => EntityType::Aircraft,
            "other" => EntityType::Unknown,
            other => return Err(err("entity_type", &format!("unknown type {other:?}")).into()),
        };
        let mut addresses = rec.addresses.clone();
        let name = match rec.entity_name.as_deref().and_then(clean) {
            Some(n) => n,
            None => {
                let fused = addresses
                    .first()
                    .and_then(|a| a.strip_prefix(FUSED_PREFIX))
                    .and_then(clean);
                match fused {
                    Some(n) => {
                        parsed.warnings.push(format!(
                            "{}: record {}: empty entity_name; name recovered from addresses[0]",
                            file.name, rec.id
                        ));
                        addresses[0] = "People's Republic of China".into();
                        n
                    }
                    None => return Err(err("entity_name", "empty name").into()),
                }
            }
        };
        let count = ids_seen.entry(rec.id.clone()).or_insert(0u32);
        *count += 1;
        let id = if *count == 1 {
            rec.id.clone()
        } else {
            parsed.warnings.push(format!(
                "{}: record {}: id used {} times; this one is {}~{}",
                file.name, rec.id, count, rec.id, count
            ));
            format!("{}~{}", rec.id, count)
        };
        let mut e = ListEntry {
            source: source.to_string(),
            sub_list: Some(rec.list_id.clone()),
            id,
            entity_type,
            names: vec![Name {
                script: detect_script(&name),
                full: name,
                kind: NameKind::Primary,
            }],
            programs: vec![rec.list_id.clone()],
            source_url: rec.source_url.clone(),
            ..ListEntry::default()
        };
        for alias in &rec.aliases {
            if let Some(a) = clean(alias) {
                if !e.names.iter().any(|n| n.full == a) {
                    e.names.push(Name {
                        script: detect_script(&a),
                        full: a,
                        kind: NameKind::Alias,
                    });
                }
            }
        }
        for a in addresses.iter().filter_map(|a| clean(a)) {
            match to_alpha2(&a) {
                Some(cc) => {
                    push_unique(&mut e.countries, cc);
                    e.addresses.push(Address {
                        country: Some(cc.to_string()),
                        ..Address::default()
                    });
                }
                None => e.addresses.push(Address {
                    text: Some(a),
                    ..Address::default()
                }),
            }
        }
        let mut remarks = Vec::new();
        if let Some(n) = &rec.source_list_name {
            remarks.push(n.clone());
        }
        if let Some(d) = &rec.date_added {
            remarks.push(format!("added {d}"));
        }
        if let Some(r) = &rec.reason {
            remarks.push(r.clone());
        }
        if !remarks.is_empty() {
            e.remarks = Some(remarks.join("; "));
        }
        parsed.entries.push(e);
    }
    Ok(parsed)
}

/// Deserialises a record, returning the failing field name with the message.
fn serde_path_to_error_free(value: serde_json::Value) -> Result<Record, (String, String)> {
    // Check the shape of each known field first so that the error can name it.
    let Some(obj) = value.as_object() else {
        return Err(("record".into(), "not an object".into()));
    };
    for (k, v) in obj {
        let ok = match k.as_str() {
            "id" | "list_id" | "entity_type" => v.is_string(),
            "aliases" | "addresses" => {
                v.is_null()
                    || v.as_array()
                        .map(|a| a.iter().all(|x| x.is_string()))
                        .unwrap_or(false)
            }
            "country" | "source_list_name" | "entity_name" | "date_added" | "reason"
            | "source_url" | "last_verified" => v.is_string() || v.is_null(),
            _ => return Err((k.clone(), "unknown field".into())),
        };
        if !ok {
            return Err((k.clone(), format!("wrong type: {v}")));
        }
    }
    for required in ["id", "list_id", "entity_type"] {
        if !obj.contains_key(required) {
            return Err((required.into(), "missing".into()));
        }
    }
    let mut value = value;
    if let Some(o) = value.as_object_mut() {
        for k in ["aliases", "addresses"] {
            if o.get(k).map(|v| v.is_null()).unwrap_or(false) {
                o.remove(k);
            }
        }
    }
    serde_json::from_value(value).map_err(|e| ("record".into(), e.to_string()))
}
