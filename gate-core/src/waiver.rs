//! Waivers: an owned, expiring exception for one rule code on matching subjects.
//!
//! Read from a waivers file (`--waivers FILE`) or the `[[waiver]]` tables of `gate.toml`, refused
//! when a field is unknown or `owner`, `reason` or `expires` is missing or blank. Applied after the
//! decisions and before the verdict: a waived result stays in the report, marked with the waiver;
//! an expired or not-yet-active waiver waives nothing; every waiver's outcome is reported.
//!
//! Matching: `code` equals the result's code exactly; `subject` is the result's subject exactly,
//! or a glob when it contains `*`, `?`, `[` or `{` (`*` also crosses `/`). A date (`YYYY-MM-DD`)
//! in `expires` waives through the end of that day, UTC; a date in `starts` waives from its
//! beginning. An RFC 3339 date-time is that instant.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::text::line_col;
use crate::{Error, EvidenceError};

/// A waivers file: `[[waiver]]` tables and nothing else.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "gate waivers",
    description = "Waivers for `gate check --waivers FILE` (TOML), also accepted as the `[[waiver]]` tables of `gate.toml`."
)]
pub struct WaiverFile {
    /// The waivers, one `[[waiver]]` table each.
    #[serde(default)]
    pub waiver: Vec<WaiverSpec>,
}

/// One `[[waiver]]` table as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverSpec {
    /// A short, unique name for reports (`W-7`). Defaults to `FILE#N`.
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// The rule code it waives, exactly (`vulnerabilities.fixable`).
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// The result subject it waives: exact, or a glob (`CVE-2021-44228@pkg:maven/*`).
    #[schemars(with = "String")]
    pub subject: Spanned<String>,
    /// Who answers for it (a person or team address).
    #[schemars(with = "String")]
    pub owner: Spanned<String>,
    /// Why the risk is accepted.
    #[schemars(with = "String")]
    pub reason: Spanned<String>,
    /// A tracking ticket.
    pub ticket: Option<String>,
    /// When it stops waiving: a date `YYYY-MM-DD` (through the end of that day, UTC) or an
    /// RFC 3339 date-time. A TOML date literal or a string.
    #[schemars(with = "String")]
    pub expires: Spanned<When>,
    /// When it starts waiving (optional): a date (from the start of that day, UTC) or an RFC 3339
    /// date-time.
    #[schemars(with = "Option<String>")]
    pub starts: Option<Spanned<When>>,
}

/// A date or date-time as written: a TOML string or a TOML date/date-time literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When(pub String);

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::String(s) => Ok(When(s)),
            toml::Value::Datetime(t) => Ok(When(t.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "expected a date (YYYY-MM-DD) or an RFC 3339 date-time, got {}",
                other.type_str()
            ))),
        }
    }
}

/// A validated waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// Its id, or `FILE#N` when it has none.
    pub id: String,
    /// The file it came from.
    pub file: String,
    /// 1-based line of its `[[waiver]]` header.
    pub line: usize,
    /// The rule code it waives.
    pub code: String,
    /// The subject pattern as written.
    pub subject: String,
    matcher: Matcher,
    /// Who answers for it.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// Tracking ticket.
    pub ticket: Option<String>,
    /// `expires` as written.
    pub expires: String,
    /// The first instant it no longer waives.
    pub expires_at: DateTime<Utc>,
    /// `starts` as written.
    pub starts: Option<String>,
    /// The first instant it waives.
    pub starts_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
enum Matcher {
    Exact(String),
    Glob(globset::GlobMatcher),
}

impl Waiver {
    /// Whether it is about this result (whatever its dates).
    pub fn matches(&self, code: &str, subject: &str) -> bool {
        self.code == code
            && match &self.matcher {
                Matcher::Exact(s) => s == subject,
                Matcher::Glob(g) => g.is_match(subject),
            }
    }

