//! End-to-end: `gate test` (Rego unit tests, coverage, output formats, exit codes) and policy
//! compile errors rendered with the offending line and a caret.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Output;

use common::{gate_in, root, stderr, stdout};

const POLICY: &str = r#"package demo

# METADATA
# title: x must not be one
# custom:
#   code: demo.x-one
#   severity: high
#   remediation: Set x to anything else.
deny contains msg if {
	input.x == 1
	msg := "x is one"
}

deny contains msg if {
	input.y == 1
	msg := "y is one"
}

warn contains msg if {
	some c in input.components
	gate.semver.satisfies(c.version, "<2.17.1")
	msg := sprintf("%s is old", [c.name])
}
"#;

const TESTS: &str = r#"package demo_test

import data.demo

test_x_one_is_denied if {
	demo.deny["x is one"] with input as {"x": 1}
}

test_x_two_is_allowed if {
	count(demo.deny) == 0 with input as {"x": 2}
}

test_old_log4j_warns if {
	demo.warn["log4j is old"] with input as {"components": [{"name": "log4j", "version": "2.14.1"}]}
}
"#;

/// A folder with `demo.rego` and `demo_test.rego` (plus `extra` files).
fn policies(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policy");
    fs_err::create_dir_all(&p).unwrap();
    fs_err::write(p.join("demo.rego"), POLICY).unwrap();
    fs_err::write(p.join("demo_test.rego"), TESTS).unwrap();
    for (name, text) in extra {
        fs_err::write(p.join(name), text).unwrap();
    }
    dir
}

