//! The list store: raw files of every loaded list version, and a manifest.
//!
//! Layout of a store directory:
//!
//! ```text
//! STORE/
//!   manifest.json          which version of each list is serving, and the history
//!   sources.toml           optional: source URLs and formats (see crate::sources)
//!   .lock                  advisory lock held while a version is added
//!   data/KEY/vN/FILE...    the raw files of version N of list KEY, never modified
//!   tmp/                   staging area for versions being written
//! ```
//!
//! A new version is parsed in full first; only then are its files written to `tmp/`, fsynced,
//! and renamed into `data/KEY/vN`, after which `manifest.json` is replaced by rename (written to a
//! temporary file and fsynced first). The manifest is the only pointer to serving data, so a
//! reader sees either the old version or the new one, never a partial one; a failed, truncated or
//! corrupt download never gets that far. Reading a version re-checks each file's SHA-256
//! against the manifest. The last [`KEEP_VERSIONS`] versions of each list are kept for `diff`.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::entity::ListEntry;
use crate::error::{ListError, Result};
use crate::parse::{parse_files, Format, ParsedList, SourceFile};
use crate::sources::{infer_format, SourcesConfig};

/// Versions kept on disk per list.
pub const KEEP_VERSIONS: usize = 3;
/// Largest download accepted, per file.
pub const MAX_DOWNLOAD_BYTES: u64 = 1 << 30;
/// `update` refuses a new version with fewer than this share of the previous entry count.
pub const MIN_KEPT_SHARE: f64 = 0.5;

const MANIFEST: &str = "manifest.json";
const MANIFEST_FORMAT: u32 = 1;

/// One stored file of a list version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// Metadata of one loaded list version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListMeta {
    /// Source key (`us_csl`, `un`, `ofac_sdn` ...).
    pub source: String,
    /// Version number within the store (1, 2, ...); 0 for lists loaded straight from files.
    pub version: u32,
    pub format: Format,
    /// Publication date, from the file itself or the server's `Last-Modified`, if known.
    pub published: Option<String>,
    /// When this version was loaded (RFC 3339, UTC).
    pub loaded_at: String,
    /// SHA-256 of the content: of the file for one-file lists, else of the sorted
    /// `name sha256` lines of its files.
    pub sha256: String,
    pub entry_count: usize,
    pub files: Vec<StoredFile>,
    /// Where the files came from (paths or URLs).
    #[serde(default)]
    pub origin: Vec<String>,
    /// Parser warnings (rows skipped and why).
    #[serde(default)]
    pub warnings: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListHistory {
    pub current: u32,
    pub versions: Vec<ListMeta>,
}

impl ListHistory {
    pub fn current_meta(&self) -> Option<&ListMeta> {
        self.versions.iter().find(|v| v.version == self.current)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub lists: BTreeMap<String, ListHistory>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            format_version: MANIFEST_FORMAT,
            lists: BTreeMap::new(),
        }
    }
}

/// A parsed list with its metadata.
#[derive(Debug, Clone)]
pub struct LoadedList {
    pub meta: ListMeta,
    pub entries: Vec<ListEntry>,
}

/// What `load` or `update` did for one list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub source: String,
    /// `loaded` (new version serving), `unchanged` (same content as serving), or `failed`.
    pub status: String,
    pub meta: Option<ListMeta>,
    pub previous_count: Option<usize>,
    pub error: Option<String>,
    /// The failure was the input's (malformed file, refused count drop, no URL), not the
    /// network's or the machine's.
    #[serde(default)]
    pub bad_input: bool,
}

/// Options of [`Store::update`].
#[derive(Debug, Clone, Default)]
pub struct UpdateOptions {
    /// Only this source (else every configured source with URLs).
    pub source: Option<String>,
    /// Override the source's URLs (needs `source`).
    pub urls: Vec<String>,
    /// Accept an entry-count drop of more than half.
    pub force: bool,
}

/// A store directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// `$CHOKEPOINT_STORE`, else `$XDG_DATA_HOME/chokepoint/lists`, else
/// `~/.local/share/chokepoint/lists`.
pub fn default_root() -> PathBuf {
    if let Some(p) = std::env::var_os("CHOKEPOINT_STORE").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("chokepoint").join("lists")
}

/// SHA-256 of a list version's content (see [`ListMeta::sha256`]).
pub fn content_hash(files: &[StoredFile]) -> String {
    if let [one] = files {
        return one.sha256.clone();
    }
    let mut lines: Vec<String> = files
        .iter()
        .map(|f| format!("{} {}\n", f.name, f.sha256))
        .collect();
    lines.sort();
    hex::encode(Sha256::digest(lines.concat().as_bytes()))
}