    /// Its state at `now`, ignoring whether it matched anything.
    fn state(&self, now: DateTime<Utc>) -> WaiverStatus {
        if now >= self.expires_at {
            WaiverStatus::Expired
        } else if self.starts_at.is_some_and(|s| now < s) {
            WaiverStatus::NotYetActive
        } else {
            WaiverStatus::Active
        }
    }
}

/// Read and validate a waivers file.
pub fn load(path: &Path) -> Result<Vec<Waiver>, Error> {
    let text = read_text(path)?;
    let file: WaiverFile = crate::source::toml::parse(path, &text, "waiver")?;
    validate(path, &text, file.waiver)
}

/// A waivers file's or `gate.toml`'s text; a file that is not UTF-8 is an error naming it.
pub(crate) fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = crate::files::read(path, crate::files::Input::Config)?;
    String::from_utf8(bytes).map_err(|e| Error::Config {
        path: path.to_owned(),
        problem: EvidenceError::new(format!("not UTF-8 text: {e}")),
    })
}

/// Check every waiver of one file: required fields not blank, dates readable, `starts` before
/// `expires`, globs valid, ids unique.
pub(crate) fn validate(
    path: &Path,
    text: &str,
    specs: Vec<WaiverSpec>,
) -> Result<Vec<Waiver>, Error> {
    validate_tables(path, text, specs, "waiver")
}

/// [`validate`] for the `[[TABLE]]` tables of a file (`profile.release.waiver` in `gate.toml`).
pub(crate) fn validate_tables(
    path: &Path,
    text: &str,
    specs: Vec<WaiverSpec>,
    table: &str,
) -> Result<Vec<Waiver>, Error> {
    let file = crate::evidence::evidence_id(path);
    let headers = crate::source::toml::headers(text, table);
    let mut out: Vec<Waiver> = Vec::new();
    for (n, spec) in specs.into_iter().enumerate() {
        let name = match &spec.id {
            Some(id) => format!("{} (`{}`)", n + 1, id.get_ref()),
            None => (n + 1).to_string(),
        };
        let bad = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            Error::Config {
                path: path.to_owned(),
                problem: EvidenceError::at(format!("waiver {name}: {message}"), line, column),
            }
        };
        for (field, value) in [
            ("id", spec.id.as_ref()),
            ("code", Some(&spec.code)),
            ("subject", Some(&spec.subject)),
            ("owner", Some(&spec.owner)),
            ("reason", Some(&spec.reason)),
        ] {
            if let Some(v) = value {
                if v.get_ref().trim().is_empty() {
                    return Err(bad(v.span(), format!("`{field}` is blank")));
                }
            }
        }
        let expires_at = instant(spec.expires.get_ref(), true)
            .map_err(|m| bad(spec.expires.span(), format!("`expires`: {m}")))?;
        let starts_at = match &spec.starts {
            Some(s) => Some(
                instant(s.get_ref(), false).map_err(|m| bad(s.span(), format!("`starts`: {m}")))?,
            ),
            None => None,
        };
        if let (Some(s), Some(st)) = (starts_at, &spec.starts) {
            if s >= expires_at {
                return Err(bad(
                    st.span(),
                    format!(
                        "`starts` ({}) is not before `expires` ({})",
                        st.get_ref().0,
                        spec.expires.get_ref().0
                    ),
                ));
            }
        }
        let subject = spec.subject.get_ref().clone();
        let matcher = if subject.contains(['*', '?', '[', '{']) {
            let glob = globset::GlobBuilder::new(&subject)
                .literal_separator(false)
                .build()
                .map_err(|e| {
                    bad(
                        spec.subject.span(),
                        format!("`subject` is not a valid glob: {e}"),
                    )
                })?;
            Matcher::Glob(glob.compile_matcher())
        } else {
            Matcher::Exact(subject.clone())
        };
        let header = headers.get(n).copied().unwrap_or(0);
        let id = match &spec.id {
            Some(id) => {
                let id = id.get_ref().trim().to_owned();
                if let Some(other) = out.iter().find(|w| w.id == id) {
                    return Err(bad(
                        spec.id.as_ref().map_or(0..0, |s| s.span()),
                        format!("id `{id}` is used twice (first at line {})", other.line),
                    ));
                }
                id
            }
            None if table == "waiver" => format!("{file}#{}", n + 1),
            None => format!("{file}#{table}.{}", n + 1),
        };
        out.push(Waiver {
            id,
            file: file.clone(),
            line: line_col(text, header).0,
            code: spec.code.get_ref().trim().to_owned(),
            subject,
            matcher,
            owner: spec.owner.get_ref().trim().to_owned(),
            reason: spec.reason.get_ref().trim().to_owned(),
            ticket: spec.ticket.filter(|t| !t.trim().is_empty()),
            expires: spec.expires.get_ref().0.clone(),
            expires_at,
            starts: spec.starts.as_ref().map(|s| s.get_ref().0.clone()),
            starts_at,
        });
    }
    Ok(out)
}

