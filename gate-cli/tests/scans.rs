//! End-to-end: scanner reports through the binary — one vulnerability reported by Grype and
//! Trivy is one result, checked against the reports read independently. Trivy's secrets and
//! misconfigurations, OSV-Scanner and npm audit reports are data: `cmd-corpus/` and
//! `cmd/check-npm-audit-refused` (run by `cmd.rs`).
//!
//! Corpus-based tests are ignored (listed as skipped) when the build did not find
//! `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use common::{corpus_file, gate, json, NOW};

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap()
}

/// `(vulnerability id, package name, installed version)` of every Grype match (its own id and
/// its related ids) and of every Trivy vulnerability (list form), read straight from the files.
fn grype_triples(doc: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for m in doc["matches"].as_array().unwrap() {
        let a = &m["artifact"];
        let (name, version) = (a["name"].as_str().unwrap(), a["version"].as_str().unwrap());
        let mut ids = vec![m["vulnerability"]["id"].as_str().unwrap()];
        for r in m["relatedVulnerabilities"].as_array().into_iter().flatten() {
            ids.push(r["id"].as_str().unwrap());
        }
        for id in ids {
            out.insert((id.to_owned(), name.to_owned(), version.to_owned()));
        }
    }
    out
}

fn trivy_triples(doc: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for r in doc.as_array().unwrap() {
        for v in r["Vulnerabilities"].as_array().into_iter().flatten() {
            out.insert((
                v["VulnerabilityID"].as_str().unwrap().to_owned(),
                v["PkgName"].as_str().unwrap().to_owned(),
                v["InstalledVersion"].as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

/// The Grype (0.7.0) and Trivy (list form) reports of the corpus that scanned the same Debian
/// 10.8-based image (python:3.7.10): every vulnerability both report on the same package is one
/// finding naming both tools, and one result.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn grype_and_trivy_of_one_image_report_each_shared_vulnerability_once() {
    let (grype, trivy) = (
        corpus_file("grype/defectdojo/many_vulns2.json"),
        corpus_file("trivy/defectdojo/legacy_many_vulns.json"),
    );
    let shared: BTreeSet<_> = grype_triples(&read_json(&grype))
        .intersection(&trivy_triples(&read_json(&trivy)))
        .cloned()
        .collect();
    assert!(
        shared.len() > 50,
        "the two reports share {} vulnerabilities",
        shared.len()
    );
    let (g, t) = (grype.to_str().unwrap(), trivy.to_str().unwrap());

    // The input: one finding per shared (CVE, package), listing both tools and both sources.
    let inspect = gate(&["inspect", g, t, "--now", NOW]);
    assert_eq!(inspect.status.code(), Some(0));
    let input = json(&inspect);
    let findings = input["findings"].as_array().unwrap();
    let mut per_triple: BTreeMap<(String, String, String), Vec<&Value>> = BTreeMap::new();
    for f in findings {
        let p = &f["package"];
        per_triple
            .entry((
                f["id"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap_or_default().to_owned(),
                p["version"].as_str().unwrap_or_default().to_owned(),
            ))
            .or_default()
            .push(f);
    }
    let mut checked = 0;
    for triple in shared.iter().filter(|(id, _, _)| id.starts_with("CVE-")) {
        let found = per_triple
            .get(triple)
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert_eq!(found.len(), 1, "{triple:?} is {} findings", found.len());
        let f = found[0];
        assert_eq!(
            f["tools"],
            serde_json::json!(["grype", "trivy"]),
            "{triple:?}"
        );
        assert_eq!(f["tool"], "grype, trivy");
        let evidence: BTreeSet<&str> = f["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["evidence"].as_str().unwrap())
            .collect();
        assert_eq!(evidence.len(), 2, "{triple:?}: {evidence:?}");
        checked += 1;
    }
    assert!(checked > 50, "only {checked} shared CVEs checked");
    // Subjects are unique: no vulnerability on a package is left twice.
    let subjects: Vec<&str> = findings
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&&str> = subjects.iter().collect();
    assert_eq!(unique.len(), subjects.len(), "a subject is listed twice");

    // The other file order gives the same findings.
    let swapped = json(&gate(&["inspect", t, g, "--now", NOW]));
    let by_subject = |doc: &Value| -> BTreeMap<String, Value> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["subject"].as_str().unwrap().to_owned(), f.clone()))
            .collect()
    };
    assert_eq!(by_subject(&input), by_subject(&swapped));

    // The report: one result per (code, subject); shared ones name both tools. (No fix was
    // known for the critical and high ones when these reports were made: they warn. A few of
    // unknown severity have a fix, and what cannot be ranked blocks: those deny.)
    let out = gate(&["check", g, t, "--now", NOW, "-f", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let denied: Vec<(&str, &str)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "deny")
        .map(|r| (r["code"].as_str().unwrap(), r["severity"].as_str().unwrap()))
        .collect();
    assert!(!denied.is_empty());
    assert!(
        denied
            .iter()
            .all(|d| *d == ("vulnerabilities.fixable", "unknown")),
        "{denied:?}"
    );
    let mut results: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for r in report["results"].as_array().unwrap() {
        if r["code"].as_str().unwrap().starts_with("vulnerabilities.") {
            results
                .entry(r["subject"].as_str().unwrap().to_owned())
                .or_default()
                .push(r);
        }
    }
    let mut named_both = 0;
    for triple in shared.iter().filter(|(id, _, _)| id.starts_with("CVE-")) {
        let subject = per_triple[triple][0]["subject"].as_str().unwrap();
        let Some(rs) = results.get(subject) else {
            continue; // not at a blocking severity
        };
        assert_eq!(rs.len(), 1, "{subject} has {} results", rs.len());
        let msg = rs[0]["message"].as_str().unwrap();
        assert!(
            msg.contains("grype") && msg.contains("trivy"),
            "{subject}: {msg}"
        );
        named_both += 1;
    }
    assert!(
        named_both > 0,
        "no shared vulnerability was at a blocking severity"
    );
}
