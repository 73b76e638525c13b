//! One module per official list format. Each turns raw bytes into [`ListEntry`] values.
//!
//! | Format | Module | Files |
//! |---|---|---|
//! | [`Format::OfacCsv`] | [`ofac`] | `sdn.csv` + `add.csv` + `alt.csv` + `sdn_comments.csv`, or the `cons_*.csv` set |
//! | [`Format::CslCsv`] | [`csl`] | trade.gov `consolidated.csv` |
//! | [`Format::CslJson`] | [`csl`] | trade.gov `consolidated.json`, or the compact `screening-list.json` extract |
//! | [`Format::UnXml`] | [`un`] | UN Security Council `consolidated.xml` |
//! | [`Format::UkCsv`] / [`Format::UkOds`] | [`uk`] | FCDO sanctions list summary (CSV or ODS) |
//! | [`Format::DplTxt`] | [`dpl`] | BIS Denied Persons List `dpl.txt` |
//! | [`Format::RegistryJson`] | [`registry`] | Japan METI End User List / PRC MOFCOM lists (normalised JSON) |
//! | [`Format::FtmJson`] | [`ftm`] | FollowTheMoney entity JSON lines (OpenSanctions) |

use serde::{Deserialize, Serialize};

use crate::entity::ListEntry;
use crate::error::{ListError, ParseError};

pub mod csl;
pub mod dpl;
pub mod ftm;
pub mod ofac;
pub mod registry;
pub mod uk;
pub mod un;

/// A list file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    OfacCsv,
    CslCsv,
    CslJson,
    UnXml,
    UkCsv,
    UkOds,
    DplTxt,
    RegistryJson,
    FtmJson,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::OfacCsv,
        Format::CslCsv,
        Format::CslJson,
        Format::UnXml,
        Format::UkCsv,
        Format::UkOds,
        Format::DplTxt,
        Format::RegistryJson,
        Format::FtmJson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::OfacCsv => "ofac_csv",
            Format::CslCsv => "csl_csv",
            Format::CslJson => "csl_json",
            Format::UnXml => "un_xml",
            Format::UkCsv => "uk_csv",
            Format::UkOds => "uk_ods",
            Format::DplTxt => "dpl_txt",
            Format::RegistryJson => "registry_json",
            Format::FtmJson => "ftm_json",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Whether the format is a set of several files (OFAC) rather than one file.
    pub fn is_multi_file(self) -> bool {
        matches!(self, Format::OfacCsv)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One raw input file: the name used in error messages (and, for OFAC sets, to tell the files
/// apart) and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        SourceFile {
            name: name.into(),
            bytes: bytes.into(),
        }
    }

    /// Reads a file from disk; its name in errors is the path as given.
    pub fn read(path: &std::path::Path) -> Result<Self, ListError> {
        let bytes = std::fs::read(path).map_err(|e| ListError::io(path, e))?;
        Ok(SourceFile::new(path.display().to_string(), bytes))
    }

    /// The last path component, lower-cased (`/x/SDN.CSV` → `sdn.csv`).
    pub fn base_name(&self) -> String {
        self.name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.name)
            .to_ascii_lowercase()
    }
}

/// The result of parsing one list.
#[derive(Debug, Clone, Default)]
pub struct ParsedList {
    pub entries: Vec<ListEntry>,
    /// Publication or generation date when the file states one (ISO 8601).
    pub published: Option<String>,
    /// Things that were skipped but did not make the file invalid (e.g. an OFAC address row whose
    /// `ent_num` has no primary record).
    pub warnings: Vec<String>,
}

/// Parses `files` as `format`, tagging entries with `source` (the list key).
pub fn parse_files(
    format: Format,
    source: &str,
    files: &[SourceFile],
) -> Result<ParsedList, ListError> {
    let one = || -> Result<&SourceFile, ListError> {
        match files {
            [f] => Ok(f),
            _ => Err(ListError::Usage(format!(
                "format {format} takes exactly one file, got {}",
                files.len()
            ))),
        }
    };
    let parsed = match format {
        Format::OfacCsv => ofac::parse_set(source, files)?,
        Format::CslCsv => csl::parse_csv(source, one()?)?,
        Format::CslJson => csl::parse_json(source, one()?)?,
        Format::UnXml => un::parse(source, one()?)?,
        Format::UkCsv => uk::parse_csv(source, one()?)?,
        Format::UkOds => uk::parse_ods(source, one()?)?,
        Format::DplTxt => dpl::parse(source, one()?)?,
        Format::RegistryJson => registry::parse(source, one()?)?,
        Format::FtmJson => ftm::parse(source, one()?)?,
    };
    check_unique_ids(&parsed.entries, files)?;
    Ok(parsed)
}

fn check_unique_ids(entries: &[ListEntry], files: &[SourceFile]) -> Result<(), ParseError> {
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    for e in entries {
        if !seen.insert(e.id.as_str()) {
            let file = files.first().map(|f| f.name.as_str()).unwrap_or("");
            return Err(ParseError::new(file, "duplicate entry id")
                .record(e.id.clone())
                .field("id"));
        }
    }
    Ok(())
}

/// A short stable id from content, for lists that publish none (DPL, the compact CSL extract).
/// The file's bytes without a UTF-8 byte-order mark.
pub(crate) fn without_bom(file: &SourceFile) -> &[u8] {
    file.bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes)
}

/// The header row of a delimited file as column name → index, with the number of columns;
/// refuses a header that lacks one of `required` (named as the field, on line 1).
pub(crate) fn header_columns<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    file: &SourceFile,
    required: &[&str],
) -> Result<(std::collections::HashMap<String, usize>, usize), ListError> {
    let headers = reader
        .headers()
        .map_err(|e| ParseError::new(&file.name, format!("unreadable header: {e}")).line(1))?;
    let col: std::collections::HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect();
    for r in required {
        if !col.contains_key(*r) {
            return Err(ParseError::new(&file.name, "missing column in header")
                .line(1)
                .field(*r)
                .into());
        }
    }
    Ok((col, headers.len()))
}

pub(crate) fn content_id(prefix: &str, parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    format!("{prefix}{}", hex::encode(&digest[..8]))
}
