//! Property tests of gate's invariants, over generated evidence (JUnit, SARIF, Grype), generated
//! waivers and damaged real fixtures:
//!
//! - adding evidence never removes a denial, and never turns a failing gate into a passing one;
//! - an expired waiver never waives, an active one does;
//! - the JSON report is byte-identical whatever the evaluation thread count and argument order;
//! - every reader returns facts or an error — never a panic — on arbitrary input, and a damaged
//!   fixture is read or refused naming the file.
//!
//! Case counts are kept small so the file runs in well under a minute in a debug build on two
//! cores. For a deeper run: `PROPTEST_CASES=256 cargo nextest run -p gate-core --test properties`
//! (each property's own count is a floor; `PROPTEST_CASES` raises it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gate_core::policy::RuleLevel;
use gate_core::report::{Report, Verdict};
use gate_core::Error;
use gate_core::{EvidenceSource, Gate};
use proptest::prelude::*;

const NOW: &str = "2026-11-28T12:00:00Z";

/// Cases for a property: `default`, or `PROPTEST_CASES` when that is larger.
fn cases(default: u32) -> ProptestConfig {
    let env = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    ProptestConfig {
        cases: default.max(env),
        // Shrinking reruns whole checks; a few dozen steps find a small case without taking minutes.
        max_shrink_iters: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generated evidence

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Pass,
    Fail,
    Error,
    Skip,
}

#[derive(Debug, Clone)]
struct Case {
    class: u8,
    name: String,
    outcome: Outcome,
}

#[derive(Debug, Clone)]
struct SarifResult {
    rule: u8,
    level: &'static str,
    line: u32,
}

#[derive(Debug, Clone)]
struct Match {
    cve: u16,
    package: u8,
    severity: &'static str,
    fixed: bool,
}

#[derive(Debug, Clone)]
enum Doc {
    Junit(Vec<Case>),
    Sarif(Vec<SarifResult>),
    Grype(Vec<Match>),
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        4 => Just(Outcome::Pass),
        2 => Just(Outcome::Fail),
        1 => Just(Outcome::Error),
        1 => Just(Outcome::Skip),
    ]
}

fn junit() -> impl Strategy<Value = Doc> {
    prop::collection::vec(
        (0u8..3, "[a-d]{1,3}", outcome()).prop_map(|(class, name, outcome)| Case {
            class,
            name,
            outcome,
        }),
        0..6,
    )
    .prop_map(Doc::Junit)
}

fn sarif() -> impl Strategy<Value = Doc> {
    prop::collection::vec(
        (
            0u8..4,
            prop::sample::select(vec!["error", "warning", "note"]),
            1u32..50,
        )
            .prop_map(|(rule, level, line)| SarifResult { rule, level, line }),
        0..5,
    )
    .prop_map(Doc::Sarif)
}

fn grype() -> impl Strategy<Value = Doc> {
    prop::collection::vec(
        (
            0u16..6,
            0u8..3,
            prop::sample::select(vec!["Critical", "High", "Medium", "Low", "Negligible"]),
            any::<bool>(),
        )
            .prop_map(|(cve, package, severity, fixed)| Match {
                cve,
                package,
                severity,
                fixed,
            }),
        0..5,
    )
    .prop_map(Doc::Grype)
}

fn doc() -> impl Strategy<Value = Doc> {
    prop_oneof![junit(), sarif(), grype()]
}

fn render_junit(cases: &[Case]) -> String {
    let count = |o: Outcome| cases.iter().filter(|c| c.outcome == o).count();
    let mut out = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="gen" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        cases.len(),
        count(Outcome::Fail),
        count(Outcome::Error),
        count(Outcome::Skip),
    );
    for c in cases {
        let body = match c.outcome {
            Outcome::Pass => String::new(),
            Outcome::Fail => r#"<failure message="boom">assert</failure>"#.to_owned(),
            Outcome::Error => r#"<error message="crash">trace</error>"#.to_owned(),
            Outcome::Skip => "<skipped/>".to_owned(),
        };
        out.push_str(&format!(
            r#"<testcase classname="pkg.C{}" name="{}" time="0.001">{body}</testcase>"#,
            c.class, c.name
        ));
    }
    out.push_str("</testsuite></testsuites>\n");
    out
}

fn render_sarif(results: &[SarifResult]) -> String {
    let results: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            serde_json::json!({
                "ruleId": format!("R{}", r.rule),
                "level": r.level,
                "message": {"text": format!("problem {}", r.rule)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "src/lib.rs"},
                    "region": {"startLine": r.line}
                }}]
            })
        })
        .collect();
    serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "gen-lint", "version": "1.0"}}, "results": results}]
    })
    .to_string()
}

