//! SARIF from every producer in the shared corpus: the effective level (result, else the rule's
//! `defaultConfiguration.level` found by `ruleIndex`/`ruleId`/`toolComponent`, else `warning`),
//! `security-severity` scores, baseline states and secret scanners' kind, against figures
//! computed once, independently (a few lines of Python over the JSON).
//!
//! Ignored (listed as skipped) when the build did not find `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use gate_core::input::FindingKind;
use gate_core::severity::Severity;

mod common;

type Case = (
    &'static str,
    usize,
    &'static [(&'static str, usize)],
    usize,
    &'static [(&'static str, usize)],
);

/// (file, results, effective levels, results with `security-severity`, baseline states).
const CASES: &[Case] = &[
    (
        "defectdojo/codeQL-output.sarif",
        72,
        &[("error", 11), ("note", 57), ("warning", 4)],
        0,
        &[],
    ),
    (
        "defectdojo/gitleaks_7.5.0.sarif",
        8,
        &[("warning", 8)],
        0,
        &[],
    ),
    (
        "defectdojo/semgrepowasp-benchmark-sample.sarif",
        1768,
        &[("warning", 1768)],
        0,
        &[],
    ),
    ("defectdojo/spotbugs.sarif", 56, &[("note", 56)], 0, &[]),
    (
        "defectdojo/dependency_check.sarif",
        13,
        &[("error", 13)],
        0,
        &[],
    ),
    (
        "generated/bandit-1.9.4_paramiko-3.5.0.sarif",
        27,
        &[("error", 8), ("note", 16), ("warning", 3)],
        0,
        &[],
    ),
    (
        "generated/bandit-1.9.4_requests-2.32.3.sarif",
        9,
        &[("error", 3), ("note", 6)],
        0,
        &[],
    ),
    (
        "generated/eslint-9.39.5_express-4.21.2.sarif",
        6,
        &[("error", 6)],
        0,
        &[],
    ),
    (
        "generated/clippy-0.1.95+clippy-sarif-0.8.0_semver-1.0.23.sarif",
        35,
        &[("error", 1), ("warning", 34)],
        0,
        &[],
    ),
    (
        "defectdojo/flawfinder.sarif",
        54,
        &[("error", 2), ("note", 51), ("warning", 1)],
        0,
        &[],
    ),
    (
        "defectdojo/cxf-3.4.6.sarif",
        22,
        &[("warning", 22)],
        22,
        &[],
    ),
    (
        "defectdojo/taint-python-report.sarif",
        11,
        &[("error", 8), ("note", 2), ("warning", 1)],
        0,
        &[("new", 11)],
    ),
    (
        "defectdojo/bash-report.sarif",
        27,
        &[("note", 27)],
        0,
        &[("new", 27)],
    ),
    (
        "trivy/alpine-310.sarif.golden",
        4,
        &[("warning", 4)],
        4,
        &[],
    ),
];

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn every_producer_reads_as_computed_independently() {
    let dir = common::corpus().join("sarif");
    let mut failures = Vec::new();
    for (rel, results, levels, scored, baselines) in CASES {
        let path = dir.join(rel);
        assert!(
            path.exists(),
            "{rel} is listed but missing from the shared corpus"
        );
        let (input, _) = common::inspect(std::slice::from_ref(&path), None).unwrap();
        let f = &input.findings;
        let mut got_levels: BTreeMap<&str, usize> = BTreeMap::new();
        let mut got_baselines: BTreeMap<&str, usize> = BTreeMap::new();
        for x in f {
            *got_levels
                .entry(x.severity_source.as_deref().unwrap_or("-"))
                .or_default() += 1;
            if let Some(b) = x.baseline_state.as_deref() {
                *got_baselines.entry(b).or_default() += 1;
            }
        }
        let want_levels: BTreeMap<&str, usize> = levels.iter().copied().collect();
        let want_baselines: BTreeMap<&str, usize> = baselines.iter().copied().collect();
        let got_scored = f.iter().filter(|x| x.score.is_some()).count();
        if (f.len(), &got_levels, got_scored, &got_baselines)
            != (*results, &want_levels, *scored, &want_baselines)
        {
            failures.push(format!(
                "{rel}: got {} results {got_levels:?} scored {got_scored} {got_baselines:?}",
                f.len()
            ));
        }
        for x in f {
            // A score decides the severity; without one, the effective level does.
            let want = match x.score {
                Some(s) => Severity::from_score(s),
                None => Severity::from_sarif_level(x.severity_source.as_deref().unwrap_or("")),
            };
            if x.severity != want {
                failures.push(format!("{rel}: {} has severity {:?}", x.id, x.severity));
            }
            let secret_scanner = x.tool.eq_ignore_ascii_case("gitleaks");
            if secret_scanner != (x.kind == FindingKind::Secret) {
                failures.push(format!("{rel}: {} from {} is {:?}", x.id, x.tool, x.kind));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
