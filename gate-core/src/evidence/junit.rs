//! JUnit XML, in the dialects real tools write: Maven Surefire/Failsafe (with reruns and flaky
//! tests), pytest (xunit1 and xunit2), jest-junit, go-junit-report, gotestsum, cargo-nextest,
//! Node's test runner (test cases directly under `<testsuites>`), nested suites and a bare
//! `<testsuite>` root.
//!
//! Counts come from the `<testcase>` elements, wherever they are, never from suite attributes.
//! A case with a `<failure>` child failed; else with an `<error>` child it errored; else with a
//! `<skipped>` child it was skipped (pytest writes xfail as skipped); else it passed. Surefire's
//! `flakyFailure`/`flakyError` (and `rerunFailure`/`rerunError` without a final failure) mean it
//! passed on a rerun: passed, marked flaky. A case's message is the deciding element's `message`
//! attribute, else its trimmed text, at most [`MAX_MESSAGE`] bytes. The producer is named only
//! where the document says so reliably (pytest's suite name, cargo-nextest's and jest-junit's
//! root name, Surefire's and Failsafe's schema location); otherwise it is `junit`.
//!
//! A suite (`<testsuite>` or `<testsuites>`) whose `failures` plus `errors` attributes claim more
//! than the cases in its subtree show is reported as a [`CountMismatch`] and a diagnostic: a
//! crashed suite or a setup error outside any case must not look like a clean run. The two are
//! compared as a sum because tools disagree on failure versus error, and each Surefire rerun
//! element counts as shown, because Surefire counts every failed run in `failures`.
//!
//! One pass over the events of a [`SafeReader`]; the XML safety rules are that module's.

use std::borrow::Cow;

use super::common::plural;
use super::format::{xml_root, Claim, Format, Probe};
use super::{Facts, Parsed};
use crate::diagnostic::{Code, Diagnostic};
use crate::input::{
    CountMismatch, Producer, Source, TestCase, TestReport, TestStatus, TestSummary,
};
use crate::source::xml::{clip, SafeReader, XmlEvent};
use crate::EvidenceError;

impl super::Kind {
    /// JUnit XML, every common dialect.
    #[allow(non_upper_case_globals)]
    pub const Junit: super::Kind = super::Kind("junit");
}

/// JUnit XML: a `<testsuites>` or `<testsuite>` root.
pub(crate) struct JunitFormat;

impl Format for JunitFormat {
    fn kind(&self) -> super::Kind {
        super::Kind::Junit
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(matches!(xml_root(probe), Some("testsuites" | "testsuite")))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Longest message kept, in bytes (cut at a character boundary).
pub const MAX_MESSAGE: usize = 4096;

/// Read a JUnit XML document.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mut reader = SafeReader::new(text);
    let mut state = State::new(id);
    loop {
        match reader.next_event()? {
            XmlEvent::Start(el) => {
                let depth = reader.depth();
                let local = el.local_name();
                if depth == 1 && local != "testsuites" && local != "testsuite" {
                    let (line, column) = reader.position();
                    return Err(EvidenceError::at(
                        format!(
                            "not a JUnit report: the root element is <{}>, expected <testsuites> or <testsuite>",
                            clip(el.name(), 60)
                        ),
                        line,
                        column,
                    ));
                }
                state.start(&mut reader, &el, depth)?;
            }
            XmlEvent::End(local) => state.end(local, reader.depth() + 1),
            XmlEvent::Text(t) => state.text(&t),
            XmlEvent::Eof => break,
        }
    }
    if !state.seen_root {
        return Err(EvidenceError::new(
            "not a JUnit report: the document holds no element",
        ));
    }
    Ok(state.finish())
}

/// Which status element a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Failure,
    Error,
    Skipped,
}

/// The first `<failure>`, `<error>` or `<skipped>` of a case: its `message`, else its text.
#[derive(Debug, Default)]
struct Outcome {
    message: Option<String>,
    text: String,
}

impl Outcome {
    fn into_message(self) -> Option<String> {
        let text = match self.message {
            Some(m) => m,
            None => self.text,
        };
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| clip(trimmed, MAX_MESSAGE).to_owned())
    }
}

#[derive(Debug)]
struct OpenCase {
    depth: usize,
    classname: String,
    name: String,
    duration_s: Option<f64>,
    source: Source,
    failure: Option<Outcome>,
    error: Option<Outcome>,
    skipped: Option<Outcome>,
    /// `flakyFailure`/`rerunFailure` children (Surefire counts each run in `failures`).
    rerun_failures: u64,
    /// `flakyError`/`rerunError` children.
    rerun_errors: u64,
}

impl OpenCase {
    fn slot(&mut self, kind: Kind) -> &mut Option<Outcome> {
        match kind {
            Kind::Failure => &mut self.failure,
            Kind::Error => &mut self.error,
            Kind::Skipped => &mut self.skipped,
        }
    }
}

#[derive(Debug)]
struct OpenSuite {
    depth: usize,
    /// `suite` of [`CountMismatch`]: the `/`-joined path for `<testsuite>`, the name for
    /// `<testsuites>`.
    label: String,
    /// Length of the joined suite path before this suite added its name.
    path_len: usize,
    claimed_failures: Option<u64>,
    claimed_errors: Option<u64>,
    found_failures: u64,
    found_errors: u64,
    line: usize,
    source: Source,
}

