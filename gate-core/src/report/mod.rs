//! The report: verdict, summary and every decision, as data. Renderers turn it into text.
//!
//! The JSON form (schema_version 1) is the canonical output; every other format renders from the
//! same [`Report`].

pub mod json;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::input::EvidenceInfo;
use crate::policy::metadata::MetaIndex;
use crate::policy::{RawResult, RuleLevel};
use crate::waiver::{self, WaivedBy, Waiver, WaiverOutcome};

/// Version of the report's JSON shape.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No unwaived deny (and no warn with `--fail-on warn`).
    Pass,
    /// At least one unwaived deny (or warn with `--fail-on warn`).
    Fail,
}

impl Verdict {
    /// `pass` or `fail`, as the JSON report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
        }
    }
}

/// What makes the verdict fail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FailOn {
    /// Denials only (the default).
    #[default]
    Deny,
    /// Denials and warnings.
    Warn,
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Unwaived denials.
    pub deny: usize,
    /// Unwaived warnings.
    pub warn: usize,
    /// Waived results.
    pub waived: usize,
    /// `deny`/`violation`/`warn` rules evaluated.
    pub rules_evaluated: usize,
}

/// One decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultEntry {
    /// `deny` or `warn`.
    pub level: RuleLevel,
    /// Stable code (the rule's own, or its rule path).
    pub code: String,
    /// What it is about (finding, test, component…).
    pub subject: String,
    /// The rule path that produced it.
    pub rule: String,
    /// The message.
    pub message: String,
    /// Severity, when the rule gave one.
    pub severity: Option<String>,
    /// Short title, when the rule gave one.
    pub title: Option<String>,
    /// What to do about it.
    pub remediation: Option<String>,
    /// Where in the evidence.
    pub evidence: Vec<serde_json::Value>,
    /// For a result of a deny rule with `custom.effective_on`: the day (UTC, `YYYY-MM-DD`) from
    /// which it fails. Before that day the result has level `warn` (a phased rule).
    pub effective_on: Option<String>,
    /// The waiver that waived it, if any.
    pub waived_by: Option<WaivedBy>,
    /// A matching waiver that has expired, when no other waiver waives it: the result counts
    /// again, and says which waiver lapsed when.
    pub waiver_expired: Option<WaivedBy>,
}

/// A policy file that took part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyInfo {
    /// Its path.
    pub path: String,
    /// SHA-256 of its text.
    pub sha256: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Pass or fail.
    pub verdict: Verdict,
    /// Counts.
    pub summary: Summary,
    /// Every decision, denials first, then by code and subject.
    pub results: Vec<ResultEntry>,
    /// Waivers and what became of them, in file order.
    pub waivers: Vec<WaiverOutcome>,
    /// Evidence read.
    pub evidence: Vec<EvidenceInfo>,
    /// The evidence kinds (`tests`, `sbom`, `vulnerabilities`, …) no file given covered: the
    /// policies about them judged nothing, so a pass says nothing about them.
    pub absent_evidence: Vec<String>,
    /// Policies evaluated.
    pub policies: Vec<PolicyInfo>,
    /// Non-fatal notes.
    pub diagnostics: Vec<Diagnostic>,
    /// The evaluation time, RFC 3339.
    pub now: String,
    /// The `gate.toml` read, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// The `gate.toml` profile in force, when one was chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The rule selection (`--namespace`, `--skip`) and what it left out, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<Selection>,
}

/// A rule selection and what it left out, so that a skip is on the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// `--namespace` globs: only packages matching one were evaluated (empty: every package).
    pub namespaces: Vec<String>,
    /// `--skip` globs, matched against packages and result codes.
    pub skip: Vec<String>,
    /// Rules not evaluated (`gate.licenses.deny`): outside every namespace, or their package
    /// skipped.
    pub rules_skipped: Vec<String>,
    /// Codes skipped, each with the number of results left out of this report: the codes the
    /// evaluated rules declare that match a skip glob (0 when none fired), and those of any
    /// result that matched one.
    pub codes_skipped: std::collections::BTreeMap<String, usize>,
}

impl Report {
    /// The denials that count: deny results no waiver waives.
    pub fn denials(&self) -> impl Iterator<Item = &ResultEntry> {
        self.results
            .iter()
            .filter(|r| r.level == RuleLevel::Deny && r.waived_by.is_none())
    }
}

