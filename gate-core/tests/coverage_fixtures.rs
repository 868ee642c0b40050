//! The real-tool coverage fixtures (`fixtures/coverage/`, see fixtures/SOURCES.md), read as
//! `gate inspect` reads them, against the figures each tool printed in its own summary of the
//! same run (coverage.py's JSON totals, c8's and nyc's `text-summary`, gcovr's
//! `--print-summary`, `go tool cover -func`, JaCoCo's CSV report): an expected count that comes
//! from the tool, not from gate. And every one of them, cut short, is refused — except where the
//! format cannot tell (an LCOV file cut after a whole record, a Go profile cut after a whole
//! line), which docs/evidence/coverage.md states.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};

use gate_core::evidence::read_file;
use gate_core::input::coverage::merge;
use gate_core::input::Figure;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/coverage")
        .join(name)
}

/// covered of total, as a tool's summary states it.
type Expected = Option<(u64, u64)>;

/// (file, kind, lines, branches, functions, statements)
const EXPECTED: &[(&str, &str, Expected, Expected, Expected, Expected)] = &[
    // coverage.py 7.17.5 JSON totals: covered_lines 30 of num_statements 38, covered_branches 7
    // of num_branches 12. Its Cobertura has no <method>s.
    (
        "pytest-cov.cobertura.xml",
        "cobertura",
        Some((30, 38)),
        Some((7, 12)),
        None,
        None,
    ),
    // The same run as LCOV, whose FNF/FNH coverage.py writes as 5/4.
    (
        "pytest-cov.lcov",
        "lcov",
        Some((30, 38)),
        Some((7, 12)),
        Some((4, 5)),
        None,
    ),
    // c8 12.0.0 text-summary: Statements 35/59, Branches 4/7, Functions 2/4, Lines 35/59.
    (
        "c8-lcov.info",
        "lcov",
        Some((35, 59)),
        Some((4, 7)),
        Some((2, 4)),
        None,
    ),
    (
        "c8-cobertura.xml",
        "cobertura",
        Some((35, 59)),
        Some((4, 7)),
        Some((2, 4)),
        None,
    ),
    (
        "c8-coverage-summary.json",
        "istanbul-summary",
        Some((35, 59)),
        Some((4, 7)),
        Some((2, 4)),
        Some((35, 59)),
    ),
    // nyc 18.0.0 text-summary: Statements 9/28, Branches 7/22, Functions 2/4, Lines 9/25.
    (
        "nyc-lcov.info",
        "lcov",
        Some((9, 25)),
        Some((7, 22)),
        Some((2, 4)),
        None,
    ),
    // gcovr 8.8 --print-summary: lines 23 out of 32, functions 4 out of 5, branches 4 out of 10;
    // the same run in its three formats (its JaCoCo gives lines and functions as counters).
    (
        "gcovr-cobertura.xml",
        "cobertura",
        Some((23, 32)),
        Some((4, 10)),
        Some((4, 5)),
        None,
    ),
    (
        "gcovr.lcov",
        "lcov",
        Some((23, 32)),
        Some((4, 10)),
        Some((4, 5)),
        None,
    ),
    (
        "gcovr-jacoco.xml",
        "jacoco",
        Some((23, 32)),
        Some((4, 10)),
        Some((4, 5)),
        None,
    ),
    // go 1.19.8, `go tool cover -func`: total (statements) 65.5% = 19 of 29 (the counts summed
    // over the blocks). Go states no line figure: 22 of 42 lines is the conservative rule of
    // docs/evidence/coverage.md, counted by hand from the blocks.
    (
        "go.coverprofile",
        "go-coverprofile",
        Some((22, 42)),
        None,
        None,
        Some((19, 29)),
    ),
    // JaCoCo 0.8.6 CSV report of the same run: LINE 1 missed 10 covered, BRANCH 0/2, METHOD 1/5.
    (
        "jacoco.xml",
        "jacoco",
        Some((10, 11)),
        Some((2, 2)),
        Some((5, 6)),
        None,
    ),
];

fn pair(f: Option<Figure>) -> Expected {
    f.map(|f| (f.covered, f.total))
}

#[test]
fn coverage_fixtures_give_the_figures_their_tools_printed() {
    let mut problems = Vec::new();
    for &(name, kind, lines, branches, functions, statements) in EXPECTED {
        let ev = read_file(&fixture(name), name).unwrap().unwrap();
        assert_eq!(ev.info.kind, kind, "{name}");
        let c = merge(ev.facts.coverage.into_iter().collect()).0;
        let got = (
            pair(c.lines),
            pair(c.branches),
            pair(c.functions),
            pair(c.statements),
        );
        if got != (lines, branches, functions, statements) {
            problems.push(format!(
                "{name}: got {got:?}, the tool said {:?}",
                (lines, branches, functions, statements)
            ));
        }
        // Every file has a place in the report.
        assert!(
            c.files
                .iter()
                .all(|f| f.sources.iter().all(|s| s.line.is_some())),
            "{name}"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every coverage fixture is listed above.
#[test]
fn every_coverage_fixture_has_expected_figures() {
    let dir = fixture("");
    let mut on_disk: Vec<String> = fs_err::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

/// Whether a cut text may read as complete: LCOV after a whole record, a Go profile after a
/// whole line or inside the last count of a line.
fn cannot_tell(kind: &str, cut: &str) -> bool {
    match kind {
        "lcov" => cut.trim_end().ends_with("end_of_record"),
        "go-coverprofile" => cut.lines().last().is_some_and(|l| {
            l.rsplit(' ')
                .next()
                .is_some_and(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
                && l.matches(' ').count() == 2
        }),
        _ => false,
    }
}

#[test]
fn cut_coverage_fixtures_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for &(name, kind, ..) in EXPECTED {
        let bytes = fs_err::read(fixture(name)).unwrap();
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .unwrap();
        let target = dir.path().join(name);
        for k in 1..60 {
            let cut = end * k / 60;
            let text = String::from_utf8_lossy(&bytes[..cut]).into_owned();
            fs_err::write(&target, &text).unwrap();
            match read_file(&target, "cut") {
                Err(gate_core::Error::Evidence { path, .. }) => assert_eq!(path, target),
                Err(other) => panic!("{name} cut at {cut}: unexpected error {other}"),
                Ok(Ok(_)) if cannot_tell(kind, &text) => {}
                Ok(Ok(ev)) => panic!("{name} cut at {cut} was read as {}", ev.info.kind),
                Ok(Err(reason)) => panic!("{name} cut at {cut} was taken for unknown: {reason}"),
            }
        }
    }
}
