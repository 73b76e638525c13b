use std::fmt;

/// Bad input: names the file, the field (a dotted path) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub file: String,
    /// Dotted path of the field, e.g. `item.memory_bandwidth`; empty for a syntax error.
    pub field: String,
    /// Line and column when known (syntax errors).
    pub line: Option<usize>,
    pub message: String,
}

impl InputError {
    pub fn field(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_string(),
            field: field.into(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": field `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}
