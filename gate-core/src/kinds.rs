//! Evidence kinds as users name them (`require = ["tests", "sbom"]` in `gate.toml`), and which
//! of them a check's evidence covers.
//!
//! A kind is a part of the `input` document a policy judges (`tests` is `input.tests`,
//! `vulnerabilities` the vulnerability findings). It is covered when the evidence holds a file
//! that speaks to it — a scan that found nothing still covers its kind; a check that read no
//! file of a kind never judged it, and the report says so. Not here: reading the files (see
//! `evidence`) or deciding what a missing kind does (see `gate`).

use std::collections::BTreeSet;

use crate::evidence::{Evidence, Kind};
use crate::input::{FindingKind, Input};

/// A kind of evidence, as written in `require` and listed in a report's `absent_evidence`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::EnumString,
)]
#[strum(serialize_all = "kebab-case")]
pub enum EvidenceKind {
    /// test results (`input.tests`): a JUnit XML report or a TAP stream
    Tests,
    /// a software bill of materials (`input.sbom`): CycloneDX or SPDX
    Sbom,
    /// a vulnerability scan (`input.findings` of kind `vulnerability`): Grype, OSV-Scanner,
    /// npm audit, or a Trivy report that scanned packages
    Vulnerabilities,
    /// a static-analysis scan (`input.findings` of kind `code`): a SARIF log from a code scanner
    CodeScanning,
    /// a secret scan (`input.findings` of kind `secret`): a Trivy report that scanned for
    /// secrets, or a SARIF log from gitleaks or trufflehog
    Secrets,
    /// a configuration scan (`input.findings` of kind `misconfiguration`): a Trivy report that
    /// scanned configuration
    Misconfigurations,
    /// a signature over the release (`input.signatures`): a Sigstore bundle or a DSSE envelope,
    /// verified or not (the `signature` policy judges that)
    Signature,
    /// an attestation (`input.attestations`): an in-toto statement, alone or in a bundle or
    /// envelope
    Attestations,
    /// SLSA build provenance (`input.attestations[].provenance`): an attestation whose
    /// predicate is SLSA provenance v0.2 or v1
    Provenance,
    /// approvals of the change (`input.approvals`): a GitHub pull request or reviews, a GitLab
    /// merge request or approvals, a gate-approvals ticket
    Approvals,
    /// a code coverage report (`input.coverage`): Cobertura XML, LCOV, JaCoCo XML, a Go
    /// coverage profile or an istanbul `coverage-summary.json`
    Coverage,
}

impl EvidenceKind {
    /// Every kind, in documentation order.
    pub fn all() -> impl Iterator<Item = EvidenceKind> {
        <EvidenceKind as strum::IntoEnumIterator>::iter()
    }

    /// The name users write: `tests`, `code-scanning`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What covers the kind, in one line (the variant's documentation).
    pub fn description(self) -> String {
        crate::error::one_paragraph(strum::EnumMessage::get_documentation(&self))
    }

