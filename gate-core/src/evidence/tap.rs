//! TAP (Test Anything Protocol) versions 12, 13 and 14, as Node's test runner, tape and
//! node-tap write it.
//!
//! Only top-level test points (`ok` / `not ok` at column 0) are test cases; indented lines are
//! subtests, which TAP reports again as their parent's point. `# SKIP` (any case) is skipped,
//! `not ok … # TODO` is skipped, `ok … # TODO` passed; otherwise `ok` passed and `not ok` failed.
//! A YAML diagnostics block (`  ---` … `  ...`) after a top-level point gives its message
//! (`message`, else Node's `error`), its place (`at`, else Node's `location`) and its duration
//! (`duration_ms`); Node writes blocks that are not always valid YAML, so a block yaml_serde
//! refuses is read key by key instead. `Bail out!` ends the stream: it becomes an errored case
//! and the rest is not read.
//!
//! A plan (`1..N`, first or last) that disagrees with the number of test points, or a stream
//! without a plan that did not bail out, is a [`CountMismatch`] and a diagnostic: a runner that
//! crashed half-way must not look like a clean run. What is refused: a second plan, a plan that
//! is not `1..N`, a `TAP version` other than 13 or 14, or one that is not the first line, and a
//! YAML block that is never closed (a truncated file).

use super::common::plural;
use super::format::{text, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed};
use crate::diagnostic::{Code, Diagnostic};
use crate::input::{
    CountMismatch, Producer, Source, TestCase, TestReport, TestStatus, TestSummary,
};
use crate::EvidenceError;

impl Kind {
    /// TAP 13/14 (Test Anything Protocol).
    #[allow(non_upper_case_globals)]
    pub const Tap: Kind = Kind("tap");
}

/// TAP: a version line, a plan or a test point first.
pub(crate) struct TapFormat;

impl Format for TapFormat {
    fn kind(&self) -> Kind {
        Kind::Tap
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(text(probe).is_some_and(looks_like))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Longest message kept, in bytes (cut at a character boundary).
pub const MAX_MESSAGE: usize = 4096;

/// Whether `text` looks like a TAP stream: its first non-blank line is `TAP version N`, a plan
/// or a test point, and it has none of the lines `go test` writes (which also start with `ok`).
pub fn looks_like(text: &str) -> bool {
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let first = first.trim_end();
    let starts =
        version_of(first).is_some() || first.starts_with("1..") || point_keyword(first).is_some();
    starts && !looks_like_go_test(text)
}

/// `go test` output: `=== RUN`, `--- PASS`, `PASS`/`FAIL` alone, `ok  \tpkg`.
fn looks_like_go_test(text: &str) -> bool {
    text.lines().any(|l| {
        l.starts_with("=== RUN")
            || l.starts_with("=== PAUSE")
            || l.starts_with("=== CONT")
            || l.starts_with("--- PASS")
            || l.starts_with("--- FAIL")
            || l.starts_with("--- SKIP")
            || l == "PASS"
            || l == "FAIL"
            || l.starts_with("FAIL\t")
            || l.starts_with("ok  \t")
    })
}

/// `TAP version N` → `N`.
fn version_of(line: &str) -> Option<&str> {
    let v = line.strip_prefix("TAP version ")?.trim();
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).then_some(v)
}

/// `ok` or `not ok` at the start of `line`, followed by a word boundary; returns (ok, rest).
fn point_keyword(line: &str) -> Option<(bool, &str)> {
    let (ok, rest) = if let Some(rest) = line.strip_prefix("not ok") {
        (false, rest)
    } else if let Some(rest) = line.strip_prefix("ok") {
        (true, rest)
    } else {
        return None;
    };
    let boundary = rest
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
    boundary.then_some((ok, rest))
}

/// A test point's directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Skip,
    Todo,
}

/// One parsed test point line (after `ok` / `not ok`).
#[derive(Debug, PartialEq)]
struct Point {
    number: Option<u64>,
    description: String,
    directive: Option<(Directive, String)>,
}