/// Turn raw rule results into sorted, de-duplicated decisions (no rule metadata).
pub fn decisions(raw: Vec<RawResult>) -> Vec<ResultEntry> {
    decisions_with(raw, &MetaIndex::default(), None)
}

/// Turn raw rule results into sorted, de-duplicated decisions, filling each result's missing
/// code, title, severity and remediation from its rule's `# METADATA` (see
/// [`MetaIndex::for_result`] for how a result finds its block). A deny result whose rule has
/// `custom.effective_on` after `now`'s day (UTC) becomes a warning carrying that date.
pub fn decisions_with(
    raw: Vec<RawResult>,
    meta: &MetaIndex,
    now: Option<chrono::DateTime<chrono::Utc>>,
) -> Vec<ResultEntry> {
    let today = now.map(|t| t.date_naive());
    let mut out: Vec<ResultEntry> = raw
        .into_iter()
        .map(|r| {
            let m = meta.for_result(&r.rule, r.code.as_deref());
            let from_meta = |f: fn(&crate::policy::metadata::RuleMeta) -> &Option<String>| {
                m.and_then(|m| f(m).clone())
            };
            let code = r
                .code
                .or_else(|| from_meta(|m| &m.code))
                .unwrap_or_else(|| r.rule.clone());
            let subject = r.subject.unwrap_or_else(|| r.message.clone());
            let effective_on = m
                .and_then(|m| m.effective_on)
                .filter(|_| r.level == RuleLevel::Deny);
            let level = match (effective_on, today) {
                (Some(from), Some(today)) if today < from => RuleLevel::Warn,
                _ => r.level,
            };
            ResultEntry {
                level,
                code,
                subject,
                rule: r.rule,
                message: r.message,
                severity: r.severity.or_else(|| from_meta(|m| &m.severity)),
                title: r.title.or_else(|| from_meta(|m| &m.title)),
                remediation: r.remediation.or_else(|| from_meta(|m| &m.remediation)),
                evidence: r.evidence,
                effective_on: effective_on.map(|d| d.format("%Y-%m-%d").to_string()),
                waived_by: None,
                waiver_expired: None,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.level, &a.code, &a.subject, &a.message, &a.rule)
            .cmp(&(b.level, &b.code, &b.subject, &b.message, &b.rule))
    });
    // The same decision from the same rule (e.g. a `violation` alias of `deny`) once.
    out.dedup_by(|a, b| {
        a.level == b.level && a.code == b.code && a.subject == b.subject && a.message == b.message
    });
    out
}

/// Mark the results `waivers` waive (the first waiver in force that matches, in file order; else
/// the first expired one, so the result says which waiver lapsed) and report what became of every
/// waiver, with a diagnostic for each one that is expired, unused or not yet active.
pub fn apply_waivers(
    results: &mut [ResultEntry],
    waivers: &[Waiver],
    now: chrono::DateTime<chrono::Utc>,
) -> (Vec<WaiverOutcome>, Vec<Diagnostic>) {
    let subjects = results.iter().map(|r| waiver::Subject {
        code: &r.code,
        subject: &r.subject,
    });
    let applied = waiver::apply(subjects, waivers, now);
    for (r, m) in results.iter_mut().zip(applied.marks) {
        if r.waived_by.is_none() {
            r.waived_by = m.waived_by;
        }
        if r.waiver_expired.is_none() {
            r.waiver_expired = m.waiver_expired;
        }
        if r.waived_by.is_some() {
            r.waiver_expired = None;
        }
    }
    (applied.outcomes, applied.notes)
}