fn render_grype(matches: &[Match]) -> String {
    let matches: Vec<serde_json::Value> = matches
        .iter()
        .map(|m| {
            let name = format!("lib{}", m.package);
            let fix = if m.fixed {
                serde_json::json!({"versions": ["9.9.9"], "state": "fixed"})
            } else {
                serde_json::json!({"versions": [], "state": "not-fixed"})
            };
            serde_json::json!({
                "vulnerability": {
                    "id": format!("CVE-2024-{:04}", 1000 + m.cve),
                    "namespace": "github:language:javascript",
                    "severity": m.severity,
                    "description": "generated",
                    "fix": fix
                },
                "artifact": {
                    "name": name,
                    "version": "1.0.0",
                    "type": "npm",
                    "purl": format!("pkg:npm/{name}@1.0.0")
                }
            })
        })
        .collect();
    serde_json::json!({
        "matches": matches,
        "source": {"type": "directory"},
        "descriptor": {"name": "grype", "version": "0.96.0"}
    })
    .to_string()
}

/// Write each document to `dir` as `<i>.<ext>`; their paths, in order.
fn write_docs(dir: &Path, docs: &[Doc]) -> Vec<PathBuf> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            let (ext, text) = match d {
                Doc::Junit(c) => ("xml", render_junit(c)),
                Doc::Sarif(r) => ("sarif", render_sarif(r)),
                Doc::Grype(m) => ("json", render_grype(m)),
            };
            let path = dir.join(format!("{i}.{ext}"));
            fs_err::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn run(evidence: &[PathBuf], waivers: Vec<PathBuf>, threads: Option<usize>) -> Report {
    let mut builder = Gate::builder().now(gate_core::parse_now(NOW).unwrap());
    for w in waivers {
        builder = builder.waivers(w);
    }
    if let Some(n) = threads {
        builder = builder.threads(n);
    }
    builder
        .build()
        .unwrap()
        .check(&EvidenceSource::paths(evidence))
        .unwrap()
}

fn denials(report: &Report) -> BTreeSet<(String, String)> {
    report
        .results
        .iter()
        .filter(|r| r.level == RuleLevel::Deny && r.waived_by.is_none())
        .map(|r| (r.code.clone(), r.subject.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Decisions

proptest! {
    #![proptest_config(cases(12))]

    /// Adding evidence never removes a denial, and a failing gate stays failing.
    #[test]
    fn adding_evidence_never_removes_a_denial(
        base in prop::collection::vec(doc(), 1..3),
        more in prop::collection::vec(doc(), 1..3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let all: Vec<Doc> = base.iter().chain(&more).cloned().collect();
        let paths = write_docs(dir.path(), &all);
        let before = run(&paths[..base.len()], Vec::new(), None);
        let after = run(&paths, Vec::new(), None);
        let (b, a) = (denials(&before), denials(&after));
        prop_assert!(b.is_subset(&a), "denials lost: {:?}", b.difference(&a).collect::<Vec<_>>());
        if before.verdict == Verdict::Fail {
            prop_assert_eq!(after.verdict, Verdict::Fail);
        }
    }

    /// The JSON report is byte-identical whatever the evaluation thread count and whatever the
    /// order the evidence is named in.
    #[test]
    fn the_report_does_not_depend_on_threads_or_argument_order(
        docs in prop::collection::vec(doc(), 1..4),
        rotate in 0usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_docs(dir.path(), &docs);
        let reference = gate_core::report::json::render(&run(&paths, Vec::new(), Some(1)));
        let mut reordered = paths.clone();
        reordered.reverse();
        let k = rotate % reordered.len();
        reordered.rotate_left(k);
        for (threads, order) in [(Some(2), &paths), (Some(8), &reordered), (None, &reordered)] {
            let other = gate_core::report::json::render(&run(order, Vec::new(), threads));
            prop_assert!(
                other == reference,
                "threads {:?}, order {:?}: the report differs",
                threads,
                order
            );
        }
    }
}

/// Issue 9, found by the property above: the report listed the evidence in argument order, so
/// `gate check a b` and `gate check b a` gave different JSON. It lists it by id.
#[test]
fn naming_the_evidence_in_another_order_gives_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let docs = vec![Doc::Junit(Vec::new()); 3];
    let paths = write_docs(dir.path(), &docs);
    let mut reversed = paths.clone();
    reversed.reverse();
    let a = run(&paths, Vec::new(), Some(1));
    let b = run(&reversed, Vec::new(), Some(1));
    assert_eq!(
        gate_core::report::json::render(&a),
        gate_core::report::json::render(&b)
    );
}

/// One failing test case waived by a waiver that expires `offset_s` seconds from `NOW`.
fn waived_check(offset_s: i64, name: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let docs = [Doc::Junit(vec![
        Case {
            class: 0,
            name: name.to_owned(),
            outcome: Outcome::Fail,
        },
        Case {
            class: 1,
            name: "ok".to_owned(),
            outcome: Outcome::Pass,
        },
    ])];
    let paths = write_docs(dir.path(), &docs);
    let expires = gate_core::parse_now(NOW).unwrap() + chrono::Duration::seconds(offset_s);
    let waiver = format!(
        "[[waiver]]\nid = \"W-1\"\ncode = \"tests.failed\"\nsubject = \"pkg.C0::{name}\"\n\
         owner = \"qa@example.com\"\nreason = \"flaky\"\nexpires = \"{}\"\n",
        expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let waivers = dir.path().join("waivers.toml");
    fs_err::write(&waivers, waiver).unwrap();
    run(&paths, vec![waivers], None)
}

proptest! {
    #![proptest_config(cases(12))]

    /// A waiver whose expiry is at or before `--now` waives nothing (the failure still fails the
    /// gate); one whose expiry is after `--now` waives its result.
    #[test]
    fn an_expired_waiver_never_waives(
        offset_s in prop_oneof![-40_000_000i64..=0, 1i64..40_000_000],
        name in "[a-d]{1,3}",
    ) {
        let report = waived_check(offset_s, &name);
        let failed: Vec<_> = report.results.iter().filter(|r| r.code == "tests.failed").collect();
        prop_assert_eq!(failed.len(), 1);
        if offset_s <= 0 {
            prop_assert!(failed[0].waived_by.is_none(), "expired {}s ago and still waives", -offset_s);
            prop_assert_eq!(report.verdict, Verdict::Fail);
        } else {
            prop_assert!(failed[0].waived_by.is_some(), "active for {}s more but did not waive", offset_s);
            prop_assert_eq!(report.verdict, Verdict::Pass);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Readers

/// Every registered reader, named by its kind and place in the registry.
fn readers() -> impl Iterator<Item = (String, &'static dyn gate_core::evidence::Format)> {
    gate_core::evidence::formats()
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("{}#{i}", f.kind().as_str()), *f))
}

/// Text that is often almost a document: JSON and XML punctuation, keys the readers look for.
fn near_document() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"",
        "<",
        ">",
        "/",
        "=",
        " ",
        "\n",
        "0",
        "-1",
        "1e999",
        "null",
        "true",
        "\"version\"",
        "\"runs\"",
        "\"matches\"",
        "\"bomFormat\"",
        "\"CycloneDX\"",
        "\"specVersion\"",
        "\"components\"",
        "\"spdxVersion\"",
        "\"payload\"",
        "\"payloadType\"",
        "\"signatures\"",
        "\"mediaType\"",
        "\"verificationMaterial\"",
        "testsuite",
        "testcase",
        "failure",
        "TAP version 13",
        "ok 1",
        "not ok 2",
        "1..2",
        "\\u0000",
        "\\ud800",
        "é",
        "\u{0}",
    ]);
    prop::collection::vec(token, 0..60).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(cases(64))]

    /// Each reader, on arbitrary text, returns facts or an error with a message — never panics.
    #[test]
    fn readers_never_panic_on_arbitrary_text(
        text in prop_oneof![any::<String>(), near_document()],
    ) {
        for (name, format) in readers() {
            if let Err(e) = format.read("gen", &text) {
                prop_assert!(!e.message.trim().is_empty(), "{}: an error without a message", name);
            }
        }
    }

    /// Arbitrary bytes in a file: read, taken for an unknown kind, or refused naming the file.
    #[test]
    fn arbitrary_bytes_are_read_or_refused_naming_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("arbitrary.json");
        fs_err::write(&target, &bytes).unwrap();
        read_or_refused(&target)?;
    }
}

