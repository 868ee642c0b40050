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
    /// Wall-clock limit on policy evaluation; `None` means [`policy::DEFAULT_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// Ceiling on the bytes the process holds while policies are evaluated; `None` means
    /// [`policy::DEFAULT_MAX_MEMORY`].
    pub max_memory: Option<u64>,
    /// `--param KEY=VALUE` pairs, in `input.context.params` (`commit` and `author` are also
    /// used to settle the release commit and approvals by the author; see docs/evidence/approvals.md).
    pub params: std::collections::BTreeMap<String, String>,
    /// Waiver files (`--waivers`), applied after the `[[waiver]]` tables of `config`.
    pub waivers: Vec<PathBuf>,
    /// `gate.toml` (`-c/--config`), when given.
    pub config: Option<PathBuf>,
    /// Signature verification expectations from flags; `gate.toml` `[verify]` fills what is unset.
    pub verify: crate::verify::evidence::Settings,
    /// Policy evaluation threads; `None`: one per core (at most 8). The report is the same
    /// whatever the count.
    pub eval_threads: Option<usize>,
}

/// Every file a check with these options reads, listed without reading evidence or policies:
/// evidence (folders walked), policies (folders walked), data, waivers, `gate.toml`, and the
/// trusted root, key and artifact that the flags or `gate.toml` `[verify]` name. Best effort: a
/// path that cannot be listed is left out (the check itself then fails on it). `gate check` uses
/// it to refuse an output that would overwrite an input.
pub fn input_files(opts: &CheckOptions) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for arg in &opts.evidence {
        if let Ok(listed) = evidence::list(std::slice::from_ref(arg)) {
            out.extend(listed.files.into_iter().map(|(path, _)| path));
        }
    }
    for p in &opts.policies {
        out.extend(policy::rego_files(p).unwrap_or_default());
    }
    out.extend(opts.data.iter().cloned());
    out.extend(opts.waivers.iter().cloned());
    out.extend(opts.config.iter().cloned());
    let mut settings = vec![opts.verify.clone()];
    if let Some(loaded) = opts
        .config
        .as_deref()
        .and_then(|c| crate::config::Config::load(c).ok())
    {
        settings.push(loaded.verify);
    }
    for s in settings {
        out.extend([s.trusted_root, s.key, s.artifact].into_iter().flatten());
    }
    out
}

/// Parse an RFC 3339 time for `--now`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Usage(format!("--now `{s}` is not an RFC 3339 time: {e}")))
}

/// Read the evidence and build the `input` document, exactly as policies will see it (no
/// `--param` pairs, no verification expectations; see [`inspect_verified`]).
pub fn inspect(paths: &[PathBuf], now: Option<DateTime<Utc>>) -> Result<(Input, Collected), Error> {
    inspect_verified(
        paths,
        now,
        &std::collections::BTreeMap::new(),
        &crate::verify::evidence::Settings::default(),
    )
}

/// [`inspect`] with `--param` pairs and signature verification expectations (trusted root,
/// identity, artifact), as `gate check` and `gate inspect` run it.
pub fn inspect_verified(
    paths: &[PathBuf],
    now: Option<DateTime<Utc>>,
    params: &std::collections::BTreeMap<String, String>,
    verify: &crate::verify::evidence::Settings,
) -> Result<(Input, Collected), Error> {
    if paths.is_empty() {
        return Err(Error::Usage(
            "no evidence given: name files or folders to read".into(),
        ));
    }
    let mut collected = evidence::collect(paths)?;
    let mut input = build_input(&mut collected, now.unwrap_or_else(Utc::now), params)?;
    let signed: Vec<_> = collected
        .evidence
        .iter_mut()
        .flat_map(|ev| std::mem::take(&mut ev.signed))
        .collect();
    if !signed.is_empty() || verify.digest.is_some() || verify.artifact.is_some() {
        let exp = verify.expectations()?;
        if let Some(a) = &exp.artifact {
            // The released artifact's digest, as given to verification.
            input
                .release
                .digests
                .entry("sha256".to_owned())
                .or_insert_with(|| hex::encode(a.sha256()));
        }
        let (signatures, attestations) = crate::verify::evidence::verify_all(signed, &exp);
        input.signatures = signatures;
        input.attestations = attestations;
    }
    Ok((input, collected))
}

