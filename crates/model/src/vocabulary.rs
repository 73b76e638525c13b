//! The vocabulary a shipment is written in (`rules/vocabulary.yaml`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// A physical dimension with its canonical unit and accepted aliases (alias → factor to canonical).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub canonical: String,
    pub aliases: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    Number,
    Bool,
    String,
    Enum,
    Country,
    List,
    ListString,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    #[serde(rename = "type")]
    pub ty: ParamType,
    #[serde(default)]
    pub dimension: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
    /// For `list`: the fields of each element.
    #[serde(default)]
    pub fields: BTreeMap<String, ParamSpec>,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindSpec {
    pub doc: String,
    #[serde(default)]
    pub parameters: BTreeMap<String, ParamSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub units: BTreeMap<String, Dimension>,
    pub common_parameters: BTreeMap<String, ParamSpec>,
    pub kinds: BTreeMap<String, KindSpec>,
    #[serde(default)]
    pub deposition_capabilities: Vec<String>,
    pub party_roles: Vec<String>,
    pub restricted_lists: BTreeMap<String, String>,
    pub end_uses: BTreeMap<String, String>,
    pub informed_notices: BTreeMap<String, String>,
}

impl Vocabulary {
    /// Parses `vocabulary.yaml`, checking that every parameter's dimension exists.
    pub fn from_yaml(text: &str, file: &str) -> Result<Vocabulary, crate::InputError> {
        let vocab: Vocabulary = serde_yaml::from_str(text).map_err(|e| crate::InputError {
            file: file.to_string(),
            field: String::new(),
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        })?;
        let all_params = vocab
            .common_parameters
            .iter()
            .map(|(n, p)| (format!("common_parameters.{n}"), p))
            .chain(vocab.kinds.iter().flat_map(|(k, spec)| {
                spec.parameters
                    .iter()
                    .map(move |(n, p)| (format!("kinds.{k}.parameters.{n}"), p))
            }));
        for (path, p) in all_params {
            for (sub, spec) in std::iter::once((path.clone(), p)).chain(
                p.fields
                    .iter()
                    .map(|(f, s)| (format!("{path}.fields.{f}"), s)),
            ) {
                if let Some(d) = &spec.dimension {
                    if !vocab.units.contains_key(d) {
                        return Err(crate::InputError::field(
                            file,
                            sub,
                            format!("unknown dimension `{d}`"),
                        ));
                    }
                }
            }
        }
        Ok(vocab)
    }

    /// The spec of a parameter for an item of `kind` (common parameters first).
    pub fn param(&self, kind: &str, name: &str) -> Option<&ParamSpec> {
        self.common_parameters
            .get(name)
            .or_else(|| self.kinds.get(kind).and_then(|k| k.parameters.get(name)))
    }

    /// Documentation of a fact path such as `item.applicable_die_area` or
    /// `parties.end_user.headquarters`, for "missing fact" messages.
    pub fn describe_fact(&self, path: &str) -> Option<String> {
        let mut parts = path.split('.');
        match parts.next()? {
            "item" => {
                let name = parts.next()?;
                self.common_parameters
                    .get(name)
                    .or_else(|| self.kinds.values().find_map(|k| k.parameters.get(name)))
                    .map(|p| p.doc.clone())
            }
            "end_uses" => Some("the end uses of the item (declare [] if none of the vocabulary's end uses is known)".into()),
            "parties" => {
                let role = parts.next()?.replace('_', " ");
                match parts.next() {
                    None => Some(format!("the {role} of the shipment")),
                    Some(field) => Some(format!("the {role}'s {}", field.replace('_', " "))),
                }
            }
            "exporter" => Some(format!(
                "the exporter's {}",
                parts.next().unwrap_or("details").replace('_', " ")
            )),
            _ => None,
        }
    }
}
