//! A cheap bound on YAML nesting, checked before a YAML parser sees the text.
//!
//! yaml_serde refuses more than 128 levels only once its loader has turned the whole document
//! into events, and that loading grows with the square of the nesting: a 200 KB file nested
//! 100,000 deep took over half a minute. This scan makes one pass over the text and computes an
//! upper bound on the nesting a parser would build — two levels per block indentation level (a
//! mapping and a sequence written at its key's indentation), one per `- `/`? ` opened on the same
//! line, one for a key, one per open flow `[`/`{` — and refuses text whose bound passes
//! [`MAX_DEPTH`], the limit JSON has. The bound overshoots (a four-level approvals file scores
//! about ten), never undershoots. Not a validator: the parser still judges the text.

use crate::EvidenceError;

/// The deepest nesting gate reads in YAML: the same limit as JSON.
pub const MAX_DEPTH: usize = 128;

/// Refuse `text` when it could nest deeper than [`MAX_DEPTH`], at the line and column where the
/// bound is passed.
pub fn check_depth(text: &str) -> Result<(), EvidenceError> {
    check_depth_at_most(text, MAX_DEPTH)
}

fn check_depth_at_most(text: &str, limit: usize) -> Result<(), EvidenceError> {
    let mut scan = Scan {
        limit,
        ..Scan::default()
    };
    for (i, line) in text.split('\n').enumerate() {
        scan.line(line.as_bytes()).map_err(|column| {
            EvidenceError::at(
                format!("YAML nested deeper than {limit} levels"),
                i + 1,
                column,
            )
        })?;
    }
    Ok(())
}

#[derive(Default)]
struct Scan {
    /// The deepest nesting allowed.
    limit: usize,
    /// Indentation of the open block levels.
    indents: Vec<usize>,
    /// Open flow collections.
    flow: usize,
    /// The block depth of the line the open flow collections started on.
    flow_base: usize,
    /// Inside a block scalar: the indentation its content must exceed.
    block_scalar: Option<usize>,
    /// Inside a quoted scalar spanning lines: its quote.
    quote: Option<u8>,
}

