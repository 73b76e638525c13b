//! `chokepoint lists` — load, list, diff and update the restricted-party lists in the store.
//!
//! The store directory is `--store DIR`, else `$CHOKEPOINT_STORE`, else
//! `~/.local/share/chokepoint/lists`. Malformed files, unknown keys and rejected updates exit
//! with code 2 (bad input); a failed download exits with 1 after leaving the serving list as it
//! was.

use std::path::PathBuf;

use anyhow::Context;
use chokepoint_lists::diff::{diff, ListDiff};
use chokepoint_lists::store::{default_root, ListMeta, Outcome, Store, UpdateOptions};
use chokepoint_lists::{parse_files, Format, ListEntry, ListError, SourceFile};

use crate::exit::{BadInput, BAD_INPUT, DECIDED, INTERNAL};

#[derive(clap::Subcommand)]
pub enum ListsCommand {
    /// Parse list files in full and make them the serving version of a list.
    Load {
        /// Source key: us_csl, ofac_sdn, ofac_cons, un, uk, bis_dpl, jp_eul, cn_mofcom,
        /// opensanctions, or your own key with --format.
        #[arg(long)]
        source: String,
        /// File format (default: the key's format, refined by file extension).
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// The list's files, or a directory holding them (an OFAC set is several files).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Show the lists in the store.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Entries added, removed and changed between two versions, by entry id.
    ///
    /// OLD and NEW are stored versions (`KEY`, `KEY@previous`, `KEY@v3`) or files/directories,
    /// which need --source (or --format) to be parsed.
    Diff {
        old: String,
        new: String,
        /// Source key for OLD/NEW given as files.
        #[arg(long)]
        source: Option<String>,
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// How many ids to print per section in the text output.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        common: Common,
    },
    /// Download lists from their official URLs, validate, and swap in atomically.
    Update {
        /// Only this source (default: every source with a URL).
        #[arg(long)]
        source: Option<String>,
        /// Download from this URL instead (repeat for multi-file sources; needs --source).
        #[arg(long)]
        url: Vec<String>,
        /// Accept a new version with less than half the serving entry count.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(clap::Args)]
pub struct Common {
    /// Store directory (default: $CHOKEPOINT_STORE, else ~/.local/share/chokepoint/lists).
    #[arg(long)]
    store: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long)]
    json: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s).ok_or_else(|| {
        format!(
            "unknown format {s:?}; one of {}",
            Format::ALL.map(|f| f.as_str()).join(", ")
        )
    })
}

fn open(common: &Common) -> anyhow::Result<Store> {
    let root = common.store.clone().unwrap_or_else(default_root);
    Store::open(&root).map_err(convert)
}

/// Bad input becomes [`BadInput`] (exit 2); other failures stay internal (exit 1).
fn convert(e: ListError) -> anyhow::Error {
    if e.is_bad_input() {
        anyhow::Error::new(BadInput(e.to_string()))
    } else {
        anyhow::Error::new(e)
    }
}

pub fn run(cmd: ListsCommand) -> anyhow::Result<u8> {
    match cmd {
        ListsCommand::Load {
            source,
            format,
            paths,
            common,
        } => {
            let store = open(&common)?;
            let outcome = store.load_paths(&source, format, &paths).map_err(convert)?;
            print_outcomes(&[outcome], common.json)?;
            Ok(DECIDED)
        }
        ListsCommand::List { common } => {
            let store = open(&common)?;
            let manifest = store.manifest().map_err(convert)?;
            let current: Vec<&ListMeta> = manifest
                .lists
                .values()
                .filter_map(|h| h.current_meta())
                .collect();
            if common.json {
                println!("{}", serde_json::to_string_pretty(&manifest)?);
            } else if current.is_empty() {
                println!(
                    "no lists loaded in {} (run `chokepoint lists load` or `lists update`)",
                    store.root().display()
                );
            } else {
                print_table(&current);
            }
            Ok(DECIDED)
        }
        ListsCommand::Diff {
            old,
            new,
            source,
            format,
            limit,
            common,
        } => {
            let store = open(&common)?;
            let (old_label, old_entries) = side(&store, &old, source.as_deref(), format)?;
            let (new_label, new_entries) = side(&store, &new, source.as_deref(), format)?;
            let d = diff(&old_entries, &new_entries);
            if common.json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                print_diff(&old_label, &new_label, &d, limit);
            }
            Ok(DECIDED)
        }
        ListsCommand::Update {
            source,
            url,
            force,
            common,
        } => {
            let store = open(&common)?;
            let opts = UpdateOptions {
                source,
                urls: url,
                force,
            };
            let outcomes = store.update(&opts).map_err(convert)?;
            print_outcomes(&outcomes, common.json)?;
            let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.status == "failed").collect();
            if failed.is_empty() {
                Ok(DECIDED)
            } else if failed.iter().all(|o| o.bad_input) {
                Ok(BAD_INPUT)
            } else {
                Ok(INTERNAL)
            }
        }
    }
}

