//! Differences between two versions of a list, by entry id.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::entity::ListEntry;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedEntry {
    pub id: String,
    pub name: String,
    /// Top-level fields of [`ListEntry`] whose values differ (`names`, `addresses` ...).
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ListDiff {
    /// (id, primary name) of entries only in the new version.
    pub added: Vec<(String, String)>,
    /// (id, primary name) of entries only in the old version.
    pub removed: Vec<(String, String)>,
    pub changed: Vec<ChangedEntry>,
    pub unchanged: usize,
}

/// Compares two entry sets by `id` (ids are unique within one list). Output is sorted by id.
pub fn diff(old: &[ListEntry], new: &[ListEntry]) -> ListDiff {
    let old_by: BTreeMap<&str, &ListEntry> = old.iter().map(|e| (e.id.as_str(), e)).collect();
    let new_by: BTreeMap<&str, &ListEntry> = new.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut d = ListDiff::default();
    for (id, n) in &new_by {
        match old_by.get(id) {
            None => d.added.push((id.to_string(), n.primary_name().to_string())),
            Some(o) if o == n => d.unchanged += 1,
            Some(o) => d.changed.push(ChangedEntry {
                id: id.to_string(),
                name: n.primary_name().to_string(),
                fields: changed_fields(o, n),
            }),
        }
    }
    for (id, o) in &old_by {
        if !new_by.contains_key(id) {
            d.removed
                .push((id.to_string(), o.primary_name().to_string()));
        }
    }
    d
}

fn changed_fields(a: &ListEntry, b: &ListEntry) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return vec!["entry".into()];
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{Name, NameKind};

    fn entry(id: &str, name: &str) -> ListEntry {
        ListEntry {
            id: id.into(),
            source: "t".into(),
            names: vec![Name {
                full: name.into(),
                kind: NameKind::Primary,
                script: None,
            }],
            ..ListEntry::default()
        }
    }

    #[test]
    fn added_removed_changed() {
        let old = vec![entry("1", "A"), entry("2", "B"), entry("3", "C")];
        let mut changed = entry("2", "B");
        changed.countries.push("CN".into());
        let new = vec![entry("1", "A"), changed, entry("4", "D")];
        let d = diff(&old, &new);
        assert_eq!(d.added, vec![("4".to_string(), "D".to_string())]);
        assert_eq!(d.removed, vec![("3".to_string(), "C".to_string())]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].fields, vec!["countries".to_string()]);
        assert_eq!(d.unchanged, 1);
    }
}
