//! From what was read to the `input` document: merging every file's facts, settling approvals,
//! verifying signed evidence. [`crate::Gate`] drives it.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::evidence::Collected;
use crate::input::{Context, Input, Tests, SCHEMA_VERSION};
use crate::Error;

/// Parse an RFC 3339 time for `--now`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Usage(format!("--now `{s}` is not an RFC 3339 time: {e}")))
}

/// Build the `input` document from what was read, exactly as policies will see it, verifying
/// signed evidence against `verify`'s expectations.
pub(crate) fn assemble(
    mut collected: Collected,
    now: DateTime<Utc>,
    params: &std::collections::BTreeMap<String, String>,
    verify: &crate::verify::evidence::Settings,
) -> Result<(Input, Collected), Error> {
    let mut input = build_input(&mut collected, now, params)?;
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
    let mut coverage = Vec::new();
    // Each file's lists are moved, not copied, into the input (the first file's as they are):
    // copying 10,000 components or 20,000 test cases would hold both copies at once.
    for ev in &mut collected.evidence {
        let mut facts = std::mem::take(&mut ev.facts);
        // What the file scanned for stays with it: the evidence kinds a check covers use it.
        ev.facts.scanned = std::mem::take(&mut facts.scanned);
        input.evidence.push(ev.info.clone());
        append(&mut input.approvals, facts.approvals);
        changes.extend(facts.change);
        coverage.extend(facts.coverage);
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
    let (merged, not_merged) = crate::input::coverage::merge(coverage);
    input.coverage = merged;
    collected
        .diagnostics
        .extend(not_merged.into_iter().map(not_merged_note));
    Ok(input)
}

/// The note for a file two coverage reports measure that could not be united.
fn not_merged_note(n: crate::input::coverage::NotMerged) -> crate::diagnostic::Diagnostic {
    crate::diagnostic::Diagnostic {
        code: crate::diagnostic::Code::CoverageNotMerged,
        path: Some(n.second.clone()),
        line: None,
        message: format!(
            "`{}` is also in coverage report `{}`, but {}: both are counted",
            n.path, n.first, n.reason
        ),
    }
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
