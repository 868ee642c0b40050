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
//! Strictness: the fields read must have the types Trivy writes. An entry without a
//! `VulnerabilityID` (old reports have them) is still a finding, with the id `unknown` and a
//! diagnostic, so that it cannot go unseen. Everything else is skipped without being built.
//! What is skipped has already been checked by detection ([`json::Probe`] decodes every value
//! once), so numbers out of range, unpaired surrogates and deep nesting are refused there.

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::common::non_empty;
use super::format::{array, object, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed, UNKNOWN_ID};
use crate::diagnostic::Diagnostic;
use crate::input::{Finding, FindingKind, FixState, Location, Package, Producer, Source};
use crate::severity::{stated_word, Severity};
use crate::source::json;
use crate::EvidenceError;

/// Why a Trivy Kubernetes report is refused.
const KUBERNETES_REFUSED: &str =
    "a Trivy Kubernetes report (`ClusterName`) is not read: scan each image or manifest \
     with `trivy image`/`trivy config --format json` and give gate those reports";

impl Kind {
    /// Trivy JSON (SchemaVersion 2, and the older list of results).
    #[allow(non_upper_case_globals)]
    pub const Trivy: Kind = Kind("trivy");
}

/// Trivy's older report form: a list of results (`Target`).
pub(crate) struct TrivyListFormat;

impl Format for TrivyListFormat {
    fn kind(&self) -> Kind {
        Kind::Trivy
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(
            array(probe).is_some_and(|p| p.first_element_keys.iter().any(|k| k == "Target")),
        )
    }

    fn reads(&self, text: &str) -> bool {
        text.trim_start().starts_with('[')
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_list(id, text)
    }
}

/// Trivy's Kubernetes report (`ClusterName`): recognised and refused.
pub(crate) struct TrivyKubernetesFormat;

impl Format for TrivyKubernetesFormat {
    fn kind(&self) -> Kind {
        Kind::Trivy
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        let k8s = object(probe).is_some_and(|p| {
            p.has("ClusterName")
                && (p.has("Resources") || p.has("Vulnerabilities") || p.has("Misconfigurations"))
        });
        if k8s {
            Claim::Refuse(EvidenceError::new(KUBERNETES_REFUSED))
        } else {
            Claim::No
        }
    }

    fn reads(&self, _text: &str) -> bool {
        false
    }

    fn read(&self, _id: &str, _text: &str) -> Result<Parsed, EvidenceError> {
        Err(EvidenceError::new(KUBERNETES_REFUSED))
    }
}

/// Trivy JSON: `SchemaVersion`, or `ArtifactName` with `Results`.
pub(crate) struct TrivyFormat;

impl Format for TrivyFormat {
    fn kind(&self) -> Kind {
        Kind::Trivy
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(
            object(probe).is_some_and(|p| {
                p.has("SchemaVersion") || (p.has("ArtifactName") && p.has("Results"))
            }),
        )
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The one SchemaVersion gate reads.
pub const SCHEMA_VERSION: i64 = 2;

/// Read a Trivy JSON report of SchemaVersion 2.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let report: Report = match json::parse(text) {
        Ok(r) => r,
        Err(e) => return Err(version_problem(text).unwrap_or(e)),
    };
    check_version(report.schema_version.map(|v| v.to_string()).as_deref())?;
    let version = report.trivy.and_then(|t| non_empty(t.version));
    Ok(parsed(
        id,
        "/Results",
        report.results.unwrap_or_default(),
        Some(SCHEMA_VERSION),
        version,
    ))
}

