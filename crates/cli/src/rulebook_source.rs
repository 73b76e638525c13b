//! Where the rulebook and the catalog come from: embedded in the binary (the default, so
//! `chokepoint check` works offline on a fresh machine), or a directory given by `--rules` /
//! `CHOKEPOINT_RULES` and `--catalog` / `CHOKEPOINT_CATALOG`.

use std::path::PathBuf;

use anyhow::Context as _;
use chokepoint_catalog::Catalog;
use chokepoint_rulebook::{Rulebook, SourceFile};
use include_dir::{include_dir, Dir};

static RULES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../rules");
static CATALOG: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../catalog");

/// Flags shared by every command that reads the rulebook.
#[derive(clap::Args, Debug, Clone)]
pub struct RulebookArgs {
    /// Rulebook directory (default: the rulebook embedded in this binary).
    #[arg(long, env = "CHOKEPOINT_RULES", global = true)]
    pub rules: Option<PathBuf>,
    /// Catalog directory (default: the catalog embedded in this binary).
    #[arg(long, env = "CHOKEPOINT_CATALOG", global = true)]
    pub catalog: Option<PathBuf>,
}

/// The rule files, as (relative path, text).
pub fn rule_files(args: &RulebookArgs) -> anyhow::Result<Vec<SourceFile>> {
    match &args.rules {
        None => {
            let mut out = Vec::new();
            collect_embedded(&RULES, &mut out);
            Ok(out)
        }
        Some(dir) => SourceFile::read_dir(dir)
            .with_context(|| format!("reading the rulebook {}", dir.display())),
    }
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<SourceFile>) {
    for f in dir.files() {
        let path = f.path().to_string_lossy().replace('\\', "/");
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            out.push(SourceFile {
                path,
                text: f.contents_utf8().unwrap_or_default().to_string(),
            });
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// Loads and validates the rulebook; a defect refuses start-up, naming file and entry.
pub fn load_rulebook(args: &RulebookArgs) -> anyhow::Result<Rulebook> {
    let files = rule_files(args)?;
    let origin = args
        .rules
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "embedded rulebook".into());
    // A rulebook that does not validate refuses start-up (exit 2), naming file and entry.
    Rulebook::load(files).map_err(|e| crate::exit::BadInput(format!("{origin}: {e}")).into())
}

/// Loads the catalog.
pub fn load_catalog(args: &RulebookArgs) -> anyhow::Result<Catalog> {
    let mut files: Vec<(String, String)> = Vec::new();
    match &args.catalog {
        None => {
            for f in CATALOG.files() {
                let p = f.path().to_string_lossy().to_string();
                if p.ends_with(".toml") {
                    files.push((p, f.contents_utf8().unwrap_or_default().to_string()));
                }
            }
        }
        Some(dir) => {
            for entry in
                std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?
            {
                let p = entry?.path();
                if p.extension().is_some_and(|e| e == "toml") {
                    let text = std::fs::read_to_string(&p)?;
                    files.push((p.display().to_string(), text));
                }
            }
        }
    }
    Catalog::load(files.iter().map(|(p, t)| (p.as_str(), t.as_str())))
        .map_err(|e| crate::exit::BadInput(format!("catalog: {e}")).into())
}
