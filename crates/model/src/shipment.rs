//! Parsing and validating a shipment (JSON or TOML, one schema).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::country::is_country;
use crate::vocabulary::{ParamSpec, ParamType, Vocabulary};
use crate::InputError;

/// The text format of a shipment file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
}

impl Format {
    /// By file extension; `None` if it is neither `.json` nor `.toml`.
    pub fn from_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(Format::Json)
        } else if lower.ends_with(".toml") {
            Some(Format::Toml)
        } else {
            None
        }
    }
}

/// Where a shipment's `item.catalog` id is looked up: returns the catalog item's kind and
/// parameters (written as a shipment would write them).
pub trait CatalogLookup {
    fn lookup(&self, id: &str) -> Option<(String, Map<String, Value>)>;
}

/// A lookup that knows no catalog item.
pub struct NoCatalog;

impl CatalogLookup for NoCatalog {
    fn lookup(&self, _id: &str) -> Option<(String, Map<String, Value>)> {
        None
    }
}

/// A validated shipment. Facts not given are absent (`None` / missing keys), never defaulted.
#[derive(Debug, Clone, Serialize)]
pub struct Shipment {
    pub id: Option<String>,
    pub date: Option<NaiveDate>,
    pub ship_from: String,
    pub destination: String,
    pub item: Item,
    pub parties: Parties,
    pub exporter: Option<Exporter>,
    /// `None`: not declared (unknown). `Some([])`: none of the vocabulary's end uses is known.
    pub end_uses: Option<Vec<String>>,
    /// "Is informed" notices received; absent means none.
    pub informed: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub catalog: Option<String>,
    pub kind: String,
    /// Known classifications per regime, as declared.
    pub classifications: BTreeMap<String, Vec<String>>,
    /// Parameters in canonical units (numbers as f64), keyed by vocabulary name.
    pub facts: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Parties {
    pub end_user: Option<Party>,
    pub ultimate_consignee: Option<Party>,
    pub purchaser: Option<Party>,
    pub intermediate_consignees: Vec<Party>,
}

impl Parties {
    /// Every party with its role name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Party)> {
        [
            ("end_user", self.end_user.as_ref()),
            ("ultimate_consignee", self.ultimate_consignee.as_ref()),
            ("purchaser", self.purchaser.as_ref()),
        ]
        .into_iter()
        .filter_map(|(r, p)| p.map(|p| (r, p)))
        .chain(
            self.intermediate_consignees
                .iter()
                .map(|p| ("intermediate_consignee", p)),
        )
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Party {
    pub name: Option<String>,
    pub country: Option<String>,
    pub headquarters: Option<String>,
    pub parent_headquarters: Option<String>,
    /// `None`: list status unknown (not declared, not screened).
    pub lists: Option<Vec<ListStatus>>,
    /// Whether the party is owned 50 % or more (in aggregate) by listed entities; unknown if absent.
    pub owned_50pct_by_listed: Option<bool>,
    /// Near-matches from screening that no match or declaration settles (set by screening, not
    /// read from the shipment); while any is open the party's list status is unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved_matches: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ListStatus {
    pub list: String,
    pub footnotes: Vec<u8>,
    /// The list entry this status comes from (declared reference or screening hit).
    pub entry: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Exporter {
    pub us_person: Option<bool>,
    /// Whether the exporter (or the US person acting) is a natural person rather than a company.
    pub natural_person: Option<bool>,
    pub headquarters: Option<String>,
    pub parent_headquarters: Option<String>,
}

/// Parses and validates a shipment. `file` names the source in errors.
pub fn parse_shipment(
    text: &str,
    format: Format,
    file: &str,
    vocab: &Vocabulary,
    catalog: &dyn CatalogLookup,
) -> Result<Shipment, InputError> {
    let root: Value = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| InputError {
            file: file.to_string(),
            field: String::new(),
            line: Some(e.line()),
            message: format!("malformed JSON: {e}"),
        })?,
        Format::Toml => {
            let v: toml::Value = toml::from_str(text).map_err(|e| {
                let line = e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                InputError {
                    file: file.to_string(),
                    field: String::new(),
                    line,
                    message: format!("malformed TOML: {}", e.message()),
                }
            })?;
            serde_json::to_value(v).map_err(|e| InputError::field(file, "", e.to_string()))?
        }
    };
    Validator { file, vocab }.shipment(&root, catalog)
}

struct Validator<'a> {
    file: &'a str,
    vocab: &'a Vocabulary,
}

