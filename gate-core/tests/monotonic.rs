//! Invariant: adding evidence never turns a failing gate into a passing one, and never removes a
//! denial. Checked over every pair of the project's real-tool fixtures with the standard policies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use gate_core::report::Verdict;
use gate_core::{EvidenceSource, Gate};

fn denials(paths: &[PathBuf]) -> (Verdict, BTreeSet<(String, String)>) {
    let report = Gate::builder()
        .now(gate_core::parse_now("2026-11-28T12:00:00Z").unwrap())
        .build()
        .unwrap()
        .check(&EvidenceSource::paths(paths))
        .unwrap();
    let denied = report
        .results
        .iter()
        .filter(|r| r.level == gate_core::policy::RuleLevel::Deny)
        .map(|r| (r.code.clone(), r.subject.clone()))
        .collect();
    (report.verdict, denied)
}

#[test]
fn adding_evidence_never_removes_a_denial() {
    let files = common::fixtures();
    assert!(files.len() >= 15, "fixtures missing: {files:?}");
    let single: Vec<_> = files
        .iter()
        .map(|f| denials(std::slice::from_ref(f)))
        .collect();
    assert!(
        single.iter().any(|(v, _)| *v == Verdict::Fail),
        "no failing fixture"
    );
    assert!(
        single.iter().any(|(v, _)| *v == Verdict::Pass),
        "no passing fixture"
    );
    for (i, a) in files.iter().enumerate() {
        for (j, b) in files.iter().enumerate().skip(i + 1) {
            let (verdict, both) = denials(&[a.clone(), b.clone()]);
            for (k, path) in [(i, a), (j, b)] {
                let (alone, denied) = &single[k];
                if *alone == Verdict::Fail {
                    assert_eq!(
                        verdict,
                        Verdict::Fail,
                        "{} with {} passes",
                        path.display(),
                        b.display()
                    );
                }
                assert!(
                    denied.is_subset(&both),
                    "adding evidence to {} removed a denial",
                    path.display()
                );
            }
        }
    }
}
