//! Where each result points, as a file, line and column: what SARIF, GitHub, GitLab, JUnit and
//! Markdown show. A source that gives a line is taken as it is; a JSON-pointer source is resolved
//! by reading its evidence file again, and only when the file's SHA-256 is still the one the
//! report recorded, so a file changed since the check (or a document that never was a file)
//! gives no line rather than a wrong one. Also: the stable fingerprint of each result.
//!
//! Not here: how any format writes a place.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Check, Report, ResultEntry};
use crate::files::{self, Input};
use crate::source::locate::locate;

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// The file, as the report names it (the evidence id: the path as given, `/`-separated).
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl Place {
    /// `path:line:column`, `path:line` or `path`.
    pub fn display(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            (Some(l), None) => format!("{}:{l}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// The places of every result of a report, in result order.
#[derive(Debug, Default)]
pub(crate) struct Places {
    by_result: Vec<Vec<Place>>,
}

impl Places {
    /// Resolve every source of every result of `report`, reading each evidence file that a
    /// pointer needs once.
    pub fn resolve(report: &Report) -> Self {
        let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in &report.results {
            for ev in &r.evidence {
                if let (Some(file), Some(pointer)) = (str_at(ev, "evidence"), str_at(ev, "pointer"))
                {
                    wanted.entry(file).or_default().push(pointer);
                }
            }
        }
        let mut resolved: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        for (file, pointers) in wanted {
            let Some(text) = evidence_text(report, file) else {
                continue;
            };
            for (pointer, at) in locate(&text, &pointers) {
                resolved.insert((file.to_owned(), pointer), at);
            }
        }
        let by_result = report
            .results
            .iter()
            .map(|r| {
                r.evidence
                    .iter()
                    .filter_map(|ev| {
                        let file = str_at(ev, "evidence")?;
                        let (line, column) = match str_at(ev, "pointer") {
                            Some(p) => resolved
                                .get(&(file.to_owned(), p.to_owned()))
                                .map_or((None, None), |&(l, c)| (Some(l), Some(c))),
                            None => (usize_at(ev, "line"), usize_at(ev, "column")),
                        };
                        Some(Place {
                            path: file.to_owned(),
                            line,
                            column,
                        })
                    })
                    .collect()
            })
            .collect();
        Self { by_result }
    }

    /// Every place of the result at `index` (of `report.results`), in the order the rule gave.
    pub fn all(&self, index: usize) -> &[Place] {
        self.by_result.get(index).map_or(&[], Vec::as_slice)
    }

    /// The first place of the result at `index`.
    pub fn first(&self, index: usize) -> Option<&Place> {
        self.all(index).first()
    }

    /// The first place of the result at `index`, else the place of its rule in its policy file
    /// (formats that need a place for every result: GitLab, GitHub code scanning).
    pub fn or_rule(&self, index: usize, r: &ResultEntry, checks: &[Check]) -> Option<Place> {
        self.first(index).cloned().or_else(|| {
            checks
                .iter()
                .find(|c| c.code == r.code && c.rule == r.rule)
                .or_else(|| checks.iter().find(|c| c.rule == r.rule))
                .map(|c| Place {
                    path: c.file.clone(),
                    line: c.line,
                    column: None,
                })
        })
    }
}

/// The text of the evidence file `id`, when it is one the report read and it is unchanged.
fn evidence_text(report: &Report, id: &str) -> Option<String> {
    let info = report.evidence.iter().find(|e| e.id == id)?;
    let bytes = files::read(Path::new(&info.path), Input::Evidence).ok()?;
    if hex::encode(Sha256::digest(&bytes)) != info.sha256 {
        return None;
    }
    crate::source::text::decode(&bytes)
        .ok()
        .map(std::borrow::Cow::into_owned)
}

fn str_at<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(serde_json::Value::as_str)
}

fn usize_at(v: &serde_json::Value, key: &str) -> Option<usize> {
    v.get(key)
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
}

/// A stable fingerprint for each result, in result order: SHA-256 (hex) of its code and
/// subject, the pair waivers and baselines key on, so a finding keeps its fingerprint across
/// runs while its message or place changes. The rare second result with the same pair (another
/// message) gets the pair's fingerprint with its ordinal mixed in, so every fingerprint of a
/// report is unique.
pub(crate) fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    report
        .results
        .iter()
        .map(|r| {
            let n = seen.entry((&r.code, &r.subject)).or_insert(0);
            let mut h = Sha256::new();
            h.update(b"gate/v1\0");
            h.update(r.code.as_bytes());
            h.update(b"\0");
            h.update(r.subject.as_bytes());
            if *n > 0 {
                h.update(format!("\0{n}").as_bytes());
            }
            *n += 1;
            hex::encode(h.finalize())
        })
        .collect()
}
