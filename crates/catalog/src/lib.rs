//! The product catalog (`catalog/*.toml`): real products with public parameters, each figure with
//! its source. A shipment may name a catalog item instead of typing parameters; typed parameters
//! override the catalog's.

use std::collections::BTreeMap;

use chokepoint_model::CatalogLookup;
use serde::Deserialize;
use serde_json::{Map, Value};

/// One product.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogItem {
    pub id: String,
    pub name: String,
    pub manufacturer: String,
    #[serde(default)]
    pub released: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub parameters: toml::Table,
    #[serde(default)]
    pub sources: toml::Table,
    #[serde(default)]
    pub published_classification: toml::Table,
    #[serde(default)]
    pub gaps: toml::Table,
}

/// A catalog file that could not be read, naming the file.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for CatalogError {}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    items: BTreeMap<String, CatalogItem>,
}

impl Catalog {
    /// Loads `(path, text)` pairs of `*.toml` files. Each file holds one item whose id matches
    /// the file name; every parameter must have a source.
    pub fn load<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, CatalogError> {
        let mut items = BTreeMap::new();
        for (path, text) in files {
            let err = |message: String| CatalogError {
                file: path.to_string(),
                message,
            };
            let item: CatalogItem = toml::from_str(text).map_err(|e| err(e.to_string()))?;
            let stem = path
                .rsplit('/')
                .next()
                .unwrap_or(path)
                .trim_end_matches(".toml");
            if stem != item.id {
                return Err(err(format!(
                    "id `{}` does not match the file name",
                    item.id
                )));
            }
            for p in item.parameters.keys() {
                if !item.sources.contains_key(p) {
                    return Err(err(format!("parameter `{p}` has no entry in [sources]")));
                }
            }
            if items.insert(item.id.clone(), item).is_some() {
                return Err(err("duplicate id".into()));
            }
        }
        Ok(Catalog { items })
    }

    /// Loads every `*.toml` file of a catalog directory.
    pub fn read_dir(dir: &std::path::Path) -> Result<Catalog, CatalogError> {
        let err = |file: String, e: std::io::Error| CatalogError {
            file,
            message: e.to_string(),
        };
        let mut files = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| err(dir.display().to_string(), e))?;
        for entry in entries {
            let path = entry.map_err(|e| err(dir.display().to_string(), e))?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| err(path.display().to_string(), e))?;
                files.push((path.display().to_string(), text));
            }
        }
        Catalog::load(files.iter().map(|(p, t)| (p.as_str(), t.as_str())))
    }

    pub fn get(&self, id: &str) -> Option<&CatalogItem> {
        self.items.get(id)
    }

    pub fn items(&self) -> impl Iterator<Item = &CatalogItem> {
        self.items.values()
    }
}

impl CatalogLookup for Catalog {
    fn lookup(&self, id: &str) -> Option<(String, Map<String, Value>)> {
        let item = self.items.get(id)?;
        let params = serde_json::to_value(&item.parameters).ok()?;
        Some((item.kind.clone(), params.as_object()?.clone()))
    }
}