#[test]
fn passing_tests_exit_0_and_gate_builtins_work_in_tests() {
    let dir = policies(&[]);
    let out = gate_in(dir.path(), &["test", "policy"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "gate test: PASS: 3 passed, 0 failed, 0 errored (3 tests)\n"
    );
    let verbose = gate_in(dir.path(), &["test", "policy", "-v"]);
    assert!(stdout(&verbose)
        .contains("PASS  data.demo_test.test_old_log4j_warns (policy/demo_test.rego:13)"));
}

#[test]
fn a_broken_test_is_reported_with_file_and_line_and_exit_1() {
    let broken = "package demo_test\n\nimport data.demo\n\ntest_y_is_denied if {\n\tprint(\"deny:\", demo.deny)\n\tdemo.deny[\"y is two\"] with input as {\"y\": 1}\n}\n";
    let dir = policies(&[("broken_test.rego", broken)]);
    let out = gate_in(dir.path(), &["test", "policy"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("FAIL  data.demo_test.test_y_is_denied (policy/broken_test.rego:5)"),
        "{text}"
    );
    assert!(
        text.contains("print: policy/broken_test.rego:6: deny:"),
        "{text}"
    );
    assert!(
        text.ends_with("gate test: FAIL: 3 passed, 1 failed, 0 errored (4 tests)\n"),
        "{text}"
    );
    // The other tests of the same package still ran and passed.
    let json: serde_json::Value = serde_json::from_str(&stdout(&gate_in(
        dir.path(),
        &["test", "policy", "-f", "json"],
    )))
    .unwrap();
    assert_eq!(json["verdict"], "fail");
    assert_eq!(json["summary"]["passed"], 3);
    let failed: Vec<&serde_json::Value> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["file"], "policy/broken_test.rego");
    assert_eq!(failed[0]["line"], 5);
}

#[test]
fn run_selects_tests_by_name_and_a_filter_matching_nothing_exits_2() {
    let dir = policies(&[]);
    let out = gate_in(
        dir.path(),
        &["test", "policy", "--run", "x_.*_is", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "data.demo_test.test_x_one_is_denied",
            "data.demo_test.test_x_two_is_allowed"
        ]
    );
    let none = gate_in(dir.path(), &["test", "policy", "--run", "nothing"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("no tests to run"),
        "{}",
        stderr(&none)
    );
    let bad = gate_in(dir.path(), &["test", "policy", "--run", "("]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn policies_without_tests_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("p.rego"), POLICY).unwrap();
    let out = gate_in(dir.path(), &["test", "p.rego"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no tests to run"), "{}", stderr(&out));
}

#[test]
fn coverage_is_per_policy_file_and_the_threshold_decides() {
    let dir = policies(&[]);
    let out = gate_in(dir.path(), &["test", "policy", "--coverage"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    // The `y` rule is never exercised: its body lines are not covered.
    assert!(
        text.contains("policy/demo.rego") && text.contains("not covered: 14, 16"),
        "{text}"
    );
    assert!(
        !text.contains("demo_test.rego  "),
        "test files are not measured: {text}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&gate_in(
        dir.path(),
        &["test", "policy", "--coverage", "-f", "json"],
    )))
    .unwrap();
    let pct = json["coverage"]["percent"].as_f64().unwrap();
    assert!(pct > 50.0 && pct < 100.0, "{pct}");
    assert_eq!(json["coverage"]["files"].as_array().unwrap().len(), 1);

    let below = gate_in(dir.path(), &["test", "policy", "--threshold", "100"]);
    assert_eq!(below.status.code(), Some(1));
    assert!(
        stdout(&below).contains("below the threshold of 100%"),
        "{}",
        stdout(&below)
    );
    for bad in ["101", "-1", "NaN"] {
        let out = gate_in(dir.path(), &["test", "policy", "--threshold", bad]);
        assert_eq!(out.status.code(), Some(2), "--threshold {bad}");
    }
    let meets = gate_in(dir.path(), &["test", "policy", "--threshold", "50"]);
    assert_eq!(meets.status.code(), Some(0));
    assert!(stdout(&meets).contains("meets the threshold of 50%"));
}

#[test]
fn junit_output_has_one_testcase_per_test_with_the_package_as_classname() {
    let broken = "package demo_test\n\ntest_fails if { false }\n";
    let dir = policies(&[("broken_test.rego", broken)]);
    let out = gate_in(dir.path(), &["test", "policy", "-f", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let xml = stdout(&out);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut cases = Vec::new();
    let mut failures = 0;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let attr = |k: &str| {
                    e.try_get_attribute(k)
                        .unwrap()
                        .map(|a| a.value.into_owned())
                };
                match e.name().0 {
                    "testcase" => cases.push((
                        attr("classname").unwrap(),
                        attr("name").unwrap(),
                        attr("line").unwrap(),
                    )),
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(cases.len(), 4, "{xml}");
    assert!(cases.iter().all(|(c, _, _)| c == "demo_test"));
    assert!(cases.contains(&("demo_test".into(), "test_fails".into(), "3".into())));
    assert_eq!(failures, 1);
}

#[test]
fn the_standard_library_tests_pass() {
    let out = gate_in(&root(), &["test"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = gate_in(&root(), &["test", "policies", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["summary"]["total"].as_u64().unwrap() >= 20);
}

/// A policy with a syntax error: exit 2, the line quoted and the column marked, once.
#[test]
fn compile_errors_quote_the_line_with_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(
        dir.path().join("broken.rego"),
        "package broken\n\ndeny contains msg if {\n    input.x == \n    msg := \"x\"\n}\n",
    )
    .unwrap();
    let test = gate_in(dir.path(), &["test", "broken.rego"]);
    assert_eq!(test.status.code(), Some(2));
    insta::assert_snapshot!("compile_error_syntax", stderr(&test));
    let err = stderr(&test);
    assert_eq!(err.matches("msg := \"x\"").count(), 1, "quoted once: {err}");

    fs_err::write(
        dir.path().join("unsafe.rego"),
        "package unsafe\n\ndeny contains msg if {\n\tinput.x == y\n\tmsg := \"x\"\n}\n",
    )
    .unwrap();
    let evidence = root().join("fixtures/junit/pytest-clean.xml");
    let check = gate_in(
        dir.path(),
        &["check", evidence.to_str().unwrap(), "-p", "unsafe.rego"],
    );
    assert_eq!(check.status.code(), Some(2));
    insta::assert_snapshot!("compile_error_unsafe_var", stderr(&check));

    // regorus would find an unknown function only when it evaluates the call; gate refuses it
    // when compiling, quoted.
    fs_err::write(
        dir.path().join("unknown.rego"),
        "package unknown\n\ndeny contains msg if {\n\tmsg := foo.bar(1)\n}\n",
    )
    .unwrap();
    let check = gate_in(
        dir.path(),
        &["check", evidence.to_str().unwrap(), "-p", "unknown.rego"],
    );
    assert_eq!(check.status.code(), Some(2));
    insta::assert_snapshot!("eval_error_unknown_function", stderr(&check));
}

/// The walk-through in docs/policy-authoring.md, step by step: its Rego, data and waivers files
/// as written there, and the verdicts it promises.
#[test]
fn the_policy_authoring_walkthrough_works() {
    let doc = fs_err::read_to_string(root().join("docs/policy-authoring.md")).unwrap();
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut lines = doc.lines();
    while let Some(l) = lines.next() {
        if let Some(lang) = l.strip_prefix("```") {
            let mut body = String::new();
            for b in lines.by_ref() {
                if b.starts_with("```") {
                    break;
                }
                body.push_str(b);
                body.push('\n');
            }
            blocks.push((lang.to_owned(), body));
        }
    }
    let of = |lang: &str| -> Vec<String> {
        blocks
            .iter()
            .filter(|(l, _)| l == lang)
            .map(|(_, b)| b.clone())
            .collect()
    };
    let (rego, json, toml) = (of("rego"), of("json"), of("toml"));
    assert_eq!(rego.len(), 4, "policy, tests, phased rule, its test");
    let dir = tempfile::tempdir().unwrap();
    let acme = dir.path().join("acme");
    fs_err::create_dir_all(&acme).unwrap();
    fs_err::write(acme.join("release.rego"), &rego[0]).unwrap();
    fs_err::write(acme.join("release_test.rego"), &rego[1]).unwrap();
    let data = dir.path().join("acme-data.json");
    fs_err::write(
        &data,
        json.iter()
            .find(|j| j.contains("minimum_versions"))
            .unwrap(),
    )
    .unwrap();
    let waivers = dir.path().join("waivers.toml");
    fs_err::write(&waivers, &toml[0]).unwrap();
    let (acme_s, data_s, waivers_s) = (
        acme.to_str().unwrap(),
        data.to_str().unwrap(),
        waivers.to_str().unwrap(),
    );
    let summary = |out: &Output| stdout(out).lines().last().unwrap_or_default().to_owned();

    let test = gate_in(&root(), &["test", acme_s, "--coverage"]);
    assert_eq!(test.status.code(), Some(0), "{}", stdout(&test));
    assert!(
        summary(&test).ends_with("coverage 100.00%"),
        "{}",
        stdout(&test)
    );

    let check = |now: &str, with_waivers: bool| {
        let mut args = vec![
            "check",
            "fixtures/demo",
            "-p",
            acme_s,
            "-d",
            data_s,
            "--now",
            now,
        ];
        if with_waivers {
            args.extend(["--waivers", waivers_s]);
        }
        gate_in(&root(), &args)
    };
    let step4 = check("2026-12-01T00:00:00Z", false);
    assert_eq!(step4.status.code(), Some(1));
    assert!(
        summary(&step4).contains("2 denied, 0 warnings, 0 waived"),
        "{}",
        summary(&step4)
    );
    let step5 = check("2026-12-01T00:00:00Z", true);
    assert_eq!(step5.status.code(), Some(1));
    assert!(
        summary(&step5).contains("1 denied, 0 warnings, 1 waived"),
        "{}",
        summary(&step5)
    );

    let mut policy = rego[0].clone();
    policy.push('\n');
    policy.push_str(&rego[2]);
    fs_err::write(acme.join("release.rego"), policy).unwrap();
    let mut tests = rego[1].clone();
    tests.push('\n');
    tests.push_str(&rego[3]);
    fs_err::write(acme.join("release_test.rego"), tests).unwrap();
    let test = gate_in(&root(), &["test", acme_s, "--coverage"]);
    assert_eq!(test.status.code(), Some(0), "{}", stdout(&test));
    assert!(
        summary(&test).ends_with("coverage 100.00%"),
        "{}",
        stdout(&test)
    );
    let before = check("2026-12-01T00:00:00Z", true);
    assert_eq!(before.status.code(), Some(1));
    assert!(
        summary(&before).contains("1 denied, 1 warning, 1 waived"),
        "{}",
        summary(&before)
    );
    assert!(
        stdout(&before).contains("fails from 2027-03-01"),
        "{}",
        stdout(&before)
    );
    let after = check("2027-03-02T00:00:00Z", true);
    assert_eq!(after.status.code(), Some(1));
    assert!(
        summary(&after).contains("3 denied, 0 warnings, 0 waived"),
        "{}",
        summary(&after)
    );
    assert!(
        stderr(&after).contains("waiver-expired"),
        "{}",
        stderr(&after)
    );
}