/// Read an older Trivy report whose top level is the list of results
/// (`[{"Target": …, "Vulnerabilities": […]}, …]`).
pub fn read_list(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let results: Vec<TrivyResult> = json::parse(text)?;
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
    let mut scanned = Vec::new();
    let mut without_id: Option<(usize, String)> = None;
    for (r, result) in results.into_iter().enumerate() {
        for k in scanned_kinds(&result) {
            if !scanned.contains(&k) {
                scanned.push(k);
            }
        }
        let TrivyResult {
            target,
            class: _,
            kind,
            vulnerabilities,
            misconfigurations,
            secrets,
            licenses,
        } = result;
        let target = non_empty(target);
        let kind = non_empty(kind);
        for (i, v) in vulnerabilities.into_iter().flatten().enumerate() {
            let pointer = format!("{base}/{r}/Vulnerabilities/{i}");
            if v.id.as_deref().is_none_or(|x| x.trim().is_empty()) {
                let (count, _) = without_id.get_or_insert_with(|| (0, pointer.clone()));
                *count += 1;
            }
            findings.push(finding(id, pointer, target.as_deref(), kind.as_deref(), v));
        }
        for (i, m) in misconfigurations.into_iter().flatten().enumerate() {
            let pointer = format!("{base}/{r}/Misconfigurations/{i}");
            if let Some(f) = misconfiguration(id, pointer, target.as_deref(), m) {
                findings.push(f);
            }
        }
        for (i, x) in secrets.into_iter().flatten().enumerate() {
            let pointer = format!("{base}/{r}/Secrets/{i}");
            findings.push(secret(id, pointer, target.as_deref(), x));
        }
        for (i, l) in licenses.into_iter().flatten().enumerate() {
            let pointer = format!("{base}/{r}/Licenses/{i}");
            findings.push(license(id, pointer, target.as_deref(), kind.as_deref(), l));
        }
    }
    let diagnostics = without_id
        .map(|(count, first)| {
            Diagnostic::missing_values(
                count,
                &format!("Trivy vulnerability has no `VulnerabilityID` and is reported as `{UNKNOWN_ID}`"),
                &format!(
                    "Trivy vulnerabilities have no `VulnerabilityID` and are reported as `{UNKNOWN_ID}`"
                ),
                &first,
            )
        })
        .into_iter()
        .collect();
    Parsed {
        format_version: schema_version.map(|v| v.to_string()),
        producer: Producer {
            name: "trivy".to_owned(),
            version,
        },
        facts: Facts {
            findings,
            scanned,
            ..Facts::default()
        },
        diagnostics,
        ..Parsed::default()
    }
}

/// What a result says Trivy scanned for: its `Class` (a clean target is still listed), or, in
/// the old list form without classes, the findings it carries.
fn scanned_kinds(r: &TrivyResult) -> Vec<FindingKind> {
    let by_class = match r.class.as_deref() {
        Some("os-pkgs" | "lang-pkgs") => Some(FindingKind::Vulnerability),
        Some("config") => Some(FindingKind::Misconfiguration),
        Some("secret") => Some(FindingKind::Secret),
        Some("license" | "license-file") => Some(FindingKind::License),
        _ => None,
    };
    let carried = [
        (r.vulnerabilities.is_some(), FindingKind::Vulnerability),
        (r.misconfigurations.is_some(), FindingKind::Misconfiguration),
        (r.secrets.is_some(), FindingKind::Secret),
        (r.licenses.is_some(), FindingKind::License),
    ];
    by_class
        .into_iter()
        .chain(carried.into_iter().filter(|(has, _)| *has).map(|(_, k)| k))
        .collect()
}

fn finding(
    evidence: &str,
    pointer: String,
    target: Option<&str>,
    kind: Option<&str>,
    v: Vulnerability,
) -> Finding {
    let vid = non_empty(v.id).unwrap_or_else(|| UNKNOWN_ID.to_owned());
    let score = v.cvss.as_ref().and_then(CvssBest::score);
    let word = stated_word(v.severity.as_deref());
    let severity = Severity::from_word_or_score(word, score);

    let mut aliases: Vec<String> = v
        .vendor_ids
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !a.trim().is_empty() && *a != vid)
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
        .unwrap_or_else(|| vid.clone());
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
        severity,
        severity_source: word.map(str::to_owned),
        score,
        package,
        fix_state,
        fixed_in,
        location: path.map(|p| Location {
            path: Some(p),
            ..Location::default()
        }),
        rule: v.data_source.and_then(|d| non_empty(d.id)),
        message,
        ..Finding::new(
            "trivy",
            FindingKind::Vulnerability,
            vid,
            Source::pointer(evidence, pointer),
        )
    }
}

/// Severity from Trivy's word, `unknown` when it gives none.
fn word_severity(word: Option<&str>) -> (Severity, Option<String>) {
    let word = stated_word(word);
    (
        Severity::from_word_or_score(word, None),
        word.map(str::to_owned),
    )
}

fn file_location(path: Option<String>, line: Option<u64>, end: Option<u64>) -> Option<Location> {
    let line = line.filter(|&l| l > 0);
    if path.is_none() && line.is_none() {
        return None;
    }
    Some(Location {
        path,
        line,
        column: None,
        end_line: end.filter(|&l| l > 0),
    })
}

