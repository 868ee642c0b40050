//! The GitLab Code Quality renderer: the JSON array GitLab reads from
//! `artifacts:reports:codequality` and shows in the merge request widget and diff.
//!
//! One issue per unwaived result: `description` (the message), `check_name` (the code),
//! `fingerprint` (stable across runs: code and subject), `severity`, and `location.path` with
//! `location.lines.begin` (the evidence file and line; the rule's policy file when the result
//! names no evidence). Severity: a result that fails the verdict is `blocker` when its severity
//! is critical and `critical` otherwise; other warnings are `major` (critical, high), `minor`
//! (medium) or `info` (low, info, none). Waived results are left out: they are accepted. A check
//! that could not be evaluated gives one `blocker` issue per problem.

use serde::Serialize;

use super::places::{fingerprints, Place, Places};
use super::Report;

/// One Code Quality issue.
#[derive(Debug, Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Debug, Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Debug, Serialize)]
struct Lines {
    begin: usize,
}

/// The report as a Code Quality JSON array, pretty-printed with a trailing newline.
pub fn render(report: &Report) -> String {
    let places = Places::resolve(report);
    let prints = fingerprints(report);
    let mut issues: Vec<Issue<'_>> = Vec::new();
    for p in &report.errors {
        let place = Place {
            path: p.path.clone().unwrap_or_else(|| ".".to_owned()),
            line: p.line,
            column: p.column,
        };
        issues.push(Issue {
            kind: "issue",
            check_name: &p.code,
            description: &p.message,
            fingerprint: problem_fingerprint(&place, &p.code, &p.message),
            severity: "blocker",
            location: location(Some(place)),
        });
    }
    for (i, r) in report.results.iter().enumerate() {
        if r.waived_by.is_some() {
            continue;
        }
        let severity = r.severity.as_deref().unwrap_or("");
        let severity = match (report.fails(r), severity) {
            (true, "critical") => "blocker",
            (true, _) => "critical",
            (false, "critical" | "high") => "major",
            (false, "medium") => "minor",
            (false, _) => "info",
        };
        issues.push(Issue {
            kind: "issue",
            check_name: &r.code,
            description: &r.message,
            fingerprint: prints.get(i).cloned().unwrap_or_default(),
            severity,
            location: location(places.or_rule(i, r, &report.checks)),
        });
    }
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    s.push('\n');
    s
}

fn location(place: Option<Place>) -> Location {
    let place = place.unwrap_or(Place {
        path: ".".to_owned(),
        line: None,
        column: None,
    });
    Location {
        path: place.path,
        lines: Lines {
            begin: place.line.unwrap_or(1),
        },
    }
}

fn problem_fingerprint(place: &Place, code: &str, message: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in ["gate-error/v1", code, &place.display(), message] {
        h.update(part.as_bytes());
        h.update(b"\0");
    }
    hex::encode(h.finalize())
}
