//! Diagnostics: non-fatal notes about the evidence or the run that ride along in the report.
//!
//! They never change the verdict by themselves; where a note matters to a policy (a report whose
//! suite attributes claim more failures than its test cases show) the same fact is also put into
//! `input` so a rule can deny on it.

use serde::Serialize;

/// A stable, documented diagnostic code (see docs/diagnostics.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A JUnit suite's `tests`/`failures`/`errors` attributes disagree with its test cases.
    JunitCountMismatch,
    /// A file found while walking a folder is of no kind gate reads, or a file or folder there is
    /// hidden (its name starts with `.`); it was skipped.
    SkippedUnknownFile,
    /// A value gate expected was missing, so a default was used.
    MissingValue,
    /// A TAP stream's plan disagrees with its test points, or it has no plan.
    TapPlanMismatch,
    /// A waiver is past its `expires` and waives nothing.
    WaiverExpired,
    /// A waiver in force matched no result.
    WaiverUnused,
    /// A waiver's `starts` is still ahead; it waives nothing yet.
    WaiverNotYetActive,
}

impl Code {
    /// Every code, for documentation and the uniqueness test.
    pub const ALL: &'static [Code] = &[
        Code::JunitCountMismatch,
        Code::SkippedUnknownFile,
        Code::MissingValue,
        Code::TapPlanMismatch,
        Code::WaiverExpired,
        Code::WaiverUnused,
        Code::WaiverNotYetActive,
    ];

    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::JunitCountMismatch => "junit-count-mismatch",
            Code::SkippedUnknownFile => "skipped-unknown-file",
            Code::MissingValue => "missing-value",
            Code::WaiverExpired => "waiver-expired",
            Code::WaiverUnused => "waiver-unused",
            Code::WaiverNotYetActive => "waiver-not-yet-active",
            Code::TapPlanMismatch => "tap-plan-mismatch",
        }
    }

    /// One sentence on what the code means.
    pub fn description(self) -> &'static str {
        match self {
            Code::JunitCountMismatch => {
                "a JUnit suite's failure/error attributes claim more than its test cases show"
            }
            Code::SkippedUnknownFile => {
                "a file found while walking a folder was not evidence, or was hidden"
            }
            Code::MissingValue => "an expected value was missing and a default was used",
            Code::WaiverExpired => "a waiver is past its expiry and no longer waives anything",
            Code::WaiverUnused => "a waiver matched no result and can be removed",
            Code::WaiverNotYetActive => {
                "a waiver's start date is still ahead; it waives nothing yet"
            }
            Code::TapPlanMismatch => {
                "a TAP stream's plan disagrees with its test points, or it has no plan"
            }
        }
    }
}

/// One note.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate diagnostic code");
        for c in Code::ALL {
            let json = serde_json::to_value(c).unwrap();
            assert_eq!(json, serde_json::Value::String(c.as_str().to_owned()));
            assert!(!c.description().is_empty());
        }
    }
}