impl Validator<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> InputError {
        InputError::field(self.file, field, message)
    }

    fn object<'v>(&self, v: &'v Value, field: &str) -> Result<&'v Map<String, Value>, InputError> {
        v.as_object().ok_or_else(|| {
            self.err(
                field,
                format!("expected a table/object, found {}", type_name(v)),
            )
        })
    }

    fn only_keys(
        &self,
        obj: &Map<String, Value>,
        field: &str,
        allowed: &[&str],
    ) -> Result<(), InputError> {
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(self.err(
                    &join(field, k),
                    format!("unknown field (expected one of: {})", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn string(&self, v: &Value, field: &str) -> Result<String, InputError> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| self.err(field, format!("expected a string, found {}", type_name(v))))
    }

    fn country(&self, v: &Value, field: &str) -> Result<String, InputError> {
        let s = self.string(v, field)?;
        let code = s.trim().to_ascii_uppercase();
        if is_country(&code) {
            Ok(code)
        } else {
            Err(self.err(field, format!("unknown country `{s}` (expected an ISO 3166-1 alpha-2 code such as CN, HK, MO, NL)")))
        }
    }

    fn opt_country(
        &self,
        obj: &Map<String, Value>,
        field: &str,
        key: &str,
    ) -> Result<Option<String>, InputError> {
        obj.get(key)
            .map(|v| self.country(v, &join(field, key)))
            .transpose()
    }

    fn bool(&self, v: &Value, field: &str) -> Result<bool, InputError> {
        v.as_bool().ok_or_else(|| {
            self.err(
                field,
                format!("expected true or false, found {}", type_name(v)),
            )
        })
    }

    fn strings(&self, v: &Value, field: &str) -> Result<Vec<String>, InputError> {
        let arr = v.as_array().ok_or_else(|| {
            self.err(
                field,
                format!("expected an array of strings, found {}", type_name(v)),
            )
        })?;
        arr.iter()
            .enumerate()
            .map(|(i, x)| self.string(x, &format!("{field}[{i}]")))
            .collect()
    }

    fn shipment(&self, root: &Value, catalog: &dyn CatalogLookup) -> Result<Shipment, InputError> {
        let obj = self.object(root, "")?;
        self.only_keys(
            obj,
            "",
            &[
                "id",
                "date",
                "ship_from",
                "destination",
                "item",
                "parties",
                "exporter",
                "end_uses",
                "informed",
            ],
        )?;
        let id = obj.get("id").map(|v| self.string(v, "id")).transpose()?;
        let date = obj
            .get("date")
            .map(|v| {
                let s = self.string(v, "date")?;
                NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .map_err(|_| self.err("date", format!("`{s}` is not a date YYYY-MM-DD")))
            })
            .transpose()?;
        let ship_from = self.country(
            obj.get("ship_from")
                .ok_or_else(|| self.err("ship_from", "required"))?,
            "ship_from",
        )?;
        let destination = self.country(
            obj.get("destination")
                .ok_or_else(|| self.err("destination", "required"))?,
            "destination",
        )?;
        let item = self.item(
            obj.get("item")
                .ok_or_else(|| self.err("item", "required"))?,
            catalog,
        )?;
        let parties = obj
            .get("parties")
            .map(|v| self.parties(v))
            .transpose()?
            .unwrap_or_default();
        let exporter = obj.get("exporter").map(|v| self.exporter(v)).transpose()?;
        let end_uses = obj
            .get("end_uses")
            .map(|v| {
                let list = self.strings(v, "end_uses")?;
                for (i, e) in list.iter().enumerate() {
                    if !self.vocab.end_uses.contains_key(e) {
                        return Err(self.err(
                            &format!("end_uses[{i}]"),
                            format!(
                                "unknown end use `{e}` (known: {})",
                                keys(&self.vocab.end_uses)
                            ),
                        ));
                    }
                }
                Ok(list)
            })
            .transpose()?;
        let informed = obj
            .get("informed")
            .map(|v| {
                let list = self.strings(v, "informed")?;
                for (i, e) in list.iter().enumerate() {
                    if !self.vocab.informed_notices.contains_key(e) {
                        return Err(self.err(
                            &format!("informed[{i}]"),
                            format!(
                                "unknown notice `{e}` (known: {})",
                                keys(&self.vocab.informed_notices)
                            ),
                        ));
                    }
                }
                Ok(list)
            })
            .transpose()?
            .unwrap_or_default();
        Ok(Shipment {
            id,
            date,
            ship_from,
            destination,
            item,
            parties,
            exporter,
            end_uses,
            informed,
        })
    }

    fn item(&self, v: &Value, catalog: &dyn CatalogLookup) -> Result<Item, InputError> {
        let obj = self.object(v, "item")?;
        let catalog_id = obj
            .get("catalog")
            .map(|v| self.string(v, "item.catalog"))
            .transpose()?;
        let mut merged: Map<String, Value> = Map::new();
        let mut kind: Option<String> = None;
        if let Some(id) = &catalog_id {
            let (k, params) = catalog
                .lookup(id)
                .ok_or_else(|| self.err("item.catalog", format!("unknown catalog item `{id}`")))?;
            kind = Some(k);
            merged.extend(params);
        }
        if let Some(k) = obj.get("kind") {
            kind = Some(self.string(k, "item.kind")?);
        }
        let kind =
            kind.ok_or_else(|| self.err("item.kind", "required (or name a catalog item)"))?;
        if !self.vocab.kinds.contains_key(&kind) {
            return Err(self.err(
                "item.kind",
                format!("unknown kind `{kind}` (known: {})", keys(&self.vocab.kinds)),
            ));
        }
        let mut classifications = BTreeMap::new();
        if let Some(c) = obj.get("classifications") {
            for (regime, labels) in self.object(c, "item.classifications")? {
                let field = format!("item.classifications.{regime}");
                classifications.insert(regime.clone(), self.strings(labels, &field)?);
            }
        }
        for (k, v) in obj {
            if !matches!(k.as_str(), "catalog" | "kind" | "classifications") {
                merged.insert(k.clone(), v.clone());
            }
        }
        let mut facts = Map::new();
        for (name, raw) in &merged {
            let field = format!("item.{name}");
            let spec = self.vocab.param(&kind, name).ok_or_else(|| {
                let known: Vec<&str> = self
                    .vocab
                    .common_parameters
                    .keys()
                    .chain(self.vocab.kinds[&kind].parameters.keys())
                    .map(String::as_str)
                    .collect();
                self.err(
                    &field,
                    format!(
                        "unknown parameter for kind `{kind}` (known: {})",
                        known.join(", ")
                    ),
                )
            })?;
            facts.insert(name.clone(), self.param(raw, spec, &field)?);
        }
        Ok(Item {
            catalog: catalog_id,
            kind,
            classifications,
            facts,
        })
    }

    fn param(&self, v: &Value, spec: &ParamSpec, field: &str) -> Result<Value, InputError> {
        match spec.ty {
            ParamType::Number => self.quantity(v, spec, field).map(number),
            ParamType::Bool => self.bool(v, field).map(Value::Bool),
            ParamType::String => self.string(v, field).map(Value::String),
            ParamType::Country => self.country(v, field).map(Value::String),
            ParamType::Enum => {
                let s = self.string(v, field)?;
                if spec.values.contains(&s) {
                    Ok(Value::String(s))
                } else {
                    Err(self.err(
                        field,
                        format!("`{s}` is not one of: {}", spec.values.join(", ")),
                    ))
                }
            }
            ParamType::ListString => self
                .strings(v, field)
                .map(|l| Value::Array(l.into_iter().map(Value::String).collect())),
            ParamType::List => {
                let arr = v.as_array().ok_or_else(|| {
                    self.err(
                        field,
                        format!("expected an array of tables, found {}", type_name(v)),
                    )
                })?;
                let mut out = Vec::with_capacity(arr.len());
                for (i, el) in arr.iter().enumerate() {
                    let ef = format!("{field}[{i}]");
                    let eobj = self.object(el, &ef)?;
                    let mut o = Map::new();
                    for (k, x) in eobj {
                        let kf = format!("{ef}.{k}");
                        let fspec = spec.fields.get(k).ok_or_else(|| {
                            self.err(
                                &kf,
                                format!("unknown field (expected: {})", keys(&spec.fields)),
                            )
                        })?;
                        o.insert(k.clone(), self.param(x, fspec, &kf)?);
                    }
                    for k in spec.fields.keys() {
                        if !o.contains_key(k) {
                            return Err(self.err(&format!("{ef}.{k}"), "required"));
                        }
                    }
                    out.push(Value::Object(o));
                }
                Ok(Value::Array(out))
            }
        }
    }

    /// A number in the canonical unit of the parameter's dimension.
    fn quantity(&self, v: &Value, spec: &ParamSpec, field: &str) -> Result<f64, InputError> {
        let (value, unit): (f64, Option<String>) = match v {
            Value::Number(n) => (n.as_f64().unwrap_or(f64::NAN), None),
            Value::String(s) => {
                let s = s.trim();
                let split = s
                    .find(|c: char| {
                        !(c.is_ascii_digit()
                            || matches!(c, '.' | '-' | '+' | 'e' | 'E' | '_' | ','))
                    })
                    .unwrap_or(s.len());
                let (num, unit) = s.split_at(split);
                let num: f64 = num.replace([',', '_'], "").parse().map_err(|_| {
                    self.err(
                        field,
                        format!("`{s}` is not a number with a unit (e.g. \"3.35 TB/s\")"),
                    )
                })?;
                (num, Some(unit.trim().to_string()))
            }
            Value::Object(o) => {
                let n = o
                    .get("value")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| self.err(&join(field, "value"), "expected a number"))?;
                let u = o
                    .get("unit")
                    .map(|u| self.string(u, &join(field, "unit")))
                    .transpose()?;
                self.only_keys(o, field, &["value", "unit"])?;
                (n, u)
            }
            other => {
                return Err(self.err(
                    field,
                    format!("expected a number, found {}", type_name(other)),
                ))
            }
        };
        if !value.is_finite() {
            return Err(self.err(field, "not a finite number"));
        }
        let Some(dim_name) = &spec.dimension else {
            if unit.as_deref().is_some_and(|u| !u.is_empty()) {
                return Err(self.err(field, "this parameter takes a plain number, without a unit"));
            }
            return Ok(value);
        };
        let dim = &self.vocab.units[dim_name];
        match unit.as_deref() {
            None | Some("") if dim.canonical.is_empty() || unit.is_none() => Ok(value),
            None | Some("") => {
                Err(self.err(field, format!("a unit is needed (e.g. {})", dim.canonical)))
            }
            Some(u) => dim.aliases.get(u).map(|f| value * f).ok_or_else(|| {
                self.err(
                    field,
                    format!(
                        "unit `{u}` is not a unit of {dim_name} (accepted: {})",
                        keys(&dim.aliases)
                    ),
                )
            }),
        }
    }

    fn parties(&self, v: &Value) -> Result<Parties, InputError> {
        let obj = self.object(v, "parties")?;
        self.only_keys(
            obj,
            "parties",
            &[
                "end_user",
                "ultimate_consignee",
                "purchaser",
                "intermediate_consignees",
            ],
        )?;
        let one = |role: &str| {
            obj.get(role)
                .map(|p| self.party(p, &format!("parties.{role}")))
                .transpose()
        };
        let intermediate = match obj.get("intermediate_consignees") {
            None => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, p)| self.party(p, &format!("parties.intermediate_consignees[{i}]")))
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(self.err(
                    "parties.intermediate_consignees",
                    format!("expected an array of tables, found {}", type_name(other)),
                ))
            }
        };
        Ok(Parties {
            end_user: one("end_user")?,
            ultimate_consignee: one("ultimate_consignee")?,
            purchaser: one("purchaser")?,
            intermediate_consignees: intermediate,
        })
    }

    fn party(&self, v: &Value, field: &str) -> Result<Party, InputError> {
        let obj = self.object(v, field)?;
        self.only_keys(
            obj,
            field,
            &[
                "name",
                "country",
                "headquarters",
                "parent_headquarters",
                "lists",
                "owned_50pct_by_listed",
            ],
        )?;
        let lists = obj
            .get("lists")
            .map(|l| {
                let f = join(field, "lists");
                let arr = l.as_array().ok_or_else(|| {
                    self.err(&f, format!("expected an array, found {}", type_name(l)))
                })?;
                arr.iter()
                    .enumerate()
                    .map(|(i, s)| self.list_status(s, &format!("{f}[{i}]")))
                    .collect()
            })
            .transpose()?;
        Ok(Party {
            name: obj
                .get("name")
                .map(|n| self.string(n, &join(field, "name")))
                .transpose()?,
            country: self.opt_country(obj, field, "country")?,
            headquarters: self.opt_country(obj, field, "headquarters")?,
            parent_headquarters: self.opt_country(obj, field, "parent_headquarters")?,
            lists,
            unresolved_matches: Vec::new(),
            owned_50pct_by_listed: obj
                .get("owned_50pct_by_listed")
                .map(|b| self.bool(b, &join(field, "owned_50pct_by_listed")))
                .transpose()?,
        })
    }

    fn list_status(&self, v: &Value, field: &str) -> Result<ListStatus, InputError> {
        // A bare string is accepted as shorthand: "entity_list".
        if let Some(s) = v.as_str() {
            return self.list_status(&serde_json::json!({ "list": s }), field);
        }
        let obj = self.object(v, field)?;
        self.only_keys(obj, field, &["list", "footnotes", "entry"])?;
        let list = self.string(
            obj.get("list")
                .ok_or_else(|| self.err(&join(field, "list"), "required"))?,
            &join(field, "list"),
        )?;
        if !self.vocab.restricted_lists.contains_key(&list) {
            return Err(self.err(
                &join(field, "list"),
                format!(
                    "unknown list `{list}` (known: {})",
                    keys(&self.vocab.restricted_lists)
                ),
            ));
        }
        let footnotes = match obj.get("footnotes") {
            None => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    n.as_u64()
                        .filter(|n| (1..=99).contains(n))
                        .map(|n| n as u8)
                        .ok_or_else(|| {
                            self.err(
                                &format!("{field}.footnotes[{i}]"),
                                "expected a footnote number",
                            )
                        })
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(self.err(
                    &join(field, "footnotes"),
                    format!("expected an array, found {}", type_name(other)),
                ))
            }
        };
        let entry = obj
            .get("entry")
            .map(|e| self.string(e, &join(field, "entry")))
            .transpose()?;
        Ok(ListStatus {
            list,
            footnotes,
            entry,
        })
    }

    fn exporter(&self, v: &Value) -> Result<Exporter, InputError> {
        let obj = self.object(v, "exporter")?;
        self.only_keys(
            obj,
            "exporter",
            &[
                "us_person",
                "natural_person",
                "headquarters",
                "parent_headquarters",
            ],
        )?;
        Ok(Exporter {
            us_person: obj
                .get("us_person")
                .map(|b| self.bool(b, "exporter.us_person"))
                .transpose()?,
            natural_person: obj
                .get("natural_person")
                .map(|b| self.bool(b, "exporter.natural_person"))
                .transpose()?,
            headquarters: self.opt_country(obj, "exporter", "headquarters")?,
            parent_headquarters: self.opt_country(obj, "exporter", "parent_headquarters")?,
        })
    }
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn join(field: &str, key: &str) -> String {
    if field.is_empty() {
        key.to_string()
    } else {
        format!("{field}.{key}")
    }
}

fn keys<V>(m: &BTreeMap<String, V>) -> String {
    m.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}