/// A diff side: a stored version spec, or files parsed with --source/--format.
fn side(
    store: &Store,
    spec: &str,
    source: Option<&str>,
    format: Option<Format>,
) -> anyhow::Result<(String, Vec<ListEntry>)> {
    let path = PathBuf::from(spec);
    if path.exists() {
        let key = source.unwrap_or("file");
        let files = chokepoint_lists::store::expand_paths(&[path])
            .map_err(convert)?
            .iter()
            .map(|p| SourceFile::read(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(convert)?;
        let config = store.sources().map_err(convert)?;
        let format = chokepoint_lists::sources::infer_format(&config, key, format, &files)
            .map_err(convert)?;
        let parsed = parse_files(format, key, &files).map_err(convert)?;
        return Ok((spec.to_string(), parsed.entries));
    }
    let meta = store
        .resolve(spec)
        .map_err(convert)
        .with_context(|| format!("{spec:?} is neither a file nor a stored list version"))?;
    let loaded = store.read(&meta).map_err(convert)?;
    Ok((format!("{}@v{}", meta.source, meta.version), loaded.entries))
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn print_table(rows: &[&ListMeta]) {
    let header = [
        "SOURCE",
        "VERSION",
        "FORMAT",
        "ENTRIES",
        "PUBLISHED",
        "LOADED",
        "SHA256",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|m| {
            [
                m.source.clone(),
                format!("v{}", m.version),
                m.format.to_string(),
                m.entry_count.to_string(),
                m.published.clone().unwrap_or_else(|| "-".into()),
                m.loaded_at.clone(),
                short(&m.sha256).to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: Vec<&str>| {
        let parts: Vec<String> = cols
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", parts.join("  ").trim_end());
    };
    line(header.to_vec());
    for row in &cells {
        line(row.iter().map(String::as_str).collect());
    }
}

fn print_outcomes(outcomes: &[Outcome], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(outcomes)?);
        return Ok(());
    }
    for o in outcomes {
        match (&o.meta, &o.error) {
            (Some(m), _) if o.status == "unchanged" => println!(
                "{}: unchanged (v{}, {} entries, sha256 {})",
                o.source,
                m.version,
                m.entry_count,
                short(&m.sha256)
            ),
            (Some(m), _) => {
                let before = o
                    .previous_count
                    .map(|c| format!(", was {c}"))
                    .unwrap_or_default();
                println!(
                    "{}: loaded v{} — {} entries{before}, sha256 {}{}",
                    o.source,
                    m.version,
                    m.entry_count,
                    short(&m.sha256),
                    if m.warnings > 0 {
                        format!(", {} parser warnings", m.warnings)
                    } else {
                        String::new()
                    }
                );
            }
            (None, Some(e)) => eprintln!("{}: FAILED, serving version kept: {e}", o.source),
            (None, None) => println!("{}: {}", o.source, o.status),
        }
    }
    Ok(())
}

fn print_diff(old: &str, new: &str, d: &ListDiff, limit: usize) {
    println!(
        "{old} → {new}: {} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    );
    let section = |title: &str, rows: Vec<String>| {
        if rows.is_empty() {
            return;
        }
        println!("{title}:");
        for r in rows.iter().take(limit) {
            println!("  {r}");
        }
        if rows.len() > limit {
            println!(
                "  … {} more (--limit, or --json for all)",
                rows.len() - limit
            );
        }
    };
    section(
        "added",
        d.added
            .iter()
            .map(|(id, n)| format!("+ {id}  {n}"))
            .collect(),
    );
    section(
        "removed",
        d.removed
            .iter()
            .map(|(id, n)| format!("- {id}  {n}"))
            .collect(),
    );
    section(
        "changed",
        d.changed
            .iter()
            .map(|c| format!("~ {}  {}  [{}]", c.id, c.name, c.fields.join(", ")))
            .collect(),
    );
}
