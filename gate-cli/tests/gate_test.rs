//! End-to-end: `gate test` on the standard library and the policy-authoring walk-through (read
//! from the docs). The rest of `gate test` (Rego unit tests, coverage, output formats, exit codes)
//! and policy compile errors rendered with the offending line and a caret are data:
//! `cmd/test-*` and `cmd/check-compile-error-*` (run by `cmd.rs`), inputs in `data/cli/gate-test/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Output;

use common::{gate_in, root, stderr, stdout};

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