#[derive(Debug)]
struct State<'i> {
    id: &'i str,
    seen_root: bool,
    producer: Option<&'static str>,
    /// Names of the open `<testsuite>`s joined with `/`.
    path: String,
    suites: Vec<OpenSuite>,
    cases: Vec<OpenCase>,
    /// The status element whose text is being collected, and its depth.
    collecting: Option<(Kind, usize)>,
    tests: Vec<TestCase>,
    summary: TestSummary,
    mismatches: Vec<CountMismatch>,
    diagnostics: Vec<Diagnostic>,
    /// `time` attributes that are not durations: how many, and the first with its line.
    bad_times: u64,
    first_bad_time: Option<(String, usize)>,
}

impl<'i> State<'i> {
    fn new(id: &'i str) -> Self {
        Self {
            id,
            seen_root: false,
            producer: None,
            path: String::new(),
            suites: Vec::new(),
            cases: Vec::new(),
            collecting: None,
            tests: Vec::new(),
            summary: TestSummary::default(),
            mismatches: Vec::new(),
            diagnostics: Vec::new(),
            bad_times: 0,
            first_bad_time: None,
        }
    }

    fn start(
        &mut self,
        reader: &mut SafeReader<'_>,
        el: &crate::source::xml::Element<'_>,
        depth: usize,
    ) -> Result<(), EvidenceError> {
        self.seen_root = true;
        let local = el.local_name();
        match local {
            "testsuite" | "testsuites" => {
                let mut name: Option<Cow<'_, str>> = None;
                let (mut failures, mut errors) = (None, None);
                let (line, column) = reader.position();
                let count = |key: &str, value: &str| {
                    parse_count(value).ok_or_else(|| {
                        EvidenceError::at(
                            format!(
                                "<{local}> attribute `{key}=\"{}\"` is not a count (a whole number from 0 to {MAX_COUNT}); \
                                 an unreadable count is bad evidence, not zero",
                                clip(value, 40)
                            ),
                            line,
                            column,
                        )
                    })
                };
                for (key, value) in reader.attributes() {
                    match key {
                        "name" => name = Some(value),
                        "failures" => failures = Some(count(key, &value)?),
                        "errors" => errors = Some(count(key, &value)?),
                        // Read to refuse what is not a count; not compared (tools count reruns
                        // and parametrised cases in `tests` differently).
                        "tests" | "skipped" | "disabled" => {
                            count(key, &value)?;
                        }
                        _ if depth == 1 && self.producer.is_none() => {
                            self.producer = producer_from_root_attr(key, &value);
                        }
                        _ => {}
                    }
                }
                let name = name.unwrap_or_default();
                if self.producer.is_none() {
                    self.producer = producer_from_suite_name(local, depth, &name);
                }
                let path_len = self.path.len();
                let label = if local == "testsuite" {
                    if !self.path.is_empty() {
                        self.path.push('/');
                    }
                    self.path.push_str(&name);
                    self.path.clone()
                } else if name.is_empty() {
                    "testsuites".to_owned()
                } else {
                    name.into_owned()
                };
                self.suites.push(OpenSuite {
                    depth,
                    label,
                    path_len,
                    claimed_failures: failures,
                    claimed_errors: errors,
                    found_failures: 0,
                    found_errors: 0,
                    line,
                    source: Source::line(self.id, line, column),
                });
            }
            "testcase" => {
                let (mut name, mut classname, mut class, mut duration_s) = (None, None, None, None);
                let mut bad_time = None;
                for (key, value) in reader.attributes() {
                    match key {
                        "name" => name = Some(value),
                        "classname" => classname = Some(value),
                        "class" => class = Some(value),
                        "time" => {
                            duration_s = parse_seconds(&value);
                            if duration_s.is_none() {
                                bad_time = Some(value);
                            }
                        }
                        _ => {}
                    }
                }
                let (line, column) = reader.position();
                if let Some(value) = bad_time {
                    self.bad_times += 1;
                    self.first_bad_time
                        .get_or_insert_with(|| (clip(&value, 40).to_owned(), line));
                }
                self.cases.push(OpenCase {
                    depth,
                    classname: classname.or(class).unwrap_or_default().into_owned(),
                    name: name.unwrap_or_default().into_owned(),
                    duration_s,
                    source: Source::line(self.id, line, column),
                    failure: None,
                    error: None,
                    skipped: None,
                    rerun_failures: 0,
                    rerun_errors: 0,
                });
            }
            _ => {
                let Some(case) = self.cases.last_mut() else {
                    return Ok(());
                };
                if case.depth + 1 != depth {
                    return Ok(());
                }
                let kind = match local {
                    "failure" => Kind::Failure,
                    "error" => Kind::Error,
                    "skipped" => Kind::Skipped,
                    "flakyFailure" | "rerunFailure" => {
                        case.rerun_failures += 1;
                        return Ok(());
                    }
                    "flakyError" | "rerunError" => {
                        case.rerun_errors += 1;
                        return Ok(());
                    }
                    _ => return Ok(()),
                };
                let slot = case.slot(kind);
                if slot.is_some() {
                    return Ok(());
                }
                let message = reader.attr("message").filter(|m| !m.trim().is_empty());
                let collect = message.is_none() && !el.is_empty();
                *slot = Some(Outcome {
                    message: message.map(Cow::into_owned),
                    text: String::new(),
                });
                if collect {
                    self.collecting = Some((kind, depth));
                }
            }
        }
        Ok(())
    }

