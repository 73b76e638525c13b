//! Errors. A parse error always names the file, the line or record, and the field.

use std::fmt;
use std::path::PathBuf;

/// A malformed list file: which file, where, which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// File name as the caller gave it (a path, or a name such as `sdn.csv`).
    pub file: String,
    /// 1-based line number, where the format has lines.
    pub line: Option<u64>,
    /// Record identifier or index, where known (e.g. `ent_num 10278`, `DATAID 6908011`).
    pub record: Option<String>,
    /// Column, element or property name.
    pub field: Option<String>,
    pub message: String,
}

impl ParseError {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        ParseError {
            file: file.to_string(),
            line: None,
            record: None,
            field: None,
            message: message.into(),
        }
    }
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    pub fn record(mut self, record: impl Into<String>) -> Self {
        self.record = Some(record.into());
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ": line {line}")?;
        }
        if let Some(record) = &self.record {
            write!(f, ": record {record}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ParseError {}

/// Everything the crate can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The input is malformed (bad input, exit code 2 in the CLI).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The caller asked for something that cannot be done (unknown source key, wrong file set ...).
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A download failed; the serving data was left as it was.
    #[error("download of {url} failed: {message}")]
    Download { url: String, message: String },
    /// A new version parsed but failed a sanity check; the serving data was left as it was.
    #[error("{0}")]
    Rejected(String),
    /// The store on disk is damaged or inconsistent.
    #[error("list store {path}: {message}")]
    Store { path: PathBuf, message: String },
}

impl ListError {
    /// True when the failure is the caller's input (malformed file, wrong arguments, rejected update)
    /// rather than the machine or the network.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ListError::Parse(_) | ListError::Usage(_) | ListError::Rejected(_)
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ListError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = ListError> = std::result::Result<T, E>;
