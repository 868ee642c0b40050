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

// Issue 14: coverage reports. Figures come from the entries; a report whose own totals say
// otherwise has been edited or cut, and is refused naming the file, line and column.

const COBERTURA: &str = r#"<?xml version="1.0" ?>
<coverage lines-valid="3" lines-covered="2" line-rate="0.6667" branches-valid="0" branches-covered="0" branch-rate="0" version="7.17.5">
	<sources><source>/src</source></sources>
	<packages>
		<package name="." line-rate="0.6667" branch-rate="0">
			<classes>
				<class name="a.py" filename="a.py" line-rate="0.6667" branch-rate="0">
					<methods/>
					<lines>
						<line number="1" hits="1"/>
						<line number="2" hits="4"/>
						<line number="3" hits="0"/>
					</lines>
				</class>
			</classes>
		</package>
	</packages>
</coverage>
"#;

#[test]
fn coverage_totals_that_disagree_with_the_entries_are_refused() {
    // An inflated total: the lines say 2 of 3.
    assert_refused(
        "coverage.xml",
        &COBERTURA.replace("lines-covered=\"2\"", "lines-covered=\"3\""),
        ":2:1",
        "<coverage> `lines-covered` states 3, but its entries show 2",
    );
    // A line cut out of the class: its stated rate no longer agrees.
    assert_refused(
        "coverage.xml",
        &COBERTURA.replace("<line number=\"3\" hits=\"0\"/>", ""),
        ":7:5",
        "<class filename=\"a.py\"> `line-rate` states 0.6667, but its entries show 2 of 2",
    );
    assert_refused(
        "lcov.info",
        "TN:\nSF:/src/a.c\nDA:1,1\nDA:2,0\nLF:2\nLH:2\nend_of_record\n",
        ":6:1",
        "the `LH:` record of `/src/a.c` states 2, but its entries show 1",
    );
    assert_refused(
        "jacoco.xml",
        "<report name=\"r\"><package name=\"p\"><sourcefile name=\"A.java\">\n<line nr=\"1\" mi=\"0\" ci=\"2\" mb=\"0\" cb=\"0\"/>\n</sourcefile>\n<counter type=\"LINE\" missed=\"0\" covered=\"5\"/></package></report>",
        ":1:18",
        "the LINE counter of <package name=\"p\"> states 5 covered and 0 missed, but its entries show 1 covered and 0 missed",
    );
    assert_refused(
        "coverage-summary.json",
        "{\"total\": {\"lines\": {\"total\": 10, \"covered\": 10, \"pct\": 100}},\n \"/src/a.js\": {\"lines\": {\"total\": 10, \"covered\": 4, \"pct\": 40}}}",
        ":1:21",
        "`/total/lines` states 10 covered of 10, but its entries show 4 covered of 10",
    );
}

#[test]
fn coverage_counts_gate_cannot_read_are_refused() {
    for (from, to, needle) in [
        (
            "hits=\"4\"",
            "hits=\"-4\"",
            "<line> `hits` `-4` is not an execution count",
        ),
        (
            "hits=\"4\"",
            "hits=\"99999999999999999999999\"",
            "is not an execution count",
        ),
        ("hits=\"4\"", "hits=\"four\"", "is not an execution count"),
    ] {
        assert_refused("coverage.xml", &COBERTURA.replace(from, to), ":11:", needle);
    }
    // gcov's negative counts.
    assert_refused(
        "lcov.info",
        "SF:a.c\nDA:1,-1\nend_of_record\n",
        ":2:1",
        "`DA:` execution count `-1` is not an execution count",
    );
    assert_refused(
        "coverage.out",
        "mode: count\nexample.com/a/a.go:1.1,3.2 2 -5\n",
        ":2:1",
        "count `-5` is not an execution count",
    );
    // More covered than there is.
    assert_refused(
        "coverage-summary.json",
        "{\"total\": {\"lines\": {\"total\": 1, \"covered\": 2}}}",
        ":1:",
        "2 covered of 1 is more covered than there is",
    );
    assert_refused(
        "lcov.info",
        "SF:a.c\nBRF:1\nBRH:5\nend_of_record\n",
        ":3:1",
        "5 covered of 1 is more covered than there is",
    );
}

#[test]
fn broken_coverage_reports_are_refused() {
    let cut = &COBERTURA[..COBERTURA.find("</classes>").unwrap()];
    assert_refused("coverage.xml", cut, ":", "truncated");
    assert_refused(
        "lcov.info",
        "TN:\nSF:/src/a.c\nDA:1,1\n",
        ":2:1",
        "truncated: the record of `/src/a.c` has no `end_of_record`",
    );
    let deep = format!("<coverage>{}", "<packages>".repeat(600));
    assert_refused(
        "deep.xml",
        &deep,
        ":1:",
        "XML nested deeper than 512 elements",
    );
    let deep_json = format!(
        "{{\"total\": {}{}}}",
        "{\"a\":".repeat(200),
        "}".repeat(200)
    );
    assert_refused(
        "deep.json",
        &deep_json,
        ":1:",
        "nested deeper than 128 levels",
    );
    // A few bytes may not claim billions of Go lines.
    assert_refused(
        "coverage.out",
        "mode: set\na.go:1.1,4000000000.1 1 1\n",
        ":2:1",
        "span more lines than a profile of its size can",
    );
}

#[test]
fn the_same_file_in_two_coverage_reports_adds_up_without_inflating() {
    let dir = tempfile::tempdir().unwrap();
    // The same file, measured by two runs: united line by line (line 3 ran in the second).
    let a = write(
        &dir,
        "unit.info",
        "SF:/src/a.c\nDA:1,1\nDA:2,1\nDA:3,0\nend_of_record\n",
    );
    let b = write(
        &dir,
        "e2e.info",
        "SF:/src/a.c\nDA:1,0\nDA:2,0\nDA:3,7\nend_of_record\n",
    );
    // Another package's file of the same relative path: counted on its own, never united.
    let c = write(
        &dir,
        "other.info",
        "SF:__init__.py\nDA:1,0\nDA:9,0\nend_of_record\n",
    );
    let d = write(
        &dir,
        "mine.info",
        "SF:__init__.py\nDA:1,1\nDA:2,1\nend_of_record\n",
    );
    let out = gate(&["inspect", &a, &b, &c, &d, "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let input = json(&out);
    let cov = &input["coverage"];
    assert_eq!(cov["lines"]["covered"], 5);
    assert_eq!(cov["lines"]["total"], 7);
    let paths: Vec<&str> = cov["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/src/a.c", "__init__.py", "__init__.py"]);
    assert!(
        stderr(&out).contains("`__init__.py` is also in coverage report"),
        "{}",
        stderr(&out)
    );
}
