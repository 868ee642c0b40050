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

use super::{json, Facts, Parsed};
use crate::diagnostic::Diagnostic;
use crate::input::{Finding, FindingKind, FixState, Location, Package, Producer, Source};
use crate::severity::Severity;
use crate::EvidenceError;

/// The id given to an entry without a `VulnerabilityID`.
pub const UNKNOWN_ID: &str = "unknown";

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
    let mut without_id: Option<(usize, String)> = None;
    for (r, result) in results.into_iter().enumerate() {
        let TrivyResult {
            target,
            kind,
            vulnerabilities,
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
            ..Facts::default()
        },
        diagnostics,
    }
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
    let word = v
        .severity
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty());
    let severity = match (word, score) {
        (Some(w), _) => Severity::from_word(w),
        (None, Some(s)) => Severity::from_score(s),
        (None, None) => Severity::Unknown,
    };

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
        tool: "trivy".to_owned(),
        kind: FindingKind::Vulnerability,
        severity,
        severity_source: word.map(str::to_owned),
        score,
        package,
        fix_state,
        fixed_in,
        location: path.map(|p| Location {
            path: Some(p),
            line: None,
            column: None,
        }),
        rule: v.data_source.and_then(|d| non_empty(d.id)),
        message,
        suppressed: false,
        baseline_state: None,
        source: Source::pointer(evidence, pointer),
        id: vid,
        subject: String::new(),
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
    fn every_result_and_entry_counts_and_other_sections_are_read_past() {
        let text = report(
            r#"[
          {"Target":"a","Class":"lang-pkgs","Type":"npm","Vulnerabilities":[{"VulnerabilityID":"C1"},{"VulnerabilityID":"C1"}]},
          {"Target":"Dockerfile","Class":"config","Misconfigurations":[{"ID":"DS001","Severity":"HIGH"}]},
          {"Target":"b","Class":"secret","Secrets":[{"RuleID":"aws"}]},
          {"Target":"c","Class":"lang-pkgs","Vulnerabilities":null},
          {"Target":"d","Class":"lang-pkgs","Type":"pip","Vulnerabilities":[{"VulnerabilityID":"C2"}]}]"#,
        );
        let f = findings(&text);
        assert_eq!(f.len(), 3);
        assert_eq!(
            f[2].source.pointer.as_deref(),
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
