//! End-to-end: the `gate` binary on real fixtures, where a test needs more than a case file: inputs
//! built from a fixture, two runs compared, a file written, or a fact checked across the output
//! and the evidence. Plain "these arguments give this exit code and output" cases are data in
//! `cmd/` (run by `cmd.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{gate, json, root, stderr, write, NOW};

/// The demo's report is pinned in `cmd/check-demo-json`; this checks what a pinned output
/// cannot: that the line it names is the failing `<testcase>`, and that the summary counts it.
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

/// `gate init` writes the starter where it is run; the next `gate check` there reads it (it names
/// it in the report), its `release` profile requires what the starter says, and a second
/// `gate init` leaves the file as it was.
#[test]
fn init_writes_a_starter_that_the_next_check_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::gate_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("wrote `gate.toml`"),
        "{}",
        stderr(&out)
    );
    let written = fs_err::read_to_string(dir.path().join("gate.toml")).unwrap();
    assert_eq!(written, gate_core::config::STARTER);

    let clean = root().join("fixtures/junit/pytest-clean.xml");
    let clean = clean.to_str().unwrap();
    let out = common::gate_in(dir.path(), &["check", clean, "--now", NOW, "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["config"], "gate.toml");
    assert!(report.get("profile").is_none(), "{report}");
    let out = common::gate_in(
        dir.path(),
        &["check", clean, "--now", NOW, "--profile", "release"],
    );
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("required evidence is missing"),
        "{}",
        stderr(&out)
    );

    fs_err::write(dir.path().join("gate.toml"), "# mine\n").unwrap();
    let out = common::gate_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs_err::read_to_string(dir.path().join("gate.toml")).unwrap(),
        "# mine\n"
    );
}
