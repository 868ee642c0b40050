//! Trivy JSON: read every entry of every `Results[].Vulnerabilities` into a vulnerability
//! [`Finding`].
//!
//! For: `trivy … --format json` reports of SchemaVersion 2 ([`read`]) and the older reports
//! whose top level is the list of results itself ([`read_list`]). One finding per entry, in
//! document order: the same vulnerability on the same package found in two targets stays two
//! findings. Not for: misconfigurations, secrets and licenses (read past, not turned into
//! findings yet), Trivy's Kubernetes report (`ClusterName`/`Resources`), its SARIF or CycloneDX
//! output (their own readers), or any other SchemaVersion (refused, not guessed at).
//!
//! Strictness: every vulnerability must have a `VulnerabilityID`; the fields read must have the
//! types Trivy writes. Everything else is skipped without being built.

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::{json, sarif, Facts, Parsed};
use crate::input::{Finding, FindingKind, FixState, Location, Package, Producer, Source};
use crate::severity::Severity;
use crate::EvidenceError;

/// The one SchemaVersion gate reads.
pub const SCHEMA_VERSION: i64 = 2;

/// Read a Trivy JSON report of SchemaVersion 2.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let report: Report = match json::parse(text) {
        Ok(r) => r,
        Err(e) => return Err(version_problem(text).unwrap_or(e)),
    };
    check_version(report.schema_version.map(|v| v.to_string()).as_deref())?;
    sarif::check_skipped_values(text)?;
    let version = report.trivy.and_then(|t| non_empty(t.version));
    Ok(parsed(id, "/Results", report.results.unwrap_or_default(), Some(SCHEMA_VERSION), version))
}

/// Read an older Trivy report whose top level is the list of results
/// (`[{"Target": …, "Vulnerabilities": […]}, …]`).
pub fn read_list(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let results: Vec<TrivyResult> = json::parse(text)?;
    sarif::check_skipped_values(text)?;
    Ok(parsed(id, "", results, None, None))
}

fn check_version(version: Option<&str>) -> Result<(), EvidenceError> {
    match version {
        Some("2") => Ok(()),
        Some(other) => Err(EvidenceError::new(format!(
            "Trivy SchemaVersion {other} is not supported (only {SCHEMA_VERSION})"
        ))),
        None => Err(EvidenceError::new(format!(
            "Trivy report without 'SchemaVersion' (only SchemaVersion {SCHEMA_VERSION} is supported)"
        ))),
    }
}

/// After a failed typed parse: the SchemaVersion problem, if the report has one.
fn version_problem(text: &str) -> Option<EvidenceError> {
    let probe = json::Probe::read(text).ok()?;
    if !probe.is_object {
        return None;
    }
    match probe.scalar("SchemaVersion") {
        None if probe.has("SchemaVersion") => Some(EvidenceError::new(format!(
            "Trivy SchemaVersion is not a number (only {SCHEMA_VERSION} is supported)"
        ))),
        v => check_version(v).err(),
    }
}

fn parsed(
    id: &str,
    base: &str,
    results: Vec<TrivyResult>,
    schema_version: Option<i64>,
    version: Option<String>,
) -> Parsed {
    let mut findings = Vec::new();
    for (r, result) in results.into_iter().enumerate() {
        let TrivyResult { target, kind, vulnerabilities } = result;
        let target = non_empty(target);
        let kind = non_empty(kind);
        for (i, v) in vulnerabilities.into_iter().flatten().enumerate() {
            let pointer = format!("{base}/{r}/Vulnerabilities/{i}");
            findings.push(finding(id, pointer, target.as_deref(), kind.as_deref(), v));
        }
    }
    Parsed {
        format_version: schema_version.map(|v| v.to_string()),
        producer: Producer { name: "trivy".to_owned(), version },
        facts: Facts { findings, ..Facts::default() },
        diagnostics: Vec::new(),
    }
}

