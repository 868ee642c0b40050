//! gate-core as a library: the `Gate` entry point judges paths and in-memory bytes alike, a
//! compiled gate is reusable, and each check is judged at its own time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use gate_core::{Error, EvidenceSource, Gate, Verdict};

const NOW: &str = "2026-12-01T00:00:00Z";

fn demo() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo");
    let mut files: Vec<_> = fs_err::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn json(report: &gate_core::Report) -> serde_json::Value {
    serde_json::to_value(report).unwrap()
}

#[test]
fn bytes_and_paths_give_the_same_report() {
    let gate = Gate::builder()
        .now(gate_core::parse_now(NOW).unwrap())
        .build()
        .unwrap();
    let files = demo();
    let from_paths = gate.check(&EvidenceSource::paths(&files)).unwrap();
    // Bytes named as the paths would be: the same evidence ids, so the same report.
    let from_bytes: Vec<EvidenceSource> = files
        .iter()
        .map(|p| {
            let id = gate_core::evidence::evidence_id(p);
            EvidenceSource::bytes(id, fs_err::read(p).unwrap())
        })
        .collect();
    let from_bytes = gate.check(&from_bytes).unwrap();
    assert_eq!(from_paths.verdict, Verdict::Fail);
    assert!(from_paths.denials().any(|r| r.code == "tests.failed"));
    assert_eq!(json(&from_paths), json(&from_bytes));
}

#[test]
fn one_compiled_gate_judges_many_evidence_sets_as_fresh_gates_do() {
    let now = gate_core::parse_now(NOW).unwrap();
    let gate = Gate::builder().now(now).build().unwrap();
    for file in demo() {
        let sources = EvidenceSource::paths([&file]);
        let reused = gate.check(&sources).unwrap();
        let fresh = Gate::builder()
            .now(now)
            .build()
            .unwrap()
            .check(&sources)
            .unwrap();
        assert_eq!(json(&reused), json(&fresh), "{}", file.display());
    }
}

const NOW_POLICY: &str = r#"package clock

deny contains sprintf("%d", [time.now_ns()]) if input.tests.summary.total >= 0
"#;

const JUNIT: &str =
    r#"<testsuite name="s" tests="1"><testcase classname="c" name="t"/></testsuite>"#;

fn clock(gate: &Gate) -> i64 {
    let report = gate
        .check(&[EvidenceSource::bytes("junit.xml", JUNIT)])
        .unwrap();
    let r = report.results.first().expect("the clock rule denies");
    r.message.parse().unwrap()
}

#[test]
fn a_gate_without_a_fixed_time_judges_each_check_at_its_own_time() {
    let gate = Gate::builder()
        .policy_text("clock.rego", NOW_POLICY)
        .build()
        .unwrap();
    let after_build = chrono::Utc::now().timestamp_nanos_opt().unwrap();
    assert!(
        clock(&gate) >= after_build,
        "time.now_ns() is the check's time"
    );
    let fixed = gate_core::parse_now(NOW).unwrap();
    let gate = Gate::builder()
        .policy_text("clock.rego", NOW_POLICY)
        .now(fixed)
        .build()
        .unwrap();
    assert_eq!(clock(&gate), fixed.timestamp_nanos_opt().unwrap());
}

