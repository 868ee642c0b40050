//! `gate check` and `gate inspect` as library calls: evidence → input → policies → report.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::evidence::{self, Collected};
use crate::input::{Context, Input, Tests, SCHEMA_VERSION};
use crate::policy::{self, EngineOptions, PolicyEngine, PolicySet};
use crate::report::{self, FailOn, PolicyInfo, Report, REPORT_SCHEMA_VERSION};
use crate::Error;

/// Everything `gate check` needs.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Evidence files and folders.
    pub evidence: Vec<PathBuf>,
    /// Policy files and folders; empty means the embedded standard library.
    pub policies: Vec<PathBuf>,
    /// JSON data documents merged under `data`.
    pub data: Vec<PathBuf>,
    /// The evaluation time; `None` means the current time.
    pub now: Option<DateTime<Utc>>,
    /// What fails the verdict.
    pub fail_on: FailOn,
    /// Wall-clock limit on policy evaluation; `None` means 60 seconds.
    pub timeout: Option<Duration>,
}

/// Parse an RFC 3339 time for `--now`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Usage(format!("--now `{s}` is not an RFC 3339 time: {e}")))
}

/// Read the evidence and build the `input` document, exactly as policies will see it.
pub fn inspect(paths: &[PathBuf], now: Option<DateTime<Utc>>) -> Result<(Input, Collected), Error> {
    if paths.is_empty() {
        return Err(Error::Usage(
            "no evidence given: name files or folders to read".into(),
        ));
    }
    let mut collected = evidence::collect(paths)?;
    let input = build_input(&mut collected, now.unwrap_or_else(Utc::now));
    Ok((input, collected))
}

fn build_input(collected: &mut Collected, now: DateTime<Utc>) -> Input {
    let mut input = Input {
        schema_version: SCHEMA_VERSION,
        context: Context {
            now: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            now_ns: now.timestamp_nanos_opt().unwrap_or(i64::MAX),
            ..Context::default()
        },
        tests: Tests::default(),
        ..Input::default()
    };
    for ev in &mut collected.evidence {
        let facts = std::mem::take(&mut ev.facts);
        input.evidence.push(ev.info.clone());
        if let Some(report) = facts.test_report {
            input.tests.summary.merge(&report.summary);
            input.tests.reports.push(report);
        }
        input
            .tests
            .cases
            .extend(facts.tests.into_iter().map(|mut t| {
                t.subject = t.derive_subject();
                t
            }));
        input
            .findings
            .extend(facts.findings.into_iter().map(|mut f| {
                f.subject = f.derive_subject();
                f
            }));
        input
            .sbom
            .components
            .extend(facts.components.into_iter().map(|c| {
                let mut c = blank_is_missing(c);
                c.subject = c.derive_subject();
                c
            }));
    }
    input
}

/// A blank name, version or purl is no value at all: policies see `null`, never `"  "`.
fn blank_is_missing(mut c: crate::input::Component) -> crate::input::Component {
    for field in [&mut c.name, &mut c.version, &mut c.purl] {
        if field.as_deref().is_some_and(|s| s.trim().is_empty()) {
            *field = None;
        }
    }
    c
}

/// Run a whole check.
pub fn run(opts: &CheckOptions) -> Result<Report, Error> {
    let now = opts.now.unwrap_or_else(Utc::now);
    let set = if opts.policies.is_empty() {
        PolicySet::embedded(false)
    } else {
        PolicySet::load(&opts.policies, false)?
    };
    let data = opts
        .data
        .iter()
        .map(|p| policy::read_data(p))
        .collect::<Result<Vec<_>, _>>()?;
    let engine_opts = EngineOptions {
        now_ns: now.timestamp_nanos_opt().unwrap_or(i64::MAX),
        timeout: opts.timeout.unwrap_or(Duration::from_secs(60)),
    };
    let mut engine = PolicyEngine::new(&set, data, &engine_opts)?;
    let rules_evaluated = engine.rules().len();

    let (input, collected) = inspect(&opts.evidence, Some(now))?;
    if collected.evidence.is_empty() {
        return Err(Error::Usage(format!(
            "no evidence found in {}: nothing to judge, so no verdict",
            opts.evidence
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let evidence_info = input.evidence.clone();
    let value = input.into_value()?;
    let raw = engine.evaluate(value)?;
    // Freeing a large input value takes as long as building it; let it go off the critical path.
    std::thread::spawn(move || drop(engine));

    let results = report::decisions(raw);
    let (verdict, summary) = report::verdict(&results, rules_evaluated, opts.fail_on);
    let mut diagnostics = collected.diagnostics;
    diagnostics.sort();
    Ok(Report {
        schema_version: REPORT_SCHEMA_VERSION,
        verdict,
        summary,
        results,
        waivers: Vec::new(),
        evidence: evidence_info,
        policies: set
            .files
            .iter()
            .map(|f| PolicyInfo {
                path: f.path.clone(),
                sha256: f.sha256(),
            })
            .collect(),
        diagnostics,
        now: now.to_rfc3339_opts(SecondsFormat::Secs, true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Component, Source};

    #[test]
    fn blank_component_fields_become_null() {
        let c = Component {
            name: Some("x".into()),
            version: Some("  ".into()),
            group: None,
            purl: Some(String::new()),
            kind: None,
            licenses: vec![],
            hashes: Default::default(),
            supplier: None,
            bom_ref: None,
            source: Source::pointer("b.json", "/components/0".into()),
            subject: String::new(),
        };
        let c = blank_is_missing(c);
        assert_eq!(
            (c.name.as_deref(), c.version, c.purl),
            (Some("x"), None, None)
        );
    }

    #[test]
    fn parse_now_accepts_rfc3339_only() {
        assert_eq!(
            parse_now("2026-11-28T12:00:00+01:00").unwrap().to_rfc3339(),
            "2026-11-28T11:00:00+00:00"
        );
        assert!(parse_now("2026-11-28").is_err());
    }
}
