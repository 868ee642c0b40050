//! Bytes → text: the checks every evidence file passes before any parser sees it.
//!
//! Empty and whitespace-only files, gzip data and invalid UTF-8 are refused with a position;
//! a UTF-8 byte-order mark is dropped and UTF-16 with a byte-order mark is decoded.

use std::borrow::Cow;

use crate::EvidenceError;

/// Turn a file's bytes into text, or say precisely why not.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, EvidenceError> {
    if bytes.is_empty() {
        return Err(EvidenceError::new("empty file"));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(EvidenceError::new(
            "gzip-compressed data; decompress it first (gate reads plain JSON and XML)",
        ));
    }
    let text: Cow<'_, str> = if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        Cow::Borrowed(utf8(rest)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        Cow::Owned(utf16(rest, u16::from_le_bytes)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        Cow::Owned(utf16(rest, u16::from_be_bytes)?)
    } else {
        Cow::Borrowed(utf8(bytes)?)
    };
    if text.trim().is_empty() {
        return Err(EvidenceError::new("file holds only whitespace"));
    }
    Ok(text)
}

fn utf8(bytes: &[u8]) -> Result<&str, EvidenceError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let prefix = bytes.get(..at).unwrap_or_default();
        // The prefix is valid UTF-8 by construction.
        let valid = std::str::from_utf8(prefix).unwrap_or_default();
        let (line, column) = line_col(valid, valid.len());
        EvidenceError::at(format!("invalid UTF-8 (byte offset {at})"), line, column)
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, EvidenceError> {
    if bytes.len() % 2 != 0 {
        return Err(EvidenceError::new(
            "UTF-16 text with an odd number of bytes",
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| {
        unit([
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ])
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| {
            EvidenceError::new(format!(
                "invalid UTF-16: unpaired surrogate {:#06x}",
                e.unpaired_surrogate()
            ))
        })
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Incremental line and column counter for readers that walk a document front to back.
///
/// Asking for positions in increasing order costs O(document length) in total, also on documents
/// written on one line (pytest's JUnit, minified JSON).
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    column: usize,
}

impl<'a> LineIndex<'a> {
    /// Start at the beginning of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            line: 1,
            column: 1,
        }
    }

    /// 1-based line and column (in characters) of `offset`. Offsets before the last one asked
    /// are computed afresh.
    pub fn at(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.pos {
            return line_col(self.text, offset);
        }
        let seg = self
            .text
            .as_bytes()
            .get(self.pos..offset)
            .unwrap_or_default();
        // Characters are the bytes that are not UTF-8 continuation bytes. Both counts are plain
        // folds, which compile to vector instructions.
        let chars = |b: &[u8]| b.iter().filter(|&&c| c & 0xC0 != 0x80).count();
        let newlines = seg.iter().filter(|&&b| b == b'\n').count();
        if newlines == 0 {
            self.column += chars(seg);
        } else {
            self.line += newlines;
            let last = seg.iter().rposition(|&b| b == b'\n').unwrap_or(0);
            self.column = 1 + chars(seg.get(last + 1..).unwrap_or_default());
        }
        self.pos = offset;
        (self.line, self.column)
    }
}

/// Where each line of a text starts, found in one pass: afterwards a line, or the byte offset of
/// a line and column, costs no more than that line, however far into the text it is.
///
/// For renderers that quote many places of one file: scanning from the top for each would make
/// a report's rendering quadratic in the file's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    /// Index `text` (one pass).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Self(starts)
    }

    /// Byte range of 1-based line `line`, without its line ending (as [`str::lines`] gives it).
    pub fn line_range(&self, text: &str, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.0.get(line.checked_sub(1)?)?;
        if start > text.len() || (start == text.len() && line > 1) {
            return None;
        }
        let mut end = self.0.get(line).map_or(text.len(), |next| next - 1);
        if text.as_bytes().get(end.wrapping_sub(1)) == Some(&b'\r') && end > start {
            end -= 1;
        }
        Some(start..end)
    }

    /// 1-based line `line` of `text`, without its line ending.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        text.get(self.line_range(text, line)?)
    }

    /// Byte offset of 1-based `line` and `column` (in characters); a column past the end of the
    /// text is the end of the text.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> Option<usize> {
        let start = *self.0.get(line.checked_sub(1)?)?;
        let rest = text.get(start..)?;
        let col = rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i);
        Some(start + col)
    }

    /// 1-based line of a byte offset (binary search).
    pub fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_whitespace_gzip_and_bad_utf8() {
        assert_eq!(decode(b"").unwrap_err().message, "empty file");
        assert_eq!(
            decode(b" \n\t ").unwrap_err().message,
            "file holds only whitespace"
        );
        assert!(decode(&[0x1f, 0x8b, 8, 0])
            .unwrap_err()
            .message
            .contains("gzip"));
        let e = decode(b"{\n  \"a\": \"\xff\"}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(9)));
    }

    #[test]
    fn strips_bom_and_decodes_utf16() {
        assert_eq!(decode(b"\xef\xbb\xbf{}").unwrap(), "{}");
        assert_eq!(decode(b"\xff\xfe{\x00}\x00").unwrap(), "{}");
        assert_eq!(decode(b"\xfe\xff\x00{\x00}").unwrap(), "{}");
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "ab\ncdé\n\nfgé h\n";
        let mut idx = LineIndex::new(text);
        for off in [0, 1, 3, 5, 7, 8, 9, 10, 13, 14, text.len()] {
            assert_eq!(idx.at(off), line_col(text, off), "offset {off}");
        }
        assert_eq!(idx.at(3), (2, 1), "backwards still right");
        assert_eq!(line_col(text, 9), (4, 1));
        assert_eq!(line_col("ab\ncé\nx", 7), (3, 1));
        assert_eq!(line_col("ab\ncé", 4), (2, 2));
    }

    #[test]
    fn line_starts_agree_with_lines_and_line_col() {
        let text = "ab\r\ncdé\n\nfg\n";
        let idx = LineStarts::new(text);
        let lines: Vec<&str> = text.lines().collect();
        for (i, want) in lines.iter().enumerate() {
            assert_eq!(idx.line(text, i + 1), Some(*want), "line {}", i + 1);
        }
        assert_eq!(idx.line(text, lines.len() + 1), None);
        assert_eq!(idx.line(text, 0), None);
        for off in 0..=text.len() {
            if text.is_char_boundary(off) {
                let (line, column) = line_col(text, off);
                assert_eq!(idx.line_of(off), line, "offset {off}");
                assert_eq!(idx.offset(text, line, column), Some(off), "offset {off}");
            }
        }
        let one = LineStarts::new("no newline");
        assert_eq!(one.line("no newline", 1), Some("no newline"));
    }
}