#[test]
fn bytes_of_no_known_kind_are_refused_by_name() {
    let gate = Gate::builder().build().unwrap();
    let err = gate
        .check(&[EvidenceSource::bytes("notes.json", r#"{"hello": 1}"#)])
        .unwrap_err();
    assert!(matches!(&err, Error::UnknownKind { path, .. } if path.ends_with("notes.json")));
    let err = gate
        .check(&[EvidenceSource::bytes("broken.xml", "<testsuite")])
        .unwrap_err();
    assert!(err.to_string().contains("broken.xml"), "{err}");
}

#[test]
fn no_evidence_is_no_verdict() {
    let gate = Gate::builder().build().unwrap();
    assert!(matches!(gate.check(&[]), Err(Error::Usage(_))));
}

#[test]
fn a_document_named_twice_is_read_once() {
    let gate = Gate::builder()
        .now(gate_core::parse_now(NOW).unwrap())
        .build()
        .unwrap();
    let twice = [
        EvidenceSource::bytes("junit.xml", JUNIT),
        EvidenceSource::bytes("junit.xml", JUNIT),
    ];
    let report = gate.check(&twice).unwrap();
    assert_eq!(report.evidence.len(), 1);
}

const FAILING_JUNIT: &str = r#"<testsuite name="unit" tests="1" failures="1">
  <testcase classname="app" name="adds"><failure message="1 != 2"/></testcase>
</testsuite>"#;

/// Everything `gate.toml` and the flags give reaches the library through the builder: a
/// profile, required kinds, a selection, settings; the report records each.
#[test]
fn the_builder_takes_profiles_required_kinds_and_selections() {
    use gate_core::kinds::EvidenceKind;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("gate.toml");
    fs_err::write(
        &cfg,
        "[settings.approvals]\nmin = 2\n\n[profile.ci]\nrequire = [\"tests\"]\nskip = [\"tests.failed\"]\n",
    )
    .unwrap();
    let junit = [EvidenceSource::bytes("junit.xml", FAILING_JUNIT)];
    let now = gate_core::parse_now(NOW).unwrap();

    let plain = Gate::builder().now(now).build().unwrap();
    let report = plain.check(&junit).unwrap();
    assert_eq!(report.verdict, Verdict::Fail);
    assert!(report.absent_evidence.contains(&"sbom".to_owned()));
    assert!(!report.absent_evidence.contains(&"tests".to_owned()));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == gate_core::diagnostic::Code::EvidenceAbsent));

    let ci = Gate::builder()
        .now(now)
        .find_config(dir.path())
        .profile("ci")
        .build()
        .unwrap();
    let report = ci.check(&junit).unwrap();
    assert_eq!(report.verdict, Verdict::Pass, "{:#?}", report.results);
    assert_eq!(report.profile.as_deref(), Some("ci"));
    let selection = report.selection.as_ref().unwrap();
    assert_eq!(selection.codes_skipped.get("tests.failed"), Some(&1));
    // With a `require`, the absent kinds stay in the report but need no note.
    assert!(!report
        .diagnostics
        .iter()
        .any(|d| d.code == gate_core::diagnostic::Code::EvidenceAbsent));

    let strict = Gate::builder()
        .now(now)
        .config(&cfg)
        .require([EvidenceKind::Sbom, EvidenceKind::Vulnerabilities])
        .build()
        .unwrap();
    assert_eq!(
        strict.required(),
        &[EvidenceKind::Sbom, EvidenceKind::Vulnerabilities]
    );
    let e = strict.check(&junit).unwrap_err();
    assert_eq!(e.code(), gate_core::ErrorCode::EvidenceRequiredMissing);
    match &e {
        Error::RequiredEvidence { missing, .. } => {
            assert_eq!(missing, &["sbom".to_owned(), "vulnerabilities".to_owned()])
        }
        other => panic!("{other}"),
    }
    assert!(
        e.to_string()
            .contains("the evidence given (junit.xml) covers tests"),
        "{e}"
    );

    let e = Gate::builder().profile("ci").build().unwrap_err();
    assert!(e.to_string().contains("no gate.toml"), "{e}");
}

#[test]
fn settings_and_params_are_checked_against_the_policies_declarations() {
    let typo = serde_json::json!({"gate": {"config": {"licenses": {"denied": ["MIT"]}}}});
    let e = Gate::builder().data(typo).build().unwrap_err();
    assert_eq!(e.code(), gate_core::ErrorCode::SettingsInvalid);
    assert_eq!(
        e.to_string(),
        "data document: `denied` is not a setting of `licenses` (known: allow, deny)"
    );
    assert_eq!(e.path(), None);
    let e = Gate::builder()
        .param("enviroment", "prod")
        .build()
        .unwrap_err();
    assert_eq!(e.code(), gate_core::ErrorCode::SettingsInvalid);
    assert!(e.to_string().contains("(known: author, commit)"), "{e}");
    // Data outside `gate.config` is the policies' own.
    Gate::builder()
        .data(serde_json::json!({"acme": {"anything": true}}))
        .build()
        .unwrap();
}