    /// The kind of this name; an unknown name is an error that lists the known ones.
    pub fn parse(name: &str) -> Result<EvidenceKind, String> {
        name.parse().map_err(|_| {
            format!(
                "unknown evidence kind `{name}` (known: {})",
                EvidenceKind::all()
                    .map(EvidenceKind::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }
}

impl std::fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds `evidence` (the files read) and `input` (the document built from them) cover.
pub fn covered(evidence: &[Evidence], input: &Input) -> BTreeSet<EvidenceKind> {
    let mut out = BTreeSet::new();
    for ev in evidence {
        let kind = Kind::named(&ev.info.kind);
        if matches!(kind, Some(Kind::Junit | Kind::Tap)) {
            out.insert(EvidenceKind::Tests);
        }
        if matches!(kind, Some(Kind::CycloneDx | Kind::Spdx)) {
            out.insert(EvidenceKind::Sbom);
        }
        if matches!(
            kind,
            Some(
                Kind::Cobertura
                    | Kind::Lcov
                    | Kind::Jacoco
                    | Kind::GoCoverprofile
                    | Kind::IstanbulSummary
            )
        ) {
            out.insert(EvidenceKind::Coverage);
        }
        if matches!(
            kind,
            Some(
                Kind::GithubPullRequest
                    | Kind::GithubReviews
                    | Kind::GitlabMergeRequest
                    | Kind::GitlabApprovals
                    | Kind::GateApprovals
            )
        ) {
            out.insert(EvidenceKind::Approvals);
        }
        for scanned in &ev.facts.scanned {
            out.extend(match scanned {
                FindingKind::Vulnerability => Some(EvidenceKind::Vulnerabilities),
                FindingKind::Code => Some(EvidenceKind::CodeScanning),
                FindingKind::Secret => Some(EvidenceKind::Secrets),
                FindingKind::Misconfiguration => Some(EvidenceKind::Misconfigurations),
                FindingKind::License => None,
            });
        }
    }
    if !input.signatures.is_empty() {
        out.insert(EvidenceKind::Signature);
    }
    if !input.attestations.is_empty() {
        out.insert(EvidenceKind::Attestations);
    }
    if input.attestations.iter().any(|a| a.provenance.is_some()) {
        out.insert(EvidenceKind::Provenance);
    }
    out
}

/// The kinds not in `covered`, in documentation order.
pub fn absent(covered: &BTreeSet<EvidenceKind>) -> Vec<EvidenceKind> {
    EvidenceKind::all()
        .filter(|k| !covered.contains(k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_unique_and_described() {
        let names: Vec<&str> = EvidenceKind::all().map(EvidenceKind::as_str).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len());
        assert!(names.contains(&"code-scanning"), "{names:?}");
        for k in EvidenceKind::all() {
            assert_eq!(EvidenceKind::parse(k.as_str()), Ok(k));
            assert!(!k.description().is_empty(), "{k}");
        }
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let e = EvidenceKind::parse("test").unwrap_err();
        assert!(
            e.starts_with("unknown evidence kind `test` (known: tests, sbom,"),
            "{e}"
        );
        assert!(EvidenceKind::parse("Tests").is_err());
    }

    fn read(name: &str, text: &str) -> Evidence {
        crate::evidence::read_as(
            match crate::evidence::detect(text).unwrap() {
                crate::evidence::Detected::Known(k) => k,
                other => panic!("{other:?}"),
            },
            name,
            text.as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn a_clean_scan_covers_its_kind_and_a_test_report_covers_tests() {
        let grype = read(
            "g.json",
            r#"{"matches": [], "descriptor": {"name": "grype"}}"#,
        );
        let junit = read("j.xml", r#"<testsuite name="s" tests="0"/>"#);
        let trivy = read(
            "t.json",
            r#"{"SchemaVersion": 2, "ArtifactName": "x", "Results": [
                {"Target": "x", "Class": "secret"}, {"Target": "y", "Class": "config"}]}"#,
        );
        let covered = covered(&[grype, junit, trivy], &Input::default());
        assert_eq!(
            covered.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            vec!["tests", "vulnerabilities", "secrets", "misconfigurations"]
        );
        let absent = absent(&covered);
        assert!(absent.contains(&EvidenceKind::Sbom));
        assert!(!absent.contains(&EvidenceKind::Tests));
    }

    #[test]
    fn every_coverage_format_covers_coverage() {
        for (name, text) in [
            (
                "c.xml",
                "<coverage lines-valid=\"0\"><packages/></coverage>",
            ),
            ("j.xml", "<report name=\"r\"/>"),
            ("lcov.info", "TN:\nSF:a.c\nDA:1,1\nend_of_record\n"),
            ("coverage.out", "mode: set\na.go:1.1,2.2 1 1\n"),
            (
                "s.json",
                r#"{"total": {"lines": {"total": 0, "covered": 0}}}"#,
            ),
        ] {
            let c = covered(&[read(name, text)], &Input::default());
            assert_eq!(
                c.into_iter().collect::<Vec<_>>(),
                vec![EvidenceKind::Coverage],
                "{name}"
            );
        }
        assert_eq!(EvidenceKind::parse("coverage"), Ok(EvidenceKind::Coverage));
    }

    #[test]
    fn sarif_covers_code_scanning_or_secrets_by_its_tool() {
        let sarif = |tool: &str| {
            read(
                "s.sarif",
                &format!(
                    r#"{{"version": "2.1.0", "runs": [{{"tool": {{"driver": {{"name": "{tool}"}}}}, "results": []}}]}}"#
                ),
            )
        };
        let c = covered(&[sarif("bandit")], &Input::default());
        assert_eq!(
            c.into_iter().collect::<Vec<_>>(),
            vec![EvidenceKind::CodeScanning]
        );
        let c = covered(&[sarif("gitleaks")], &Input::default());
        assert_eq!(
            c.into_iter().collect::<Vec<_>>(),
            vec![EvidenceKind::Secrets]
        );
    }
}
