//! End-to-end: waivers, `gate.toml`, phased rules (`custom.effective_on`) and rule metadata, as a
//! new user meets them — exit codes asserted every time.
//!
//! The CVE scenarios read real Trivy and Grype reports from the shared corpus and are ignored
//! when it is absent; the rest use the demo evidence in `fixtures/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{corpus_file, gate, json, stderr, stdout, write, NOW};

const TOMORROW: &str = "2026-11-29";
const AFTER_TOMORROW: &str = "2026-11-30T00:00:00Z";

fn waiver(id: &str, code: &str, subject: &str, expires: &str) -> String {
    format!(
        "[[waiver]]\nid = \"{id}\"\ncode = \"{code}\"\nsubject = \"{subject}\"\nowner = \"security@example.com\"\nreason = \"not reachable in our build\"\nticket = \"SEC-123\"\nexpires = \"{expires}\"\n\n"
    )
}

/// The single denied result of `evidence` (asserting there is exactly one).
fn only_denial(evidence: &str) -> serde_json::Value {
    let out = gate(&["check", evidence, "--now", NOW, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = json(&out);
    let denials: Vec<_> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "deny")
        .cloned()
        .collect();
    assert_eq!(denials.len(), 1, "{denials:#?}");
    denials[0].clone()
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn a_waiver_for_one_cve_passes_until_it_expires() {
    // A real Trivy report (certifi with CVE-2023-37920, fixed in 2023.7.22).
    let path = corpus_file("trivy/defectdojo/issue_9092.json");
    let ev = path.to_str().unwrap();
    let denial = only_denial(ev);
    assert_eq!(denial["code"], "vulnerabilities.fixable");
    let subject = denial["subject"].as_str().unwrap();
    assert!(subject.starts_with("CVE-2023-37920@"), "{subject}");

    let dir = tempfile::tempdir().unwrap();
    let w = write(
        &dir,
        "waivers.toml",
        &waiver("W-1", "vulnerabilities.fixable", subject, TOMORROW),
    );
    // Before expiry: pass, and the finding is still in the report, marked.
    let out = gate(&["check", ev, "--waivers", &w, "--now", NOW, "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["summary"]["waived"], 1);
    assert_eq!(report["summary"]["deny"], 0);
    let r = &report["results"][0];
    assert_eq!(r["subject"], subject);
    assert_eq!(r["level"], "deny");
    assert_eq!(r["waived_by"]["id"], "W-1");
    assert_eq!(r["waived_by"]["owner"], "security@example.com");
    assert_eq!(r["waived_by"]["expires"], TOMORROW);
    assert_eq!(report["waivers"][0]["status"], "active");
    assert_eq!(report["waivers"][0]["matched"], 1);

    // Human output says it is waived, by whom, until when.
    let out = gate(&["check", ev, "--waivers", &w, "--now", NOW]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("waived by W-1 (owner security@example.com, expires 2026-11-29"),
        "{text}"
    );
    assert!(text.contains("gate: PASS: 0 denied"), "{text}");

    // Still waived on the expiry day itself (a date waives through its end, UTC).
    let out = gate(&[
        "check",
        ev,
        "--waivers",
        &w,
        "--now",
        "2026-11-29T23:59:59Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));

    // After expiry: fails again and says the waiver expired, and when.
    let out = gate(&["check", ev, "--waivers", &w, "--now", AFTER_TOMORROW]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("W-1") && text.contains("EXPIRED 2026-11-29"),
        "{text}"
    );
    assert!(
        text.contains("no longer waived: waiver W-1 (owner"),
        "the denial itself says its waiver lapsed: {text}"
    );
    let notes = stderr(&out);
    assert!(
        notes.contains("note[waiver-expired]") && notes.contains("`W-1` expired 2026-11-29"),
        "{notes}"
    );
    let out = gate(&[
        "check",
        ev,
        "--waivers",
        &w,
        "--now",
        AFTER_TOMORROW,
        "-f",
        "json",
    ]);
    let report = json(&out);
    assert_eq!(report["verdict"], "fail");
    assert!(report["results"][0]["waived_by"].is_null());
    assert_eq!(report["results"][0]["waiver_expired"]["id"], "W-1");
    assert_eq!(
        report["results"][0]["waiver_expired"]["expires"],
        "2026-11-29"
    );
    assert_eq!(report["waivers"][0]["status"], "expired");
    assert_eq!(report["waivers"][0]["matched"], 1);
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn a_waiver_for_one_purl_leaves_the_same_cve_on_another_package_denied() {
    // Grype's own test data: CVE-2023-28755 in a Wolfi apk and in the `uri` gem.
    let path =
        corpus_file("grype/grype-repo/grype/presenter/explain/testdata/chainguard-ruby-test.json");
    let ev = path.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let w = write(
        &dir,
        "waivers.toml",
        &waiver(
            "W-gem",
            "vulnerabilities.fixable",
            "CVE-2023-28755@pkg:gem/uri@0.10.1",
            TOMORROW,
        ),
    );
    let out = gate(&["check", ev, "--waivers", &w, "--now", NOW, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = json(&out);
    let results = report["results"].as_array().unwrap();
    let cve: Vec<_> = results
        .iter()
        .filter(|r| {
            r["subject"]
                .as_str()
                .unwrap()
                .starts_with("CVE-2023-28755@")
        })
        .collect();
    assert!(cve.len() >= 2, "{cve:#?}");
    for r in cve {
        let gem = r["subject"] == "CVE-2023-28755@pkg:gem/uri@0.10.1";
        assert_eq!(r["waived_by"].is_null(), !gem, "{r}");
    }
    // A glob over the CVE waives it on every package.
    let w = write(
        &dir,
        "glob.toml",
        &waiver(
            "W-all",
            "vulnerabilities.fixable",
            "CVE-2023-28755@*",
            TOMORROW,
        ),
    );
    let out = gate(&["check", ev, "--waivers", &w, "--now", NOW, "-f", "json"]);
    let report = json(&out);
    assert!(report["summary"]["waived"].as_u64().unwrap() >= 2);
}

#[test]
fn demo_failure_waived_through_gate_toml_and_unused_waivers_reported() {
    let denial = only_denial("fixtures/demo");
    let subject = denial["subject"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        &dir,
        "gate.toml",
        &format!(
            "{}{}",
            waiver("W-flaky", "tests.failed", &subject, TOMORROW),
            waiver("W-stale", "tests.failed", "tests.gone::test_*", TOMORROW)
        ),
    );
    let out = gate(&[
        "check",
        "fixtures/demo",
        "-c",
        &config,
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    let statuses: Vec<(&str, &str)> = report["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["id"].as_str().unwrap(), w["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, vec![("W-flaky", "active"), ("W-stale", "unused")]);
    assert!(
        stderr(&out).contains("note[waiver-unused]") && stderr(&out).contains("`W-stale`"),
        "{}",
        stderr(&out)
    );
    let out = gate(&["check", "fixtures/demo", "-c", &config, "--now", NOW]);
    assert!(
        stdout(&out).contains("W-stale [tests.failed on tests.gone::test_*] unused"),
        "{}",
        stdout(&out)
    );
    // --fail-on warn: the demo's warnings fail it although the denial is waived.
    let out = gate(&[
        "check",
        "fixtures/demo",
        "-c",
        &config,
        "--now",
        NOW,
        "--fail-on",
        "warn",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_waiver_that_starts_later_waives_nothing_yet() {
    let denial = only_denial("fixtures/demo");
    let dir = tempfile::tempdir().unwrap();
    let text = waiver(
        "W-later",
        "tests.failed",
        denial["subject"].as_str().unwrap(),
        "2027-01-31",
    ) + "";
    let text = text.replace("expires", "starts = \"2026-12-01\"\nexpires");
    let w = write(&dir, "w.toml", &text);
    let out = gate(&[
        "check",
        "fixtures/demo",
        "--waivers",
        &w,
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["waivers"][0]["status"], "not-yet-active");
    let out = gate(&[
        "check",
        "fixtures/demo",
        "--waivers",
        &w,
        "--now",
        "2026-12-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn bad_waivers_exit_2_naming_file_waiver_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = waiver("W-1", "tests.failed", "x::y", TOMORROW);
    for (name, text, want) in [
        (
            "no-owner.toml",
            good.replace("owner = \"security@example.com\"\n", ""),
            "no-owner.toml:1:1: waiver 1 (`W-1`): missing field `owner`",
        ),
        (
            "no-expiry.toml",
            good.replace(&format!("expires = \"{TOMORROW}\"\n"), ""),
            "missing field `expires`",
        ),
        (
            "no-reason.toml",
            good.replace("reason = \"not reachable in our build\"", "reason = \"\""),
            "no-reason.toml:6:10: waiver 1 (`W-1`): `reason` is blank",
        ),
        (
            "unknown.toml",
            good.replace("ticket", "tiket"),
            "unknown.toml:7:1: waiver 1 (`W-1`): unknown field `tiket`",
        ),
        (
            "bad-date.toml",
            good.replace(TOMORROW, "tomorrow"),
            "`expires`: `tomorrow` is neither a date",
        ),
    ] {
        let w = write(&dir, name, &text);
        let out = gate(&["check", "fixtures/demo", "--waivers", &w, "--now", NOW]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(want), "{name}: want {want:?} in\n{err}");
        assert!(out.stdout.is_empty(), "{name}: no verdict on bad waivers");
    }
    // The same checks apply to gate.toml, which also refuses sections it does not know.
    let c = write(&dir, "gate.toml", "[waivers]\n");
    let out = gate(&["check", "fixtures/demo", "-c", &c, "--now", NOW]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("gate.toml:1:") && stderr(&out).contains("unknown field `waivers`"),
        "{}",
        stderr(&out)
    );
    let out = gate(&["check", "fixtures/demo", "--waivers", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
}

const PHASED: &str = r#"package phased

# METADATA
# title: Every test report names its tests
# custom:
#   code: phased.suites
#   severity: medium
#   remediation: Name your test suites.
#   effective_on: 2026-12-15
deny contains result if {
	some tc in input.tests.cases
	result := {"msg": sprintf("test %s", [tc.name]), "subject": tc.subject}
}
"#;

#[test]
fn a_phased_rule_warns_with_its_date_then_fails_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "phased.rego", PHASED);
    let ev = "fixtures/junit/pytest-clean.xml";
    let out = gate(&["check", ev, "-p", &p, "--now", NOW, "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    let r = &report["results"][0];
    assert_eq!(r["level"], "warn");
    assert_eq!(r["effective_on"], "2026-12-15");
    // Metadata fills what the result left out.
    assert_eq!(r["code"], "phased.suites");
    assert_eq!(r["title"], "Every test report names its tests");
    assert_eq!(r["severity"], "medium");
    assert_eq!(r["remediation"], "Name your test suites.");
    let out = gate(&["check", ev, "-p", &p, "--now", NOW]);
    assert!(
        stdout(&out).contains("phased rule: a warning for now, fails from 2026-12-15"),
        "{}",
        stdout(&out)
    );
    // --fail-on warn makes the phased warning fail too.
    let out = gate(&["check", ev, "-p", &p, "--now", NOW, "--fail-on", "warn"]);
    assert_eq!(out.status.code(), Some(1));
    // The day before: still a warning; from the day: a denial.
    let out = gate(&["check", ev, "-p", &p, "--now", "2026-12-14T23:59:59Z"]);
    assert_eq!(out.status.code(), Some(0));
    let out = gate(&[
        "check",
        ev,
        "-p",
        &p,
        "--now",
        "2026-12-15T00:00:00Z",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["results"][0]["level"], "deny");
    assert_eq!(report["results"][0]["effective_on"], "2026-12-15");
}

#[test]
fn a_bad_metadata_block_exits_2_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "bad.rego",
        &PHASED.replace("effective_on: 2026-12-15", "effective_on: soon"),
    );
    let out = gate(&[
        "check",
        "fixtures/junit/pytest-clean.xml",
        "-p",
        &p,
        "--now",
        NOW,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.rego:3:") && err.contains("effective_on: soon"),
        "{err}"
    );
}
