//! The generated evidence is read as intended: gate finds exactly what the generator says it
//! wrote, and denies exactly the failures it planted. If this fails, the benchmarks measure
//! something other than the big gate.

use std::collections::BTreeMap;

use gate_benches::{generate_with_facts, Sizes};
use gate_core::input::TestStatus;
use gate_core::policy::RuleLevel;
use gate_core::report::Verdict;
use gate_core::{EvidenceSource, Gate};

#[test]
fn small_set_is_read_and_judged_as_generated() {
    let dir = tempfile::tempdir().unwrap();
    let generated = generate_with_facts(dir.path(), Sizes::SMALL).unwrap();
    let facts = &generated.facts;

    // What the generator wrote.
    assert_eq!(generated.files.len(), 3);
    assert_eq!(facts.components, Sizes::SMALL.components);
    assert_eq!(facts.findings, Sizes::SMALL.findings);
    assert_eq!(facts.tests, Sizes::SMALL.tests);
    assert!(facts.nested > 0, "{facts:?}");
    assert!(facts.without_purl > 0 && facts.without_version > 0 && facts.without_licenses > 0);
    assert!(
        facts.failed > 0 && facts.errored > 0 && facts.skipped > 0,
        "{facts:?}"
    );
    assert!(facts.blocking_fixable > 0, "{facts:?}");

    // What gate reads.
    let now = gate_core::parse_now("2026-12-01T00:00:00Z").unwrap();
    let sources = EvidenceSource::paths(&generated.files);
    let (input, collected) = Gate::builder().now(now).inspect(&sources).unwrap();
    let kinds: Vec<&str> = input.evidence.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["cyclonedx", "grype", "junit"]);
    assert_eq!(
        collected.diagnostics,
        [],
        "the generated files read without notes"
    );

    let components = &input.sbom.components;
    assert_eq!(components.len(), facts.components);
    let nested = components
        .iter()
        .filter(|c| {
            c.source
                .pointer
                .as_deref()
                .is_some_and(|p| p.matches("/components/").count() > 1)
        })
        .count();
    assert_eq!(nested, facts.nested);
    assert_eq!(
        components.iter().filter(|c| c.purl.is_none()).count(),
        facts.without_purl
    );
    assert_eq!(
        components.iter().filter(|c| c.version.is_none()).count(),
        facts.without_version
    );
    assert_eq!(
        components.iter().filter(|c| c.licenses.is_empty()).count(),
        facts.without_licenses
    );
    assert!(components
        .iter()
        .all(|c| c.name.is_some() && !c.hashes.is_empty()));

    assert_eq!(input.findings.len(), facts.findings);
    assert!(input
        .findings
        .iter()
        .all(|f| f.tool == "grype" && f.package.is_some()));
    let severities = |wanted: &[&str], fixed: bool| {
        input
            .findings
            .iter()
            .filter(|f| wanted.contains(&f.severity.as_str()))
            .filter(|f| (f.fix_state == gate_core::input::FixState::Fixed) == fixed)
            .count()
    };
    assert_eq!(
        severities(&["critical", "high", "unknown"], true),
        facts.blocking_fixable
    );
    assert_eq!(
        severities(&["critical", "high", "unknown"], false),
        facts.blocking_unfixable
    );

    let summary = input.tests.summary;
    assert_eq!(summary.total, facts.tests as u64);
    assert_eq!(summary.passed, facts.passed as u64);
    assert_eq!(summary.failed, facts.failed as u64);
    assert_eq!(summary.errored, facts.errored as u64);
    assert_eq!(summary.skipped, facts.skipped as u64);
    assert_eq!(input.tests.cases.len(), facts.tests);
    let mut failing: Vec<String> = input
        .tests
        .cases
        .iter()
        .filter(|c| matches!(c.status, TestStatus::Failed | TestStatus::Errored))
        .map(|c| c.derive_subject())
        .collect();
    failing.sort();
    assert_eq!(failing, facts.failing_tests);
    assert!(input.tests.reports.iter().all(|r| r.mismatches.is_empty()));

    // What gate decides, with the embedded policies.
    let report = Gate::builder()
        .now(now)
        .build()
        .unwrap()
        .check(&sources)
        .unwrap();
    assert_eq!(report.verdict, Verdict::Fail);
    let mut denied: BTreeMap<&str, usize> = BTreeMap::new();
    for r in report.results.iter().filter(|r| r.level == RuleLevel::Deny) {
        *denied.entry(r.code.as_str()).or_default() += 1;
    }
    let count = |code: &str| denied.get(code).copied().unwrap_or(0);
    assert_eq!(count("tests.failed"), facts.failed, "{denied:?}");
    assert_eq!(count("tests.errored"), facts.errored, "{denied:?}");
    assert_eq!(
        count("sbom.missing-version"),
        facts.without_version,
        "{denied:?}"
    );
    assert_eq!(
        count("vulnerabilities.fixable"),
        facts.blocking_fixable,
        "{denied:?}"
    );
    let mut denied_tests: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.level == RuleLevel::Deny && r.code.starts_with("tests."))
        .map(|r| r.subject.as_str())
        .collect();
    denied_tests.sort();
    assert_eq!(denied_tests, facts.failing_tests);
}

#[test]
fn generation_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let fa = gate_benches::generate(a.path(), Sizes::SMALL).unwrap();
    let fb = gate_benches::generate(b.path(), Sizes::SMALL).unwrap();
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.file_name(), y.file_name());
        assert!(
            fs_err::read(x).unwrap() == fs_err::read(y).unwrap(),
            "{x:?} differs"
        );
    }
}
