//! End-to-end: the `gate` binary on real fixtures, with exit codes and outputs asserted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Output;

use common::{deny_codes, gate, json, root, stderr, write, NOW};

/// `gate check` on a clean real report with one policy file written from `rego` (named `name`).
fn check_with_policy(name: &str, rego: &str, extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(&dir, name, rego);
    let mut args = vec!["check", "fixtures/junit/pytest-clean.xml", "-p", &policy];
    args.extend_from_slice(extra);
    gate(&args)
}

#[test]
fn demo_fails_on_the_failing_test_and_points_at_it() {
    let out = gate(&["check", "fixtures/demo", "--now", NOW, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "fail");
    let results = report["results"].as_array().unwrap();
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r["code"] == "tests.failed")
        .collect();
    assert_eq!(failed.len(), 1, "{results:#?}");
    let r = failed[0];
    assert_eq!(r["level"], "deny");
    assert!(r["subject"].as_str().unwrap().contains("::test_"), "{r}");
    let ev = &r["evidence"][0];
    assert_eq!(ev["evidence"], "fixtures/demo/pytest-junit.xml");
    // The line really is the failing <testcase> element.
    let line = ev["line"].as_u64().unwrap() as usize;
    let text = fs_err::read_to_string(root().join("fixtures/demo/pytest-junit.xml")).unwrap();
    let quoted = text.lines().nth(line - 1).unwrap();
    assert!(quoted.contains("<testcase"), "line {line}: {quoted}");
    assert_eq!(
        report["summary"]["deny"].as_u64().unwrap() as usize,
        results.iter().filter(|r| r["level"] == "deny").count()
    );
    assert!(report["summary"]["rules_evaluated"].as_u64().unwrap() >= 5);
}

