//! TOML text: parse it with errors that carry a line and column, and find `[[table]]` headers.
//!
//! Used by every module that reads a TOML file (waivers files, `gate.toml`); knows nothing of
//! what the tables mean.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::source::text::line_col;
use crate::{Error, EvidenceError};

/// Parse TOML text into `T`; errors carry the line and column of the span the parser reports
/// and, inside an array of tables named `tables` (`[[waiver]]`), which table it is
/// (`waiver 2 (`W-7`): …`).
pub(crate) fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    tables: &str,
) -> Result<T, Error> {
    ::toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().to_owned();
        let problem = match e.span() {
            Some(span) => {
                let (line, column) = line_col(text, span.start);
                let message = match table_at(text, tables, span.start) {
                    Some(n) => format!("{tables} {}: {message}", label(text, tables, n)),
                    None => message,
                };
                EvidenceError::at(message, line, column)
            }
            None => EvidenceError::new(message),
        };
        Error::Config {
            path: path.to_owned(),
            problem,
        }
    })
}

/// Byte offsets of every `[[name]]` header, in order.
pub(crate) fn headers(text: &str, name: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("[[") {
            if rest
                .split("]]")
                .next()
                .is_some_and(|found| found.trim() == name)
            {
                out.push(offset + (line.len() - t.len()));
            }
        }
        offset += line.len();
    }
    out
}

/// Index (0-based) of the `[[name]]` table that contains byte `offset`, if any.
fn table_at(text: &str, name: &str, offset: usize) -> Option<usize> {
    let n = headers(text, name).iter().filter(|&&h| h <= offset).count();
    n.checked_sub(1)
}

/// `N` or `N (`ID`)` for the 0-based `index`-th `[[name]]` table of `text`.
fn label(text: &str, name: &str, index: usize) -> String {
    let id = text.parse::<::toml::Table>().ok().and_then(|t| {
        t.get(name)?
            .as_array()?
            .get(index)?
            .get("id")?
            .as_str()
            .map(str::to_owned)
    });
    match id {
        Some(id) => format!("{} (`{id}`)", index + 1),
        None => (index + 1).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_table_headers() {
        assert_eq!(
            headers("x = 1\n  [[waiver]]\n[[ waiver ]]\n[[other]]\n", "waiver"),
            vec![8, 19]
        );
        assert_eq!(headers("[[waiver]]\n[[other]]\n", "other"), vec![11]);
    }

    #[test]
    fn errors_inside_a_table_name_it() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Doc {
            item: Vec<Item>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Item {
            id: Option<String>,
        }
        let text = "[[item]]\nid = \"A\"\n\n[[item]]\nid = \"B\"\ncolour = 1\n";
        let e = parse::<Doc>(Path::new("f.toml"), text, "item").unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.toml:6:1: item 2 (`B`): unknown field `colour`, expected `id`"
        );
    }
}
