//! The JUnit XML renderer, for CI test tabs (GitLab, Jenkins, Azure DevOps, Buildkite).
//!
//! One `<testsuite>` per policy package. A `<testcase>` per result, named by its subject, with
//! the check's code as `classname`; a check that found nothing is one passing test case named
//! `no findings`. So the test tab lists each denial on its own row, named after what failed, and a
//! CI that tracks test history ("failing since") tracks each finding; a clean run still shows
//! every check that ran. Denials are `<failure>` (message, place, rule, remediation); waived
//! results `<skipped>` naming the waiver; warnings pass with their text in `<system-out>`
//! (under `--fail-on warn` they fail). A check that could not be evaluated is one suite `gate`
//! with an `<error>` per problem. Times are `0` and the only timestamp is `--now`: the same
//! inputs give the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::places::Places;
use super::{level_name, package_of, Report, ResultEntry, Verdict};
use crate::policy::RuleLevel;

/// One `<testcase>`.
struct Case {
    classname: String,
    name: String,
    /// `failure`, `skipped`, `error` or none (passed), with `type`, `message` and body.
    outcome: Option<(&'static str, String, String, String)>,
    system_out: Option<String>,
}

/// The report as a JUnit XML document (`<testsuites>`), with a trailing newline.
pub fn render(report: &Report) -> String {
    let suites = if report.verdict == Verdict::Error {
        error_suites(report)
    } else {
        result_suites(report)
    };
    let count = |pred: fn(&Case) -> bool| -> usize {
        suites
            .values()
            .map(|cases| cases.iter().filter(|c| pred(c)).count())
            .sum()
    };
    let tests = count(|_| true);
    let failures = count(|c| is(c, "failure"));
    let errors = count(|c| is(c, "error"));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"0\">"
    );
    for (name, cases) in &suites {
        let n = |k: &str| cases.iter().filter(|c| is(c, k)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\" timestamp=\"{}\">",
            attr(name),
            cases.len(),
            n("failure"),
            n("error"),
            n("skipped"),
            attr(&report.now),
        );
        for c in cases {
            write_case(&mut out, c);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn is(c: &Case, kind: &str) -> bool {
    c.outcome.as_ref().is_some_and(|o| o.0 == kind)
}

fn write_case(out: &mut String, c: &Case) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
        attr(&c.classname),
        attr(&c.name)
    );
    if c.outcome.is_none() && c.system_out.is_none() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some((element, kind, message, body)) = &c.outcome {
        let _ = writeln!(
            out,
            "      <{element} type=\"{}\" message=\"{}\">{}</{element}>",
            attr(kind),
            attr(message),
            text(body)
        );
    }
    if let Some(s) = &c.system_out {
        let _ = writeln!(out, "      <system-out>{}</system-out>", text(s));
    }
    out.push_str("    </testcase>\n");
}

/// Suites by package: every check, and every result under its check.
fn result_suites(report: &Report) -> BTreeMap<String, Vec<Case>> {
    let places = Places::resolve(report);
    // package → code → the indices of its results (none for a check that found nothing)
    let mut by: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for c in &report.checks {
        by.entry(&c.package)
            .or_default()
            .entry(&c.code)
            .or_default();
    }
    for (i, r) in report.results.iter().enumerate() {
        by.entry(package_of(&r.rule))
            .or_default()
            .entry(&r.code)
            .or_default()
            .push(i);
    }
    by.into_iter()
        .map(|(package, codes)| {
            let mut cases = Vec::new();
            for (code, results) in codes {
                if results.is_empty() {
                    cases.push(Case {
                        classname: code.to_owned(),
                        name: "no findings".to_owned(),
                        outcome: None,
                        system_out: None,
                    });
                }
                for i in results {
                    if let Some(r) = report.results.get(i) {
                        cases.push(result_case(report, r, &details(r, &places, i)));
                    }
                }
            }
            (package.to_owned(), cases)
        })
        .collect()
}

fn result_case(report: &Report, r: &ResultEntry, details: &str) -> Case {
    let mut case = Case {
        classname: r.code.clone(),
        name: r.subject.clone(),
        outcome: None,
        system_out: None,
    };
    let level = level_name(r.level);
    if let Some(w) = &r.waived_by {
        let message = w.describe();
        case.outcome = Some(("skipped", "waived".to_owned(), message, details.to_owned()));
    } else if report.fails(r) {
        case.outcome = Some((
            "failure",
            level.to_owned(),
            r.message.clone(),
            details.to_owned(),
        ));
    } else {
        case.system_out = Some(format!("{level}: {details}"));
    }
    case
}

/// The body of a result: message, places, rule and severity, phase, waiver, remediation.
fn details(r: &ResultEntry, places: &Places, i: usize) -> String {
    let mut s = r.message.clone();
    let at: Vec<String> = places.all(i).iter().map(|p| p.display()).collect();
    if !at.is_empty() {
        let _ = write!(s, "\nat {}", at.join(", "));
    }
    let _ = write!(s, "\nrule {}", r.rule);
    if let Some(sev) = &r.severity {
        let _ = write!(s, ", severity {sev}");
    }
    if let (RuleLevel::Warn, Some(from)) = (r.level, &r.effective_on) {
        let _ = write!(s, "\nphased rule: a warning for now, fails from {from}");
    }
    if let Some(w) = &r.waiver_expired {
        let _ = write!(
            s,
            "\nno longer waived: waiver {} (owner {}) expired {}",
            w.id, w.owner, w.expires
        );
    }
    if let Some(h) = &r.remediation {
        let _ = write!(s, "\nhelp: {h}");
    }
    s
}

/// One suite, `gate`, with an `<error>` per problem.
fn error_suites(report: &Report) -> BTreeMap<String, Vec<Case>> {
    let cases = report
        .errors
        .iter()
        .map(|p| {
            let place = super::places::Place {
                path: p.path.clone().unwrap_or_else(|| "gate".to_owned()),
                line: p.line,
                column: p.column,
            };
            let at = place.display();
            Case {
                classname: p.code.clone(),
                name: place.path.clone(),
                outcome: Some((
                    "error",
                    p.code.clone(),
                    p.message.clone(),
                    format!("{at}: {}", p.message),
                )),
                system_out: None,
            }
        })
        .collect();
    BTreeMap::from([("gate".to_owned(), cases)])
}

/// Text content: `&`, `<`, `>` escaped, and characters XML 1.0 cannot carry replaced.
fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes: as [`text`], and `"`, tab and line breaks as character
/// references so that they survive attribute-value normalisation.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attr => out.push_str("&quot;"),
            '\t' if in_attr => out.push_str("&#9;"),
            '\n' if in_attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(ch),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_carry() {
        assert_eq!(attr("a\"<b>&\n\t"), "a&quot;&lt;b&gt;&amp;&#10;&#9;");
        assert_eq!(text("x\u{1}y\r\n"), "x\u{FFFD}y&#13;\n");
        assert_eq!(text("\u{FFFE}"), "\u{FFFD}");
    }
}
