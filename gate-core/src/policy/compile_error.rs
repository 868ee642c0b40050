//! Policy compile errors with a position: regorus writes `--> file:line:col`, the source line and
//! a caret into its message text. This reads that text back into a file, a line, a column and the
//! bare message, and attaches the policy's source so a renderer quotes the line once, itself.
//!
//! It does not change what regorus reports; a message without a position stays a plain
//! [`Error::PolicyCompile`].

use miette::{NamedSource, SourceSpan};

use super::PolicyFile;
use crate::error::PolicyAt;
use crate::Error;

/// A position regorus reported, and the message without its source excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// The policy file as regorus names it (the path it was added under).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column as regorus counts it (a tab is 4 columns).
    pub column: usize,
    /// The message, without the excerpt; any text regorus put before the excerpt comes first.
    pub message: String,
}

/// Read `--> file:line:col` / excerpt / `error: message` out of a regorus message.
pub(crate) fn locate(text: &str) -> Option<Located> {
    let start = text.find("--> ")?;
    let before = text.get(..start).unwrap_or_default().trim();
    let rest = text.get(start + 4..)?;
    let (head, after) = rest.split_once('\n').unwrap_or((rest, ""));
    let mut parts = head.trim().rsplitn(3, ':');
    let column: usize = parts.next()?.trim().parse().ok()?;
    let line: usize = parts.next()?.trim().parse().ok()?;
    let file = parts.next()?.to_owned();
    // The excerpt is the lines that start with a gutter (`  |`, `12 | …`); the message follows.
    let mut message_lines = Vec::new();
    let mut in_excerpt = true;
    for l in after.lines() {
        if in_excerpt && is_gutter(l) {
            continue;
        }
        in_excerpt = false;
        message_lines.push(l);
    }
    let body = message_lines.join("\n");
    let body = body.trim();
    let body = body
        .strip_prefix("error: ")
        .or_else(|| body.strip_prefix("error:"))
        .unwrap_or(body)
        .trim();
    let message = match (before.is_empty(), body.is_empty()) {
        (true, _) => body.to_owned(),
        (false, true) => before.trim_end_matches(':').to_owned(),
        (false, false) => format!("{}: {body}", before.trim_end_matches(':')),
    };
    Some(Located {
        file,
        line,
        column,
        message,
    })
}

/// `  |`, `3 | deny …`, `  |     ^`: regorus' excerpt lines.
fn is_gutter(line: &str) -> bool {
    let t = line.trim_start();
    match t.split_once('|') {
        Some((num, _)) => num.trim().chars().all(|c| c.is_ascii_digit()),
        None => false,
    }
}

/// Byte span of `line`:`column` in `text` (regorus counts a tab as 4 columns), covering the
/// identifier or number that starts there, else one character.
pub(crate) fn span(text: &str, line: usize, column: usize) -> Option<SourceSpan> {
    let mut start = 0;
    for _ in 1..line {
        start += text.get(start..)?.find('\n')? + 1;
    }
    let rest = text.get(start..)?;
    let line_text = rest.split('\n').next().unwrap_or_default();
    let mut col = 1;
    let mut at = line_text.len();
    for (i, c) in line_text.char_indices() {
        if col >= column {
            at = i;
            break;
        }
        col += if c == '\t' { 4 } else { 1 };
    }
    let tail = line_text.get(at..).unwrap_or_default();
    let word = tail
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(tail.len(), |(i, _)| i);
    let len = if word > 0 {
        word
    } else {
        tail.chars().next().map_or(0, char::len_utf8)
    };
    Some(SourceSpan::from((start + at, len)))
}

/// A regorus message's position resolved in one of `files`: the position (column in
/// characters), the span and the source to quote.
struct Resolved {
    found: Located,
    column: usize,
    span: SourceSpan,
    source: NamedSource<String>,
}

fn resolve(files: &[PolicyFile], found: Located) -> Result<Resolved, Located> {
    let Some(file) = files.iter().find(|f| f.path == found.file) else {
        return Err(found);
    };
    let span = span(&file.text, found.line, found.column).unwrap_or_else(|| (0, 0).into());
    // Report the column in characters, as editors (and the quoted excerpt) count it.
    let line_start = file
        .text
        .get(..span.offset())
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let column = file
        .text
        .get(line_start..span.offset())
        .map_or(found.column, |t| t.chars().count() + 1);
    let source = NamedSource::new(found.file.clone(), file.text.clone());
    Ok(Resolved {
        found,
        column,
        span,
        source,
    })
}

