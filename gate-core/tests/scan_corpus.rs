//! Scanner reports of the shared corpus that `EXPECTED.json` does not count: OSV-Scanner and npm
//! audit reports, Trivy's misconfigurations, secrets and licenses, refused audits and Kubernetes
//! reports. Counts were computed once, independently (a few lines of Python over the JSON).
//!
//! Ignored (listed as skipped) when the build did not find `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use gate_core::evidence::read_file;
use serde_json::Value;

mod common;
use common::corpus;

/// OSV-Scanner and npm audit reports are not in EXPECTED.json: these counts were computed once,
/// independently (a few lines of Python over the JSON), as `(path, entries, merged)`: `entries`
/// are the advisories the report lists (OSV: `results[].packages[].vulnerabilities[]`; npm 7+:
/// advisory objects in `vulnerabilities.*.via[]`; npm 6: `advisories.*.findings[]`, an advisory
/// without findings counting once), `merged` the findings left when entries that share the
/// package and an id or CVE/GHSA/GO alias are one (see docs/input-schema.md).
const SCAN_COUNTS: &[(&str, &str, usize, usize)] = &[
    ("osv", "osv/defectdojo/many_findings.json", 66, 37),
    ("osv", "osv/defectdojo/multi_cwe_fabricated.json", 1, 1),
    ("osv", "osv/defectdojo/some_findings.json", 1, 1),
    (
        "osv",
        "osv/osv-scanner-repo/internal/ci/testdata/results-empty.json",
        0,
        0,
    ),
    (
        "osv",
        "osv/osv-scanner-repo/internal/ci/testdata/results-some.json",
        1,
        1,
    ),
    (
        "osv",
        "osv/osv-scanner-repo/internal/ci/testdata/vulns/test-vuln-results-a-1.json",
        3,
        2,
    ),
    (
        "osv",
        "osv/osv-scanner-repo/internal/ci/testdata/vulns/test-vuln-results-a.json",
        3,
        2,
    ),
    (
        "osv",
        "osv/osv-scanner-repo/internal/ci/testdata/vulns/test-vuln-results-b.json",
        4,
        2,
    ),
    (
        "osv",
        "osv/osv-scanner-repo/internal/ci/testdata/vulns/test-vuln-results-c.json",
        1,
        1,
    ),
    (
        "osv",
        "osv/osv-scanner-repo/internal/ci/testdata/vulns/test-vuln-results-d.json",
        0,
        0,
    ),
    (
        "osv",
        "osv/osv-scanner-repo/internal/output/testdata/test-vuln-results-a.json",
        3,
        2,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/cwe_null.json",
        1,
        1,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/issue_7897.json",
        5,
        5,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/many_vuln.json",
        5,
        5,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/many_vuln_npm7.json",
        8,
        8,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/many_vuln_with_groups.json",
        5,
        5,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/many_vuln_with_groups_different_titles.json",
        5,
        5,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/multiple_cwes.json",
        55,
        44,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/multiple_cwes2.json",
        15,
        7,
    ),
    ("npm-audit", "audit/defectdojo/npm_audit/no_vuln.json", 0, 0),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit/one_vuln.json",
        1,
        1,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit_7_plus/issue_10801.json",
        1,
        1,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit_7_plus/many_vulns.json",
        3,
        3,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit_7_plus/multiple_cwes_fabricated.json",
        1,
        1,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit_7_plus/no_vuln.json",
        0,
        0,
    ),
    (
        "npm-audit",
        "audit/defectdojo/pnpm_audit/pnpm_audit_many_vuln.json",
        43,
        43,
    ),
    (
        "npm-audit",
        "audit/defectdojo/pnpm_audit/pnpm_audit_no_vuln.json",
        0,
        0,
    ),
    (
        "npm-audit",
        "audit/defectdojo/pnpm_audit/pnpm_audit_one_vuln.json",
        2,
        2,
    ),
    (
        "npm-audit",
        "audit/defectdojo/npm_audit_7_plus/one_vuln.json",
        2,
        2,
    ),
];

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn osv_and_npm_audit_files_agree_with_independent_counts() {
    let dir = corpus();
    let mut failures = Vec::new();
    for (kind, rel, entries, merged) in SCAN_COUNTS {
        let path = dir.join(rel);
        assert!(
            path.exists(),
            "{rel} is listed but missing from the shared corpus"
        );
        let input = match common::inspect(std::slice::from_ref(&path), None) {
            Ok((input, _)) => input,
            Err(e) => {
                failures.push(format!("{rel}: refused: {e}"));
                continue;
            }
        };
        let detected = input.evidence.first().map(|e| e.kind.as_str());
        let got_entries: usize = input.findings.iter().map(|f| f.sources.len()).sum();
        let got = (detected, got_entries, input.findings.len());
        if got != (Some(*kind), *entries, *merged) {
            failures.push(format!(
                "{rel}: (kind, entries, merged) = {got:?}, expected ({kind}, {entries}, {merged})"
            ));
        }
        if input
            .findings
            .iter()
            .any(|f| f.kind != gate_core::input::FindingKind::Vulnerability || f.package.is_none())
        {
            failures.push(format!(
                "{rel}: a finding that is no vulnerability of a package"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// npm audit runs that failed (an `error` object instead of a report) and Trivy's Kubernetes
/// report are refused, naming the file, never read as clean.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn failed_audits_and_kubernetes_reports_are_refused() {
    let dir = corpus();
    for rel in [
        "audit/defectdojo/npm_audit/empty_with_error.json",
        "trivy/defectdojo/kubernetes.json",
        "trivy/defectdojo/issue_9170.json",
    ] {
        let path = dir.join(rel);
        assert!(
            path.exists(),
            "{rel} is listed but missing from the shared corpus"
        );
        let e = read_file(&path, rel).expect_err(rel).to_string();
        assert!(e.contains(&path.display().to_string()), "{rel}: {e}");
        assert!(
            e.contains("npm audit did not produce a report")
                || e.contains("Trivy Kubernetes report"),
            "{rel}: {e}"
        );
    }
}

/// Trivy's misconfigurations, secrets and licenses, on the corpus's real reports: every FAIL
/// misconfiguration, every secret and every license entry is one finding of its kind, and no
/// secret's matched text reaches the input.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn trivy_other_sections_on_real_reports() {
    let dir = corpus();
    // (path, misconfigurations with Status FAIL, secrets, licenses), counted once with Python.
    let cases = [
        ("trivy/trivy-repo/dockerfile.json.golden", 1, 0, 0),
        ("trivy/trivy-repo/helm.json.golden", 18, 0, 0),
        ("trivy/trivy-repo/secrets.json.golden", 0, 2, 0),
        (
            "trivy/defectdojo/misconfigurations_and_secrets.json",
            1,
            2,
            0,
        ),
        ("trivy/defectdojo/license_scheme.json", 0, 0, 19),
    ];
    for (rel, misconf, secrets, licenses) in cases {
        let path = dir.join(rel);
        assert!(
            path.exists(),
            "{rel} is listed but missing from the shared corpus"
        );
        let text = fs_err::read_to_string(&path).unwrap();
        let (input, _) = common::inspect(std::slice::from_ref(&path), None).unwrap();
        let count = |k: gate_core::input::FindingKind| {
            input.findings.iter().filter(|f| f.kind == k).count()
        };
        use gate_core::input::FindingKind as K;
        assert_eq!(
            (
                count(K::Misconfiguration),
                count(K::Secret),
                count(K::License)
            ),
            (misconf, secrets, licenses),
            "{rel}"
        );
        let json = serde_json::to_string(&input.findings).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        for r in doc["Results"].as_array().into_iter().flatten() {
            for s in r["Secrets"].as_array().into_iter().flatten() {
                let m = s["Match"].as_str().unwrap_or_default();
                assert!(
                    m.is_empty() || !json.contains(m),
                    "{rel}: secret match text leaked"
                );
            }
        }
    }
}
