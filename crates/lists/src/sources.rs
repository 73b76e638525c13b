//! Known list sources: their keys, formats and official download URLs.
//!
//! The defaults can be overridden or extended by a TOML file (by default `sources.toml` in the
//! store directory):
//!
//! ```toml
//! [sources.us_csl]
//! format = "csl_csv"
//! urls = ["https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"]
//!
//! [sources.opensanctions]
//! format = "ftm_json"
//! urls = ["https://example.org/entities.ftm.json"]
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{ListError, ParseError};
use crate::parse::{Format, SourceFile};

const OFAC_EXPORTS: &str =
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports";

/// One configured source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    pub format: Format,
    /// Download URLs; several for multi-file formats (OFAC). Empty: the list can only be loaded
    /// from files.
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SourcesConfig {
    #[serde(default)]
    pub sources: BTreeMap<String, SourceSpec>,
}

fn spec(format: Format, urls: &[&str], description: &str) -> SourceSpec {
    SourceSpec {
        format,
        urls: urls.iter().map(|u| u.to_string()).collect(),
        description: description.to_string(),
    }
}

impl SourcesConfig {
    /// The built-in sources with the official URLs.
    pub fn defaults() -> Self {
        let mut s = BTreeMap::new();
        s.insert(
            "us_csl".to_string(),
            spec(
                Format::CslCsv,
                &["https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"],
                "U.S. Consolidated Screening List (trade.gov): Entity List, MEU, DPL, UVL, SDN and other lists",
            ),
        );
        s.insert(
            "ofac_sdn".to_string(),
            spec(
                Format::OfacCsv,
                &[
                    &format!("{OFAC_EXPORTS}/SDN.CSV"),
                    &format!("{OFAC_EXPORTS}/ADD.CSV"),
                    &format!("{OFAC_EXPORTS}/ALT.CSV"),
                    &format!("{OFAC_EXPORTS}/SDN_COMMENTS.CSV"),
                ],
                "OFAC Specially Designated Nationals list, legacy CSV set",
            ),
        );
        s.insert(
            "ofac_cons".to_string(),
            spec(
                Format::OfacCsv,
                &[
                    &format!("{OFAC_EXPORTS}/CONS_PRIM.CSV"),
                    &format!("{OFAC_EXPORTS}/CONS_ADD.CSV"),
                    &format!("{OFAC_EXPORTS}/CONS_ALT.CSV"),
                    &format!("{OFAC_EXPORTS}/CONS_COMMENTS.CSV"),
                ],
                "OFAC consolidated non-SDN lists, legacy CSV set",
            ),
        );
        s.insert(
            "un".to_string(),
            spec(
                Format::UnXml,
                &["https://scsanctions.un.org/resources/xml/en/consolidated.xml"],
                "UN Security Council Consolidated List",
            ),
        );
        s.insert(
            "uk".to_string(),
            spec(
                Format::UkCsv,
                &[],
                "UK FCDO sanctions list summary (CSV; uk_ods for the spreadsheet)",
            ),
        );
        s.insert(
            "bis_dpl".to_string(),
            spec(
                Format::DplTxt,
                &[],
                "BIS Denied Persons List, tab-separated text",
            ),
        );
        s.insert(
            "jp_eul".to_string(),
            spec(
                Format::RegistryJson,
                &[],
                "Japan METI End User List (normalised JSON)",
            ),
        );
        s.insert(
            "cn_mofcom".to_string(),
            spec(
                Format::RegistryJson,
                &[],
                "PRC MOFCOM lists (normalised JSON)",
            ),
        );
        s.insert(
            "opensanctions".to_string(),
            spec(
                Format::FtmJson,
                &[],
                "FollowTheMoney entity JSON lines, e.g. OpenSanctions",
            ),
        );
        SourcesConfig { sources: s }
    }

    /// The defaults, with the sources of the TOML file at `path` replacing or adding to them.
    pub fn load(path: &Path) -> Result<Self, ListError> {
        let text = std::fs::read_to_string(path).map_err(|e| ListError::io(path, e))?;
        let file: SourcesConfig = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| crate::text::line_of(text.as_bytes(), s.start))
                .unwrap_or(0);
            ParseError::new(&path.display().to_string(), e.message().to_string()).line(line)
        })?;
        let mut config = SourcesConfig::defaults();
        config.sources.extend(file.sources);
        Ok(config)
    }

    pub fn get(&self, key: &str) -> Option<&SourceSpec> {
        self.sources.get(key)
    }
}

/// The format for loading `files` under `key`: the explicit one, else the file extension where the
/// key's format has a sibling (CSL CSV/JSON, UK CSV/ODS), else the key's configured format.
pub fn infer_format(
    config: &SourcesConfig,
    key: &str,
    explicit: Option<Format>,
    files: &[SourceFile],
) -> Result<Format, ListError> {
    if let Some(f) = explicit {
        return Ok(f);
    }
    let base = config.get(key).map(|s| s.format).ok_or_else(|| {
        ListError::Usage(format!(
            "unknown source key {key:?}: give --format (one of {})",
            Format::ALL.map(|f| f.as_str()).join(", ")
        ))
    })?;
    let ext = files
        .first()
        .map(|f| f.base_name())
        .and_then(|n| n.rsplit_once('.').map(|(_, e)| e.to_string()))
        .unwrap_or_default();
    Ok(match (base, ext.as_str()) {
        (Format::CslCsv, "json") => Format::CslJson,
        (Format::CslJson, "csv") => Format::CslCsv,
        (Format::UkCsv, "ods") => Format::UkOds,
        (Format::UkOds, "csv") => Format::UkCsv,
        _ => base,
    })
}