fn build_input(
    collected: &mut Collected,
    now: DateTime<Utc>,
    params: &std::collections::BTreeMap<String, String>,
) -> Result<Input, Error> {
    let mut input = Input {
        schema_version: SCHEMA_VERSION,
        context: Context {
            now: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            now_ns: now.timestamp_nanos_opt().unwrap_or(i64::MAX),
            params: params.clone(),
            ..Context::default()
        },
        tests: Tests::default(),
        ..Input::default()
    };
    let mut licenses = crate::license::Normaliser::default();
    let mut changes = Vec::new();
    // Each file's lists are moved, not copied, into the input (the first file's as they are):
    // copying 10,000 components or 20,000 test cases would hold both copies at once.
    for ev in &mut collected.evidence {
        let mut facts = std::mem::take(&mut ev.facts);
        input.evidence.push(ev.info.clone());
        append(&mut input.approvals, facts.approvals);
        changes.extend(facts.change);
        input.scans.extend(facts.scan_report);
        if let Some(report) = facts.test_report {
            input.tests.summary.merge(&report.summary);
            input.tests.reports.push(report);
        }
        for t in &mut facts.tests {
            t.subject = t.derive_subject();
        }
        append(&mut input.tests.cases, facts.tests);
        append(&mut input.findings, facts.findings);
        for c in &mut facts.components {
            blank_is_missing(c);
            c.subject = c.derive_subject();
            licenses.fill(c);
        }
        append(&mut input.sbom.components, facts.components);
        append(&mut input.sbom.dependencies, facts.dependencies);
        append(&mut input.sbom.vex, facts.vex);
    }
    // One finding, many tools (see findings::merge); subjects follow the merged ids.
    input.findings = crate::findings::merge::merge(std::mem::take(&mut input.findings));
    for f in &mut input.findings {
        f.subject = f.derive_subject();
    }
    crate::input::approval::settle(&mut input, changes, params)?;
    Ok(input)
}

/// `more` at the end of `into`; moved as a whole when `into` is still empty.
fn append<T>(into: &mut Vec<T>, mut more: Vec<T>) {
    if into.is_empty() {
        *into = more;
    } else {
        into.append(&mut more);
    }
}

/// A blank name, version or purl is no value at all: policies see `null`, never `"  "`.
fn blank_is_missing(c: &mut crate::input::Component) {
    for field in [&mut c.name, &mut c.version, &mut c.purl] {
        if field.as_deref().is_some_and(|s| s.trim().is_empty()) {
            *field = None;
        }
    }
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
        timeout: opts.timeout.unwrap_or(policy::DEFAULT_TIMEOUT),
        max_memory: opts.max_memory.unwrap_or(policy::DEFAULT_MAX_MEMORY),
    };
    let mut engine = PolicyEngine::new(&set, data, &engine_opts)?;
    if let Some(n) = opts.eval_threads {
        engine.set_threads(n);
    }
    let rules_evaluated = engine.rules().len();
    let meta = policy::metadata::MetaIndex::parse(
        set.files.iter().map(|f| (f.path.as_str(), f.text.as_str())),
    )?;
    let (mut waivers, verify) = match &opts.config {
        Some(path) => {
            let loaded = crate::config::Config::load(path)?;
            (loaded.waivers, opts.verify.clone().or(loaded.verify))
        }
        None => (Vec::new(), opts.verify.clone()),
    };
    for path in &opts.waivers {
        waivers.extend(crate::waiver::load(path)?);
    }
    crate::waiver::ensure_unique_ids(&waivers)?;

    let (input, collected) = inspect_verified(&opts.evidence, Some(now), &opts.params, &verify)?;
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
    // The report lists the evidence by id, so naming the same files in another order gives the
    // same bytes (`input.evidence` keeps argument order for policies).
    let mut evidence_info = input.evidence.clone();
    evidence_info.sort_by(|a, b| a.id.cmp(&b.id));
    let value = input.into_value()?;
    let raw = engine.evaluate(value)?;
    // Freeing a large input value takes as long as building it; let it go off the critical path.
    std::thread::spawn(move || drop(engine));

    let mut results = report::decisions_with(raw, &meta, Some(now));
    let (waiver_outcomes, waiver_notes) = report::apply_waivers(&mut results, &waivers, now);
    let (verdict, summary) = report::verdict(&results, rules_evaluated, opts.fail_on);
    let mut diagnostics = collected.diagnostics;
    diagnostics.extend(waiver_notes);
    diagnostics.sort();
    Ok(Report {
        schema_version: REPORT_SCHEMA_VERSION,
        verdict,
        summary,
        results,
        waivers: waiver_outcomes,
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
            direct: None,
            license_expression: None,
            license_ids: vec![],
            license_unknown: vec![],
            source: Source::pointer("b.json", "/components/0".into()),
            subject: String::new(),
        };
        let mut c = c;
        blank_is_missing(&mut c);
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
