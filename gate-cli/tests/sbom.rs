//! End-to-end: the `licenses` and `components` policies deny real cases in real SBOMs from the
//! shared corpus (old pinned Python requirements, a Flask/Celery virtualenv), with exit code 1
//! and messages naming package and version; SBOM readers on the project's own fixtures (the
//! input document of each is pinned by `fixtures.rs`; here, what a snapshot cannot say: two
//! encodings of one SBOM read alike).
//!
//! Corpus tests are ignored (listed as skipped) when the build did not find `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{corpus_file, gate, json, stderr, write, NOW};

/// `gate check SBOM -p components -p licenses -d DATA -f json`.
fn check(sbom: &Path, data: &str) -> (Output, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let data_path = write(&dir, "config.json", data);
    let out = gate(&[
        "check",
        sbom.to_str().unwrap(),
        "-p",
        "policies/components/components.rego",
        "-p",
        "policies/licenses/licenses.rego",
        "-d",
        &data_path,
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    let report = json(&out);
    (out, report)
}

fn results<'r>(report: &'r serde_json::Value, code: &str) -> Vec<&'r serde_json::Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == code)
        .collect()
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn banned_versions_in_old_pinned_requirements_are_denied() {
    let sbom = corpus_file(
        "cyclonedx/generated/cyclonedx-py-7.5.0_old-pinned-requirements.spec1.4.cdx.json",
    );
    // Django 2.2 reached its end of life with 2.2.28; requests before 2.20.0 leaks the
    // Authorization header on redirects (CVE-2018-18074).
    let data = r#"{"gate": {"config": {"components": {"banned": [
        {"purl": "pkg:pypi/django", "versions": "<2.2.28", "reason": "Django 2.2 before its last release is unsupported and vulnerable"},
        {"purl": "pkg:pypi/requests", "versions": "<2.20.0", "reason": "CVE-2018-18074: Authorization header sent on redirect"},
        {"purl": "pkg:pypi/urllib3", "versions": ">=2.0.0", "reason": "not in range: must not match 1.24.1"}
    ]}}}}"#;
    let (out, report) = check(&sbom, data);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let banned = results(&report, "components.banned");
    let messages: Vec<&str> = banned
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "component `Django 2.2.0` (pkg:pypi/django@2.2.0) is banned (versions <2.2.28): Django 2.2 before its last release is unsupported and vulnerable",
            "component `requests 2.19.1` (pkg:pypi/requests@2.19.1) is banned (versions <2.20.0): CVE-2018-18074: Authorization header sent on redirect",
        ]
    );
    assert_eq!(banned[0]["subject"], "pkg:pypi/django@2.2.0");
    assert!(banned[0]["evidence"][0]["pointer"]
        .as_str()
        .unwrap()
        .starts_with("/components/"));

    // Nothing banned that is there: a pass.
    let (out, _) = check(
        &sbom,
        r#"{"gate": {"config": {"components": {"banned": [{"purl": "pkg:pypi/django", "versions": ">=3.0"}]}}}}"#,
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn license_lists_deny_real_components_of_a_virtualenv_sbom() {
    // The XML form: the same components the JSON form has.
    let sbom =
        corpus_file("cyclonedx/generated/cyclonedx-py-7.5.0_flask-celery-venv.spec1.3.cdx.xml");
    let (out, report) = check(
        &sbom,
        r#"{"gate": {"config": {"licenses": {"deny": ["MPL-2.0"]}}}}"#,
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let denied = results(&report, "licenses.denied");
    assert_eq!(denied.len(), 1, "{report:#}");
    let msg = denied[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("component `pkg:pypi/certifi@")
            && msg
                .ends_with("is licensed `MPL-2.0`, which cannot be met without the denied MPL-2.0"),
        "{msg}"
    );
    assert!(denied[0]["evidence"][0]["line"].as_u64().unwrap() > 1);
    // Trove classifiers are no SPDX expression: warned about, never silently allowed.
    let unknown = results(&report, "licenses.unknown");
    assert!(!unknown.is_empty());

    // An allow-list of the permissive licenses: the PSF- and MPL-licensed components fail it;
    // `Apache-2.0 OR BSD-2-Clause` passes with Apache-2.0 alone.
    let (out, report) = check(
        &sbom,
        r#"{"gate": {"config": {"licenses": {"allow": ["MIT", "BSD-3-Clause", "Apache-2.0"]}}}}"#,
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let not_allowed: Vec<&str> = results(&report, "licenses.not-allowed")
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(not_allowed.len(), 2, "{not_allowed:#?}");
    assert!(not_allowed
        .iter()
        .any(|m| m.contains("is licensed `PSF-2.0`")));
    assert!(not_allowed
        .iter()
        .any(|m| m.contains("is licensed `MPL-2.0`")));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn spdx_and_cyclonedx_xml_land_in_one_input() {
    let (spdx, xml) = (
        corpus_file("spdx/generated/cargo-sbom-0.10.0_ripgrep-15.2.0.spdx2.3.json"),
        corpus_file("cyclonedx/generated/cyclonedx-py-7.5.0_flask-celery-venv.spec1.3.cdx.xml"),
    );
    let out = gate(&["inspect", spdx.to_str().unwrap(), xml.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let input: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = input["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["spdx", "cyclonedx"]);
    let components = input["sbom"]["components"].as_array().unwrap();
    assert_eq!(components.len(), 53 + 43);
    let rg = components
        .iter()
        .find(|c| {
            c["purl"]
                .as_str()
                .is_some_and(|p| p.starts_with("pkg:cargo/walkdir@"))
        })
        .unwrap();
    assert_eq!(rg["license_expression"], "Unlicense OR MIT");
    assert_eq!(rg["license_ids"], serde_json::json!(["MIT", "Unlicense"]));
    assert!(!input["sbom"]["dependencies"].as_array().unwrap().is_empty());
}

fn inspect(paths: &[&str]) -> serde_json::Value {
    let mut args = vec!["inspect"];
    args.extend_from_slice(paths);
    let out = gate(&args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn cyclonedx_xml_fixture_reads_like_its_json_twin() {
    let xml = inspect(&["fixtures/sbom/environment-1.5.cdx.xml"]);
    let json = inspect(&["fixtures/sbom/environment-1.6.cdx.json"]);
    let facts = |input: &serde_json::Value| -> Vec<serde_json::Value> {
        input["sbom"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                serde_json::json!([
                    c["name"],
                    c["version"],
                    c["purl"],
                    c["type"],
                    c["licenses"],
                    c["license_expression"],
                    c["license_unknown"],
                    c["bom_ref"]
                ])
            })
            .collect()
    };
    assert_eq!(facts(&xml).len(), 10);
    assert_eq!(facts(&xml), facts(&json));
    assert_eq!(xml["evidence"][0]["kind"], "cyclonedx");
    assert_eq!(xml["evidence"][0]["format_version"], "1.5");
    assert_eq!(xml["evidence"][0]["producer"]["name"], "cyclonedx-py");
    assert_eq!(
        xml["sbom"]["dependencies"],
        json["sbom"]["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d["evidence"] = "fixtures/sbom/environment-1.5.cdx.xml".into();
                d
            })
            .collect::<serde_json::Value>(),
        "the same graph"
    );
    let certifi = xml["sbom"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "certifi")
        .unwrap();
    assert_eq!(certifi["license_expression"], "MPL-2.0");
    assert!(certifi["source"]["line"].as_u64().unwrap() > 1);
}