#[test]
fn demo_human_output_explains_the_failure() {
    let out = gate(&["check", "fixtures/demo", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tests.failed"), "{text}");
    assert!(text.contains("fixtures/demo/pytest-junit.xml:"), "{text}");
    assert!(text.contains("help: Fix the failing test"), "{text}");
    // JSON evidence is located by line too, with the pointer alongside.
    assert!(
        text.contains("at fixtures/demo/sbom.cdx.json:3:5 (/components/0)"),
        "{text}"
    );
    assert!(text.contains("gate: FAIL:"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "colour codes with NO_COLOR / not a terminal"
    );
}

#[test]
fn clean_evidence_passes() {
    let out = gate(&[
        "check",
        "fixtures/junit/pytest-clean.xml",
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["summary"]["deny"], 0);
}

#[test]
fn a_junit_report_with_failures_is_denied_per_test() {
    let out = gate(&[
        "check",
        "fixtures/junit/pytest-xunit2.xml",
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let codes = deny_codes(&report);
    assert_eq!(
        codes.iter().filter(|c| **c == "tests.failed").count(),
        2,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "tests.errored").count(),
        1,
        "{codes:?}"
    );
}

#[test]
fn truncated_evidence_exits_2_naming_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs_err::read_to_string(root().join("fixtures/demo/pytest-junit.xml")).unwrap();
    let cut = write(&dir, "truncated.xml", &text[..text.len() / 2]);
    let out = gate(&["check", &cut, "--now", NOW]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("truncated.xml:"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "no verdict on stdout when evaluation failed"
    );
}

#[test]
fn empty_and_unknown_files_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(&dir, "empty.json", "");
    let out = gate(&["check", &empty]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("empty.json: empty file"),
        "{}",
        stderr(&out)
    );

    let unknown = write(&dir, "package.json", r#"{"name": "x", "version": "1.0.0"}"#);
    let out = gate(&["check", &unknown]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown evidence kind"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_files_found_while_walking_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::copy(
        root().join("fixtures/junit/pytest-clean.xml"),
        dir.path().join("junit.xml"),
    )
    .unwrap();
    fs_err::write(dir.path().join("package.json"), r#"{"name": "x"}"#).unwrap();
    fs_err::write(dir.path().join("notes.txt"), "hello").unwrap();
    let out = gate(&[
        "check",
        dir.path().to_str().unwrap(),
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["evidence"].as_array().unwrap().len(), 1);
    let notes = report["diagnostics"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert!(notes.iter().all(|n| n["code"] == "skipped-unknown-file"));
}

#[test]
fn a_folder_with_no_evidence_is_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("README.md"), "nothing here").unwrap();
    let out = gate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no evidence found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn same_inputs_and_now_give_identical_json() {
    let a = gate(&["check", "fixtures", "--now", NOW, "-f", "json"]);
    let b = gate(&["check", "fixtures", "--now", NOW, "-f", "json"]);
    assert_eq!(a.status.code(), Some(1), "{}", stderr(&a));
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
    let i1 = gate(&["inspect", "fixtures", "--now", NOW]);
    let i2 = gate(&["inspect", "fixtures", "--now", NOW]);
    assert_eq!(i1.status.code(), Some(0), "{}", stderr(&i1));
    assert_eq!(i1.stdout, i2.stdout);
}

#[test]
fn inspect_prints_the_input_document() {
    let out = gate(&["inspect", "fixtures/demo", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let input = json(&out);
    assert_eq!(input["schema_version"], 1);
    assert_eq!(input["context"]["now"], NOW);
    let kinds: Vec<&str> = input["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["sarif", "junit", "cyclonedx"]);
    let s = &input["tests"]["summary"];
    assert_eq!(
        s["total"].as_u64().unwrap(),
        s["passed"].as_u64().unwrap()
            + s["failed"].as_u64().unwrap()
            + s["errored"].as_u64().unwrap()
            + s["skipped"].as_u64().unwrap()
    );
    assert_eq!(s["failed"], 1);
    assert!(!input["sbom"]["components"].as_array().unwrap().is_empty());
    assert!(!input["findings"].as_array().unwrap().is_empty());
}

#[test]
fn policies_and_data_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        &dir,
        "custom.rego",
        r#"package custom

deny contains {"msg": sprintf("too many tests: %d", [input.tests.summary.total]), "code": "custom.max", "subject": "tests"} if {
	input.tests.summary.total > data.limits.max_tests
}

warn contains "clock is fixed" if time.now_ns() == time.parse_rfc3339_ns("2026-11-28T12:00:00Z")
"#,
    );
    let data = write(&dir, "limits.json", r#"{"limits": {"max_tests": 3}}"#);
    let out = gate(&[
        "check",
        "fixtures/junit/pytest-clean.xml",
        "-p",
        &policy,
        "-d",
        &data,
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["rules_evaluated"], 2);
    let results = report["results"].as_array().unwrap();
    assert_eq!(results[0]["code"], "custom.max");
    assert_eq!(results[0]["message"], "too many tests: 5");
    // `--now` also fixes time.now_ns(); a string result gets the rule path as its code.
    assert_eq!(results[1]["message"], "clock is fixed");
    assert_eq!(results[1]["code"], "custom.warn");
    // --fail-on warn tightens the verdict; without the deny it passes on warnings alone.
    fs_err::write(&data, r#"{"limits": {"max_tests": 100}}"#).unwrap();
    let args = [
        "check",
        "fixtures/junit/pytest-clean.xml",
        "-p",
        &policy,
        "-d",
        &data,
        "--now",
        NOW,
    ];
    assert_eq!(gate(&args).status.code(), Some(0));
    let mut strict = args.to_vec();
    strict.extend(["--fail-on", "warn"]);
    assert_eq!(gate(&strict).status.code(), Some(1));
}

#[test]
fn a_policy_that_does_not_compile_exits_2_with_its_position() {
    let out = check_with_policy(
        "broken.rego",
        "package broken\n\ndeny contains msg if {\n\tmsg := \"x\" +\n}\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.rego:"), "{err}");
}

#[test]
fn policies_without_rules_exit_2() {
    let out = check_with_policy("empty.rego", "package nothing\n\nallow := true\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no rules to evaluate"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn outputs_are_written_to_files_in_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let spec = format!("json={}", path.display());
    let out = gate(&["check", "fixtures/demo", "--now", NOW, "-o", &spec]);
    assert_eq!(out.status.code(), Some(1));
    let written: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["verdict"], "fail");
    assert!(String::from_utf8_lossy(&out.stdout).contains("gate: FAIL"));
}

#[test]
fn demo_reports_snapshot() {
    let json = gate(&["check", "fixtures/demo", "--now", NOW, "-f", "json"]);
    assert_eq!(json.status.code(), Some(1));
    insta::assert_snapshot!("demo_report_json", String::from_utf8_lossy(&json.stdout));
    let human = gate(&["check", "fixtures/demo", "--now", NOW]);
    assert_eq!(human.status.code(), Some(1));
    insta::assert_snapshot!("demo_report_human", String::from_utf8_lossy(&human.stdout));
}

#[test]
fn error_message_snapshot() {
    let out = gate(&["check", "gate-cli/tests/data/truncated-nextest.xml"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("truncated_error", stderr(&out));
}

#[test]
fn notes_go_to_stderr_and_data_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::copy(
        root().join("fixtures/junit/pytest-clean.xml"),
        dir.path().join("junit.xml"),
    )
    .unwrap();
    fs_err::write(dir.path().join("notes.txt"), "hello").unwrap();
    let out = gate(&[
        "check",
        dir.path().to_str().unwrap(),
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    json(&out); // stdout is pure JSON
    let err = stderr(&out);
    assert!(
        err.contains("note[skipped-unknown-file]") && err.contains("notes.txt"),
        "{err}"
    );
}

#[test]
fn a_report_whose_attributes_claim_hidden_failures_is_denied() {
    // A real clean pytest report, edited the way a bad merge or a hand edit would: the suite
    // claims two failures that no test case shows.
    let text = fs_err::read_to_string(root().join("fixtures/junit/pytest-clean.xml")).unwrap();
    assert!(text.contains("failures=\"0\""));
    let edited = text.replacen("failures=\"0\"", "failures=\"2\"", 1);
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "edited.xml", &edited);
    let out = gate(&["check", &path, "--now", NOW, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let r = &report["results"][0];
    assert_eq!(r["code"], "tests.hidden-failures");
    assert!(
        r["message"].as_str().unwrap().contains("claims 2 failures"),
        "{r}"
    );
    assert_eq!(report["diagnostics"][0]["code"], "junit-count-mismatch");
}

#[test]
fn policy_evaluation_past_the_timeout_exits_2() {
    // About 9 million iterations: seconds of work for any engine.
    let out = check_with_policy(
        "slow.rego",
        "package slow\n\ndeny contains \"slow\" if {\n\txs := numbers.range(1, 3000)\n\tcount([1 | some x in xs; some y in xs; x == y]) > 0\n}\n",
        &["--timeout", "1"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("time limit"), "{}", stderr(&out));
}
