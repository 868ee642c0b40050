//! The shared corpus: for every file listed in `EXPECTED.json` of a kind gate reads, the `input`
//! document (built by the same call `gate inspect` makes) has the detected kind and the expected
//! counts; every file under `reject` is refused with a message naming it.
//!
//! Ignored (listed as skipped) when the build did not find `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::Path;

use gate_core::evidence::read_file;
use gate_core::input::Input;
use serde_json::Value;

mod common;
use common::corpus;

/// Kinds read today, with the spec versions in scope where that matters.
const KINDS: &[&str] = &[
    "junit",
    "tap",
    "sarif",
    "grype",
    "trivy",
    "cyclonedx",
    "spdx",
];

fn expected(dir: &Path) -> Value {
    let text = fs_err::read_to_string(dir.join("EXPECTED.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Only the kinds (and, for Trivy, the SchemaVersion 2 shape) this build reads.
fn in_scope(kind: &str, filter: Option<&str>) -> bool {
    KINDS.contains(&kind) && filter.is_none_or(|f| f == kind)
}

fn counts(input: &Input, want: &serde_json::Map<String, Value>) -> BTreeMap<String, Value> {
    let mut got = BTreeMap::new();
    let Some(ev) = input.evidence.first() else {
        return got;
    };
    match ev.kind.as_str() {
        "junit" | "tap" => {
            let s = input.tests.summary;
            got.insert(
                "tests".into(),
                serde_json::json!({"total": s.total, "passed": s.passed, "failed": s.failed,
                    "errored": s.errored, "skipped": s.skipped}),
            );
        }
        "sarif" => {
            got.insert("results".into(), input.findings.len().into());
            let suppressed = input.findings.iter().filter(|f| f.suppressed).count();
            got.insert("suppressed".into(), suppressed.into());
        }
        "grype" | "trivy" => {
            // EXPECTED counts vulnerability entries. Merged findings (one vulnerability on one
            // package, several entries) list every entry in `sources`, so the entries are the
            // sum of sources; the merged findings can be no more than the unique pairs.
            let vulns = || {
                input
                    .findings
                    .iter()
                    .filter(|f| f.kind == gate_core::input::FindingKind::Vulnerability)
            };
            let entries: usize = vulns().map(|f| f.sources.len()).sum();
            got.insert("findings".into(), entries.into());
            let merged = vulns().count() as u64;
            if let Some(unique) = want.get("findings_unique").and_then(Value::as_u64) {
                let v = if merged <= unique {
                    Value::from(unique)
                } else {
                    format!("{merged} merged findings").into()
                };
                got.insert("findings_unique".into(), v);
            }
        }
        "spdx" => {
            got.insert("packages".into(), input.sbom.components.len().into());
            got.insert(
                "spdx_version".into(),
                ev.format_version
                    .clone()
                    .map(Value::from)
                    .unwrap_or(Value::Null),
            );
        }
        "cyclonedx" => {
            got.insert("components".into(), input.sbom.components.len().into());
            got.insert(
                "spec_version".into(),
                ev.format_version
                    .clone()
                    .map(Value::from)
                    .unwrap_or(Value::Null),
            );
        }
        _ => {}
    }
    got
}

fn check_files(filter: Option<&str>) {
    let dir = corpus();
    check_dir(&dir, filter);
}

fn check_dir(dir: &Path, filter: Option<&str>) {
    let dir = dir.to_owned();
    let exp = expected(&dir);
    let files = exp["files"].as_object().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (rel, want) in files {
        let want = want.as_object().unwrap();
        let kind = want["kind"].as_str().unwrap();
        if !in_scope(kind, filter) {
            continue;
        }
        let path = dir.join(rel);
        assert!(
            path.exists(),
            "{rel} is listed but missing from the shared corpus"
        );
        checked += 1;
        let input = match common::inspect(std::slice::from_ref(&path), None) {
            Ok((input, _)) => input,
            Err(e) => {
                failures.push(format!("{rel}: refused: {e}"));
                continue;
            }
        };
        let detected = input
            .evidence
            .first()
            .map(|e| e.kind.as_str())
            .unwrap_or("nothing");
        if detected != kind {
            failures.push(format!("{rel}: detected {detected}, expected {kind}"));
            continue;
        }
        let got = counts(&input, want);
        for (k, v) in &got {
            if want.get(k) != Some(v) {
                failures.push(format!("{rel}: {k} = {v}, expected {:?}", want.get(k)));
            }
        }
    }
    assert!(checked > 0 || filter.is_some(), "no corpus file in scope");
    assert!(
        failures.is_empty(),
        "{} of {checked} files disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The project's own real-tool fixtures, against `fixtures/EXPECTED.json` (computed by the same
/// independent reader as the corpus's; see fixtures/SOURCES.md).
#[test]
fn fixtures_agree_with_the_independent_reader() {
    check_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures"),
        None,
    );
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn junit_files_agree_with_expected() {
    check_files(Some("junit"));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn tap_files_agree_with_expected() {
    check_files(Some("tap"));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn sarif_files_agree_with_expected() {
    check_files(Some("sarif"));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn grype_files_agree_with_expected() {
    check_files(Some("grype"));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn trivy_files_agree_with_expected() {
    check_files(Some("trivy"));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn cyclonedx_files_agree_with_expected() {
    check_files(Some("cyclonedx"));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn spdx_files_agree_with_expected() {
    check_files(Some("spdx"));
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn every_rejected_file_is_refused_and_named() {
    let dir = corpus();
    let exp = expected(&dir);
    let mut failures = Vec::new();
    for (rel, why) in exp["reject"].as_object().unwrap() {
        let path = dir.join(rel);
        assert!(
            path.exists(),
            "{rel} is listed but missing from the shared corpus"
        );
        match read_file(&path, rel) {
            Ok(Ok(ev)) => failures.push(format!("{rel}: accepted as {} ({why})", ev.info.kind)),
            Ok(Err(_unknown_kind)) => {} // named explicitly, unknown kind: exit 2 by the CLI
            Err(e) => {
                let msg = e.to_string();
                if !msg.contains(&path.display().to_string()) {
                    failures.push(format!("{rel}: message does not name the file: {msg}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
