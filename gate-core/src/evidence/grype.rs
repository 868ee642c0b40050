//! Grype JSON: read every entry of `matches` into a vulnerability [`Finding`].
//!
//! For: `grype -o json` reports, from the early shape (0.7: `cvssV2`/`cvssV3` objects and a
//! `fixedInVersion` string) to the current one (`cvss[]`, `fix.state`/`fix.versions`,
//! `relatedVulnerabilities`). One finding per match, in document order: the same vulnerability
//! on the same package found at two paths stays two findings. Not for: Grype's SARIF, CycloneDX
//! or table output (SARIF and CycloneDX have their own readers), the `source`, `distro` and
//! ignored-matches sections, EPSS and risk figures, or match details.
//!
//! Strictness: every match must have `vulnerability` and `artifact` objects, with an `id` and a
//! `name`; the fields read must have the types Grype writes. Everything else is skipped without
//! being built.

use serde::Deserialize;

use super::{json, sarif, Facts, Parsed};
use crate::input::{Finding, FindingKind, FixState, Location, Package, Producer, Source};
use crate::severity::Severity;
use crate::EvidenceError;

/// Read a Grype JSON report.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let doc: Doc = json::parse(text)?;
    sarif::check_skipped_values(text)?;
    let descriptor = doc.descriptor.unwrap_or_default();
    let tool = non_empty(descriptor.name).unwrap_or_else(|| "grype".to_owned());
    let findings = doc
        .matches
        .into_iter()
        .enumerate()
        .map(|(i, m)| finding(id, &tool, i, m))
        .collect();
    Ok(Parsed {
        format_version: None,
        producer: Producer { name: tool, version: non_empty(descriptor.version) },
        facts: Facts { findings, ..Facts::default() },
        diagnostics: Vec::new(),
    })
}

fn finding(evidence: &str, tool: &str, index: usize, m: Match) -> Finding {
    let Match { vulnerability: v, related, artifact } = m;
    let related = related.unwrap_or_default();

    let score = best_score(v.cvss.iter().flatten())
        .into_iter()
        .chain(v.cvss_v3.iter().chain(v.cvss_v2.iter()).filter_map(|c| c.base_score))
        .reduce(f64::max)
        .or_else(|| best_score(related.iter().flat_map(|r| r.cvss.iter().flatten())));
    let word = v.severity.as_deref().map(str::trim).filter(|w| !w.is_empty());
    let severity = match (word, score) {
        (Some(w), _) => Severity::from_word(w),
        (None, Some(s)) => Severity::from_score(s),
        (None, None) => Severity::Unknown,
    };

    let mut aliases: Vec<String> = related
        .into_iter()
        .filter_map(|r| non_empty(r.id))
        .filter(|a| *a != v.id)
        .collect();
    aliases.sort_unstable();
    aliases.dedup();

    let (fix_state, fixed_in) = fix(v.fix, v.fixed_in_version);
    let version = non_empty(artifact.version);
    let message = match non_empty(v.description) {
        Some(d) => d,
        None => match &version {
            Some(ver) => format!("{} in {} {ver}", v.id, artifact.name),
            None => format!("{} in {}", v.id, artifact.name),
        },
    };
    let path = artifact.locations.into_iter().flatten().next().and_then(|l| non_empty(l.path));

    Finding {
        aliases,
        tool: tool.to_owned(),
        kind: FindingKind::Vulnerability,
        severity,
        severity_source: word.map(str::to_owned),
        score,
        package: Some(Package {
            name: artifact.name,
            version,
            purl: non_empty(artifact.purl),
            kind: non_empty(artifact.kind),
        }),
        fix_state,
        fixed_in,
        location: path.map(|p| Location { path: Some(p), line: None, column: None }),
        rule: non_empty(v.namespace),
        message,
        suppressed: false,
        baseline_state: None,
        source: Source::pointer(evidence, format!("/matches/{index}")),
        id: v.id,
    }
}

/// The highest base score among CVSS entries of the current shape.
fn best_score<'a>(entries: impl Iterator<Item = &'a Cvss>) -> Option<f64> {
    entries.filter_map(|c| c.metrics.as_ref()?.base_score).reduce(f64::max)
}

/// `fix.state` and `fix.versions` (current shape) or `fixedInVersion` (early shape).
fn fix(fix: Option<Fix>, fixed_in_version: Option<String>) -> (FixState, Vec<String>) {
    let (state, versions) = match fix {
        Some(f) => (f.state.unwrap_or_default(), f.versions.unwrap_or_default()),
        None => (String::new(), non_empty(fixed_in_version).into_iter().collect()),
    };
    let versions: Vec<String> = versions.into_iter().filter(|v| !v.trim().is_empty()).collect();
    let state = match state.trim() {
        "fixed" => FixState::Fixed,
        "not-fixed" => FixState::NotFixed,
        "wont-fix" => FixState::WontFix,
        // No state (early reports, or an empty one) but a fixed version: it is fixed.
        "" if !versions.is_empty() => FixState::Fixed,
        _ => FixState::Unknown,
    };
    (state, versions)
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

// ------------------------------------------------------------------------------------------
// The typed shape: only what gate reads. serde skips every other field without building it.

#[derive(Deserialize)]
struct Doc {
    matches: Vec<Match>,
    descriptor: Option<Descriptor>,
}

#[derive(Default, Deserialize)]
struct Descriptor {
    name: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Match {
    vulnerability: Vulnerability,
    #[serde(rename = "relatedVulnerabilities")]
    related: Option<Vec<Related>>,
    artifact: Artifact,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vulnerability {
    id: String,
    namespace: Option<String>,
    severity: Option<String>,
    description: Option<String>,
    cvss: Option<Vec<Cvss>>,
    fix: Option<Fix>,
    /// Early reports (0.7): one fixed version as a string.
    fixed_in_version: Option<String>,
    /// Early reports: `{"baseScore": …}`.
    #[serde(rename = "cvssV2")]
    cvss_v2: Option<EarlyCvss>,
    #[serde(rename = "cvssV3")]
    cvss_v3: Option<EarlyCvss>,
}

#[derive(Deserialize)]
struct Related {
    id: Option<String>,
    cvss: Option<Vec<Cvss>>,
}

#[derive(Deserialize)]
struct Cvss {
    metrics: Option<Metrics>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metrics {
    base_score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EarlyCvss {
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct Fix {
    versions: Option<Vec<String>>,
    state: Option<String>,
}

#[derive(Deserialize)]
struct Artifact {
    name: String,
    version: Option<String>,
    purl: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    locations: Option<Vec<ArtifactLocation>>,
}

#[derive(Deserialize)]
struct ArtifactLocation {
    path: Option<String>,
}