/// Parse the text after `ok` / `not ok`: `[number] [-] [description] [# directive [reason]]`.
fn parse_point(rest: &str) -> Point {
    let rest = rest.trim_start();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = match rest.split_at_checked(digits) {
        Some((n, tail)) if digits > 0 => (n.parse().ok(), tail),
        _ => (None, rest),
    };
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix("- ")
        .or_else(|| (rest == "-").then_some(""))
        .unwrap_or(rest);
    // The description ends at the first `#` not escaped by a backslash.
    let mut description = String::new();
    let mut chars = rest.char_indices();
    let mut comment = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, '#')) => description.push('#'),
                Some((_, '\\')) => description.push('\\'),
                Some((_, other)) => {
                    description.push('\\');
                    description.push(other);
                }
                None => description.push('\\'),
            },
            '#' => {
                comment = rest.get(i + 1..);
                break;
            }
            c => description.push(c),
        }
    }
    let directive = comment.and_then(|c| {
        let c = c.trim_start();
        let word: String = c.chars().take(4).collect::<String>().to_ascii_lowercase();
        let kind = match word.as_str() {
            "skip" => Directive::Skip,
            "todo" => Directive::Todo,
            _ => return None,
        };
        // The reason follows the directive word (`SKIP`, `skipped`, `TODO:` …).
        let after = c.trim_start_matches(|ch: char| ch.is_alphabetic());
        let reason = after.trim_start_matches(':').trim().to_owned();
        Some((kind, reason))
    });
    Point {
        number,
        description: description.trim().to_owned(),
        directive,
    }
}

/// What a top-level YAML diagnostics block says.
#[derive(Debug, Default, PartialEq)]
struct Diagnostics {
    message: Option<String>,
    at: Option<String>,
    duration_ms: Option<f64>,
}

/// Read a YAML block (lines without their common indentation).
fn read_yaml(block: &str) -> Diagnostics {
    // Too deep to parse in reasonable time: read it as lines, like any block that is not YAML.
    if crate::source::yaml::check_depth(block).is_err() {
        return read_yaml_loosely(block);
    }
    match yaml_serde::from_str::<yaml_serde::Value>(block) {
        Ok(v) if v.as_mapping().is_some() => Diagnostics {
            message: ["message", "error"]
                .iter()
                .find_map(|k| v.get(*k).and_then(scalar_text)),
            at: ["at", "location"]
                .iter()
                .find_map(|k| v.get(*k).and_then(place)),
            duration_ms: v.get("duration_ms").and_then(yaml_serde::Value::as_f64),
        },
        Ok(_) => Diagnostics::default(),
        Err(_) => read_yaml_loosely(block),
    }
}

fn scalar_text(v: &yaml_serde::Value) -> Option<String> {
    match v {
        yaml_serde::Value::String(s) => Some(s.clone()),
        yaml_serde::Value::Number(n) => Some(n.to_string()),
        yaml_serde::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `at` as a string, or TAP 14's `{file, line, column}` object.
fn place(v: &yaml_serde::Value) -> Option<String> {
    if let Some(s) = scalar_text(v) {
        return Some(s);
    }
    let file = v.get("file").and_then(scalar_text)?;
    Some(match v.get("line").and_then(scalar_text) {
        Some(line) => format!("{file}:{line}"),
        None => file,
    })
}

/// Top-level `key: value` pairs of a block that is not valid YAML: a plain or quoted scalar,
/// or a `|`/`>` block scalar on the more indented lines that follow. The first of each key wins.
fn read_yaml_loosely(block: &str) -> Diagnostics {
    let mut out = Diagnostics::default();
    let mut lines = block.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let text = if value.starts_with('|') || value.starts_with('>') {
            let mut body = Vec::new();
            while let Some(next) = lines.next_if(|l| l.starts_with(' ') || l.trim().is_empty()) {
                body.push(next.trim());
            }
            body.join("\n").trim().to_owned()
        } else {
            let unquoted = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                .or_else(|| value.strip_prefix('`').and_then(|v| v.strip_suffix('`')))
                .unwrap_or(value);
            unquoted.to_owned()
        };
        match key.trim() {
            "message" | "error" if out.message.is_none() && !text.is_empty() => {
                out.message = Some(text);
            }
            "at" | "location" if out.at.is_none() && !text.is_empty() => out.at = Some(text),
            "duration_ms" if out.duration_ms.is_none() => out.duration_ms = text.parse().ok(),
            _ => {}
        }
    }
    out
}

/// A top-level test point being read (its YAML block may follow).
#[derive(Debug)]
struct Open {
    point: Point,
    ok: bool,
    line: usize,
    /// The first failing nested test point's description, for a parent without a message.
    failed_subtest: Option<String>,
}

#[derive(Debug)]
struct State<'i> {
    id: &'i str,
    version: Option<String>,
    plan: Option<(u64, usize)>,
    open: Option<Open>,
    /// The failing nested point seen since the last top-level point (subtests come first).
    pending_subtest_failure: Option<String>,
    tests: Vec<TestCase>,
    summary: TestSummary,
    bailed_out: bool,
    node: bool,
    /// The number of every top-level point, as written or (unnumbered) the one after the
    /// previous point's.
    numbers: Vec<u64>,
}

