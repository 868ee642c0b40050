//! The report: verdict, summary and every decision, as data. Renderers turn it into text.
//!
//! The JSON form (schema_version 1) is the canonical output; every other format renders from the
//! same [`Report`], one renderer per file (`json`, `junit`, `sarif`, `github`, `gitlab`,
//! `markdown`), each a `render(&Report) -> String`. A check that cannot reach a verdict still has
//! a report ([`Report::from_error`]): verdict `error` and every problem found, so that every
//! requested output is written.

pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod markdown;
mod places;
pub mod sarif;

use schemars::JsonSchema;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::input::EvidenceInfo;
use crate::policy::metadata::{MetaIndex, Scope};
use crate::policy::{RawResult, RuleLevel, RuleRef};
use crate::waiver::{self, WaivedBy, Waiver, WaiverOutcome};
use crate::Error;

/// Version of the report's JSON shape.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The version of gate that writes reports (`gate_version` in the JSON report).
pub const GATE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Pass, fail, or no verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No unwaived deny (and no warn with `--fail-on warn`).
    Pass,
    /// At least one unwaived deny (or warn with `--fail-on warn`).
    Fail,
    /// The check could not be evaluated (exit 2): `errors` lists every problem found.
    Error,
}

impl Verdict {
    /// `pass`, `fail` or `error`, as the JSON report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Error => "error",
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
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
    /// Where in the evidence: the rule's `evidence` value(s), usually source references
    /// `{evidence, pointer}` or `{evidence, line, column}`.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PolicyInfo {
    /// Its path.
    pub path: String,
    /// SHA-256 of its text.
    pub sha256: String,
}

/// One problem that stopped a check (exit 2): an unreadable or unknown evidence file, a policy
/// that does not compile, a bad flag…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Problem {
    /// The stable error code (`gate::evidence::invalid`; see docs/diagnostics.md).
    pub code: String,
    /// The file at fault, when the problem is about one.
    pub path: Option<String>,
    /// 1-based line in it, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong (without the file and position).
    pub message: String,
}

impl Problem {
    /// Every problem `err` stands for (each of an [`Error::Multiple`]).
    pub fn all(err: &Error) -> Vec<Problem> {
        err.problems()
            .into_iter()
            .map(|e| Problem {
                code: e.code().as_str().to_owned(),
                path: e.path().map(|p| p.display().to_string()),
                // A parser's "column 0" (the end of a line) is no position.
                line: e.line().filter(|&n| n > 0),
                column: e.column().filter(|&n| n > 0),
                message: e.message().into_owned(),
            })
            .collect()
    }
}

/// One check the policies define: a rule's code with its `# METADATA`. Renderers that list
/// what was checked (JUnit's passing test cases, SARIF's rules) read these; the JSON report does
/// not carry them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The code its results carry (`tests.failed`), or the rule path when it names none.
    pub code: String,
    /// The package (`gate.tests`).
    pub package: String,
    /// The rule path (`gate.tests.deny`).
    pub rule: String,
    /// Whether the rule denies or warns.
    pub level: RuleLevel,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `custom.severity`.
    pub severity: Option<String>,
    /// `custom.remediation`.
    pub remediation: Option<String>,
    /// `custom.url`.
    pub url: Option<String>,
    /// The policy file declaring it.
    pub file: String,
    /// 1-based line of its rule head, when its `# METADATA` says.
    pub line: Option<usize>,
}

/// The checks of `rules`: one per `custom.code` of each rule's `# METADATA` blocks, or one
/// named by the rule path for a rule whose blocks name no code; sorted by package and code, each
/// code once.
pub fn checks(rules: &[RuleRef], meta: &MetaIndex) -> Vec<Check> {
    let mut out: Vec<Check> = Vec::new();
    for r in rules {
        let rule = r.path();
        let level = if r.name == "warn" {
            RuleLevel::Warn
        } else {
            RuleLevel::Deny
        };
        let blocks = meta.rule(&format!("data.{rule}"));
        let check = |code: String, m: Option<&crate::policy::metadata::RuleMeta>| Check {
            code,
            package: r.package.clone(),
            rule: rule.clone(),
            level,
            title: m.and_then(|m| m.title.clone()),
            description: m.and_then(|m| m.description.clone()),
            severity: m.and_then(|m| m.severity.clone()),
            remediation: m.and_then(|m| m.remediation.clone()),
            url: m.and_then(|m| m.url.clone()),
            file: m.map_or_else(|| r.file.clone(), |m| m.file.clone()),
            line: m.map(|m| m.line),
        };
        let coded: Vec<_> = blocks.iter().filter(|m| m.code.is_some()).collect();
        if coded.is_empty() {
            let doc = blocks
                .iter()
                .find(|m| m.scope == Scope::Document)
                .or_else(|| blocks.first());
            out.push(check(rule.clone(), doc.copied()));
        }
        for m in coded {
            out.push(check(m.code.clone().unwrap_or_default(), Some(m)));
        }
    }
    out.sort_by(|a, b| (&a.package, &a.code, a.level).cmp(&(&b.package, &b.code, b.level)));
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|c| seen.insert(c.code.clone()));
    out
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(title = "gate report", deny_unknown_fields)]
pub struct Report {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The version of gate that wrote it ([`GATE_VERSION`]).
    pub gate_version: String,
    /// Pass, fail, or error (no verdict: see `errors`).
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
    /// Present only when the verdict is `error`: every problem that stopped the check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("minItems" = 1))]
    pub errors: Vec<Problem>,
    /// The evaluation time, RFC 3339.
    pub now: String,
    /// The checks the policies define (not in the JSON report).
    #[serde(skip)]
    pub checks: Vec<Check>,
    /// What fails the verdict (not in the JSON report).
    #[serde(skip)]
    pub fail_on: FailOn,
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
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