/// A misconfiguration check's result. `PASS` results (written with `--include-non-failures`)
/// are not findings; `EXCEPTION` results (excepted by a Rego exception) are kept, suppressed.
fn misconfiguration(
    evidence: &str,
    pointer: String,
    target: Option<&str>,
    m: Misconfiguration,
) -> Option<Finding> {
    let status = m.status.as_deref().map(str::trim).unwrap_or("FAIL");
    if status.eq_ignore_ascii_case("PASS") {
        return None;
    }
    let suppressed = status.eq_ignore_ascii_case("EXCEPTION");
    let mid = non_empty(m.id)
        .or_else(|| non_empty(m.avd_id.clone()))
        .unwrap_or_else(|| UNKNOWN_ID.to_owned());
    let aliases: Vec<String> = non_empty(m.avd_id)
        .filter(|a| *a != mid)
        .into_iter()
        .collect();
    let (severity, severity_source) = word_severity(m.severity.as_deref());
    let cause = m.cause_metadata.unwrap_or_default();
    let title = non_empty(m.title);
    let message = match (
        title,
        non_empty(m.message).or_else(|| non_empty(m.description)),
    ) {
        (Some(t), Some(msg)) => format!("{t}: {msg}"),
        (Some(t), None) => t,
        (None, Some(msg)) => msg,
        (None, None) => mid.clone(),
    };
    Some(Finding {
        aliases,
        severity,
        severity_source,
        location: file_location(target.map(str::to_owned), cause.start_line, cause.end_line),
        rule: non_empty(m.kind).or_else(|| non_empty(cause.provider)),
        message,
        remediation: non_empty(m.resolution),
        suppressed,
        ..Finding::new(
            "trivy",
            FindingKind::Misconfiguration,
            mid,
            Source::pointer(evidence, pointer),
        )
    })
}

/// A leaked secret. The matched text (`Match`, `Code`) is never read: Trivy masks the secret
/// there, and gate keeps even the masked line out of the input.
fn secret(evidence: &str, pointer: String, target: Option<&str>, x: Secret) -> Finding {
    let rid = non_empty(x.rule_id).unwrap_or_else(|| UNKNOWN_ID.to_owned());
    let (severity, severity_source) = word_severity(x.severity.as_deref());
    let message = match (non_empty(x.title), non_empty(x.category.clone())) {
        (Some(t), _) => t,
        (None, Some(c)) => format!("{c} secret"),
        (None, None) => rid.clone(),
    };
    Finding {
        severity,
        severity_source,
        location: file_location(target.map(str::to_owned), x.start_line, x.end_line),
        rule: non_empty(x.category),
        message,
        ..Finding::new(
            "trivy",
            FindingKind::Secret,
            rid,
            Source::pointer(evidence, pointer),
        )
    }
}