impl<'i> State<'i> {
    fn close(&mut self, diagnostics: Option<Diagnostics>) {
        let Some(open) = self.open.take() else {
            return;
        };
        let diag = diagnostics.unwrap_or_default();
        let (status, reason) = match (&open.point.directive, open.ok) {
            (Some((Directive::Skip, reason)), _) => (TestStatus::Skipped, Some(reason.clone())),
            (Some((Directive::Todo, reason)), false) => (TestStatus::Skipped, Some(reason.clone())),
            (Some((Directive::Todo, _)), true) | (None, true) => (TestStatus::Passed, None),
            (None, false) => (TestStatus::Failed, None),
        };
        let message = match status {
            TestStatus::Failed => {
                let base = match (diag.message, open.failed_subtest) {
                    (Some(m), Some(s)) => Some(format!("{m} (first failing subtest: `{s}`)")),
                    (Some(m), None) => Some(m),
                    (None, Some(s)) => Some(format!("subtest `{s}` failed")),
                    (None, None) => None,
                };
                match (base, diag.at) {
                    (Some(m), Some(at)) => Some(format!("{m}\nat {at}")),
                    (Some(m), None) => Some(m),
                    (None, Some(at)) => Some(format!("at {at}")),
                    (None, None) => None,
                }
            }
            _ => reason.filter(|r| !r.is_empty()),
        };
        let name = if open.point.description.is_empty() {
            match open.point.number {
                Some(n) => format!("test {n}"),
                None => format!("test at line {}", open.line),
            }
        } else {
            open.point.description
        };
        self.summary.add(status);
        self.tests.push(TestCase {
            suite: String::new(),
            classname: String::new(),
            name,
            status,
            message: message.map(|m| crate::source::xml::clip(m.trim(), MAX_MESSAGE).to_owned()),
            duration_s: diag
                .duration_ms
                .filter(|d| d.is_finite() && *d >= 0.0)
                .map(|d| d / 1000.0),
            flaky: false,
            source: Source::line(self.id, open.line, 1),
            subject: String::new(),
        });
    }
}