/// A date (`end_of_day`: the instant after that day ends, else its start; UTC) or an RFC 3339
/// date-time.
fn instant(w: &When, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    let s = w.0.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let day = if end_of_day { d.succ_opt() } else { Some(d) };
        return day
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .ok_or_else(|| format!("`{s}` is out of range"));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("`{s}` is neither a date (YYYY-MM-DD) nor an RFC 3339 date-time with an offset: {e}")
        })
}

/// What the waiver that waived a result says, carried on the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WaivedBy {
    /// The waiver's id.
    pub id: String,
    /// Who answers for it.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// Tracking ticket.
    pub ticket: Option<String>,
    /// When it expires, as written.
    pub expires: String,
}

impl WaivedBy {
    /// `waived by ID (owner OWNER, expires DATE[, ticket T]): REASON`.
    pub fn describe(&self) -> String {
        let ticket = self
            .ticket
            .as_deref()
            .map(|t| format!(", ticket {t}"))
            .unwrap_or_default();
        format!(
            "waived by {} (owner {}, expires {}{ticket}): {}",
            self.id, self.owner, self.expires, self.reason
        )
    }
}

/// What became of a waiver in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverStatus {
    /// In force and waived at least one result.
    Active,
    /// Past `expires`: waives nothing.
    Expired,
    /// In force, but no result matched it.
    Unused,
    /// Before `starts`: waives nothing yet.
    NotYetActive,
}

/// One waiver in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WaiverOutcome {
    /// Its id (or `FILE#N`).
    pub id: String,
    /// The file it came from.
    pub file: String,
    /// 1-based line of its `[[waiver]]` header.
    pub line: usize,
    /// The rule code.
    pub code: String,
    /// The subject pattern.
    pub subject: String,
    /// Owner.
    pub owner: String,
    /// Reason.
    pub reason: String,
    /// Ticket.
    pub ticket: Option<String>,
    /// `expires` as written.
    pub expires: String,
    /// `starts` as written.
    pub starts: Option<String>,
    /// What became of it.
    pub status: WaiverStatus,
    /// Results it matched: waived when active, left unwaived when expired or not yet active.
    pub matched: usize,
}

/// One result as waivers see it: the rule code and the subject it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Subject<'a> {
    /// The result's rule code (`vulnerabilities.fixable`).
    pub code: &'a str,
    /// What the result is about (`CVE-2021-44228@pkg:maven/...`).
    pub subject: &'a str,
}

/// What the waivers say about one result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Marks {
    /// The first waiver in force (in file order) that matches it.
    pub waived_by: Option<WaivedBy>,
    /// The first expired waiver that matches it, when no waiver in force does: the result
    /// counts again, and says which waiver lapsed when.
    pub waiver_expired: Option<WaivedBy>,
}