/// `read_file` on `target`: facts, "no kind", or an evidence error naming `target`.
fn read_or_refused(target: &Path) -> Result<(), TestCaseError> {
    match gate_core::evidence::read_file(target, "damaged") {
        Ok(_) => Ok(()),
        Err(Error::Evidence { path, problem }) => {
            prop_assert_eq!(&path, target);
            prop_assert!(!problem.message.trim().is_empty());
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "{}: not an evidence error: {other}",
            target.display()
        ))),
    }
}

#[derive(Debug, Clone)]
enum Damage {
    /// XOR one byte (index taken modulo the length) with a non-zero mask.
    Flip(usize, u8),
    /// Keep this fraction (per mille) of the file.
    Truncate(u16),
    /// Write a byte the readers care about.
    Put(usize, u8),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, m)| Damage::Flip(i, m)),
        (0u16..1000).prop_map(Damage::Truncate),
        (
            any::<usize>(),
            prop::sample::select(b"\"{}[]<>:,0\\\n".to_vec())
        )
            .prop_map(|(i, b)| Damage::Put(i, b)),
    ]
}

proptest! {
    #![proptest_config(cases(48))]

    /// A real fixture with a few bytes flipped or cut short: read, or refused naming the file.
    #[test]
    fn damaged_fixtures_are_read_or_refused_naming_the_file(
        pick in any::<prop::sample::Index>(),
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let files = common::fixtures();
        let file = pick.get(&files);
        let mut bytes = fs_err::read(file).unwrap();
        for d in &damages {
            match *d {
                Damage::Flip(i, m) if !bytes.is_empty() => {
                    let i = i % bytes.len();
                    bytes[i] ^= m;
                }
                Damage::Put(i, b) if !bytes.is_empty() => {
                    let i = i % bytes.len();
                    bytes[i] = b;
                }
                Damage::Truncate(k) => bytes.truncate(bytes.len() * usize::from(k) / 1000),
                _ => {}
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(file.file_name().unwrap());
        fs_err::write(&target, &bytes).unwrap();
        read_or_refused(&target)?;
    }
}
