//! The default list set for screening and licence determination: the U.S. Consolidated Screening
//! List (Entity List, MEU, DPL, SDN ...), the UN Consolidated List and the OFAC SDN list.
//!
//! ```no_run
//! use chokepoint_lists::{load_default_set, DefaultSetPaths};
//! let set = load_default_set(&DefaultSetPaths {
//!     csl: Some("consolidated.csv".into()),
//!     un: Some("consolidated.xml".into()),
//!     ofac_sdn: vec!["sdn.csv".into(), "alt.csv".into(), "add.csv".into()],
//! })?;
//! println!("{} entries from {} lists", set.entries.len(), set.lists.len());
//! # Ok::<(), chokepoint_lists::ListError>(())
//! ```
//!
//! An entry is identified by `(source, id)`: ids are unique within a list, not across lists.
//! The CSL carries the SDN entries too, so a party on the SDN list appears once under `us_csl`
//! (sub-list `SDN`) and once under `ofac_sdn`.

use std::path::PathBuf;

use crate::entity::ListEntry;
use crate::error::{ListError, Result};
use crate::parse::{parse_files, Format, SourceFile};
use crate::store::{expand_paths, meta_for, ListMeta, Store};

/// Source keys of the default set, in load order.
pub const DEFAULT_KEYS: [&str; 3] = ["us_csl", "un", "ofac_sdn"];

/// Files of the default set; any left empty is skipped.
#[derive(Debug, Clone, Default)]
pub struct DefaultSetPaths {
    /// CSL `consolidated.csv` or `.json`.
    pub csl: Option<PathBuf>,
    /// UN `consolidated.xml`.
    pub un: Option<PathBuf>,
    /// OFAC SDN files (`sdn.csv` and optionally `add.csv`, `alt.csv`, `sdn_comments.csv`), or a
    /// directory holding them.
    pub ofac_sdn: Vec<PathBuf>,
}

/// Entries of several lists and each list's metadata.
#[derive(Debug, Clone, Default)]
pub struct DefaultSet {
    pub entries: Vec<ListEntry>,
    pub lists: Vec<ListMeta>,
}

/// Loads the default set from files. Every file is parsed in full; any error fails the whole call.
pub fn load_default_set(paths: &DefaultSetPaths) -> Result<DefaultSet> {
    let mut set = DefaultSet::default();
    if let Some(csl) = &paths.csl {
        let file = SourceFile::read(csl)?;
        let format = if file.base_name().ends_with(".json") {
            Format::CslJson
        } else {
            Format::CslCsv
        };
        add(&mut set, "us_csl", format, vec![file])?;
    }
    if let Some(un) = &paths.un {
        add(&mut set, "un", Format::UnXml, vec![SourceFile::read(un)?])?;
    }
    if !paths.ofac_sdn.is_empty() {
        let files = expand_paths(&paths.ofac_sdn)?
            .iter()
            .map(|p| SourceFile::read(p))
            .collect::<Result<Vec<_>>>()?;
        add(&mut set, "ofac_sdn", Format::OfacCsv, files)?;
    }
    if set.lists.is_empty() {
        return Err(ListError::Usage("no list files given".into()));
    }
    Ok(set)
}

fn add(set: &mut DefaultSet, key: &str, format: Format, files: Vec<SourceFile>) -> Result<()> {
    let parsed = parse_files(format, key, &files)?;
    set.lists.push(meta_for(key, format, &files, &parsed));
    set.entries.extend(parsed.entries);
    Ok(())
}

impl Store {
    /// Loads the serving versions of the default lists that are in the store (at least one must
    /// be).
    pub fn load_default_set(&self) -> Result<DefaultSet> {
        self.load_set(&DEFAULT_KEYS)
    }

    /// Loads the serving versions of `keys`; every key must be loaded in the store.
    pub fn load_set(&self, keys: &[&str]) -> Result<DefaultSet> {
        let manifest = self.manifest()?;
        let mut set = DefaultSet::default();
        for key in keys {
            if !manifest.lists.contains_key(*key) {
                if keys == DEFAULT_KEYS {
                    continue;
                }
                return Err(ListError::Usage(format!(
                    "list {key:?} is not loaded in {}",
                    self.root().display()
                )));
            }
            let loaded = self.read_current(key)?;
            set.lists.push(loaded.meta);
            set.entries.extend(loaded.entries);
        }
        if set.lists.is_empty() {
            return Err(ListError::Usage(format!(
                "none of {} is loaded in {}: run `chokepoint lists load` or `lists update`",
                DEFAULT_KEYS.join(", "),
                self.root().display()
            )));
        }
        Ok(set)
    }
}
