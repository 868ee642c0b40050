//! End-to-end, issue 9 ("Fail closed under attack"): hand-made hostile reports that once
//! passed. A report that disagrees with itself is denied; one gate cannot read is refused with
//! exit 2 and a message naming the file (and line and column where there is one).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Output;

use common::{gate, json, stderr, write, NOW};

/// `gate check` of one file named `name` holding `text`, as JSON.
fn check(name: &str, text: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, name, text);
    gate(&["check", &path, "--now", NOW, "-f", "json"])
}

/// The file is refused: exit 2, and stderr names it with `line:column` and says `needle`.
fn assert_refused(name: &str, text: &str, at: &str, needle: &str) {
    let out = check(name, text);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{name}: {err}");
    assert!(err.contains(&format!("{name}{at}")), "{name}: {err}");
    assert!(err.contains(needle), "{name}: {err}");
}

/// The file is denied (exit 1) with one result of each of `codes`; the results.
fn assert_denied(name: &str, text: &str, codes: &[&str]) -> Vec<serde_json::Value> {
    let out = check(name, text);
    assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
    let report = json(&out);
    let results = report["results"].as_array().unwrap().clone();
    let got: Vec<&str> = results
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(got, codes, "{name}");
    results
}

fn sarif(runs: &str) -> String {
    format!("{{\"version\":\"2.1.0\",\n\"runs\":{runs}}}")
}

#[test]
fn a_sarif_run_whose_tool_crashed_is_denied() {
    let text = sarif(
        r#"[{"tool":{"driver":{"name":"semgrep"}},
        "invocations":[{"executionSuccessful":false,"exitCode":2,
          "toolExecutionNotifications":[{"level":"error","message":{"text":"out of memory"}}]}],
        "results":[]}]"#,
    );
    let r = assert_denied("crashed.sarif", &text, &["code.scan-incomplete"]);
    let subject = r[0]["subject"].as_str().unwrap();
    assert!(subject.ends_with("crashed.sarif#runs[0]"), "{subject}");
    let msg = r[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("semgrep did not complete its scan"),
        "{msg}"
    );
    assert!(msg.contains("out of memory"), "{msg}");
}

#[test]
fn sarif_null_runs_and_results_are_refused() {
    assert_refused(
        "null-runs.sarif",
        &sarif("null"),
        ":",
        "'runs': null: the tool failed before it produced a run",
    );
    assert_refused(
        "null-results.sarif",
        &sarif("[{\"tool\":{\"driver\":{\"name\":\"t\"}},\n\"results\":null}]"),
        ":3:14",
        "at `runs[0].results`: invalid type: null",
    );
}

#[test]
fn an_out_of_range_security_severity_is_refused_not_unknown() {
    for value in ["\"99\"", "\"-1\""] {
        let text = sarif(&format!(
            "[{{\"tool\":{{\"driver\":{{\"name\":\"t\"}}}},\"results\":[{{\"ruleId\":\"R\",\
             \"level\":\"error\",\"message\":{{\"text\":\"m\"}},\n\"properties\":{{\"security-severity\":{value}}}}}]}}]"
        ));
        assert_refused(
            "severity.sarif",
            &text,
            ":3:",
            &format!("`security-severity` {value} is out of range"),
        );
    }
}

#[test]
fn npm_audit_totals_that_count_hidden_criticals_are_denied() {
    let text = r#"{"auditReportVersion":2,"vulnerabilities":{},"metadata":{"vulnerabilities":
        {"info":0,"low":0,"moderate":0,"high":0,"critical":3,"total":3}}}"#;
    let r = assert_denied(
        "audit.json",
        text,
        &[
            "vulnerabilities.hidden-findings",
            "vulnerabilities.hidden-findings",
        ],
    );
    let messages: Vec<&str> = r.iter().map(|x| x["message"].as_str().unwrap()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with("counts 3 critical vulnerabilities but lists 0")),
        "{messages:?}"
    );
    // A count that is not a count is refused.
    assert_refused(
        "audit.json",
        &text.replace("\"critical\":3", "\"critical\":-1"),
        ":2:",
        "metadata.vulnerabilities.critical",
    );
}

#[test]
fn junit_counts_gate_cannot_read_are_refused() {
    for value in ["99999999999999999999999", "abc", "-1"] {
        let text = format!(
            "<testsuites>\n  <testsuite name=\"s\" failures=\"{value}\"><testcase name=\"a\"/></testsuite>\n</testsuites>\n"
        );
        assert_refused(
            "junit.xml",
            &text,
            ":2:3",
            &format!("attribute `failures=\"{value}\"` is not a count"),
        );
    }
}

#[test]
fn tap_points_repeated_and_missing_are_denied() {
    let r = assert_denied(
        "run.tap",
        "TAP version 13\n1..3\nok 1\nok 1\nok 3\n",
        &["tests.hidden-failures"],
    );
    let msg = r[0]["message"].as_str().unwrap();
    assert!(msg.contains("given more than once 1; missing 2"), "{msg}");
    assert_refused(
        "plan.tap",
        "TAP version 13\n1..abc\nok 1\n",
        ":2:1",
        "not a TAP plan",
    );
}

#[test]
fn a_fixable_vulnerability_of_unknown_severity_is_denied() {
    let text = r#"{"SchemaVersion":2,"ArtifactName":"x","Results":[{"Target":"t","Vulnerabilities":[
        {"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1","FixedVersion":"2","Severity":"UNKNOWN"}]}]}"#;
    let r = assert_denied("trivy.json", text, &["vulnerabilities.fixable"]);
    assert_eq!(r[0]["severity"], "unknown");
}