impl Scan {
    /// Scan one line; `Err(column)` (1-based, in bytes) where the bound passes the limit.
    fn line(&mut self, line: &[u8]) -> Result<(), usize> {
        let indent = line.iter().take_while(|b| **b == b' ').count();
        let rest = line.get(indent..).unwrap_or_default();
        let blank = rest.iter().all(|b| b.is_ascii_whitespace());
        if let Some(parent) = self.block_scalar {
            if blank || indent > parent {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let mut pos = 0;
        if let Some(q) = self.quote {
            match skip_quoted(line, 0, q) {
                Some(end) => {
                    self.quote = None;
                    pos = end;
                }
                None => return Ok(()),
            }
        } else if self.flow == 0 {
            if blank || rest.first() == Some(&b'#') {
                return Ok(());
            }
            let document_marker = indent == 0
                && (rest.starts_with(b"---") || rest.starts_with(b"..."))
                && rest.get(3).is_none_or(|b| b.is_ascii_whitespace());
            if document_marker {
                self.indents.clear();
                pos = 3;
            } else {
                while self.indents.last().is_some_and(|&i| i >= indent) {
                    self.indents.pop();
                }
                self.indents.push(indent);
                pos = indent;
            }
        }
        let mut depth = if self.flow > 0 {
            self.flow_base
        } else {
            2 * self.indents.len() + 1
        };
        let mut at_node = self.flow == 0 || pos > 0;
        // Block indicators opening nested collections on this line: `- - x`, `? k`, `- k: v`.
        if self.flow == 0 {
            loop {
                pos = skip_spaces(line, pos);
                let here = line.get(pos).copied();
                let next = line.get(pos + 1).copied();
                let indicator = matches!(here, Some(b'-' | b'?' | b':'))
                    && next.is_none_or(|b| b == b' ' || b == b'\t' || b == b'\r');
                if !indicator {
                    break;
                }
                depth += 1;
                pos += 1;
                if depth > self.limit {
                    return Err(pos);
                }
            }
        }
        while let Some(&b) = line.get(pos) {
            let column = pos + 1;
            match b {
                b' ' | b'\t' | b'\r' => {
                    pos += 1;
                    continue;
                }
                b'#' if pos == 0
                    || line.get(pos - 1).is_some_and(|p| *p == b' ' || *p == b'\t') =>
                {
                    return Ok(());
                }
                b'[' | b'{' if at_node || self.flow > 0 => {
                    if self.flow == 0 {
                        self.flow_base = depth;
                    }
                    self.flow += 1;
                    if self.flow_base + self.flow > self.limit {
                        return Err(column);
                    }
                    at_node = true;
                }
                b']' | b'}' if self.flow > 0 => {
                    self.flow -= 1;
                    at_node = false;
                }
                b',' if self.flow > 0 => at_node = true,
                b':' if line
                    .get(pos + 1)
                    .is_none_or(|n| n.is_ascii_whitespace() || self.flow > 0) =>
                {
                    at_node = true;
                    if self.flow == 0 {
                        depth += 1;
                        if depth > self.limit {
                            return Err(column);
                        }
                    }
                }
                b'"' | b'\'' if at_node => match skip_quoted(line, pos + 1, b) {
                    Some(end) => {
                        pos = end;
                        at_node = false;
                        continue;
                    }
                    None => {
                        self.quote = Some(b);
                        return Ok(());
                    }
                },
                b'|' | b'>' if at_node && self.flow == 0 => {
                    self.block_scalar = Some(indent);
                    return Ok(());
                }
                // Anchors and tags come before the node they name.
                b'&' | b'!' if at_node => {
                    while line.get(pos).is_some_and(|c| !c.is_ascii_whitespace()) {
                        pos += 1;
                    }
                    continue;
                }
                _ => at_node = false,
            }
            pos += 1;
        }
        Ok(())
    }
}

fn skip_spaces(line: &[u8], mut pos: usize) -> usize {
    while line.get(pos).is_some_and(|b| *b == b' ' || *b == b'\t') {
        pos += 1;
    }
    pos
}

/// The position after the closing `quote` of a scalar whose content starts at `pos`; `None`
/// when it does not close on this line.
fn skip_quoted(line: &[u8], mut pos: usize, quote: u8) -> Option<usize> {
    while let Some(&b) = line.get(pos) {
        if quote == b'"' && b == b'\\' {
            pos += 2;
            continue;
        }
        if b == quote {
            if quote == b'\'' && line.get(pos + 1) == Some(&b'\'') {
                pos += 2;
                continue;
            }
            return Some(pos + 1);
        }
        pos += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real nesting of a YAML text, as yaml_serde builds it.
    fn real_depth(v: &yaml_serde::Value) -> usize {
        match v {
            yaml_serde::Value::Sequence(s) => 1 + s.iter().map(real_depth).max().unwrap_or(0),
            yaml_serde::Value::Mapping(m) => 1 + m.values().map(real_depth).max().unwrap_or(0),
            yaml_serde::Value::Tagged(t) => real_depth(&t.value),
            _ => 0,
        }
    }

    #[test]
    fn ordinary_documents_pass() {
        let text = "gate-approvals: 1\nchange:\n  id: \"PR-1\"   # the change\napprovals:\n- approver: alice\n  state: approved\n  reason: |\n    [[[[ not a flow ]\n    {{{\n- {approver: bob, state: 'it''s [fine'}\n-   - - x\n    - y\n";
        check_depth(text).unwrap();
        let v: yaml_serde::Value = yaml_serde::from_str(text).unwrap();
        assert!(real_depth(&v) <= 4);
    }

    #[test]
    fn deep_flow_and_block_nesting_is_refused_early() {
        let flow = "a: ".to_owned() + &"[".repeat(100_000) + &"]".repeat(100_000);
        let e = check_depth(&flow).unwrap_err();
        assert_eq!(e.message, "YAML nested deeper than 128 levels");
        assert_eq!(e.line, Some(1));
        let dashes = "- ".repeat(100_000) + "x";
        assert!(check_depth(&dashes).is_err());
        let block: String = (0..200)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(check_depth(&block).is_err());
        let same_indent: String = (0..100)
            .map(|i| format!("{}- k{i}:\n", "  ".repeat(i)))
            .collect();
        assert!(check_depth(&same_indent).is_err());
    }

    /// The bound is never below the real depth: refused with a limit one below it, for shapes
    /// that nest in every way YAML allows.
    #[test]
    fn the_bound_is_never_below_the_real_depth() {
        let mut texts = Vec::new();
        for n in [1usize, 2, 5, 17, 40] {
            let ind = |k: usize, unit: &str| unit.repeat(k);
            texts.push("[".repeat(n) + &"]".repeat(n));
            texts.push("{a: ".repeat(n) + "x" + &"}".repeat(n));
            texts.push("- ".repeat(n) + "x");
            texts.push("? ".repeat(n) + "x");
            texts.push(
                (0..n)
                    .map(|i| format!("{}k{i}:\n", ind(i, " ")))
                    .collect::<String>()
                    + &ind(n, " ")
                    + "x\n",
            );
            texts.push(
                (0..n)
                    .map(|i| format!("{}- k{i}:\n", ind(i, "  ")))
                    .collect::<String>()
                    + &ind(n, "  ")
                    + "- x\n",
            );
            texts.push(
                (0..n)
                    .map(|i| format!("{}k{i}:\n{}- \n", ind(2 * i, " "), ind(2 * i, " ")))
                    .collect::<String>(),
            );
            texts.push(
                (0..n)
                    .map(|i| format!("{}- [\n", ind(i, " ")))
                    .collect::<String>()
                    + &"]".repeat(n),
            );
            texts.push(format!("a: &x !!seq {}", "[\"],[\", ".repeat(n)) + &"]".repeat(n));
            texts.push(format!("a: {}", "['it''s [', ".repeat(n)) + &"]".repeat(n));
            texts.push(format!("- a: {}\n", "- ".repeat(n)));
        }
        let mut checked = 0;
        for text in texts {
            let Ok(v) = yaml_serde::from_str::<yaml_serde::Value>(&text) else {
                continue;
            };
            let real = real_depth(&v);
            if real > 0 {
                assert!(
                    check_depth_at_most(&text, real - 1).is_err(),
                    "depth {real}: {text}"
                );
                checked += 1;
            }
        }
        assert!(checked > 40, "{checked}");
    }
}
