//! End-to-end: waivers, `gate.toml`, phased rules (`custom.effective_on`) and rule metadata, as a
//! new user meets them — exit codes asserted every time.
//!
//! The CVE scenarios here read real Trivy and Grype reports from the shared corpus and are
//! ignored when it is absent. The scenarios on the demo evidence in `fixtures/` are data:
//! `cmd/check-waiver*`, `cmd/check-config-*`, `cmd/check-phased-rule*` and
//! `cmd/check-policy-bad-metadata` (run by `cmd.rs`), with their inputs in `data/cli/`.

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
