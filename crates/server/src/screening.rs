//! The serving screening index: the screener over the loaded lists, each entry's content hash
//! (what an allow-list entry is tied to) and each list's version.

use std::collections::{BTreeMap, HashMap};

use chokepoint_lists::store::ListMeta;
use chokepoint_lists::ListEntry;
use chokepoint_screening::Screener;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One list as served.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServedList {
    pub source: String,
    /// SHA-256 of the list files: the version recorded in the audit trail.
    pub sha256: String,
    pub version: u32,
    pub entry_count: usize,
    pub published: Option<String>,
    pub loaded_at: String,
}

/// A screener and what it was built from.
pub struct Screening {
    pub screener: Screener,
    pub lists: Vec<ServedList>,
    /// Per entry (screener order): SHA-256 of its content.
    pub entry_hashes: Vec<String>,
    /// `{"source": "sha256", …}`, as written to the audit trail.
    pub list_versions: String,
    /// (source, id) → entry index.
    by_key: HashMap<(String, String), usize>,
}

/// The content hash of a list entry: SHA-256 of its JSON form. It changes when any field of the
/// entry changes (names, addresses, identifiers, programmes, licence data …).
pub fn entry_hash(e: &ListEntry) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(e).unwrap_or_default()))
}

impl Screening {
    pub fn new(entries: Vec<ListEntry>, lists: Vec<ListMeta>) -> Screening {
        let entry_hashes: Vec<String> = entries.iter().map(entry_hash).collect();
        let by_key = entries
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.source.clone(), e.id.clone()), i))
            .collect();
        let lists: Vec<ServedList> = lists
            .into_iter()
            .map(|m| ServedList {
                source: m.source,
                sha256: m.sha256,
                version: m.version,
                entry_count: m.entry_count,
                published: m.published,
                loaded_at: m.loaded_at,
            })
            .collect();
        let versions: BTreeMap<&str, &str> = lists
            .iter()
            .map(|l| (l.source.as_str(), l.sha256.as_str()))
            .collect();
        let list_versions = serde_json::to_string(&versions).unwrap_or_else(|_| "{}".into());
        Screening {
            screener: Screener::new(entries),
            lists,
            entry_hashes,
            list_versions,
            by_key,
        }
    }

    /// Entries whose content is new or changed relative to `old`, as entry indexes here.
    pub fn changed_since(&self, old: &Screening) -> Vec<usize> {
        self.screener
            .entries()
            .iter()
            .enumerate()
            .filter(
                |(i, e)| match old.by_key.get(&(e.source.clone(), e.id.clone())) {
                    Some(&j) => old.entry_hashes[j] != self.entry_hashes[*i],
                    None => true,
                },
            )
            .map(|(i, _)| i)
            .collect()
    }

    pub fn entry_count(&self) -> usize {
        self.screener.entries().len()
    }
}

/// Loads the default list set from a list store.
pub fn load_from_store(store: &chokepoint_lists::store::Store) -> Result<Screening, String> {
    let set = store.load_default_set().map_err(|e| e.to_string())?;
    if set.entries.is_empty() {
        return Err(format!(
            "the list store at {} holds no lists: run `chokepoint lists update`",
            store.root().display()
        ));
    }
    Ok(Screening::new(set.entries, set.lists))
}
