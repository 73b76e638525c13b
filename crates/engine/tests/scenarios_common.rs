// Shared by the scenario and catalog-matrix tests (included, not a test target of its own).

use std::path::{Path, PathBuf};

use chokepoint_catalog::Catalog;
use chokepoint_rulebook::{Rulebook, SourceFile};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

pub fn load_book() -> Rulebook {
    let rules = root().join("rules");
    let mut paths = Vec::new();
    files_under(&rules, "yaml", &mut paths);
    let files = paths
        .iter()
        .map(|p| SourceFile {
            path: p
                .strip_prefix(&rules)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(p).unwrap(),
        })
        .collect();
    Rulebook::load(files).unwrap_or_else(|e| panic!("{e}"))
}

pub fn load_catalog() -> Catalog {
    let mut paths = Vec::new();
    files_under(&root().join("catalog"), "toml", &mut paths);
    let texts: Vec<(String, String)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    Catalog::load(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())))
        .unwrap_or_else(|e| panic!("{e}"))
}