/// A license Trivy classified (`--scanners license`): of a package, or found in a loose file.
fn license(
    evidence: &str,
    pointer: String,
    target: Option<&str>,
    kind: Option<&str>,
    l: License,
) -> Finding {
    let name = non_empty(l.name).unwrap_or_else(|| UNKNOWN_ID.to_owned());
    let (severity, severity_source) = word_severity(l.severity.as_deref());
    let category = non_empty(l.category);
    let package = non_empty(l.pkg_name).map(|n| Package {
        name: n,
        version: None,
        purl: None,
        kind: kind.map(str::to_owned),
    });
    let path = non_empty(l.file_path).or_else(|| target.map(str::to_owned));
    let what = match (&package, &path) {
        (Some(p), _) => format!(" in {}", p.name),
        (None, Some(p)) => format!(" in {p}"),
        (None, None) => String::new(),
    };
    let message = match &category {
        Some(c) => format!("{name} license ({c}){what}"),
        None => format!("{name} license{what}"),
    };
    Finding {
        severity,
        severity_source,
        package,
        location: file_location(path, None, None),
        rule: category,
        message,
        ..Finding::new(
            "trivy",
            FindingKind::License,
            name,
            Source::pointer(evidence, pointer),
        )
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
    /// `os-pkgs`, `lang-pkgs`, `config`, `secret`, `license`, `license-file`: what was scanned.
    class: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
    vulnerabilities: Option<Vec<Vulnerability>>,
    misconfigurations: Option<Vec<Misconfiguration>>,
    secrets: Option<Vec<Secret>>,
    licenses: Option<Vec<License>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Misconfiguration {
    #[serde(rename = "Type")]
    kind: Option<String>,
    #[serde(rename = "ID")]
    id: Option<String>,
    #[serde(rename = "AVDID")]
    avd_id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    message: Option<String>,
    resolution: Option<String>,
    severity: Option<String>,
    status: Option<String>,
    cause_metadata: Option<CauseMetadata>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CauseMetadata {
    provider: Option<String>,
    start_line: Option<u64>,
    end_line: Option<u64>,
}

/// A secret. `Match` and `Code` (the masked line and its neighbours) are deliberately absent.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Secret {
    #[serde(rename = "RuleID")]
    rule_id: Option<String>,
    category: Option<String>,
    severity: Option<String>,
    title: Option<String>,
    start_line: Option<u64>,
    end_line: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct License {
    severity: Option<String>,
    category: Option<String>,
    pkg_name: Option<String>,
    file_path: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vulnerability {
    #[serde(rename = "VulnerabilityID")]
    id: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn report(results: &str) -> String {
        format!(
            r#"{{"SchemaVersion":2,"Trivy":{{"Version":"0.69.1"}},"ArtifactName":"img","ArtifactType":"container_image","Results":{results}}}"#
        )
    }

    fn findings(text: &str) -> Vec<Finding> {
        read("t.json", text).unwrap().facts.findings
    }

    fn one(vulnerability: &str) -> Finding {
        let text = report(&format!(
            r#"[{{"Target":"img (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{vulnerability}]}}]"#
        ));
        findings(&text).remove(0)
    }

    #[test]
    fn reads_a_vulnerability_with_everything() {
        let parsed = read("t.json", &report(r#"[{"Target":"img (debian 12)","Class":"os-pkgs","Type":"debian",
          "Vulnerabilities":[{"VulnerabilityID":"CVE-2023-1","VendorIDs":["DSA-1","CVE-2023-1","DLA-2","DSA-1"],
            "PkgID":"libc@1","PkgName":"libc","InstalledVersion":"1","FixedVersion":"2, 3",
            "PkgIdentifier":{"PURL":"pkg:deb/debian/libc@1","UID":"u"},"Status":"fixed","Layer":{},
            "SeveritySource":"nvd","DataSource":{"ID":"debian","Name":"Debian"},
            "Title":"overflow","Description":"long","Severity":"HIGH",
            "CVSS":{"nvd":{"V2Score":9.3,"V3Score":7.8},"redhat":{"V3Score":8.1}}}]}]"#)).unwrap();
        assert_eq!(parsed.format_version.as_deref(), Some("2"));
        assert_eq!(
            parsed.producer,
            Producer {
                name: "trivy".into(),
                version: Some("0.69.1".into())
            }
        );
        let f = parsed.facts.findings.into_iter().next().unwrap();
        assert_eq!(f.id, "CVE-2023-1");
        assert_eq!(f.aliases, vec!["DLA-2", "DSA-1"]);
        assert_eq!(f.tool, "trivy");
        assert_eq!(f.kind, FindingKind::Vulnerability);
        assert_eq!(
            (f.severity, f.severity_source.as_deref()),
            (Severity::High, Some("HIGH"))
        );
        assert_eq!(f.score, Some(8.1));
        assert_eq!(
            f.package,
            Some(Package {
                name: "libc".into(),
                version: Some("1".into()),
                purl: Some("pkg:deb/debian/libc@1".into()),
                kind: Some("debian".into()),
            })
        );
        assert_eq!(
            (f.fix_state, f.fixed_in),
            (FixState::Fixed, vec!["2".to_owned(), "3".to_owned()])
        );
        assert_eq!(
            f.location.and_then(|l| l.path).as_deref(),
            Some("img (debian 12)")
        );
        assert_eq!(f.rule.as_deref(), Some("debian"));
        assert_eq!(f.message, "overflow");
        assert_eq!(
            f.source,
            Source::pointer("t.json", "/Results/0/Vulnerabilities/0".into())
        );
    }

    #[test]
    fn fix_states_from_fixed_version_then_status() {
        let cases = [
            (
                r#""FixedVersion":"1.2","Status":"affected""#,
                FixState::Fixed,
            ),
            (r#""Status":"fixed""#, FixState::Fixed),
            (r#""Status":"affected""#, FixState::NotFixed),
            (r#""Status":"fix_deferred""#, FixState::NotFixed),
            (r#""Status":"will_not_fix""#, FixState::WontFix),
            (r#""Status":"end_of_life""#, FixState::WontFix),
            (r#""Status":"under_investigation""#, FixState::Unknown),
            (r#""Status":"not_affected""#, FixState::Unknown),
            (r#""Status":"unknown""#, FixState::Unknown),
            (r#""FixedVersion":"""#, FixState::Unknown),
        ];
        for (fields, want) in cases {
            let f = one(&format!(
                r#"{{"VulnerabilityID":"CVE-1","PkgName":"p",{fields}}}"#
            ));
            assert_eq!(f.fix_state, want, "{fields}");
        }
        let f = one(r#"{"VulnerabilityID":"C","FixedVersion":">= 3.1.0, >= 2.1.3, < 3.0.0"}"#);
        assert_eq!(f.fixed_in, vec![">= 3.1.0", ">= 2.1.3", "< 3.0.0"]);
    }

    #[test]
    fn scores_prefer_v3_and_v4_over_v2() {
        let f = one(
            r#"{"VulnerabilityID":"C","Severity":"MEDIUM","CVSS":{"nvd":{"V2Score":10,"V3Score":5.3}}}"#,
        );
        assert_eq!((f.score, f.severity), (Some(5.3), Severity::Medium));
        let f =
            one(r#"{"VulnerabilityID":"C","CVSS":{"nvd":{"V2Score":6.8},"ghsa":{"V2Score":4.3}}}"#);
        assert_eq!(
            (f.score, f.severity, f.severity_source),
            (Some(6.8), Severity::Medium, None)
        );
        let f = one(
            r#"{"VulnerabilityID":"C","Severity":"LOW","CVSS":{"ghsa":{"V40Score":9.3,"V3Score":7.5}}}"#,
        );
        assert_eq!(
            (f.score, f.severity),
            (Some(9.3), Severity::Low),
            "the word wins over the score"
        );
        let f = one(r#"{"VulnerabilityID":"C","Severity":"UNKNOWN","CVSS":{}}"#);
        assert_eq!((f.score, f.severity), (None, Severity::Unknown));
        let f = one(r#"{"VulnerabilityID":"C","CVSS":null}"#);
        assert_eq!((f.score, f.severity), (None, Severity::Unknown));
    }

    #[test]
    fn messages_locations_and_packages_fall_back() {
        let f = one(
            r#"{"VulnerabilityID":"C","Description":"d","PkgName":"jar","PkgPath":"app/x.jar"}"#,
        );
        assert_eq!(f.message, "d");
        assert_eq!(
            f.location.and_then(|l| l.path).as_deref(),
            Some("app/x.jar")
        );
        assert_eq!(f.package.map(|p| (p.version, p.purl)), Some((None, None)));
        let f = one(r#"{"VulnerabilityID":"C","Title":""}"#);
        assert_eq!(f.message, "C");
        assert_eq!(f.package, None);
        assert_eq!(f.rule, None);
        assert_eq!(f.derive_subject(), "C@img (debian 12)");
    }

    #[test]
    fn every_result_and_every_section_counts() {
        let text = report(
            r#"[
          {"Target":"a","Class":"lang-pkgs","Type":"npm","Vulnerabilities":[{"VulnerabilityID":"C1"},{"VulnerabilityID":"C1"}]},
          {"Target":"Dockerfile","Class":"config","Misconfigurations":[{"ID":"DS001","Severity":"HIGH"}]},
          {"Target":"b","Class":"secret","Secrets":[{"RuleID":"aws"}]},
          {"Target":"c","Class":"lang-pkgs","Vulnerabilities":null},
          {"Target":"d","Class":"lang-pkgs","Type":"pip","Vulnerabilities":[{"VulnerabilityID":"C2"}]}]"#,
        );
        let f = findings(&text);
        let kinds: Vec<FindingKind> = f.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                FindingKind::Vulnerability,
                FindingKind::Vulnerability,
                FindingKind::Misconfiguration,
                FindingKind::Secret,
                FindingKind::Vulnerability
            ]
        );
        assert_eq!(
            f[4].source.pointer.as_deref(),
            Some("/Results/4/Vulnerabilities/0")
        );
        assert_eq!(
            findings(r#"{"SchemaVersion":2,"ArtifactName":"x"}"#).len(),
            0
        );
        let parsed = read("t.json", r#"{"SchemaVersion":2,"Results":[]}"#).unwrap();
        assert_eq!(
            parsed.producer,
            Producer {
                name: "trivy".into(),
                version: None
            }
        );
    }

    #[test]
    fn reads_the_older_list_form() {
        let text = r#"[{"Target":"debian (debian 10.8)","Type":"debian","Vulnerabilities":[
            {"VulnerabilityID":"CVE-1","PkgName":"apt","InstalledVersion":"1.8","Severity":"LOW"}]},
            {"Target":"app/composer.lock","Type":"composer","Vulnerabilities":null}]"#;
        let parsed = read_list("old.json", text).unwrap();
        assert_eq!(parsed.format_version, None);
        assert_eq!(parsed.producer.name, "trivy");
        let f = &parsed.facts.findings;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].source.pointer.as_deref(), Some("/0/Vulnerabilities/0"));
        assert_eq!(f[0].severity, Severity::Low);
        assert!(read_list("old.json", "[]")
            .unwrap()
            .facts
            .findings
            .is_empty());
        assert!(read_list("old.json", "{}").is_err());
    }

    #[test]
    fn misconfigurations_fail_only_with_location_and_resolution() {
        let text = report(
            r#"[{"Target":"deploy.yaml","Class":"config","Type":"kubernetes",
          "MisconfSummary":{"Successes":1,"Failures":1},
          "Misconfigurations":[
            {"Type":"Kubernetes Security Check","ID":"KSV001","AVDID":"AVD-KSV-0001","Title":"Process can elevate its own privileges",
             "Description":"long","Message":"Container 'nginx' should set allowPrivilegeEscalation to false",
             "Namespace":"builtin.kubernetes.KSV001","Resolution":"Set 'allowPrivilegeEscalation' to false.",
             "Severity":"MEDIUM","PrimaryURL":"u","Status":"FAIL",
             "CauseMetadata":{"Provider":"Kubernetes","Service":"general","StartLine":19,"EndLine":22,"Code":{"Lines":[]}}},
            {"ID":"KSV002","Severity":"LOW","Status":"PASS"},
            {"ID":"KSV003","Severity":"HIGH","Status":"EXCEPTION","Title":"t"},
            {"AVDID":"AVD-DS-0002","Status":"FAIL","Message":"m","Type":"Dockerfile Security Check"}]}]"#,
        );
        let f = findings(&text);
        assert_eq!(f.len(), 3, "PASS results are not findings");
        let m = &f[0];
        assert_eq!(m.kind, FindingKind::Misconfiguration);
        assert_eq!(m.id, "KSV001");
        assert_eq!(m.aliases, vec!["AVD-KSV-0001"]);
        assert_eq!(
            (m.severity, m.severity_source.as_deref()),
            (Severity::Medium, Some("MEDIUM"))
        );
        assert_eq!(
            m.message,
            "Process can elevate its own privileges: Container 'nginx' should set allowPrivilegeEscalation to false"
        );
        assert_eq!(
            m.remediation.as_deref(),
            Some("Set 'allowPrivilegeEscalation' to false.")
        );
        assert_eq!(
            m.location,
            Some(Location {
                path: Some("deploy.yaml".into()),
                line: Some(19),
                column: None,
                end_line: Some(22),
            })
        );
        assert_eq!(m.rule.as_deref(), Some("Kubernetes Security Check"));
        assert_eq!(m.package, None);
        assert!(!m.suppressed);
        assert_eq!(m.derive_subject(), "KSV001@deploy.yaml:19");
        assert_eq!(
            m.source.pointer.as_deref(),
            Some("/Results/0/Misconfigurations/0")
        );
        assert!(f[1].suppressed, "EXCEPTION is kept, suppressed");
        assert_eq!(
            f[1].source.pointer.as_deref(),
            Some("/Results/0/Misconfigurations/2")
        );
        assert_eq!((f[2].id.as_str(), f[2].aliases.len()), ("AVD-DS-0002", 0));
        assert_eq!(
            (f[2].severity, f[2].message.as_str()),
            (Severity::Unknown, "m")
        );
        assert_eq!(f[2].location.as_ref().and_then(|l| l.line), None);
    }

    #[test]
    fn secrets_never_carry_the_matched_text() {
        let text = report(
            r#"[{"Target":"deploy.sh","Class":"secret","Secrets":[
            {"RuleID":"aws-access-key-id","Category":"AWS","Severity":"CRITICAL","Title":"AWS Access Key ID",
             "StartLine":3,"EndLine":3,"Code":{"Lines":[{"Number":3,"Content":"export AWS_ACCESS_KEY_ID=AKIAEXAMPLESECRET1","IsCause":true}]},
             "Match":"export AWS_ACCESS_KEY_ID=AKIAEXAMPLESECRET1","Offset":36},
            {"Category":"GitHub","StartLine":0}]}]"#,
        );
        let parsed = read("t.json", &text).unwrap();
        let f = &parsed.facts.findings;
        assert_eq!(f.len(), 2);
        let s = &f[0];
        assert_eq!(s.kind, FindingKind::Secret);
        assert_eq!(s.id, "aws-access-key-id");
        assert_eq!(s.severity, Severity::Critical);
        assert_eq!(s.rule.as_deref(), Some("AWS"));
        assert_eq!(s.message, "AWS Access Key ID");
        assert_eq!(
            s.location
                .as_ref()
                .map(|l| (l.path.as_deref(), l.line, l.end_line)),
            Some((Some("deploy.sh"), Some(3), Some(3)))
        );
        assert_eq!(s.derive_subject(), "aws-access-key-id@deploy.sh:3");
        let everything = format!("{:?}", parsed.facts);
        assert!(
            !everything.contains("AKIAEXAMPLESECRET1"),
            "the secret leaked into the facts"
        );
        assert_eq!(
            (f[1].id.as_str(), f[1].message.as_str()),
            ("unknown", "GitHub secret")
        );
        assert_eq!(
            f[1].location.as_ref().and_then(|l| l.line),
            None,
            "line 0 is no line"
        );
    }

    #[test]
    fn licenses_of_packages_and_loose_files() {
        let text = report(
            r#"[{"Target":"OS Packages","Class":"license","Licenses":[
              {"Severity":"HIGH","Category":"restricted","PkgName":"alpine-baselayout","FilePath":"","Name":"GPL-2.0","Confidence":1,"Link":""}]},
            {"Target":"Loose File License(s)","Class":"license-file","Licenses":[
              {"Severity":"LOW","Category":"notice","PkgName":"","FilePath":"/etc/ssl/misc/CA.pl","Name":"OpenSSL","Confidence":1}]}]"#,
        );
        let f = findings(&text);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.kind == FindingKind::License));
        assert_eq!(f[0].id, "GPL-2.0");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].rule.as_deref(), Some("restricted"));
        assert_eq!(
            f[0].package.as_ref().map(|p| p.name.as_str()),
            Some("alpine-baselayout")
        );
        assert_eq!(
            f[0].message,
            "GPL-2.0 license (restricted) in alpine-baselayout"
        );
        assert_eq!(f[0].derive_subject(), "GPL-2.0@alpine-baselayout");
        assert_eq!(f[1].package, None);
        assert_eq!(
            f[1].location.as_ref().and_then(|l| l.path.as_deref()),
            Some("/etc/ssl/misc/CA.pl")
        );
        assert_eq!(
            f[1].message,
            "OpenSSL license (notice) in /etc/ssl/misc/CA.pl"
        );
        assert_eq!(
            f[1].source.pointer.as_deref(),
            Some("/Results/1/Licenses/0")
        );
    }

    #[test]
    fn the_list_form_reads_every_section_too() {
        let text = r#"[{"Target":"Dockerfile","Type":"dockerfile","Misconfigurations":[{"ID":"DS002","Severity":"HIGH","Status":"FAIL"}]},
            {"Target":"app/.env","Secrets":[{"RuleID":"github-pat","Severity":"CRITICAL","StartLine":2,"Match":"GITHUB_PAT=*****"}]}]"#;
        let f = read_list("old.json", text).unwrap().facts.findings;
        assert_eq!(
            f.iter()
                .map(|x| (x.kind, x.id.as_str()))
                .collect::<Vec<_>>(),
            [
                (FindingKind::Misconfiguration, "DS002"),
                (FindingKind::Secret, "github-pat")
            ]
        );
        assert_eq!(f[1].source.pointer.as_deref(), Some("/1/Secrets/0"));
    }

    #[test]
    fn kubernetes_reports_are_refused_by_detection() {
        for text in [
            r#"{"ClusterName":"k","Resources":[]}"#,
            r#"{"ClusterName":"k","Vulnerabilities":[],"Misconfigurations":[]}"#,
        ] {
            let e = super::super::detect(text).unwrap_err();
            assert!(e.message.contains("Trivy Kubernetes report"), "{e:?}");
        }
    }

    #[test]
    fn refusals_name_the_field_in_new_sections() {
        let e = read(
            "t.json",
            &report(r#"[{"Target":"a","Secrets":[{"RuleID":"r","StartLine":"3"}]}]"#),
        )
        .unwrap_err();
        assert!(
            e.message.contains("Results[0].Secrets[0].StartLine"),
            "{e:?}"
        );
        let e = read(
            "t.json",
            &report(r#"[{"Target":"a","Misconfigurations":[{"ID":"r","CauseMetadata":{"StartLine":-1}}]}]"#),
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("Results[0].Misconfigurations[0].CauseMetadata.StartLine"),
            "{e:?}"
        );
    }

    #[test]
    fn refuses_other_schema_versions() {
        let e = read("t.json", r#"{"SchemaVersion":1,"Results":[]}"#).unwrap_err();
        assert_eq!(e.message, "Trivy SchemaVersion 1 is not supported (only 2)");
        let e = read("t.json", r#"{"SchemaVersion":3,"Results":[{"Target":7}]}"#).unwrap_err();
        assert_eq!(e.message, "Trivy SchemaVersion 3 is not supported (only 2)");
        let e = read("t.json", r#"{"ArtifactName":"x","Results":[]}"#).unwrap_err();
        assert!(
            e.message
                .starts_with("Trivy report without 'SchemaVersion'"),
            "{e:?}"
        );
        let e = read("t.json", r#"{"SchemaVersion":"2","Results":[]}"#).unwrap_err();
        assert!(
            e.message.contains("not supported") || e.message.contains("SchemaVersion"),
            "{e:?}"
        );
        let e = read("t.json", r#"{"SchemaVersion":{},"Results":[]}"#).unwrap_err();
        assert!(e.message.contains("SchemaVersion is not a number"), "{e:?}");
    }

    #[test]
    fn an_entry_without_an_id_is_kept_and_noted() {
        let text = report(
            r#"[{"Target":"a","Vulnerabilities":[{"PkgName":"p"},{"VulnerabilityID":"C"},{"VulnerabilityID":""}]}]"#,
        );
        let parsed = read("t.json", &text).unwrap();
        let ids: Vec<&str> = parsed
            .facts
            .findings
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(ids, ["unknown", "C", "unknown"]);
        assert_eq!(parsed.facts.findings[0].message, "unknown");
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!(
            parsed.diagnostics[0].code,
            crate::diagnostic::Code::MissingValue
        );
        assert_eq!(
            parsed.diagnostics[0].message,
            "2 Trivy vulnerabilities have no `VulnerabilityID` and are reported as `unknown` (first at `/Results/0/Vulnerabilities/0`)"
        );
        assert!(read("t.json", &report("[]"))
            .unwrap()
            .diagnostics
            .is_empty());
    }

    #[test]
    fn refusals_name_the_field() {
        let e = read(
            "t.json",
            &report(r#"[{"Target":"a","Vulnerabilities":[{"VulnerabilityID":7}]}]"#),
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("Results[0].Vulnerabilities[0].VulnerabilityID"),
            "{e:?}"
        );
        let e = read(
            "t.json",
            &report(r#"[{"Target":"a","Vulnerabilities":{}}]"#),
        )
        .unwrap_err();
        assert!(e.message.contains("Results[0].Vulnerabilities"), "{e:?}");
        let e = read("t.json", &report(r#"[{"Target":"a","Vulnerabilities":[{"VulnerabilityID":"C","CVSS":{"nvd":{"V3Score":1e400}}}]}]"#)).unwrap_err();
        assert!(e.message.contains("out of range"), "{e:?}");
        let text = report(r#"[{"Target":"a","Misconfigurations":[{"Message":"\udfff"}]}]"#);
        assert!(
            super::super::detect(&text).is_err(),
            "skipped fields are checked by detection"
        );
    }
}