/// The outcome of [`apply`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Applied {
    /// One entry per subject, in order.
    pub marks: Vec<Marks>,
    /// What became of every waiver, in order.
    pub outcomes: Vec<WaiverOutcome>,
    /// A note for each waiver that is expired, unused or not yet active.
    pub notes: Vec<Diagnostic>,
}

/// Match `subjects` against `waivers` at `now`: for each subject, the first waiver in force that
/// matches it (in file order), else the first expired one; and what became of every waiver, with
/// a diagnostic for each one that is expired, unused or not yet active.
pub(crate) fn apply<'a>(
    subjects: impl IntoIterator<Item = Subject<'a>>,
    waivers: &[Waiver],
    now: DateTime<Utc>,
) -> Applied {
    let states: Vec<WaiverStatus> = waivers.iter().map(|w| w.state(now)).collect();
    let mut matched = vec![0usize; waivers.len()];
    let mut marks = Vec::new();
    for r in subjects {
        let mut mark = Marks::default();
        for (i, w) in waivers.iter().enumerate() {
            if !w.matches(r.code, r.subject) {
                continue;
            }
            if let Some(m) = matched.get_mut(i) {
                *m += 1;
            }
            let marker = || WaivedBy {
                id: w.id.clone(),
                owner: w.owner.clone(),
                reason: w.reason.clone(),
                ticket: w.ticket.clone(),
                expires: w.expires.clone(),
            };
            match states.get(i) {
                Some(WaiverStatus::Active) if mark.waived_by.is_none() => {
                    mark.waived_by = Some(marker());
                }
                Some(WaiverStatus::Expired) if mark.waiver_expired.is_none() => {
                    mark.waiver_expired = Some(marker());
                }
                _ => {}
            }
        }
        if mark.waived_by.is_some() {
            mark.waiver_expired = None;
        }
        marks.push(mark);
    }
    let mut outcomes = Vec::new();
    let mut notes = Vec::new();
    for ((w, state), n) in waivers.iter().zip(states).zip(matched) {
        let status = match state {
            WaiverStatus::Active if n == 0 => WaiverStatus::Unused,
            s => s,
        };
        let results = |n: usize| if n == 1 { "result" } else { "results" };
        let note = match status {
            WaiverStatus::Active => None,
            WaiverStatus::Expired => Some((
                Code::WaiverExpired,
                format!(
                    "waiver `{}` expired {}{}; it no longer waives `{}` on `{}` ({n} matching {})",
                    w.id,
                    w.expires,
                    if w.expires.len() == 10 { " (end of day UTC)" } else { "" },
                    w.code,
                    w.subject,
                    results(n)
                ),
            )),
            WaiverStatus::Unused => Some((
                Code::WaiverUnused,
                format!(
                    "waiver `{}` matched no result (`{}` on `{}`): remove it if the finding is gone",
                    w.id, w.code, w.subject
                ),
            )),
            WaiverStatus::NotYetActive => Some((
                Code::WaiverNotYetActive,
                format!(
                    "waiver `{}` starts {}; until then it waives nothing ({n} matching {})",
                    w.id,
                    w.starts.as_deref().unwrap_or("later"),
                    results(n)
                ),
            )),
        };
        if let Some((code, message)) = note {
            notes.push(Diagnostic {
                code,
                path: Some(w.file.clone()),
                line: Some(w.line),
                message,
            });
        }
        outcomes.push(WaiverOutcome {
            id: w.id.clone(),
            file: w.file.clone(),
            line: w.line,
            code: w.code.clone(),
            subject: w.subject.clone(),
            owner: w.owner.clone(),
            reason: w.reason.clone(),
            ticket: w.ticket.clone(),
            expires: w.expires.clone(),
            starts: w.starts.clone(),
            status,
            matched: n,
        });
    }
    Applied {
        marks,
        outcomes,
        notes,
    }
}