/// The error for a regorus compile failure over `files`: positioned when regorus gave a position
/// in one of them, a plain [`Error::PolicyCompile`] otherwise.
pub(crate) fn compile_error(files: &[PolicyFile], err: impl std::fmt::Display) -> Error {
    // `{:#}` keeps anyhow's context chain.
    let text = format!("{err:#}");
    let Some(found) = locate(&text) else {
        return Error::PolicyCompile {
            message: text.trim().to_owned(),
        };
    };
    match resolve(files, found) {
        Ok(r) => Error::PolicyCompileAt(Box::new(PolicyAt {
            file: r.found.file,
            line: r.found.line,
            column: r.column,
            message: r.found.message,
            source_code: r.source,
            span: r.span,
        })),
        Err(found) => Error::PolicyCompile {
            message: format!(
                "{}:{}:{}: {}",
                found.file, found.line, found.column, found.message
            ),
        },
    }
}

/// The error for a regorus evaluation failure of `rule` over `files`: positioned when regorus
/// gave a position in one of them, a plain [`Error::PolicyEval`] otherwise.
pub(crate) fn eval_error(files: &[PolicyFile], rule: &str, err: impl std::fmt::Display) -> Error {
    let text = format!("{err:#}");
    let plain = |message: String| Error::PolicyEval {
        rule: rule.to_owned(),
        message,
    };
    let Some(found) = locate(&text) else {
        return plain(text.trim().to_owned());
    };
    match resolve(files, found) {
        Ok(r) => Error::PolicyEvalAt(Box::new(PolicyAt {
            file: r.found.file,
            line: r.found.line,
            column: r.column,
            message: r.found.message,
            source_code: r.source,
            span: r.span,
        })),
        Err(_) => plain(text.trim().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regorus_message_format() {
        let text = "\n--> policies/p.rego:3:17\n  |\n3 | deny contains x if {\n  |                 ^\nerror: expecting `}`";
        let l = locate(text).unwrap();
        assert_eq!(
            l,
            Located {
                file: "policies/p.rego".into(),
                line: 3,
                column: 17,
                message: "expecting `}`".into()
            }
        );
    }

    #[test]
    fn context_before_the_excerpt_is_kept() {
        let text = "while compiling: \n--> C:/p.rego:12:2\n   |\n12 | \tx := y\n   |  ^\nerror: var y is unsafe";
        let l = locate(text).unwrap();
        assert_eq!((l.file.as_str(), l.line, l.column), ("C:/p.rego", 12, 2));
        assert_eq!(l.message, "while compiling: var y is unsafe");
    }

    #[test]
    fn spans_count_tabs_as_four_columns() {
        let text = "package p\n\n\tdeny_me := foo\n";
        // Column 5 is just after the tab.
        let s = span(text, 3, 5).unwrap();
        assert_eq!((s.offset(), s.len()), (12, 7));
        assert_eq!(text.get(12..19), Some("deny_me"));
        // A column past the end points at the end of the line.
        let s = span(text, 1, 40).unwrap();
        assert_eq!((s.offset(), s.len()), (9, 0));
    }

    #[test]
    fn compile_errors_point_at_the_source_in_characters() {
        let files = [PolicyFile {
            path: "p.rego".into(),
            text: "package p\n\n\tdeny_me := foo\n".into(),
        }];
        let e = compile_error(
            &files,
            "\n--> p.rego:3:5\n  |\n3 | \tdeny_me := foo\n  |     ^\nerror: bad",
        );
        let Error::PolicyCompileAt(at) = e else {
            panic!("{e:?}")
        };
        let PolicyAt {
            file,
            line,
            column,
            message,
            span,
            ..
        } = *at;
        assert_eq!((file.as_str(), line, column), ("p.rego", 3, 2));
        assert_eq!(
            (message.as_str(), span.offset(), span.len()),
            ("bad", 12, 7)
        );
    }

    #[test]
    fn evaluation_errors_with_a_position_quote_the_policy() {
        let set = super::super::PolicySet {
            files: vec![PolicyFile {
                path: "u.rego".into(),
                text:
                    "package u\n\ndeny contains msg if {\n\tmsg := gate.purl.parse(\"log4j\")\n}\n"
                        .into(),
            }],
        };
        let opts = super::super::EngineOptions {
            now_ns: 0,
            timeout: std::time::Duration::from_secs(10),
            max_memory: super::super::DEFAULT_MAX_MEMORY,
        };
        let mut engine = super::super::PolicyEngine::new(&set, Vec::new(), &opts).unwrap();
        let e = engine.evaluate(regorus::Value::new_object()).unwrap_err();
        let Error::PolicyEvalAt(at) = e else {
            panic!("{e:?}")
        };
        assert_eq!((at.file.as_str(), at.line), ("u.rego", 4));
        assert!(at.message.contains("gate.purl.parse"), "{}", at.message);
        assert_eq!(
            set.files[0]
                .text
                .get(at.span.offset()..at.span.offset() + 1),
            Some("(")
        );
    }

    #[test]
    fn messages_without_a_position_stay_plain() {
        let e = compile_error(&[], "something broke");
        assert!(matches!(e, Error::PolicyCompile { ref message } if message == "something broke"));
    }
}