    fn text(&mut self, piece: &str) {
        let Some((kind, _)) = self.collecting else {
            return;
        };
        let Some(Some(outcome)) = self.cases.last_mut().map(|c| c.slot(kind)) else {
            return;
        };
        let buf = &mut outcome.text;
        let piece = if buf.is_empty() {
            piece.trim_start()
        } else {
            piece
        };
        let room = (MAX_MESSAGE + 1).saturating_sub(buf.len());
        if room > 0 {
            buf.push_str(clip(piece, room));
        }
    }

    /// An element at `depth` ends.
    fn end(&mut self, local: &str, depth: usize) {
        if let Some((_, d)) = self.collecting {
            if d == depth {
                self.collecting = None;
            }
        }
        match local {
            "testcase" if self.cases.last().is_some_and(|c| c.depth == depth) => {
                if let Some(case) = self.cases.pop() {
                    self.close_case(case);
                }
            }
            "testsuite" | "testsuites" if self.suites.last().is_some_and(|s| s.depth == depth) => {
                if let Some(suite) = self.suites.pop() {
                    self.close_suite(suite);
                }
            }
            _ => {}
        }
    }

    fn close_case(&mut self, case: OpenCase) {
        let (status, outcome) = if case.failure.is_some() {
            (TestStatus::Failed, case.failure)
        } else if case.error.is_some() {
            (TestStatus::Errored, case.error)
        } else if case.skipped.is_some() {
            (TestStatus::Skipped, case.skipped)
        } else {
            (TestStatus::Passed, None)
        };
        if let Some(suite) = self.suites.last_mut() {
            suite.found_failures += u64::from(status == TestStatus::Failed) + case.rerun_failures;
            suite.found_errors += u64::from(status == TestStatus::Errored) + case.rerun_errors;
        }
        let rerun = case.rerun_failures + case.rerun_errors > 0;
        self.summary.add(status);
        self.tests.push(TestCase {
            suite: self.path.clone(),
            classname: case.classname,
            name: case.name,
            status,
            message: outcome.and_then(Outcome::into_message),
            duration_s: case.duration_s,
            flaky: rerun && status == TestStatus::Passed,
            source: case.source,
            subject: String::new(),
        });
    }

    fn close_suite(&mut self, suite: OpenSuite) {
        if let Some(parent) = self.suites.last_mut() {
            parent.found_failures += suite.found_failures;
            parent.found_errors += suite.found_errors;
        }
        self.path.truncate(suite.path_len);
        let claimed_failures = suite.claimed_failures.unwrap_or(0);
        let claimed_errors = suite.claimed_errors.unwrap_or(0);
        // Tools disagree on failure versus error (Nette Tester counts failures as errors), so
        // the two are compared together: what matters is outcomes the cases do not show.
        if claimed_failures.saturating_add(claimed_errors)
            <= suite.found_failures + suite.found_errors
        {
            return;
        }
        let shown = if suite.label.is_empty() {
            "(unnamed)"
        } else {
            suite.label.as_str()
        };
        self.diagnostics.push(Diagnostic {
            code: Code::JunitCountMismatch,
            path: Some(self.id.to_owned()),
            line: Some(suite.line),
            message: format!(
                "suite `{shown}` (line {}) claims {claimed_failures} {} and {claimed_errors} {}, \
                 but its test cases show {} failed and {} errored",
                suite.line,
                plural(claimed_failures, "failure", "failures"),
                plural(claimed_errors, "error", "errors"),
                suite.found_failures,
                suite.found_errors,
            ),
        });
        self.mismatches.push(CountMismatch {
            suite: suite.label,
            claimed_failures,
            claimed_errors,
            found_failures: suite.found_failures,
            found_errors: suite.found_errors,
            claimed_tests: None,
            found_tests: None,
            duplicate_points: Vec::new(),
            missing_points: Vec::new(),
            source: suite.source,
        });
    }

    fn finish(self) -> Parsed {
        // Suites report in document order of their start, not of their end.
        let mut mismatches = self.mismatches;
        mismatches.sort_by(|a, b| a.source.cmp(&b.source));
        let mut diagnostics = self.diagnostics;
        if let Some((value, line)) = self.first_bad_time {
            let n = self.bad_times;
            diagnostics.push(Diagnostic {
                code: Code::MissingValue,
                path: Some(self.id.to_owned()),
                line: Some(line),
                message: format!(
                    "{n} `time` {} not {} in seconds (the first, `{value}`, on line {line}); \
                     their test cases have no duration",
                    plural(n, "attribute is", "attributes are"),
                    plural(n, "a duration", "durations"),
                ),
            });
        }
        diagnostics.sort_by_key(|d| d.line);
        Parsed {
            format_version: None,
            producer: Producer {
                name: self.producer.unwrap_or("junit").to_owned(),
                version: None,
            },
            facts: Facts {
                tests: self.tests,
                test_report: Some(TestReport {
                    evidence: self.id.to_owned(),
                    summary: self.summary,
                    mismatches,
                }),
                ..Facts::default()
            },
            diagnostics,
            ..Parsed::default()
        }
    }
}

/// The producer named by an attribute of the root element, when it names one reliably.
fn producer_from_root_attr(key: &str, value: &str) -> Option<&'static str> {
    if crate::source::xml::local_name(key) != "noNamespaceSchemaLocation" {
        return None;
    }
    if value.contains("failsafe") {
        Some("maven-failsafe")
    } else if value.contains("surefire") {
        Some("maven-surefire")
    } else {
        None
    }
}