/// Refuse an id used by two waivers of different files (each file is checked when read).
#[doc(hidden)] // for the fuzz target
pub fn ensure_unique_ids(waivers: &[Waiver]) -> Result<(), Error> {
    for (i, w) in waivers.iter().enumerate() {
        if let Some(first) = waivers.iter().take(i).find(|o| o.id == w.id) {
            return Err(Error::Config {
                path: w.file.clone().into(),
                problem: EvidenceError {
                    message: format!(
                        "waiver id `{}` is also used at {}:{}",
                        w.id, first.file, first.line
                    ),
                    line: Some(w.line),
                    column: None,
                },
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Waiver>, Error> {
        let path = Path::new("waivers.toml");
        let file: WaiverFile = crate::source::toml::parse(path, text, "waiver")?;
        validate(path, text, file.waiver)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn result<'a>(code: &'a str, subject: &'a str) -> Subject<'a> {
        Subject { code, subject }
    }

    const LOG4J: &str = r#"
[[waiver]]
id = "W-7"
code = "vulnerabilities.fixable"
subject = "CVE-2021-44228@pkg:maven/*"
owner = "security@example.com"
reason = "patched in our fork"
ticket = "SEC-123"
expires = "2026-12-31"

[[waiver]]
code = "tests.failed"
subject = "a::b"
owner = "qa@example.com"
reason = "flaky"
expires = 2026-12-01T00:00:00Z
starts = 2026-11-30
"#;

    #[test]
    fn waivers_match_by_code_and_subject_glob_until_the_end_of_the_expiry_day() {
        let w = parse(LOG4J).unwrap();
        assert_eq!((w[0].id.as_str(), w[0].line), ("W-7", 2));
        assert_eq!((w[1].id.as_str(), w[1].line), ("waivers.toml#2", 11));
        let subject = "CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
        assert!(w[0].matches("vulnerabilities.fixable", subject));
        assert!(!w[0].matches("vulnerabilities.unfixable", subject));
        assert!(!w[0].matches(
            "vulnerabilities.fixable",
            "CVE-2021-45046@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        ));
        assert!(w[1].matches("tests.failed", "a::b"));
        assert!(!w[1].matches("tests.failed", "a::bc"));

        let rs = [
            result("vulnerabilities.fixable", subject),
            result("tests.failed", "a::b"),
        ];
        let Applied {
            marks: rs,
            outcomes: out,
            notes,
        } = apply(rs, &w, at("2026-12-31T23:59:59Z"));
        assert_eq!(rs[0].waived_by.as_ref().unwrap().id, "W-7");
        assert!(rs[1].waived_by.is_none());
        assert!(rs[0].waiver_expired.is_none());
        assert_eq!(rs[1].waiver_expired.as_ref().unwrap().id, "waivers.toml#2");
        assert_eq!(out[0].status, WaiverStatus::Active);
        assert_eq!(out[1].status, WaiverStatus::Expired);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, Code::WaiverExpired);

        let Applied {
            marks: rs,
            outcomes: out,
            notes,
        } = apply(
            [result("vulnerabilities.fixable", subject)],
            &w,
            at("2027-01-01T00:00:00Z"),
        );
        assert!(rs[0].waived_by.is_none());
        assert_eq!((out[0].status, out[0].matched), (WaiverStatus::Expired, 1));
        assert_eq!(rs[0].waiver_expired.as_ref().unwrap().expires, "2026-12-31");
        assert!(
            notes[0].message.contains("`W-7` expired 2026-12-31"),
            "{}",
            notes[0].message
        );
    }

    #[test]
    fn a_waiver_before_its_start_or_matching_nothing_waives_nothing() {
        let w = parse(LOG4J).unwrap();
        let rs = [result("tests.failed", "a::b")];
        let Applied {
            marks,
            outcomes: out,
            notes,
        } = apply(rs, &w, at("2026-11-29T12:00:00Z"));
        assert!(marks[0].waived_by.is_none());
        assert_eq!(out[0].status, WaiverStatus::Unused);
        assert_eq!(out[1].status, WaiverStatus::NotYetActive);
        let codes: Vec<Code> = notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, vec![Code::WaiverUnused, Code::WaiverNotYetActive]);
        let applied = apply(rs, &w, at("2026-11-30T00:00:00Z"));
        assert_eq!(applied.outcomes[1].status, WaiverStatus::Active);
        assert_eq!(
            applied.marks[0].waived_by.as_ref().unwrap().owner,
            "qa@example.com"
        );
    }

    #[test]
    fn bad_waivers_name_the_waiver_the_field_and_the_position() {
        let base = "[[waiver]]\nid = \"W-1\"\ncode = \"c\"\nsubject = \"s\"\nowner = \"o\"\nreason = \"r\"\nexpires = \"2026-12-31\"\n";
        let cases: Vec<(String, &str)> = vec![
            (
                base.replace("owner = \"o\"\n", ""),
                "waiver 1 (`W-1`): missing field `owner`",
            ),
            (
                base.replace("reason = \"r\"\n", ""),
                "missing field `reason`",
            ),
            (
                base.replace("expires = \"2026-12-31\"\n", ""),
                "missing field `expires`",
            ),
            (
                format!("{base}expiry = \"2027-01-01\"\n"),
                "waivers.toml:8:1: waiver 1 (`W-1`): unknown field `expiry`",
            ),
            (
                base.replace("owner = \"o\"", "owner = \"  \""),
                "waivers.toml:5:9: waiver 1 (`W-1`): `owner` is blank",
            ),
            (
                base.replace("2026-12-31", "31/12/2026"),
                "`expires`: `31/12/2026` is neither a date",
            ),
            (
                base.replace("\"2026-12-31\"", "2026-12-31T10:00:00"),
                "with an offset",
            ),
            (base.replace("\"2026-12-31\"", "12"), "expected a date"),
            (
                format!("{base}starts = 2027-01-01\n"),
                "`starts` (2027-01-01) is not before",
            ),
            (
                base.replace("subject = \"s\"", "subject = \"a[b\""),
                "not a valid glob",
            ),
            (
                format!("{base}{base}"),
                "waiver 2 (`W-1`): id `W-1` is used twice (first at line 1)",
            ),
            (
                format!("{base}\n[[waiver]]\ncode = \"c\"\n"),
                "waiver 2: missing field",
            ),
            ("[waiver]\n".to_owned(), "waivers.toml:1:1"),
            ("[[waiver]]\nid = \n".to_owned(), "waivers.toml:2:"),
        ];
        for (text, want) in cases {
            let e = parse(&text).unwrap_err();
            assert!(matches!(e, Error::Config { .. }));
            let msg = e.to_string();
            assert!(msg.contains(want), "want {want:?} in {msg:?}");
        }
    }

    #[test]
    fn ids_are_unique_across_files() {
        let mut w = parse(LOG4J).unwrap();
        assert!(ensure_unique_ids(&w).is_ok());
        let mut again = w[0].clone();
        again.file = "other.toml".into();
        w.push(again);
        let e = ensure_unique_ids(&w).unwrap_err().to_string();
        assert!(
            e.contains("other.toml:2: waiver id `W-7` is also used at waivers.toml:2"),
            "{e}"
        );
    }

    #[test]
    fn an_empty_file_has_no_waivers() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("# none yet\n").unwrap().is_empty());
    }

    #[test]
    fn published_schema_is_current() {
        let schema = schemars::schema_for!(WaiverFile);
        let mut text = serde_json::to_string_pretty(&schema).unwrap();
        text.push('\n');
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/waivers.schema.json");
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            fs_err::write(&path, &text).unwrap();
        }
        let on_disk = fs_err::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "docs/waivers.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p gate-core waiver::tests`"
        );
    }
}