/// Read a TAP stream.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mut state = State {
        id,
        version: None,
        plan: None,
        open: None,
        pending_subtest_failure: None,
        tests: Vec::new(),
        summary: TestSummary::default(),
        bailed_out: false,
        node: false,
        numbers: Vec::new(),
    };
    // An open YAML block: (indentation of its `---`, the line it starts on, its lines, whether
    // it belongs to a top-level point).
    let mut yaml: Option<(usize, usize, String, bool)> = None;
    // Whether the last significant line was a test point at this indentation.
    let mut after_point: Option<usize> = None;
    let mut first_significant = true;
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.get(indent..).unwrap_or_default().trim_end();

        if let Some((yaml_indent, _, buf, top)) = &mut yaml {
            if indent == *yaml_indent && body == "..." {
                let block = std::mem::take(buf);
                let top = *top;
                yaml = None;
                after_point = None;
                if top {
                    // Too deep a block is read line by line (`read_yaml`), so its parse stays cheap.
                    let diag = read_yaml(&block);
                    state.close(Some(diag));
                }
                continue;
            }
            if *top {
                let strip = (*yaml_indent).min(indent);
                buf.push_str(line.get(strip..).unwrap_or_default());
                buf.push('\n');
            }
            continue;
        }
        if body.is_empty() {
            continue;
        }
        let was_first = std::mem::take(&mut first_significant);

        if body == "---" && after_point.is_some_and(|p| indent > p) {
            yaml = Some((indent, line_no, String::new(), after_point == Some(0)));
            continue;
        }
        after_point = None;

        if body.starts_with("Bail out!") {
            state.close(None);
            let reason = body.trim_start_matches("Bail out!").trim();
            state.summary.add(TestStatus::Errored);
            state.tests.push(TestCase {
                suite: String::new(),
                classname: String::new(),
                name: "Bail out!".into(),
                status: TestStatus::Errored,
                message: Some(if reason.is_empty() {
                    "the test run bailed out".to_owned()
                } else {
                    crate::source::xml::clip(reason, MAX_MESSAGE).to_owned()
                }),
                duration_s: None,
                flaky: false,
                source: Source::line(id, line_no, indent + 1),
                subject: String::new(),
            });
            state.bailed_out = true;
            break;
        }

        if indent > 0 {
            // A subtest's line. Only its failures matter, to explain the parent.
            if let Some((false, rest)) = point_keyword(body) {
                let p = parse_point(rest);
                if p.directive.is_none() && state.pending_subtest_failure.is_none() {
                    state.pending_subtest_failure = Some(p.description);
                }
            }
            if point_keyword(body).is_some() {
                after_point = Some(indent);
            }
            continue;
        }

        if let Some(v) = version_of(body) {
            if !was_first {
                return Err(EvidenceError::at(
                    "`TAP version` must be the first line of a TAP stream",
                    line_no,
                    1,
                ));
            }
            if v != "13" && v != "14" {
                return Err(EvidenceError::at(
                    format!("TAP version {v} is not one gate reads (13 or 14)"),
                    line_no,
                    1,
                ));
            }
            state.version = Some(v.to_owned());
            continue;
        }
        if let Some(range) = body.strip_prefix("1..") {
            state.close(None);
            let count = range.split('#').next().unwrap_or_default().trim();
            let n: u64 = count.parse().map_err(|_| {
                let why = if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) {
                    " (the count is out of range)"
                } else {
                    " (expected `1..N`)"
                };
                EvidenceError::at(
                    format!(
                        "not a TAP plan: `{}`{why}",
                        crate::source::xml::clip(body, 60)
                    ),
                    line_no,
                    1,
                )
            })?;
            if let Some((_, first)) = state.plan {
                return Err(EvidenceError::at(
                    format!("a second TAP plan (the first is on line {first})"),
                    line_no,
                    1,
                ));
            }
            state.plan = Some((n, line_no));
            continue;
        }
        if let Some((ok, rest)) = point_keyword(body) {
            state.close(None);
            let point = parse_point(rest);
            let number = match point.number {
                Some(n) => n,
                None if rest.trim_start().starts_with(|c: char| c.is_ascii_digit()) => {
                    return Err(EvidenceError::at(
                        "test point number out of range",
                        line_no,
                        1,
                    ));
                }
                None => state.numbers.last().map_or(1, |n| n.saturating_add(1)),
            };
            state.numbers.push(number);
            state.open = Some(Open {
                point,
                ok,
                line: line_no,
                failed_subtest: state.pending_subtest_failure.take(),
            });
            after_point = Some(0);
            continue;
        }
        if body.starts_with("# suites ") || body.starts_with("# cancelled ") {
            state.node = true;
        }
        // Comments (`# Subtest: …`, tape's test names), pragmas and unknown lines: TAP says a
        // reader ignores them.
    }
    if let Some((_, start, _, _)) = yaml {
        return Err(EvidenceError::at(
            format!("the YAML diagnostics block opened on line {start} is never closed with `...` (is the file truncated?)"),
            start,
            1,
        ));
    }
    state.close(None);
    Ok(finish(state))
}

