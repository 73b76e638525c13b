// Shared by the scenario and catalog-matrix tests (included, not a test target of its own).

use std::path::{Path, PathBuf};


use chokepoint_catalog::Catalog;
use chokepoint_rulebook::{Rulebook, SourceFile};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn load_book() -> Rulebook {
    let files = SourceFile::read_dir(&root().join("rules")).unwrap();
    Rulebook::load(files).unwrap_or_else(|e| panic!("{e}"))
}

pub fn load_catalog() -> Catalog {
    Catalog::read_dir(&root().join("catalog")).unwrap_or_else(|e| panic!("{e}"))
}
