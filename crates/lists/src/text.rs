//! Small text helpers shared by the parsers.

/// Trimmed text, or `None` for empty cells and OFAC's `-0-` null marker.
pub(crate) fn clean(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() || t == "-0-" {
        None
    } else {
        Some(t.to_string())
    }
}

/// Splits a CSL multi-valued cell (`a; b; c`) into trimmed, non-empty parts.
pub(crate) fn split_multi(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|p| !p.is_empty())
}

/// Adds `value` to `list` unless already present.
pub(crate) fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> u64 {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Normalises a date written as `28 Jul 1963`, `Jul 1963`, `1963`, `1963-07-28`, `07/28/1963`
/// to ISO form (`1963-07-28`, `1963-07`, `1963`). Anything else is returned trimmed, as given.
pub(crate) fn normalise_date(s: &str) -> String {
    let t = s.trim();
    let parts: Vec<&str> = t.split_whitespace().collect();
    let month = |m: &str| {
        let m = m.to_ascii_lowercase();
        MONTHS.iter().position(|x| m.starts_with(x)).map(|i| i + 1)
    };
    let year = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [d, m, y] if year(y) && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit()) => {
            if let (Some(m), Ok(d)) = (month(m), d.parse::<u32>()) {
                return format!("{y}-{m:02}-{d:02}");
            }
        }
        [m, y] if year(y) => {
            if let Some(m) = month(m) {
                return format!("{y}-{m:02}");
            }
        }
        [single] => {
            let b = single.as_bytes();
            // MM/DD/YYYY
            if b.len() == 10 && b[2] == b'/' && b[5] == b'/' && single.is_ascii() {
                return format!("{}-{}-{}", &single[6..], &single[..2], &single[3..5]);
            }
            // DD-MM-YYYY
            if b.len() == 10 && b[2] == b'-' && b[5] == b'-' && single.is_ascii() {
                return format!("{}-{}-{}", &single[6..], &single[3..5], &single[..2]);
            }
        }
        _ => {}
    }
    t.to_string()
}

/// A best-effort ISO 15924 script code for a name written outside Latin script.
pub(crate) fn detect_script(s: &str) -> Option<String> {
    for c in s.chars() {
        let code = match c as u32 {
            0x0370..=0x03FF => "Grek",
            0x0400..=0x052F => "Cyrl",
            0x0590..=0x05FF => "Hebr",
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "Arab",
            0x0E00..=0x0E7F => "Thai",
            0x3040..=0x30FF => "Jpan",
            0xAC00..=0xD7AF | 0x1100..=0x11FF => "Hang",
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => "Hani",
            _ => continue,
        };
        return Some(code.to_string());
    }
    None
}

/// Line numbers for CSV records, counted incrementally (record starts only move forward).
///
/// The `csv` crate's own `Position::line` is off by one for CRLF files (a record's start is the
/// `\n` of the previous line end), so lines are counted here from the byte offset instead.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// Line of the record starting at `pos` (skipping line-end bytes at the start).
    pub(crate) fn record_line(&mut self, pos: Option<&csv::Position>) -> u64 {
        let Some(pos) = pos else { return self.line };
        let mut at = (pos.byte() as usize).min(self.bytes.len());
        while at < self.bytes.len() && (self.bytes[at] == b'\n' || self.bytes[at] == b'\r') {
            at += 1;
        }
        self.line_at(at)
    }

    /// Line of byte offset `at`; cheap when offsets only grow.
    pub(crate) fn line_at(&mut self, at: usize) -> u64 {
        let at = at.min(self.bytes.len());
        if at < self.offset {
            return line_of(self.bytes, at);
        }
        self.line += self.bytes[self.offset..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = at;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(normalise_date("28 Jul 1963"), "1963-07-28");
        assert_eq!(normalise_date("Jul 1963"), "1963-07");
        assert_eq!(normalise_date("1963"), "1963");
        assert_eq!(normalise_date("06/19/2003"), "2003-06-19");
        assert_eq!(normalise_date("29-06-2012"), "2012-06-29");
        assert_eq!(normalise_date("circa 1960"), "circa 1960");
        assert_eq!(normalise_date("1960 to 1962"), "1960 to 1962");
    }

    #[test]
    fn nulls_and_lines() {
        assert_eq!(clean("-0- "), None);
        assert_eq!(clean("  x "), Some("x".into()));
        assert_eq!(line_of(b"a\nb\nc", 4), 3);
        assert_eq!(detect_script("Путин").as_deref(), Some("Cyrl"));
        assert_eq!(detect_script("Putin"), None);
    }
}