fn stored_files(files: &[SourceFile]) -> Vec<StoredFile> {
    files
        .iter()
        .map(|f| StoredFile {
            name: f.base_name(),
            sha256: hex::encode(Sha256::digest(&f.bytes)),
            bytes: f.bytes.len() as u64,
        })
        .collect()
}

/// Metadata for a list parsed outside any store.
pub fn meta_for(
    source: &str,
    format: Format,
    files: &[SourceFile],
    parsed: &ParsedList,
) -> ListMeta {
    let stored = stored_files(files);
    ListMeta {
        source: source.to_string(),
        version: 0,
        format,
        published: parsed.published.clone(),
        loaded_at: now(),
        sha256: content_hash(&stored),
        entry_count: parsed.entries.len(),
        files: stored,
        origin: files.iter().map(|f| f.name.clone()).collect(),
        warnings: parsed.warnings.len(),
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Expands directories into their regular files (sorted), keeps files as given.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let md = fs::metadata(p).map_err(|e| ListError::io(p, e))?;
        if md.is_dir() {
            let mut files: Vec<PathBuf> = fs::read_dir(p)
                .map_err(|e| ListError::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn sync_dir(path: &Path) -> Result<()> {
    // Directory fsync makes renames durable; not all platforms allow opening a directory.
    match File::open(path) {
        Ok(d) => d.sync_all().or(Ok(())),
        Err(_) => Ok(()),
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(|e| ListError::io(path, e))?;
    f.write_all(bytes).map_err(|e| ListError::io(path, e))?;
    f.sync_all().map_err(|e| ListError::io(path, e))
}

impl Store {
    /// Opens (creating if needed) the store at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store> {
        let root = root.into();
        for dir in [root.clone(), root.join("data"), root.join("tmp")] {
            fs::create_dir_all(&dir).map_err(|e| ListError::io(&dir, e))?;
        }
        Ok(Store { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The sources configuration: `sources.toml` in the store merged over the defaults.
    pub fn sources(&self) -> Result<SourcesConfig> {
        let path = self.root.join("sources.toml");
        if path.exists() {
            SourcesConfig::load(&path)
        } else {
            Ok(SourcesConfig::defaults())
        }
    }

    pub fn manifest(&self) -> Result<Manifest> {
        let path = self.root.join(MANIFEST);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => return Err(ListError::io(&path, e)),
        };
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| ListError::Store {
            path: path.clone(),
            message: format!("unreadable manifest: {e}"),
        })?;
        if m.format_version != MANIFEST_FORMAT {
            return Err(ListError::Store {
                path,
                message: format!("manifest format {} is not supported", m.format_version),
            });
        }
        Ok(m)
    }

    fn lock(&self) -> Result<File> {
        use fs4::fs_std::FileExt;
        let path = self.root.join(".lock");
        let f = File::create(&path).map_err(|e| ListError::io(&path, e))?;
        FileExt::lock_exclusive(&f).map_err(|e| ListError::io(&path, e))?;
        Ok(f)
    }

    fn version_dir(&self, key: &str, version: u32) -> PathBuf {
        self.root.join("data").join(key).join(format!("v{version}"))
    }

    /// Parses `paths` (directories are expanded) as list `key` and, if it parses, makes it the
    /// serving version. `format` defaults to the key's configured format.
    pub fn load_paths(
        &self,
        key: &str,
        format: Option<Format>,
        paths: &[PathBuf],
    ) -> Result<Outcome> {
        let paths = expand_paths(paths)?;
        if paths.is_empty() {
            return Err(ListError::Usage("no files to load".into()));
        }
        let files = paths
            .iter()
            .map(|p| SourceFile::read(p))
            .collect::<Result<Vec<_>>>()?;
        let format = infer_format(&self.sources()?, key, format, &files)?;
        let origin = paths.iter().map(|p| p.display().to_string()).collect();
        self.load_files(key, format, files, origin, None, None)
    }

    /// Parses `files` and, if that succeeds (and, with `min_share`, keeps at least that share of the serving entry count), stores them
    /// as the new serving version of `key`.
    pub fn load_files(
        &self,
        key: &str,
        format: Format,
        files: Vec<SourceFile>,
        origin: Vec<String>,
        published_fallback: Option<String>,
        min_share: Option<f64>,
    ) -> Result<Outcome> {
        validate_key(key)?;
        let parsed = parse_files(format, key, &files)?;
        let mut meta = meta_for(key, format, &files, &parsed);
        meta.origin = origin;
        if meta.published.is_none() {
            meta.published = published_fallback;
        }
        let _lock = self.lock()?;
        let mut manifest = self.manifest()?;
        let previous = manifest
            .lists
            .get(key)
            .and_then(|h| h.current_meta())
            .cloned();
        if let Some(prev) = &previous {
            if prev.sha256 == meta.sha256 {
                return Ok(Outcome {
                    source: key.to_string(),
                    status: "unchanged".into(),
                    meta: Some(prev.clone()),
                    previous_count: Some(prev.entry_count),
                    error: None,
                    bad_input: false,
                });
            }
        }
        if let Some(share) = min_share {
            let prev_count = previous.as_ref().map(|p| p.entry_count).unwrap_or(0);
            if meta.entry_count == 0 || (meta.entry_count as f64) < prev_count as f64 * share {
                return Err(ListError::Rejected(format!(
                    "{key}: new version has {} entries against {} serving (a drop of more than \
                     {:.0} %); kept the serving version (use --force to accept)",
                    meta.entry_count,
                    prev_count,
                    (1.0 - share) * 100.0
                )));
            }
        }
        let version = manifest
            .lists
            .get(key)
            .and_then(|h| h.versions.iter().map(|v| v.version).max())
            .unwrap_or(0)
            + 1;
        meta.version = version;

        // Stage the files, then move them into place.
        let stage = self.root.join("tmp").join(format!(
            "{key}.v{version}.{}.{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ));
        fs::create_dir_all(&stage).map_err(|e| ListError::io(&stage, e))?;
        let staged = (|| -> Result<()> {
            for (f, stored) in files.iter().zip(&meta.files) {
                write_synced(&stage.join(&stored.name), &f.bytes)?;
            }
            sync_dir(&stage)?;
            let target = self.version_dir(key, version);
            let parent = target.parent().unwrap_or(&self.root).to_path_buf();
            fs::create_dir_all(&parent).map_err(|e| ListError::io(&parent, e))?;
            if target.exists() {
                fs::remove_dir_all(&target).map_err(|e| ListError::io(&target, e))?;
            }
            fs::rename(&stage, &target).map_err(|e| ListError::io(&target, e))?;
            sync_dir(&parent)
        })();
        if let Err(e) = staged {
            let _ = fs::remove_dir_all(&stage);
            return Err(e);
        }

        let history = manifest
            .lists
            .entry(key.to_string())
            .or_insert_with(|| ListHistory {
                current: version,
                versions: Vec::new(),
            });
        history.current = version;
        history.versions.push(meta.clone());
        history.versions.sort_by_key(|v| v.version);
        let mut pruned = Vec::new();
        while history.versions.len() > KEEP_VERSIONS {
            pruned.push(history.versions.remove(0).version);
        }
        self.write_manifest(&manifest)?;
        for v in pruned {
            let _ = fs::remove_dir_all(self.version_dir(key, v));
        }
        Ok(Outcome {
            source: key.to_string(),
            status: "loaded".into(),
            meta: Some(meta),
            previous_count: previous.map(|p| p.entry_count),
            error: None,
            bad_input: false,
        })
    }

    fn write_manifest(&self, manifest: &Manifest) -> Result<()> {
        let path = self.root.join(MANIFEST);
        let tmp = self
            .root
            .join(format!("{MANIFEST}.tmp.{}", std::process::id()));
        let json = serde_json::to_vec_pretty(manifest).map_err(|e| ListError::Store {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_synced(&tmp, &json)?;
        fs::rename(&tmp, &path).map_err(|e| ListError::io(&path, e))?;
        sync_dir(&self.root)
    }

    /// Metadata of the serving version of `key`.
    pub fn current(&self, key: &str) -> Result<ListMeta> {
        let m = self.manifest()?;
        m.lists
            .get(key)
            .and_then(|h| h.current_meta())
            .cloned()
            .ok_or_else(|| {
                ListError::Usage(format!(
                    "list {key:?} is not loaded in {}",
                    self.root.display()
                ))
            })
    }

    /// Resolves `KEY`, `KEY@current`, `KEY@previous` or `KEY@vN` / `KEY@N` to stored metadata.
    pub fn resolve(&self, spec: &str) -> Result<ListMeta> {
        let (key, which) = spec.split_once('@').unwrap_or((spec, "current"));
        let m = self.manifest()?;
        let history = m.lists.get(key).ok_or_else(|| {
            ListError::Usage(format!(
                "list {key:?} is not loaded in {}",
                self.root.display()
            ))
        })?;
        let version = match which {
            "current" | "" => history.current,
            "previous" => history
                .versions
                .iter()
                .map(|v| v.version)
                .filter(|v| *v < history.current)
                .max()
                .ok_or_else(|| ListError::Usage(format!("{key} has no previous version stored")))?,
            other => other
                .trim_start_matches('v')
                .parse::<u32>()
                .map_err(|_| ListError::Usage(format!("bad version {other:?} in {spec:?}")))?,
        };
        history
            .versions
            .iter()
            .find(|v| v.version == version)
            .cloned()
            .ok_or_else(|| ListError::Usage(format!("{key} has no stored version {version}")))
    }

    /// Reads and parses a stored version, checking file hashes against the manifest.
    pub fn read(&self, meta: &ListMeta) -> Result<LoadedList> {
        let dir = self.version_dir(&meta.source, meta.version);
        let mut files = Vec::new();
        for f in &meta.files {
            let path = dir.join(&f.name);
            let bytes = fs::read(&path).map_err(|e| ListError::io(&path, e))?;
            let sha = hex::encode(Sha256::digest(&bytes));
            if sha != f.sha256 {
                return Err(ListError::Store {
                    path,
                    message: format!(
                        "content hash {sha} does not match the manifest's {}",
                        f.sha256
                    ),
                });
            }
            files.push(SourceFile::new(path.display().to_string(), bytes));
        }
        let parsed = parse_files(meta.format, &meta.source, &files)?;
        Ok(LoadedList {
            meta: meta.clone(),
            entries: parsed.entries,
        })
    }

    /// Reads the serving version of `key`.
    pub fn read_current(&self, key: &str) -> Result<LoadedList> {
        let meta = self.current(key)?;
        self.read(&meta)
    }

    /// Downloads, validates and swaps in new versions. Each source is done on its own: a failure
    /// of one is reported in its [`Outcome`] and leaves its serving version as it was.
    pub fn update(&self, opts: &UpdateOptions) -> Result<Vec<Outcome>> {
        let config = self.sources()?;
        let keys: Vec<String> = match &opts.source {
            Some(k) => vec![k.clone()],
            None => {
                if !opts.urls.is_empty() {
                    return Err(ListError::Usage("--url needs --source".into()));
                }
                config
                    .sources
                    .iter()
                    .filter(|(_, s)| !s.urls.is_empty())
                    .map(|(k, _)| k.clone())
                    .collect()
            }
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(600)))
            .timeout_connect(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut out = Vec::new();
        for key in keys {
            let result = self.update_one(&agent, &config, &key, opts);
            out.push(match result {
                Ok(o) => o,
                Err(e) => Outcome {
                    source: key.clone(),
                    status: "failed".into(),
                    meta: None,
                    previous_count: self.current(&key).ok().map(|m| m.entry_count),
                    error: Some(e.to_string()),
                    bad_input: e.is_bad_input(),
                },
            });
        }
        Ok(out)
    }

    fn update_one(
        &self,
        agent: &ureq::Agent,
        config: &SourcesConfig,
        key: &str,
        opts: &UpdateOptions,
    ) -> Result<Outcome> {
        let spec = config.get(key);
        let urls: Vec<String> = if opts.urls.is_empty() {
            spec.map(|s| s.urls.clone()).unwrap_or_default()
        } else {
            opts.urls.clone()
        };
        if urls.is_empty() {
            return Err(ListError::Usage(format!(
                "source {key:?} has no download URL: give --url or add it to sources.toml"
            )));
        }
        let mut files = Vec::new();
        let mut last_modified = None;
        for url in &urls {
            let (bytes, lm) = download(agent, url)?;
            if last_modified.is_none() {
                last_modified = lm;
            }
            let name = url
                .split(['?', '#'])
                .next()
                .unwrap_or(url)
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or("download")
                .to_string();
            files.push(SourceFile::new(name, bytes));
        }
        let explicit = spec.map(|s| s.format);
        let format = infer_format(config, key, explicit, &files)?;
        let published = last_modified.map(|lm| {
            chrono::DateTime::parse_from_rfc2822(&lm)
                .map(|d| {
                    d.with_timezone(&chrono::Utc)
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                })
                .unwrap_or(lm)
        });
        let min_share = (!opts.force).then_some(MIN_KEPT_SHARE);
        self.load_files(key, format, files, urls, published, min_share)
    }
}

fn validate_key(key: &str) -> Result<()> {
    let ok = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ListError::Usage(format!(
            "source key {key:?} must be 1-64 characters of a-z, 0-9, '_' or '-'"
        )))
    }
}

/// Downloads one URL in full: a non-2xx status, a body shorter or longer than its
/// `Content-Length`, or a body over [`MAX_DOWNLOAD_BYTES`] is an error.
fn download(agent: &ureq::Agent, url: &str) -> Result<(Vec<u8>, Option<String>)> {
    let fail = |message: String| ListError::Download {
        url: url.to_string(),
        message,
    };
    let mut resp = agent.get(url).call().map_err(|e| fail(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(fail(format!("HTTP status {}", resp.status())));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let expected = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let last_modified = header("last-modified");
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD_BYTES)
        .read_to_vec()
        .map_err(|e| fail(format!("reading the body: {e}")))?;
    if let Some(n) = expected {
        if bytes.len() as u64 != n {
            return Err(fail(format!("truncated: got {} of {n} bytes", bytes.len())));
        }
    }
    if bytes.is_empty() {
        return Err(fail("empty body".into()));
    }
    Ok((bytes, last_modified))
}