fn finish(state: State<'_>) -> Parsed {
    let found = state.summary.total;
    let found_failures = state.summary.failed;
    let mut diagnostics = Vec::new();
    let mut mismatches = Vec::new();
    let mismatch = match state.plan {
        _ if state.bailed_out => None,
        Some((n, line)) if n != found => Some((
            Some(n),
            line,
            format!("the plan `1..{n}` (line {line}) announces {n} {} but the stream has {found} test {}",
                plural(n, "test", "tests"), plural(found, "point", "points")),
        )),
        Some(_) => None,
        None => Some((
            None,
            state.tests.first().and_then(|t| t.source.line).unwrap_or(1),
            format!("the stream has no plan (`1..N`), so it may have stopped early; {found} test {} found",
                plural(found, "point", "points")),
        )),
    };
    // Point numbers are checked when the count agrees with the plan (a count that does not is
    // reported already): a point given twice can stand in for one that is missing.
    let count_agrees = mismatch.is_none();
    if let Some((claimed, line, message)) = mismatch {
        diagnostics.push(Diagnostic {
            code: Code::TapPlanMismatch,
            path: Some(state.id.to_owned()),
            line: Some(line),
            message,
        });
        mismatches.push(CountMismatch {
            suite: "plan".into(),
            claimed_failures: 0,
            claimed_errors: 0,
            found_failures,
            found_errors: state.summary.errored,
            claimed_tests: claimed,
            found_tests: Some(found),
            duplicate_points: Vec::new(),
            missing_points: Vec::new(),
            source: Source::line(state.id, line, 1),
        });
    }
    if count_agrees && !state.bailed_out {
        let last = state.plan.map_or_else(
            || state.numbers.iter().copied().max().unwrap_or(0),
            |(n, _)| n,
        );
        let (duplicate, missing) = numbering(&state.numbers, last);
        if !duplicate.is_empty() || !missing.is_empty() {
            let line = state.tests.first().and_then(|t| t.source.line).unwrap_or(1);
            diagnostics.push(Diagnostic {
                code: Code::TapPlanMismatch,
                path: Some(state.id.to_owned()),
                line: Some(line),
                message: format!(
                    "test points are numbered wrongly: {}",
                    numbering_words(&duplicate, &missing)
                ),
            });
            mismatches.push(CountMismatch {
                suite: "numbering".into(),
                claimed_failures: 0,
                claimed_errors: 0,
                found_failures,
                found_errors: state.summary.errored,
                claimed_tests: state.plan.map(|(n, _)| n),
                found_tests: Some(found),
                duplicate_points: duplicate,
                missing_points: missing,
                source: Source::line(state.id, line, 1),
            });
        }
    }
    Parsed {
        format_version: state.version,
        producer: Producer {
            name: if state.node {
                "node-test-runner"
            } else {
                "tap"
            }
            .to_owned(),
            version: None,
        },
        facts: Facts {
            tests: state.tests,
            test_report: Some(TestReport {
                evidence: state.id.to_owned(),
                summary: state.summary,
                mismatches,
            }),
            ..Facts::default()
        },
        diagnostics,
        ..Parsed::default()
    }
}

/// The most point numbers listed as duplicated or missing (a stream may miss millions).
pub const MAX_LISTED: usize = 10;

/// The point numbers given more than once, and those in `1..=last` given by no point (at most
/// [`MAX_LISTED`] of each, smallest first). Works on gaps, so a plan of `1..4000000000` costs no
/// more than its points.
fn numbering(numbers: &[u64], last: u64) -> (Vec<u64>, Vec<u64>) {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    let mut duplicate = Vec::new();
    let mut missing = Vec::new();
    let mut expect: u64 = 1;
    let mut previous = None;
    for &n in &sorted {
        if previous == Some(n) {
            if duplicate.last() != Some(&n) && duplicate.len() < MAX_LISTED {
                duplicate.push(n);
            }
            continue;
        }
        previous = Some(n);
        let mut gap = expect;
        while gap < n.min(last.saturating_add(1)) && missing.len() < MAX_LISTED {
            missing.push(gap);
            gap += 1;
        }
        expect = n.saturating_add(1);
    }
    let mut gap = expect;
    while gap <= last && missing.len() < MAX_LISTED {
        missing.push(gap);
        gap = gap.saturating_add(1);
        if gap == u64::MAX {
            break;
        }
    }
    (duplicate, missing)
}

