//! Diagnostics: non-fatal notes about the evidence or the run that ride along in the report.
//!
//! They never change the verdict by themselves; where a note matters to a policy (a report whose
//! suite attributes claim more failures than its test cases show) the same fact is also put into
//! `input` so a rule can deny on it.

use serde::Serialize;

/// A stable, documented diagnostic code (see docs/diagnostics.md, generated from this list: the
/// doc comment of each variant is its documented meaning).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumMessage,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Code {
    /// a JUnit suite's `failures`/`errors` attributes claim more than its test cases show. The
    /// same fact is in `input.tests.reports[].mismatches`, and the `tests` policy denies on it
    /// (`tests.hidden-failures`).
    JunitCountMismatch,
    /// a file found while walking a folder is not evidence of a known kind, or not a
    /// `.json`/`.xml`/`.sarif`/`.tap`/`.yaml`/`.yml`/`.sigstore`/`.info`/`.lcov`/`.coverprofile`
    /// file nor a Go `coverage.out`, or a file or folder is hidden (its name starts with `.`);
    /// it was skipped.
    SkippedUnknownFile,
    /// an expected value was missing (a CycloneDX component without a name, a Grype or Trivy
    /// entry without a vulnerability id, a GitHub review whose user was deleted, JUnit `time`
    /// attributes that are not durations) and a default was used.
    MissingValue,
    /// a TAP stream's plan (`1..N`) announces another number of tests than it has test points,
    /// or it has no plan. The same fact is in `input.tests.reports[].mismatches`, and the `tests`
    /// policy denies on it (`tests.hidden-failures`).
    TapPlanMismatch,
    /// a waiver is past its `expires`: it waives nothing, and the results it matches count again
    /// (see [waivers](waivers.md)).
    WaiverExpired,
    /// a waiver in force matched no result; remove it if the finding is gone.
    WaiverUnused,
    /// a waiver's `starts` is still ahead; until then it waives nothing.
    WaiverNotYetActive,
    /// no evidence of some kinds was given (the report's `absent_evidence` lists them): the
    /// policies about those kinds judged nothing, so a pass says nothing about them. Given when
    /// no `require` list is in force; with one, a required kind that is missing stops the check
    /// (`gate::evidence::required_missing`). See [configuration](config.md#required-evidence).
    EvidenceAbsent,
    /// a `--skip` pattern matched no policy package, no code an evaluated rule declares and no
    /// result: it skipped nothing, which may be a typo.
    SkipUnmatched,
    /// two coverage reports measure a file of the same path but could not be united (they
    /// measure different lines, so they may be different files, or one gives figures only):
    /// both are counted, as two entries of `input.coverage.files`. See
    /// [coverage](evidence/coverage.md#several-reports).
    CoverageNotMerged,
}

impl Code {
    /// Every code, in documentation order.
    pub fn all() -> impl Iterator<Item = Code> {
        <Code as strum::IntoEnumIterator>::iter()
    }

    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the code means, in one paragraph (the variant's documentation).
    pub fn description(self) -> String {
        crate::error::one_paragraph(strum::EnumMessage::get_documentation(&self))
    }
}

/// One note.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// The evidence file it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What happened.
    pub message: String,
}

impl Diagnostic {
    /// `N <things lacking a value> (first at `POINTER`)`, worded for one (`one`) or many
    /// (`many`): the note every reader gives when it had to fill in a missing value.
    pub fn missing_values(count: usize, one: &str, many: &str, first: &str) -> Diagnostic {
        let what = if count == 1 { one } else { many };
        Diagnostic {
            code: Code::MissingValue,
            path: None,
            line: None,
            message: format!("{count} {what} (first at `{first}`)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = Code::all().map(Code::as_str).collect();
        let n = names.len();
        assert!(n >= 7, "{names:?}");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate diagnostic code");
        for c in Code::all() {
            let json = serde_json::to_value(c).unwrap();
            assert_eq!(json, serde_json::Value::String(c.as_str().to_owned()));
            assert!(!c.description().is_empty());
            assert!(
                c.as_str()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{}",
                c.as_str()
            );
        }
    }
}