/// The verdict and summary for a set of decisions.
pub fn verdict(
    results: &[ResultEntry],
    rules_evaluated: usize,
    fail_on: FailOn,
) -> (Verdict, Summary) {
    let mut s = Summary {
        rules_evaluated,
        ..Summary::default()
    };
    for r in results {
        if r.waived_by.is_some() {
            s.waived += 1;
        } else if r.level == RuleLevel::Deny {
            s.deny += 1;
        } else {
            s.warn += 1;
        }
    }
    let fails = s.deny > 0 || (fail_on == FailOn::Warn && s.warn > 0);
    (if fails { Verdict::Fail } else { Verdict::Pass }, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(level: RuleLevel, code: &str, subject: &str) -> RawResult {
        RawResult {
            level,
            rule: "p.deny".into(),
            file: "p.rego".into(),
            message: format!("{code} {subject}"),
            code: Some(code.into()),
            subject: Some(subject.into()),
            severity: None,
            title: None,
            remediation: None,
            evidence: vec![],
        }
    }

    #[test]
    fn denials_sort_first_and_duplicates_collapse() {
        let d = decisions(vec![
            raw(RuleLevel::Warn, "a", "x"),
            raw(RuleLevel::Deny, "b", "y"),
            raw(RuleLevel::Deny, "b", "y"),
        ]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].level, RuleLevel::Deny);
    }

    #[test]
    fn waivers_mark_results_and_an_active_waiver_hides_an_expired_one() {
        let text = "[[waiver]]\nid = \"OLD\"\ncode = \"a\"\nsubject = \"*\"\nowner = \"o\"\n\
                    reason = \"r\"\nexpires = 2020-01-01\n\n[[waiver]]\nid = \"NEW\"\ncode = \"a\"\n\
                    subject = \"x\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2030-01-01\n";
        let path = std::path::Path::new("w.toml");
        let file: waiver::WaiverFile = crate::source::toml::parse(path, text, "waiver").unwrap();
        let waivers = waiver::validate(path, text, file.waiver).unwrap();
        let mut d = decisions(vec![
            raw(RuleLevel::Deny, "a", "x"),
            raw(RuleLevel::Deny, "a", "y"),
            raw(RuleLevel::Deny, "b", "x"),
        ]);
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let (outcomes, notes) = apply_waivers(&mut d, &waivers, now);
        let id = |w: &Option<WaivedBy>| w.as_ref().map(|w| w.id.clone());
        let marks: Vec<_> = d
            .iter()
            .map(|r| (id(&r.waived_by), id(&r.waiver_expired)))
            .collect();
        assert_eq!(
            marks,
            vec![
                (Some("NEW".into()), None),
                (None, Some("OLD".into())),
                (None, None)
            ]
        );
        assert_eq!((outcomes[0].matched, outcomes[1].matched), (2, 1));
        assert_eq!(notes.len(), 1);
        let (v, s) = verdict(&d, 1, FailOn::Deny);
        assert_eq!((v, s.deny, s.waived), (Verdict::Fail, 2, 1));
    }

    #[test]
    fn warnings_fail_only_when_asked() {
        let d = decisions(vec![raw(RuleLevel::Warn, "a", "x")]);
        assert_eq!(verdict(&d, 1, FailOn::Deny).0, Verdict::Pass);
        assert_eq!(verdict(&d, 1, FailOn::Warn).0, Verdict::Fail);
        let d = decisions(vec![raw(RuleLevel::Deny, "a", "x")]);
        let (v, s) = verdict(&d, 3, FailOn::Deny);
        assert_eq!(
            (v, s.deny, s.warn, s.rules_evaluated),
            (Verdict::Fail, 1, 0, 3)
        );
    }

    #[test]
    fn metadata_fills_gaps_and_phases_deny_rules_in() {
        let src = "package p\n\n# METADATA\n# title: T\n# custom:\n#   code: p.c\n#   severity: low\n#   effective_on: 2026-12-01\ndeny contains \"x\"\n";
        let meta = MetaIndex::parse([("p.rego", src)]).unwrap();
        let mut r = raw(RuleLevel::Deny, "a", "x");
        r.code = None;
        r.severity = Some("high".into());
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        let d = decisions_with(vec![r.clone()], &meta, Some(at("2026-11-30T23:59:59Z")));
        assert_eq!(d[0].level, RuleLevel::Warn);
        assert_eq!(d[0].effective_on.as_deref(), Some("2026-12-01"));
        assert_eq!(
            (
                d[0].code.as_str(),
                d[0].title.as_deref(),
                d[0].severity.as_deref()
            ),
            ("p.c", Some("T"), Some("high"))
        );
        let d = decisions_with(vec![r.clone()], &meta, Some(at("2026-12-01T00:00:00Z")));
        assert_eq!(d[0].level, RuleLevel::Deny);
        // A result whose code names another block is not joined to this one.
        r.code = Some("p.other".into());
        let d = decisions_with(vec![r], &meta, Some(at("2026-11-30T00:00:00Z")));
        assert_eq!(
            (d[0].level, d[0].effective_on.as_deref()),
            (RuleLevel::Deny, None)
        );
    }

    #[test]
    fn missing_code_and_subject_fall_back_to_rule_and_message() {
        let mut r = raw(RuleLevel::Deny, "a", "x");
        r.code = None;
        r.subject = None;
        let d = decisions(vec![r]);
        assert_eq!(d[0].code, "p.deny");
        assert_eq!(d[0].subject, "a x");
    }
}