    /// Whether a result counts against the verdict: an unwaived denial, or an unwaived warning
    /// under `--fail-on warn`.
    pub fn fails(&self, r: &ResultEntry) -> bool {
        r.waived_by.is_none() && (r.level == RuleLevel::Deny || self.fail_on == FailOn::Warn)
    }

    /// The report of a check that could not be evaluated: verdict `error`, every problem `err`
    /// stands for, nothing judged.
    pub fn from_error(err: &Error, now: chrono::DateTime<chrono::Utc>) -> Report {
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            gate_version: GATE_VERSION.to_owned(),
            verdict: Verdict::Error,
            summary: Summary::default(),
            results: Vec::new(),
            waivers: Vec::new(),
            evidence: Vec::new(),
            policies: Vec::new(),
            diagnostics: Vec::new(),
            errors: Problem::all(err),
            now: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            checks: Vec::new(),
            fail_on: FailOn::default(),
            absent_evidence: Vec::new(),
            config: None,
            profile: None,
            selection: None,
        }
    }
}

/// The one-line summary: `gate: FAIL: 1 denied, 8 warnings, 0 waived (18 rules over 3 evidence
/// files)`, or for a check that could not be evaluated `gate: ERROR: 2 problems, no verdict`.
pub fn summary_line(report: &Report) -> String {
    let counted =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let s = &report.summary;
    match report.verdict {
        Verdict::Error => format!(
            "gate: ERROR: {}, no verdict",
            counted(report.errors.len(), "problem", "problems")
        ),
        v => format!(
            "gate: {}: {} denied, {}, {} waived ({} over {})",
            v.as_str().to_ascii_uppercase(),
            s.deny,
            counted(s.warn, "warning", "warnings"),
            s.waived,
            counted(s.rules_evaluated, "rule", "rules"),
            counted(report.evidence.len(), "evidence file", "evidence files"),
        ),
    }
}

/// `deny` or `warn`, as the JSON report spells a level.
pub(crate) fn level_name(level: RuleLevel) -> &'static str {
    match level {
        RuleLevel::Deny => "deny",
        RuleLevel::Warn => "warn",
    }
}

/// The package of a rule path: `gate.tests` for `gate.tests.deny`.
pub(crate) fn package_of(rule: &str) -> &str {
    rule.rsplit_once('.').map_or(rule, |(p, _)| p)
}

/// The JSON Schema of the report (draft 2020-12), as shipped in docs/report.schema.json.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Report).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://gate.invalid/schemas/report-v1.json".into(),
        );
        // `errors` is there exactly when there is no verdict.
        if let Some(serde_json::Value::Array(required)) = obj.get_mut("required") {
            required.retain(|f| f != "errors");
        }
        obj.insert(
            "if".into(),
            serde_json::json!({"properties": {"verdict": {"const": "error"}}}),
        );
        obj.insert("then".into(), serde_json::json!({"required": ["errors"]}));
        obj.insert(
            "else".into(),
            serde_json::json!({"not": {"required": ["errors"]}}),
        );
    }
    schema
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

    /// docs/report.schema.json is generated from these types; regenerate with
    /// `UPDATE_SCHEMA=1 cargo test -p gate-core report::tests`. Real reports (failing with
    /// waivers and notes, passing, error) are valid against it, and their JSON has no field the
    /// schema does not describe.
    #[test]
    fn published_schema_is_current_and_real_reports_are_valid() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let have = crate::published::assert_current("report.schema.json", &json_schema(), "report");
        let schema: serde_json::Value = serde_json::from_str(&have).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let now = crate::parse_now("2026-11-28T12:00:00Z").unwrap();
        let demo = crate::EvidenceSource::Path(root.join("fixtures/demo"));
        let waivers = "[[waiver]]\nid = \"W-1\"\ncode = \"tests.failed\"\nsubject = \"*\"\n\
                       owner = \"o@example.com\"\nreason = \"r\"\nexpires = 2027-01-01\n\n\
                       [[waiver]]\nid = \"W-2\"\ncode = \"nothing\"\nsubject = \"*\"\n\
                       owner = \"o\"\nreason = \"r\"\nexpires = 2027-01-01\n";
        let dir = tempfile::tempdir().unwrap();
        let wpath = dir.path().join("w.toml");
        fs_err::write(&wpath, waivers).unwrap();
        let gate = crate::Gate::builder().now(now).build().unwrap();
        let failing = gate.check(std::slice::from_ref(&demo)).unwrap();
        let waived = crate::Gate::builder()
            .now(now)
            .waivers(&wpath)
            .build()
            .unwrap()
            .check(std::slice::from_ref(&demo))
            .unwrap();
        assert_eq!((waived.verdict, waived.summary.waived), (Verdict::Pass, 1));
        let err = gate
            .check(&[crate::EvidenceSource::bytes("bad.json", "{")])
            .unwrap_err();
        let error = Report::from_error(&err, now);
        for report in [&failing, &waived, &error] {
            let value = serde_json::to_value(report).unwrap();
            let problems: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(problems.is_empty(), "{:?}: {problems:#?}", report.verdict);
        }
        // The schema tells an error report (with `errors`) from a verdict (without).
        let mut broken = serde_json::to_value(&error).unwrap();
        broken["verdict"] = "fail".into();
        assert!(!validator.is_valid(&broken));
        let mut broken = serde_json::to_value(&failing).unwrap();
        broken["verdict"] = "error".into();
        assert!(!validator.is_valid(&broken));
        broken["verdict"] = "fail".into();
        broken["extra"] = 1.into();
        assert!(!validator.is_valid(&broken));
    }

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