fn finding(
    evidence: &str,
    pointer: String,
    target: Option<&str>,
    kind: Option<&str>,
    v: Vulnerability,
) -> Finding {
    let score = v.cvss.as_ref().and_then(CvssBest::score);
    let word = v.severity.as_deref().map(str::trim).filter(|w| !w.is_empty());
    let severity = match (word, score) {
        (Some(w), _) => Severity::from_word(w),
        (None, Some(s)) => Severity::from_score(s),
        (None, None) => Severity::Unknown,
    };

    let mut aliases: Vec<String> = v
        .vendor_ids
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !a.trim().is_empty() && *a != v.id)
        .collect();
    aliases.sort_unstable();
    aliases.dedup();

    let fixed_in: Vec<String> = v
        .fixed_version
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let fix_state = if fixed_in.is_empty() {
        status(v.status.as_deref().unwrap_or_default())
    } else {
        FixState::Fixed
    };

    let message = non_empty(v.title)
        .or_else(|| non_empty(v.description))
        .unwrap_or_else(|| v.id.clone());
    // `PkgPath` is the file the package was found in; `Target` is the scanned file or, for
    // packages found inside an image, a label such as `Java` or `Node.js`.
    let path = non_empty(v.pkg_path).or_else(|| target.map(str::to_owned));
    let package = non_empty(v.pkg_name).map(|name| Package {
        name,
        version: non_empty(v.installed_version),
        purl: v.pkg_identifier.and_then(|p| non_empty(p.purl)),
        kind: kind.map(str::to_owned),
    });

    Finding {
        aliases,
        tool: "trivy".to_owned(),
        kind: FindingKind::Vulnerability,
        severity,
        severity_source: word.map(str::to_owned),
        score,
        package,
        fix_state,
        fixed_in,
        location: path.map(|p| Location { path: Some(p), line: None, column: None }),
        rule: v.data_source.and_then(|d| non_empty(d.id)),
        message,
        suppressed: false,
        baseline_state: None,
        source: Source::pointer(evidence, pointer),
        id: v.id,
    }
}

/// Trivy's `Status` when it gives no fixed version.
fn status(s: &str) -> FixState {
    match s {
        "fixed" => FixState::Fixed,
        "affected" | "fix_deferred" => FixState::NotFixed,
        "will_not_fix" | "end_of_life" => FixState::WontFix,
        // `unknown`, `under_investigation`, `not_affected` and anything new.
        _ => FixState::Unknown,
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

// ------------------------------------------------------------------------------------------
// The typed shape: only what gate reads. serde skips every other field without building it.

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Report {
    schema_version: Option<i64>,
    results: Option<Vec<TrivyResult>>,
    trivy: Option<TrivyInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyInfo {
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyResult {
    target: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
    vulnerabilities: Option<Vec<Vulnerability>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vulnerability {
    #[serde(rename = "VulnerabilityID")]
    id: String,
    #[serde(rename = "VendorIDs")]
    vendor_ids: Option<Vec<String>>,
    pkg_name: Option<String>,
    pkg_path: Option<String>,
    pkg_identifier: Option<PkgIdentifier>,
    installed_version: Option<String>,
    fixed_version: Option<String>,
    status: Option<String>,
    severity: Option<String>,
    title: Option<String>,
    description: Option<String>,
    #[serde(rename = "CVSS")]
    cvss: Option<CvssBest>,
    data_source: Option<DataSource>,
}

#[derive(Deserialize)]
struct PkgIdentifier {
    #[serde(rename = "PURL")]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct DataSource {
    #[serde(rename = "ID")]
    id: Option<String>,
}

/// One vendor's entry of the `CVSS` map.
#[derive(Deserialize)]
struct VendorCvss {
    #[serde(rename = "V2Score")]
    v2: Option<f64>,
    #[serde(rename = "V3Score")]
    v3: Option<f64>,
    #[serde(rename = "V40Score")]
    v40: Option<f64>,
}

/// The highest scores over every vendor of the `CVSS` map, folded while reading (the vendor
/// names are not kept).
#[derive(Default)]
struct CvssBest {
    /// CVSS v3.x and v4.0 (the same rating scale).
    current: Option<f64>,
    v2: Option<f64>,
}

impl CvssBest {
    fn score(&self) -> Option<f64> {
        self.current.or(self.v2)
    }
}

fn max(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

impl<'de> Deserialize<'de> for CvssBest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(CvssVisitor)
    }
}

struct CvssVisitor;

impl<'de> Visitor<'de> for CvssVisitor {
    type Value = CvssBest;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map from vendor to CVSS scores")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CvssBest, A::Error> {
        let mut best = CvssBest::default();
        while let Some((IgnoredAny, v)) = map.next_entry::<IgnoredAny, VendorCvss>()? {
            best.current = max(best.current, max(v.v3, v.v40));
            best.v2 = max(best.v2, v.v2);
        }
        Ok(best)
    }
}
