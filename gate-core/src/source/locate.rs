//! Where JSON pointers point in a JSON text, as line and column, for renderers that want to show
//! `grype.json:1234:5` rather than `grype.json#/matches/17`.
//!
//! One pass over the text that descends only into the containers on some pointer's path and
//! skips everything else without decoding it. Facts keep pointers (stable, cheap); this turns
//! the few that a report shows into positions. Not a validator: it expects a document that was
//! already read successfully and gives up quietly (no position) on anything odd.

use std::collections::{BTreeMap, HashMap};

use super::text::LineIndex;

/// 1-based line and column of the value each pointer designates. Pointers that do not resolve
/// are left out.
pub fn locate(text: &str, pointers: &[&str]) -> BTreeMap<String, (usize, usize)> {
    let mut root = Node::default();
    for p in pointers {
        if let Some(tokens) = tokens(p) {
            let mut node = &mut root;
            for t in tokens {
                node = node.children.entry(t).or_default();
            }
            node.target = Some((*p).to_owned());
        }
    }
    let mut scan = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        found: Vec::new(),
    };
    scan.ws();
    scan.value(Some(&root));
    scan.found.sort_by_key(|(offset, _)| *offset);
    let mut index = LineIndex::new(text);
    scan.found
        .into_iter()
        .map(|(offset, p)| (p, index.at(offset)))
        .collect()
}

/// The end (exclusive byte offset) of the JSON value that starts at `start`, when it ends before
/// `limit`: what a renderer quotes of a located value. It reads only `start..limit`, so quoting
/// many values of one large file stays linear in what is quoted.
pub fn value_end(text: &str, start: usize, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes().get(..limit.min(text.len()))?;
    let mut scan = Scanner {
        bytes,
        pos: start,
        found: Vec::new(),
    };
    let delimited = matches!(bytes.get(start), Some(b'{' | b'[' | b'"'));
    // A number or literal that runs into the limit may go on past it.
    let closed = scan.skip_value()
        && scan.pos > start
        && (delimited || scan.pos < bytes.len() || bytes.len() == text.len());
    closed.then_some(scan.pos)
}

/// RFC 6901 reference tokens of a pointer; `None` when it is not a pointer.
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

#[derive(Default)]
struct Node {
    children: HashMap<String, Node>,
    target: Option<String>,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    found: Vec<(usize, String)>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
    }

    /// At the start of a value: record it if targeted, then descend or skip it.
    fn value(&mut self, node: Option<&Node>) {
        let Some(node) = node else {
            self.skip_value();
            return;
        };
        if let Some(target) = &node.target {
            self.found.push((self.pos, target.clone()));
        }
        if node.children.is_empty() {
            self.skip_value();
            return;
        }
        match self.peek() {
            Some(b'{') => self.object(node),
            Some(b'[') => self.array(node),
            _ => {
                self.skip_value();
            }
        }
    }

    fn object(&mut self, node: &Node) {
        self.pos += 1;
        loop {
            self.ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') => {
                    self.pos += 1;
                    return;
                }
                _ => {
                    self.pos = self.bytes.len();
                    return;
                }
            }
            let Some(key) = self.string() else { return };
            self.ws();
            if self.peek() != Some(b':') {
                self.pos = self.bytes.len();
                return;
            }
            self.pos += 1;
            self.ws();
            self.value(node.children.get(&key));
            self.ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }

    fn array(&mut self, node: &Node) {
        self.pos += 1;
        let mut i = 0usize;
        loop {
            self.ws();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return;
                }
                None => return,
                _ => {}
            }
            self.value(node.children.get(&i.to_string()));
            i += 1;
            self.ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }

    /// A string at `pos` (which is `"`), decoded; `pos` ends after its closing quote.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_string();
        let raw = self.bytes.get(start..self.pos)?;
        let raw = std::str::from_utf8(raw).ok()?;
        if raw.contains('\\') {
            serde_json::from_str(raw).ok()
        } else {
            raw.get(1..raw.len().saturating_sub(1)).map(str::to_owned)
        }
    }

    /// Skip a string; whether its closing quote was found.
    fn skip_string(&mut self) -> bool {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => return true,
                _ => {}
            }
        }
        false
    }

    /// Skip one value of any kind, containers included, without recursion; whether it ended
    /// before the text did (a scalar ends at its delimiter or at the end of the text).
    fn skip_value(&mut self) -> bool {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'"' => {
                            self.skip_string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.pos += 1;
                                return true;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                false
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.pos += 1;
                }
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_end_closes_the_value_or_says_it_runs_past_the_limit() {
        let text = "[{\"a\": \"}]\\\"\", \"b\": [1, 2]}, 17, \"s\"]";
        let obj = text.find('{').unwrap();
        let end = value_end(text, obj, text.len()).unwrap();
        assert_eq!(&text[obj..end], "{\"a\": \"}]\\\"\", \"b\": [1, 2]}");
        assert_eq!(value_end(text, obj, end - 1), None, "cut before its `}}`");
        let nested = "{\"a\": {\"b\": 1}, \"c\": 2}";
        assert_eq!(
            value_end(nested, 0, nested.find(',').unwrap()),
            None,
            "cut after an inner `}}`"
        );
        let n = text.find("17").unwrap();
        assert_eq!(&text[n..value_end(text, n, text.len()).unwrap()], "17");
        assert_eq!(value_end(text, n, n + 1), None, "a number cut short");
        let s = text.rfind("\"s\"").unwrap();
        assert_eq!(&text[s..value_end(text, s, text.len()).unwrap()], "\"s\"");
        assert_eq!(value_end(text, s, s + 1), None);
        assert_eq!(value_end(text, text.len(), text.len()), None);
        assert_eq!(value_end(text, 0, text.len()), Some(text.len()));
    }

    #[test]
    fn finds_nested_values_and_skips_the_rest() {
        let text = "{\n  \"skip\": {\"a\": [1, {\"b\": \"}]\\\"\"}]},\n  \"matches\": [\n    {\"x\": 1},\n    {\"x\": 2, \"a/b\": true}\n  ],\n  \"n\": -1.5e3\n}";
        let found = locate(
            text,
            &[
                "/matches/1",
                "/matches/1/a~1b",
                "/n",
                "/matches/0/x",
                "/missing",
                "/matches/7",
            ],
        );
        assert_eq!(found.get("/matches/0/x"), Some(&(4, 11)));
        assert_eq!(found.get("/matches/1"), Some(&(5, 5)));
        assert_eq!(found.get("/matches/1/a~1b"), Some(&(5, 21)));
        assert_eq!(found.get("/n"), Some(&(7, 8)));
        assert!(!found.contains_key("/missing"));
        assert!(!found.contains_key("/matches/7"));
    }

    #[test]
    fn escaped_keys_and_the_root() {
        let found = locate(r#"{"a\"b": {"c": 1}}"#, &["", "/a\"b/c"]);
        assert_eq!(found.get(""), Some(&(1, 1)));
        assert_eq!(found.get("/a\"b/c"), Some(&(1, 16)));
    }

    #[test]
    fn damaged_text_gives_up_quietly() {
        for text in [
            "",
            "{",
            "{\"a\": [1, 2",
            "[\"unterminated",
            "{\"a\" 1}",
            "}}}]]",
        ] {
            let _ = locate(text, &["/a/1", "/0"]);
        }
        assert!(locate("{\"a\": [1, 2", &["/a/5"]).is_empty());
    }
}