fn numbering_words(duplicate: &[u64], missing: &[u64]) -> String {
    let list = |v: &[u64]| {
        let mut s = v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        if v.len() == MAX_LISTED {
            s.push_str(", …");
        }
        s
    };
    match (duplicate.is_empty(), missing.is_empty()) {
        (false, false) => format!(
            "{} given more than once, {} missing",
            list(duplicate),
            list(missing)
        ),
        (false, true) => format!("{} given more than once", list(duplicate)),
        _ => format!("{} missing", list(missing)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_ok(text: &str) -> Parsed {
        read("t.tap", text).unwrap()
    }

    fn counts(p: &Parsed) -> [u64; 5] {
        let s = p.facts.test_report.as_ref().unwrap().summary;
        [s.total, s.passed, s.failed, s.errored, s.skipped]
    }

    fn mismatches(p: &Parsed) -> &[CountMismatch] {
        &p.facts.test_report.as_ref().unwrap().mismatches
    }

    /// The fixture Node's test runner wrote (fixtures/SOURCES.md): every outcome, nested suites.
    #[test]
    fn node_test_runner_fixture() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/tap/node-test.tap");
        let text = fs_err::read_to_string(path).unwrap();
        let p = read_ok(&text);
        assert_eq!(p.format_version.as_deref(), Some("13"));
        assert_eq!(p.producer.name, "node-test-runner");
        // 9 top-level points: 4 passed (one an `ok # TODO`), 3 failed (one a suite whose nested
        // test failed), 2 skipped (a SKIP and a failing TODO); nested subtests are not counted.
        assert_eq!(counts(&p), [9, 4, 3, 0, 2]);
        assert!(mismatches(&p).is_empty());
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let t = &p.facts.tests;
        let failed = &t[2];
        assert_eq!(
            failed.name,
            "slugify never ends with a dash after truncation"
        );
        assert_eq!(failed.status, TestStatus::Failed);
        let msg = failed.message.as_deref().unwrap();
        assert!(
            msg.starts_with("Expected values to be strictly equal:"),
            "{msg}"
        );
        assert!(
            msg.ends_with("at fixtures/demo-src/js/test/tap-cases.test.mjs:18:1"),
            "{msg}"
        );
        assert_eq!(failed.source, Source::line("t.tap", 13, 1));
        assert!(failed.duration_s.unwrap() > 0.0);
        assert_eq!(t[4].status, TestStatus::Skipped);
        assert_eq!(
            t[4].message.as_deref(),
            Some("undecided: empty slug or error")
        );
        assert_eq!(t[5].status, TestStatus::Skipped);
        assert_eq!(
            t[5].message.as_deref(),
            Some("message should quote the pair")
        );
        assert_eq!(t[6].status, TestStatus::Passed);
        assert_eq!(t[7].name, "parsePairs");
        assert_eq!(t[7].status, TestStatus::Failed);
        assert_eq!(
            t[7].message.as_deref(),
            Some(
                "1 subtest failed (first failing subtest: `splits pairs on semicolons`)\n\
                 at fixtures/demo-src/js/test/tap-cases.test.mjs:36:1"
            )
        );
        // Node writes this block with a key twice and a back-quoted value: not YAML, read loosely.
        let last = &t[8];
        assert_eq!(last.status, TestStatus::Failed);
        assert!(
            last.message
                .as_deref()
                .unwrap()
                .starts_with("missing '=' in \"oops\""),
            "{last:?}"
        );
    }

    #[test]
    fn points_numbers_descriptions_and_directives() {
        let p = read_ok(
            "TAP version 14\n1..6\nok 1 - a \\# b\nnot ok 2 c # skip no network\nok 3 # ToDo later\n\
             not ok 4 - d # TODO: flaky\nnot ok\nok 6 - e # skipped: slow\n",
        );
        assert_eq!(p.format_version.as_deref(), Some("14"));
        let t = &p.facts.tests;
        assert_eq!(t[0].name, "a # b");
        assert_eq!(t[0].status, TestStatus::Passed);
        assert_eq!(
            (t[1].name.as_str(), t[1].status),
            ("c", TestStatus::Skipped)
        );
        assert_eq!(t[1].message.as_deref(), Some("no network"));
        assert_eq!(
            (t[2].name.as_str(), t[2].status),
            ("test 3", TestStatus::Passed)
        );
        assert_eq!(t[3].status, TestStatus::Skipped);
        assert_eq!(t[3].message.as_deref(), Some("flaky"));
        assert_eq!(
            (t[4].name.as_str(), t[4].status),
            ("test at line 7", TestStatus::Failed)
        );
        assert_eq!(t[5].status, TestStatus::Skipped);
        assert_eq!(counts(&p), [6, 2, 1, 0, 3]);
        assert!(mismatches(&p).is_empty());
    }

    #[test]
    fn yaml_diagnostics_give_message_place_and_duration() {
        let p = read_ok(
            "TAP version 13\nnot ok 1 - sum\n  ---\n  message: 'expected 3'\n  severity: fail\n  \
             at:\n    file: test/sum.js\n    line: 7\n  duration_ms: 250\n  ...\n1..1\n",
        );
        let t = &p.facts.tests[0];
        assert_eq!(t.message.as_deref(), Some("expected 3\nat test/sum.js:7"));
        assert_eq!(t.duration_s, Some(0.25));
        assert_eq!(t.source.line, Some(2));
    }

    #[test]
    fn subtests_do_not_count_but_explain_their_parent() {
        let p = read_ok(
            "TAP version 14\n# Subtest: outer\n    ok 1 - inner a\n    not ok 2 - inner b\n      ---\n      \
             message: nested\n      ...\n    1..2\nnot ok 1 - outer\n1..1\n",
        );
        assert_eq!(counts(&p), [1, 0, 1, 0, 0]);
        assert_eq!(
            p.facts.tests[0].message.as_deref(),
            Some("subtest `inner b` failed")
        );
        // Node's parent block says only how many failed; the first failing subtest is added.
        let p = read_ok(
            "TAP version 13\n# Subtest: suite\n    # Subtest: deep\n    not ok 1 - deep\n    1..1\n\
             not ok 1 - suite\n  ---\n  error: '1 subtest failed'\n  ...\nok 2 - next\n1..2\n",
        );
        assert_eq!(counts(&p), [2, 1, 1, 0, 0]);
        assert_eq!(
            p.facts.tests[0].message.as_deref(),
            Some("1 subtest failed (first failing subtest: `deep`)")
        );
        assert_eq!(p.facts.tests[1].message, None);
    }

    #[test]
    fn plan_mismatch_and_missing_plan_are_reported() {
        let p = read_ok("TAP version 13\n1..4\nok 1\nnot ok 2\n");
        let m = mismatches(&p);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].claimed_tests, m[0].found_tests), (Some(4), Some(2)));
        assert_eq!(m[0].found_failures, 1);
        assert_eq!(m[0].source, Source::line("t.tap", 2, 1));
        assert_eq!(p.diagnostics[0].code, Code::TapPlanMismatch);
        assert!(
            p.diagnostics[0].message.contains("announces 4 tests"),
            "{:?}",
            p.diagnostics
        );

        let p = read_ok("ok 1 - a\nok 2 - b\n");
        let m = mismatches(&p);
        assert_eq!((m[0].claimed_tests, m[0].found_tests), (None, Some(2)));
        assert!(p.diagnostics[0].message.contains("no plan"));

        // The plan at the end is as good as at the start.
        assert!(mismatches(&read_ok("ok 1\nok 2\n1..2\n")).is_empty());
    }

    /// Issue 9: a point given twice can stand in for one that failed and was removed; the
    /// count agrees with the plan, so only the numbers show it.
    #[test]
    fn repeated_and_missing_point_numbers_are_reported() {
        for (text, duplicate, missing) in [
            ("TAP version 13\n1..3\nok 1\nok 1\nok 3\n", vec![1], vec![2]),
            ("TAP version 13\n1..3\nok 1\nok 2\nok 2\n", vec![2], vec![3]),
            ("1..3\nok 1\nok 3\nok\n", vec![], vec![2]),
            ("TAP version 13\nok 1\nok 3\nok 3\n1..3\n", vec![3], vec![2]),
        ] {
            let p = read_ok(text);
            let m = mismatches(&p);
            assert_eq!(m.len(), 1, "{text:?}: {m:?}");
            assert_eq!(m[0].suite, "numbering");
            assert_eq!(m[0].duplicate_points, duplicate, "{text:?}");
            assert_eq!(m[0].missing_points, missing, "{text:?}");
            assert_eq!((m[0].claimed_tests, m[0].found_tests), (Some(3), Some(3)));
            assert_eq!(p.diagnostics[0].code, Code::TapPlanMismatch);
            assert!(
                p.diagnostics[0]
                    .message
                    .starts_with("test points are numbered wrongly"),
                "{:?}",
                p.diagnostics
            );
        }
        let p = read_ok("TAP version 13\n1..3\nok 1\nok 1\nok 3\n");
        assert_eq!(
            p.diagnostics[0].message,
            "test points are numbered wrongly: 1 given more than once, 2 missing"
        );
        // In order, out of order, or unnumbered: nothing is hidden.
        for text in [
            "1..3\nok 1\nok 2\nok 3\n",
            "1..3\nok 2\nok 1\nok 3\n",
            "1..3\nok\nok\nok\n",
        ] {
            assert!(mismatches(&read_ok(text)).is_empty(), "{text:?}");
        }
        // Huge numbers cost no more than their points, and list at most MAX_LISTED.
        let p = read_ok("1..2\nok 1\nok 18446744073709551615\n");
        assert_eq!(mismatches(&p)[0].missing_points, vec![2]);
        let (d, m) = numbering(&[1, 4_000_000_000], 4_000_000_000);
        assert!(d.is_empty());
        assert_eq!(m, (2..12).collect::<Vec<u64>>());
    }

    /// Issue 9: a number gate cannot read is bad evidence.
    #[test]
    fn unreadable_plan_and_point_numbers_are_refused() {
        for (text, line, needle) in [
            ("TAP version 13\n1..abc\nok 1\n", 2, "(expected `1..N`)"),
            (
                "TAP version 13\n1..99999999999999999999999\nok 1\n",
                2,
                "(the count is out of range)",
            ),
            ("TAP version 13\n1..-1\n", 2, "not a TAP plan"),
            (
                "TAP version 13\n1..1\nok 99999999999999999999999\n",
                3,
                "test point number out of range",
            ),
        ] {
            let e = read("t.tap", text).unwrap_err();
            assert!(e.message.contains(needle), "{text:?}: {e:?}");
            assert_eq!(e.line, Some(line), "{text:?}");
        }
    }

    #[test]
    fn skip_all_plan_is_an_empty_run() {
        let p = read_ok("TAP version 13\n1..0 # SKIP no database\n");
        assert_eq!(counts(&p), [0, 0, 0, 0, 0]);
        assert!(mismatches(&p).is_empty());
    }

    #[test]
    fn bail_out_is_an_errored_case_and_ends_the_stream() {
        let p = read_ok("TAP version 13\n1..5\nok 1\nBail out! database is down\nok 2\n");
        assert_eq!(counts(&p), [2, 1, 0, 1, 0]);
        let t = &p.facts.tests[1];
        assert_eq!(t.name, "Bail out!");
        assert_eq!(t.message.as_deref(), Some("database is down"));
        assert_eq!(t.source, Source::line("t.tap", 4, 1));
        assert!(mismatches(&p).is_empty());
    }

    #[test]
    fn broken_streams_are_refused_with_a_line() {
        for (text, line, needle) in [
            ("TAP version 13\n1..2\nok 1\n1..2\n", 4, "second TAP plan"),
            ("TAP version 13\n1..x\n", 2, "not a TAP plan"),
            ("TAP version 12\nok 1\n", 1, "TAP version 12"),
            ("ok 1\nTAP version 13\n", 2, "first line"),
            (
                "TAP version 13\nnot ok 1\n  ---\n  message: x\n",
                3,
                "never closed",
            ),
        ] {
            let e = read("t.tap", text).unwrap_err();
            assert!(e.message.contains(needle), "{text:?}: {e:?}");
            assert_eq!(e.line, Some(line), "{text:?}");
        }
    }

    #[test]
    fn detection_is_careful() {
        assert!(looks_like("TAP version 13\n1..1\nok 1\n"));
        assert!(looks_like("\n1..2\nok 1\nok 2\n"));
        assert!(looks_like("not ok 1 - x\n"));
        assert!(!looks_like("okay then\n"));
        assert!(!looks_like("ok  \texample.com/pkg\t0.01s\n"));
        assert!(!looks_like("ok 1\n=== RUN   TestX\n--- PASS: TestX\n"));
        assert!(!looks_like("# a comment first\nok 1\n"));
        assert!(!looks_like("gate-approvals: 1\n"));
    }
}