/// The producer named by a suite's name, when it names one reliably.
fn producer_from_suite_name(local: &str, depth: usize, name: &str) -> Option<&'static str> {
    match (local, depth, name) {
        ("testsuites", 1, "nextest-run") => Some("cargo-nextest"),
        ("testsuites", 1, "jest tests") => Some("jest-junit"),
        ("testsuite", 1 | 2, "pytest") => Some("pytest"),
        _ => None,
    }
}

/// The largest suite count gate reads: far beyond any real suite, and small enough that sums of
/// counts never overflow.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

/// A suite count attribute (`3`, ` 3 `, `3.0`), at most [`MAX_COUNT`]. `None` for anything
/// else (`abc`, `-1`, `1e30`, `99999999999999999999999`): the caller refuses it.
fn parse_count(s: &str) -> Option<u64> {
    let s = s.trim();
    let n = match s.parse::<u64>() {
        Ok(n) => n,
        Err(_) => {
            let f: f64 = s.parse().ok()?;
            if !(f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= MAX_COUNT as f64) {
                return None;
            }
            // Exact: a whole number no greater than MAX_COUNT, below 2^53.
            f as u64
        }
    };
    (n <= MAX_COUNT).then_some(n)
}

/// A `time` attribute in seconds: `0.5`, `1,234.5` (thousands separators), `0,5` (a decimal
/// comma). Missing, negative, NaN or infinite values are `None`.
fn parse_seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    let v: f64 = if s.contains(',') {
        let decimal_comma = !s.contains('.')
            && s.matches(',').count() == 1
            && s.rsplit(',').next().is_some_and(|frac| frac.len() != 3);
        if decimal_comma {
            s.replace(',', ".").parse().ok()?
        } else {
            s.replace(',', "").parse().ok()?
        }
    } else {
        s.parse().ok()?
    };
    (v.is_finite() && v >= 0.0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_ok(text: &str) -> Parsed {
        read("r.xml", text).unwrap()
    }

    fn summary(p: &Parsed) -> TestSummary {
        p.facts.test_report.as_ref().unwrap().summary
    }

    fn counts(p: &Parsed) -> [u64; 5] {
        let s = summary(p);
        [s.total, s.passed, s.failed, s.errored, s.skipped]
    }

    #[test]
    fn surefire_with_reruns_and_flaky_tests() {
        let p = read_ok(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" name="org.acme.FlakyTest" time="0.1" tests="5" errors="0" skipped="0" failures="1">
  <properties><property name="java.version" value="17"/></properties>
  <testcase name="flaky" classname="org.acme.FlakyTest" time="0.01">
    <flakyFailure message="first run" type="java.lang.AssertionError"><stackTrace>at x</stackTrace></flakyFailure>
  </testcase>
  <testcase name="flakyErr" classname="org.acme.FlakyTest" time="0.01">
    <flakyError message="boom" type="java.lang.RuntimeException"/>
  </testcase>
  <testcase name="alwaysFails" classname="org.acme.FlakyTest" time="0.02">
    <failure message="expected 1" type="java.lang.AssertionError">trace</failure>
    <rerunFailure message="expected 1" type="java.lang.AssertionError"/>
  </testcase>
  <testcase name="rerunThenPass" classname="org.acme.FlakyTest" time="0.02">
    <rerunError message="e" type="E"/>
  </testcase>
  <testcase name="plain" classname="org.acme.FlakyTest" time="1,234.5"/>
</testsuite>"#,
        );
        assert_eq!(p.producer.name, "maven-surefire");
        assert_eq!(p.producer.version, None);
        assert_eq!(p.format_version, None);
        assert_eq!(counts(&p), [5, 4, 1, 0, 0]);
        let t = &p.facts.tests;
        assert!(t[0].flaky && t[0].status == TestStatus::Passed && t[0].message.is_none());
        assert!(t[1].flaky && t[1].status == TestStatus::Passed);
        assert_eq!(t[2].status, TestStatus::Failed);
        assert!(!t[2].flaky);
        assert_eq!(t[2].message.as_deref(), Some("expected 1"));
        assert!(t[3].flaky && t[3].status == TestStatus::Passed);
        assert_eq!(t[4].duration_s, Some(1234.5));
        assert_eq!(t[0].suite, "org.acme.FlakyTest");
        assert_eq!(t[0].derive_subject(), "org.acme.FlakyTest::flaky");
        assert_eq!(t[0].source, Source::line("r.xml", 4, 3));
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn pytest_xunit2_with_xfail_error_and_text_message() {
        let p = read_ok(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" errors=\"1\" failures=\"1\" skipped=\"2\" tests=\"5\" time=\"0.5\">\
<testcase classname=\"t.test_a\" name=\"test_ok\" time=\"0.001\" />\
<testcase classname=\"t.test_a\" name=\"test_xfail\" time=\"0.001\"><skipped type=\"pytest.xfail\" message=\"known bug\" /></testcase>\
<testcase classname=\"t.test_a\" name=\"test_skip\" time=\"0.001\"><skipped type=\"pytest.skip\" message=\"\">  t.py:3: no db\n</skipped></testcase>\
<testcase classname=\"t.test_a\" name=\"test_fail\" time=\"0.001\"><failure>def test_fail():\n&gt;   assert 1 == 2\nE   assert 1 == 2</failure></testcase>\
<testcase classname=\"t.test_a\" name=\"test_setup\" time=\"0.001\"><error message=\"failed on setup with &quot;fixture 'db' not found&quot;\">trace</error></testcase>\
</testsuite></testsuites>",
        );
        assert_eq!(p.producer.name, "pytest");
        assert_eq!(counts(&p), [5, 1, 1, 1, 2]);
        let t = &p.facts.tests;
        assert_eq!(t[1].message.as_deref(), Some("known bug"));
        assert_eq!(t[2].message.as_deref(), Some("t.py:3: no db"));
        assert_eq!(
            t[3].message.as_deref(),
            Some("def test_fail():\n>   assert 1 == 2\nE   assert 1 == 2")
        );
        assert_eq!(
            t[4].message.as_deref(),
            Some("failed on setup with \"fixture 'db' not found\"")
        );
        assert_eq!(t[4].status, TestStatus::Errored);
        assert_eq!(t[0].suite, "pytest");
        assert_eq!(
            t[3].source.line,
            Some(2),
            "after the newline in the skip text"
        );
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn pytest_xunit1_bare_testsuite_root() {
        let p = read_ok(
            "<testsuite name=\"pytest\" tests=\"2\"><testcase classname=\"a\" name=\"b\" file=\"a.py\" line=\"3\" time=\"0.1\"/>\
<testcase classname=\"a\" name=\"c\" time=\"0.1\"><skipped message=\"xfail\" type=\"pytest.xfail\"/></testcase></testsuite>",
        );
        assert_eq!(counts(&p), [2, 1, 0, 0, 1]);
        assert_eq!(p.producer.name, "pytest");
    }

    #[test]
    fn jest_junit_and_suite_level_errors() {
        let p = read_ok(
            r#"<testsuites name="jest tests" tests="2" failures="1" errors="1" time="0.5">
  <testsuite name="foo" errors="1" failures="0" skipped="0" tests="0">
    <testcase classname="x" name="never ran">
    </testcase>
  </testsuite>
  <testsuite name="bar" errors="0" failures="1" skipped="1" tests="2">
    <testcase classname="bar fails" name="bar fails" time="0.001"><failure><![CDATA[Error: expect(received).toBe(expected)]]></failure></testcase>
    <testcase classname="bar todo" name="bar todo" time="0"><skipped/></testcase>
  </testsuite>
</testsuites>"#,
        );
        assert_eq!(p.producer.name, "jest-junit");
        assert_eq!(counts(&p), [3, 1, 1, 0, 1]);
        let t = &p.facts.tests;
        assert_eq!(
            t[1].message.as_deref(),
            Some("Error: expect(received).toBe(expected)")
        );
        assert_eq!(t[2].message, None);
        let report = p.facts.test_report.as_ref().unwrap();
        assert_eq!(
            report.mismatches,
            [
                CountMismatch {
                    suite: "jest tests".into(),
                    claimed_failures: 1,
                    claimed_errors: 1,
                    found_failures: 1,
                    found_errors: 0,
                    claimed_tests: None,
                    found_tests: None,
                    duplicate_points: Vec::new(),
                    missing_points: Vec::new(),
                    source: Source::line("r.xml", 1, 1),
                },
                CountMismatch {
                    suite: "foo".into(),
                    claimed_failures: 0,
                    claimed_errors: 1,
                    found_failures: 0,
                    found_errors: 0,
                    claimed_tests: None,
                    found_tests: None,
                    duplicate_points: Vec::new(),
                    missing_points: Vec::new(),
                    source: Source::line("r.xml", 2, 3),
                },
            ]
        );
        assert_eq!(p.diagnostics.len(), 2);
        assert_eq!(p.diagnostics[0].code, Code::JunitCountMismatch);
        assert_eq!(p.diagnostics[0].line, Some(1));
        assert_eq!(
            p.diagnostics[1].message,
            "suite `foo` (line 2) claims 0 failures and 1 error, but its test cases show 0 failed and 0 errored"
        );
        assert_eq!(p.diagnostics[1].path.as_deref(), Some("r.xml"));
    }

    #[test]
    fn go_junit_report_and_gotestsum() {
        let p = read_ok(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"3\" errors=\"1\" failures=\"1\">\n\
\t<testsuite name=\"pkg/a\" tests=\"3\" failures=\"1\" errors=\"1\" id=\"0\" time=\"0.1\">\n\
\t\t<properties><property name=\"go.version\" value=\"go1.21.0\"></property></properties>\n\
\t\t<testcase name=\"TestOk\" classname=\"pkg/a\" time=\"0.000\"></testcase>\n\
\t\t<testcase name=\"TestBad\" classname=\"pkg/a\" time=\"0.010\"><failure message=\"Failed\"><![CDATA[    a_test.go:9: nope]]></failure></testcase>\n\
\t\t<testcase name=\"Failure\" classname=\"pkg/a\" time=\"0.000\"><error message=\"Runtime error\"><![CDATA[panic: x]]></error></testcase>\n\
\t</testsuite>\n</testsuites>\n",
        );
        assert_eq!(counts(&p), [3, 1, 1, 1, 0]);
        assert_eq!(p.producer.name, "junit");
        assert_eq!(p.facts.tests[1].source, Source::line("r.xml", 6, 3));
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn cargo_nextest() {
        let p = read_ok(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="2" failures="1" errors="0" time="0.3">
    <testsuite name="semver::test_identifier" tests="2" disabled="0" errors="0" failures="1">
        <testcase name="test_eq" classname="semver::test_identifier" time="0.005"/>
        <testcase name="test_new" classname="semver::test_identifier" time="0.117">
            <failure type="test failure">thread 'test_new' panicked at src/lib.rs:3:5</failure>
            <rerunFailure type="test failure" timestamp="2026-01-01T00:00:00Z" time="0.1"/>
            <system-out>out</system-out>
        </testcase>
    </testsuite>
</testsuites>"#,
        );
        assert_eq!(p.producer.name, "cargo-nextest");
        assert_eq!(counts(&p), [2, 1, 1, 0, 0]);
        let t = &p.facts.tests[1];
        assert_eq!(
            t.message.as_deref(),
            Some("thread 'test_new' panicked at src/lib.rs:3:5")
        );
        assert!(!t.flaky);
    }

    #[test]
    fn node_test_runner_cases_directly_under_testsuites() {
        let p = read_ok(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n\t<testcase name=\"a.js\" time=\"0.15\" classname=\"test\"/>\n\
\t<testcase name=\"b.js\" time=\"0.15\" classname=\"test\"><failure type=\"testCodeFailure\" message=\"boom\">x</failure></testcase>\n\
\t<testsuite name=\"group\"><testcase name=\"c\" classname=\"test\"><skipped type=\"skipped\"/></testcase></testsuite>\n\
</testsuites>\n<!-- tests 3 -->\n",
        );
        assert_eq!(counts(&p), [3, 1, 1, 0, 1]);
        let t = &p.facts.tests;
        assert_eq!(t[0].suite, "");
        assert_eq!(t[2].suite, "group");
        assert_eq!(t[1].source, Source::line("r.xml", 4, 2));
    }

    #[test]
    fn nested_suites_join_names_and_compare_subtrees() {
        let p = read_ok(
            r#"<testsuites failures="2">
<testsuite name="outer" failures="2" errors="0">
  <testsuite name="inner" failures="1">
    <testcase name="a"><failure message="x"/></testcase>
  </testsuite>
  <testsuite name="second" failures="1">
    <testcase name="b" class="K"><failure message="y"/></testcase>
    <testcase name="c"><error/><failure/></testcase>
  </testsuite>
</testsuite>
</testsuites>"#,
        );
        let t = &p.facts.tests;
        assert_eq!(t[0].suite, "outer/inner");
        assert_eq!(t[1].suite, "outer/second");
        assert_eq!(t[1].classname, "K");
        assert_eq!(t[2].status, TestStatus::Failed);
        assert_eq!(counts(&p), [3, 0, 3, 0, 0]);
        assert!(
            p.diagnostics.is_empty(),
            "claims below what cases show are fine"
        );
    }

    #[test]
    fn mismatch_in_nested_suite_names_path() {
        let p = read_ok(
            "<testsuite name=\"o\">\n <testsuite name=\"i\" failures=\"3\" errors=\"2\">\n  <testcase name=\"a\"><failure/></testcase>\n </testsuite>\n</testsuite>",
        );
        let m = &p.facts.test_report.as_ref().unwrap().mismatches;
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].suite, "o/i");
        assert_eq!((m[0].claimed_failures, m[0].claimed_errors), (3, 2));
        assert_eq!((m[0].found_failures, m[0].found_errors), (1, 0));
        assert_eq!(m[0].source, Source::line("r.xml", 2, 2));
        assert_eq!(p.diagnostics[0].line, Some(2));
        assert!(p.diagnostics[0]
            .message
            .contains("`o/i` (line 2) claims 3 failures and 2 errors"));
    }

    #[test]
    fn no_mismatch_for_classification_differences_or_surefire_reruns() {
        // Nette Tester counts a failed case in `errors`.
        let p = read_ok("<testsuites><testsuite errors=\"1\"><testcase name=\"a\"><failure message=\"x\"/></testcase></testsuite></testsuites>");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        // Surefire 3 counts the first run and each rerun in `failures`.
        let p = read_ok(
            "<testsuite name=\"io.olamy.AlwaysFailTest\" tests=\"4\" errors=\"0\" failures=\"4\">\
<testcase name=\"f\"><failure message=\"m\"/><rerunFailure/><rerunFailure/><rerunFailure/></testcase>\
</testsuite>",
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let p = read_ok(
            "<testsuite name=\"io.olamy.FlakyTest\" tests=\"3\" failures=\"2\">\
<testcase name=\"f\"><flakyFailure/><flakyFailure/></testcase></testsuite>",
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(counts(&p), [1, 1, 0, 0, 0]);
        assert!(p.facts.tests[0].flaky);
    }

    #[test]
    fn counts_testcase_elements_not_attributes() {
        let p = read_ok("<testsuites tests=\"100\"><testsuite tests=\"50\"><testcase name=\"x\"/></testsuite></testsuites>");
        assert_eq!(counts(&p), [1, 1, 0, 0, 0]);
        let p = read_ok("<testsuites/>");
        assert_eq!(counts(&p), [0, 0, 0, 0, 0]);
        assert!(p.facts.tests.is_empty());
    }

    #[test]
    fn status_only_from_direct_children() {
        let p = read_ok(
            "<testsuite><testcase name=\"a\"><system-out><failure>not mine</failure></system-out></testcase>\
<testcase name=\"b\"><skipped/><error message=\"e\"/></testcase></testsuite>",
        );
        assert_eq!(p.facts.tests[0].status, TestStatus::Passed);
        assert_eq!(p.facts.tests[1].status, TestStatus::Errored);
        assert_eq!(p.facts.tests[1].message.as_deref(), Some("e"));
    }

    #[test]
    fn long_messages_are_clipped_at_a_char_boundary() {
        let body = "é".repeat(MAX_MESSAGE);
        let doc = format!(
            "<testsuite><testcase name=\"a\"><failure>  {body}</failure></testcase></testsuite>"
        );
        let p = read_ok(&doc);
        let m = p.facts.tests[0].message.as_deref().unwrap();
        assert!(
            m.len() <= MAX_MESSAGE && m.len() >= MAX_MESSAGE - 4,
            "{}",
            m.len()
        );
        assert!(m.starts_with('é'));
        let doc = format!(
            "<testsuite><testcase name=\"a\"><failure message=\"{body}\"/></testcase></testsuite>"
        );
        assert!(
            read_ok(&doc).facts.tests[0]
                .message
                .as_deref()
                .unwrap()
                .len()
                <= MAX_MESSAGE
        );
    }

    #[test]
    fn durations_tolerate_odd_values() {
        assert_eq!(parse_seconds("0.25"), Some(0.25));
        assert_eq!(parse_seconds(" 1,234.5 "), Some(1234.5));
        assert_eq!(parse_seconds("1,234,567"), Some(1_234_567.0));
        assert_eq!(parse_seconds("0,5"), Some(0.5));
        assert_eq!(parse_seconds("NaN"), None);
        assert_eq!(parse_seconds("inf"), None);
        assert_eq!(parse_seconds("-1"), None);
        assert_eq!(parse_seconds(""), None);
        assert_eq!(parse_seconds("1e400"), None);
        assert_eq!(parse_seconds("abc"), None);
        assert_eq!(parse_count("3"), Some(3));
        assert_eq!(parse_count("3.0"), Some(3));
        assert_eq!(parse_count("-1"), None);
        assert_eq!(parse_count("x"), None);
        assert_eq!(parse_count("99999999999999999999999"), None);
        assert_eq!(parse_count("1e30"), None);
        assert_eq!(parse_count(&MAX_COUNT.to_string()), Some(MAX_COUNT));
        assert_eq!(parse_count(&(MAX_COUNT + 1).to_string()), None);
        // A duration is not a verdict matter: an unreadable one is `null`, with one note.
        let p = read_ok(
            "<testsuite>\n<testcase name=\"a\" time=\"NaN\"/><testcase name=\"b\" time=\"-3\"/></testsuite>",
        );
        assert_eq!(p.facts.tests[0].duration_s, None);
        assert_eq!(p.facts.tests[1].duration_s, None);
        assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(p.diagnostics[0].code, Code::MissingValue);
        assert_eq!(p.diagnostics[0].line, Some(2));
        assert_eq!(
            p.diagnostics[0].message,
            "2 `time` attributes are not durations in seconds (the first, `NaN`, on line 2); \
             their test cases have no duration"
        );
    }

    /// Issue 9: a count attribute gate cannot read is bad evidence, not zero.
    #[test]
    fn unreadable_suite_counts_are_refused_with_the_attribute_and_position() {
        for (attr, value) in [
            ("failures", "99999999999999999999999"),
            ("failures", "abc"),
            ("failures", "-1"),
            ("errors", "NaN"),
            ("tests", "1e30"),
            ("skipped", "two"),
        ] {
            let text = format!(
                "<testsuites>\n  <testsuite name=\"s\" {attr}=\"{value}\"><testcase name=\"a\"/></testsuite>\n</testsuites>"
            );
            let e = read("r.xml", &text).unwrap_err();
            assert_eq!(
                e.message,
                format!(
                    "<testsuite> attribute `{attr}=\"{value}\"` is not a count (a whole number \
                     from 0 to {MAX_COUNT}); an unreadable count is bad evidence, not zero"
                ),
            );
            assert_eq!((e.line, e.column), (Some(2), Some(3)), "{attr}={value}");
        }
        let e = read("r.xml", "<testsuites failures=\"x\"/>").unwrap_err();
        assert!(
            e.message.starts_with("<testsuites> attribute `failures"),
            "{e:?}"
        );
    }

    #[test]
    fn refuses_other_roots_and_unsafe_documents() {
        let e = read("r.xml", "<?xml version=\"1.0\"?>\n<bom/>").unwrap_err();
        assert!(e.message.contains("root element is <bom>"), "{e:?}");
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        let e = read(
            "r.xml",
            "<!DOCTYPE testsuite [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<testsuite><testcase name=\"a\"><failure>&xxe;</failure></testcase></testsuite>",
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "XML entity declaration (external) <!ENTITY xxe> refused"
        );
        let e = read(
            "r.xml",
            "<testsuite>\n<testcase name=\"a\">&foo;</testcase></testsuite>",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(20)));
        let e = read(
            "r.xml",
            "<testsuites>\n  <testsuite name=\"x\">\n    <testcase name=\"a\"/>",
        )
        .unwrap_err();
        assert!(e.message.contains("truncated"), "{e:?}");
        assert_eq!((e.line, e.column), (Some(3), Some(25)));
        let e = read("r.xml", "<testsuite name=\"a\0\"/>").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(19)));
        let deep = format!("<testsuites>{}", "<testsuite>".repeat(600));
        assert_eq!(
            read("r.xml", &deep).unwrap_err().message,
            "XML nested deeper than 512 elements"
        );
        assert!(read("r.xml", "<!-- nothing -->").is_err());
    }

    #[test]
    fn large_report_reads_in_one_pass() {
        let mut doc = String::from("<testsuites><testsuite name=\"big\">");
        for i in 0..20_000 {
            doc.push_str(&format!(
                "<testcase classname=\"pkg.Class{}\" name=\"test_{i}\" time=\"0.001\"/>\n",
                i % 50
            ));
        }
        doc.push_str("</testsuite></testsuites>");
        let p = read_ok(&doc);
        assert_eq!(counts(&p), [20_000, 20_000, 0, 0, 0]);
        assert_eq!(p.facts.tests[19_999].source.line, Some(20_000));
    }

    /// Byte offsets of 1-based (line, column) pairs (columns in characters), in one pass.
    fn offsets_of(text: &str, positions: &[(usize, usize)]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..positions.len()).collect();
        order.sort_by_key(|&i| positions[i]);
        let mut out = vec![0; positions.len()];
        let mut chars = text.char_indices().peekable();
        let (mut line, mut column) = (1, 1);
        for i in order {
            while (line, column) < positions[i] {
                match chars.next() {
                    Some((_, '\n')) => (line, column) = (line + 1, 1),
                    Some(_) => column += 1,
                    None => break,
                }
            }
            out[i] = chars.peek().map_or(text.len(), |&(o, _)| o);
        }
        out
    }

    /// Every XML file of the shared corpus (when it is there): no panic; every file under
    /// `reject` refused; and in every report read, each case and each mismatch points exactly
    /// at its own start tag, and the summary adds up.
    #[test]
    #[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
    fn corpus_xml_files_read_or_refused_with_exact_positions() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let expected = fs_err::read_to_string(dir.join("EXPECTED.json"))
            .expect("the build found ../shared/corpus; touch gate-core/build.rs to look again");
        let expected: serde_json::Value = serde_json::from_str(&expected).unwrap();
        let (mut read, mut refused) = (0, 0);
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.unwrap();
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let rel = path
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = fs_err::read(path).unwrap();
            let outcome =
                crate::source::text::decode(&bytes).and_then(
                    |text| match crate::source::xml::root(&text)?.map(|r| r.name) {
                        Some(root) if root == "testsuites" || root == "testsuite" => {
                            read_file_text(&rel, &text).map(Some)
                        }
                        _ => Ok(None),
                    },
                );
            if expected["reject"].get(&rel).is_some() {
                assert!(outcome.is_err(), "{rel} must be refused");
                refused += 1;
            }
            if let Ok(Some(())) = outcome {
                read += 1;
            }
        }
        assert!(
            read > 150 && refused >= 10,
            "read {read}, refused {refused}"
        );
    }

    fn read_file_text(rel: &str, text: &str) -> Result<(), EvidenceError> {
        let p = read(rel, text)?;
        let report = p.facts.test_report.as_ref().unwrap();
        let s = report.summary;
        assert_eq!(s.total as usize, p.facts.tests.len(), "{rel}");
        assert_eq!(
            s.total,
            s.passed + s.failed + s.errored + s.skipped,
            "{rel}"
        );
        let sources: Vec<&Source> = (p.facts.tests.iter().map(|c| &c.source))
            .chain(report.mismatches.iter().map(|m| &m.source))
            .collect();
        let positions: Vec<(usize, usize)> = sources
            .iter()
            .map(|s| (s.line.unwrap(), s.column.unwrap()))
            .collect();
        let tags: Vec<String> = offsets_of(text, &positions)
            .into_iter()
            .zip(&sources)
            .map(|(off, src)| {
                let tag = text[off..].strip_prefix('<');
                let tag = tag.unwrap_or_else(|| panic!("{rel}: {src:?} is not at a tag"));
                let end = tag
                    .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .unwrap();
                crate::source::xml::local_name(&tag[..end]).to_owned()
            })
            .collect();
        let (case_tags, suite_tags) = tags.split_at(p.facts.tests.len());
        assert!(case_tags.iter().all(|t| t == "testcase"), "{rel}");
        assert!(
            suite_tags.iter().all(|t| t.starts_with("testsuite")),
            "{rel}"
        );
        for case in &p.facts.tests {
            assert_eq!(case.source.evidence, rel);
            if let Some(m) = &case.message {
                assert!(
                    m.len() <= MAX_MESSAGE && !m.is_empty() && m.trim() == m,
                    "{rel}"
                );
            }
            assert!(
                case.duration_s.is_none_or(|d| d.is_finite() && d >= 0.0),
                "{rel}"
            );
        }
        for m in &report.mismatches {
            assert!(m.claimed_failures + m.claimed_errors > m.found_failures + m.found_errors);
        }
        let count_notes = p
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::JunitCountMismatch)
            .count();
        assert_eq!(count_notes, report.mismatches.len(), "{rel}");
        assert!(
            p.diagnostics.len() - count_notes <= 1,
            "at most one note on durations: {rel}"
        );
        Ok(())
    }
}
