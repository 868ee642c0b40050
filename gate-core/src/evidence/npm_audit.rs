//! npm audit JSON: read every advisory that affects an installed package into a vulnerability
//! [`Finding`].
//!
//! For: `npm audit --json` of npm 7 and later (`auditReportVersion: 2`, `vulnerabilities` keyed by
//! package name, each with a `via` chain), read by [`read_v2`], and of npm 6 and earlier
//! (`advisories` keyed by advisory id, plus `actions`; pnpm's `audit --json` writes the same
//! shape), read by [`read_v1`]. An npm audit that failed (its JSON is an `error` object, e.g.
//! `ENOAUDIT` or an HTTP error from the registry) is refused: no audit is not a clean audit.
//! Not for: yarn's audit output (NDJSON), `npm audit signatures`, pip-audit.
//!
//! npm 7+: one finding per advisory object in a package's `via` (a `via` entry that is a string
//! only says the package is vulnerable through that dependency; that dependency's own entry
//! carries the advisory). npm 7+ names no installed version, so the package has none; the
//! first `nodes` path is the location. npm 6: one finding per advisory and installed version
//! (`findings[]`), with the CVEs as aliases.
//!
//! Strictness: the fields read must have the types npm writes. Everything else is skipped
//! without being built; detection ([`json::Probe`]) has already decoded every value once.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::common::non_empty;
use super::format::{object, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed, UNKNOWN_ID};
use crate::input::{
    Finding, FindingKind, FixState, Location, Package, Producer, ScanReport, Source, TotalMismatch,
};
use crate::severity::Severity;
use crate::source::json;
use crate::EvidenceError;

impl Kind {
    /// npm audit JSON (npm 6 `advisories`, npm 7+ `auditReportVersion: 2`).
    #[allow(non_upper_case_globals)]
    pub const NpmAudit: Kind = Kind("npm-audit");
}

/// npm audit JSON: npm 7+, npm 6 and pnpm, or the `error` object of a failed audit.
pub(crate) struct NpmAuditFormat;

impl Format for NpmAuditFormat {
    fn kind(&self) -> Kind {
        Kind::NpmAudit
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        let Some(p) = object(probe) else {
            return Claim::No;
        };
        // npm 7+; npm 6 (`actions`, `advisories`, `muted`, `metadata`, `runId`) and pnpm (no `actions`).
        let v6_keys = ["actions", "advisories", "muted", "metadata", "runId"];
        let report = p.has("auditReportVersion")
            || (p.has("advisories")
                && (p.has("actions") || p.has("metadata"))
                && p.keys.keys().all(|k| v6_keys.contains(&k.as_str())));
        // A failed `npm audit --json` writes an `error` object instead of a report.
        let error_keys = [
            "error",
            "message",
            "method",
            "uri",
            "headers",
            "statusCode",
            "body",
        ];
        let error = p.has("error") && p.keys.keys().all(|k| error_keys.contains(&k.as_str()));
        Claim::when(report || error)
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The `auditReportVersion` gate reads with [`read_v2`].
pub const REPORT_VERSION: i64 = 2;

/// npm's marker for "no patched version": `patched_versions: "<0.0.0"`.
const NO_PATCH: &str = "<0.0.0";

/// Read an npm audit report of either shape, chosen by its top-level keys.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let probe = json::Probe::read(text)?;
    if probe.has("auditReportVersion") {
        read_v2(id, text)
    } else if probe.has("advisories") {
        read_v1(id, text)
    } else {
        Err(failed_audit(text))
    }
}

/// The refusal of a report that is npm's error object instead of an audit.
fn failed_audit(text: &str) -> EvidenceError {
    let doc: Result<ErrorDoc, _> = serde_json::from_str(text);
    let detail = doc.ok().map(|d| {
        let e = d.error.unwrap_or_default();
        [
            e.code,
            e.summary,
            d.message,
            d.status_code.map(|c| format!("HTTP {c}")),
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(": ")
    });
    let detail = detail
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "no detail given".into());
    EvidenceError::new(format!(
        "npm audit did not produce a report ({detail}); an audit that did not run is not a clean audit"
    ))
}

/// Read `npm audit --json` of npm 7 and later.
pub fn read_v2(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let doc: V2 = json::parse(text)?;
    if doc.audit_report_version != REPORT_VERSION {
        return Err(EvidenceError::new(format!(
            "npm audit auditReportVersion {} is not supported (only {REPORT_VERSION})",
            doc.audit_report_version
        )));
    }
    let mut found = SeverityCounts::default();
    for entry in doc.vulnerabilities.values() {
        found.add(entry.severity.as_deref(), 1);
    }
    let mismatches = mismatches(id, doc.metadata.as_ref(), &found, true);
    let mut findings = Vec::new();
    for (key, entry) in doc.vulnerabilities {
        let name = non_empty(entry.name.clone()).unwrap_or_else(|| key.clone());
        let node = entry
            .nodes
            .iter()
            .flatten()
            .find_map(|n| non_empty(Some(n.clone())));
        for (v, via) in entry.via.iter().flatten().enumerate() {
            let Via::Advisory(advisory) = via else {
                continue;
            };
            let pointer = format!("{}/via/{v}", json::push_pointer("/vulnerabilities", &key));
            findings.push(v2_finding(
                id,
                pointer,
                &name,
                node.as_deref(),
                &entry,
                advisory,
            ));
        }
    }
    Ok(parsed(
        id,
        findings,
        mismatches,
        Some(REPORT_VERSION.to_string()),
    ))
}

/// Counts by npm's severity words, and in all.
#[derive(Default)]
struct SeverityCounts {
    by_word: BTreeMap<&'static str, u64>,
    total: u64,
}

/// npm's severity words, most severe first, as `metadata.vulnerabilities` keys them.
const NPM_SEVERITIES: [&str; 5] = ["critical", "high", "moderate", "low", "info"];

impl SeverityCounts {
    fn add(&mut self, word: Option<&str>, n: u64) {
        self.total = self.total.saturating_add(n);
        let word = word.map(str::trim).unwrap_or_default();
        if let Some(w) = NPM_SEVERITIES.iter().find(|w| w.eq_ignore_ascii_case(word)) {
            let slot = self.by_word.entry(w).or_default();
            *slot = slot.saturating_add(n);
        }
    }
}

/// Totals in `metadata.vulnerabilities` that are more than the entries show: a report whose
/// summary counts criticals its entries do not list must not pass as clean. `with_total`: npm 7+
/// also states a `total` (of entries); npm 6 counts paths and states none.
fn mismatches(
    id: &str,
    metadata: Option<&Metadata>,
    found: &SeverityCounts,
    with_total: bool,
) -> Vec<TotalMismatch> {
    let Some(claimed) = metadata.and_then(|m| m.vulnerabilities.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut check = |total: &str, claimed: Option<u64>, found: u64| {
        if let Some(claimed) = claimed.filter(|&c| c > found) {
            out.push(TotalMismatch {
                total: total.to_owned(),
                claimed,
                found,
                source: Source::pointer(id, format!("/metadata/vulnerabilities/{total}")),
            });
        }
    };
    for word in NPM_SEVERITIES {
        let stated = match word {
            "critical" => claimed.critical,
            "high" => claimed.high,
            "moderate" => claimed.moderate,
            "low" => claimed.low,
            _ => claimed.info,
        };
        check(
            word,
            stated,
            found.by_word.get(word).copied().unwrap_or_default(),
        );
    }
    if with_total {
        check("total", claimed.total, found.total);
    }
    out
}

fn v2_finding(
    evidence: &str,
    pointer: String,
    name: &str,
    node: Option<&str>,
    entry: &V2Entry,
    a: &Advisory,
) -> Finding {
    let ghsa = a
        .url
        .as_deref()
        .and_then(|u| u.rsplit('/').next())
        .filter(|last| last.starts_with("GHSA-"))
        .map(str::to_owned);
    let npm_id = a.source.map(|s| format!("npm-advisory-{s}"));
    let vid = ghsa
        .clone()
        .or_else(|| npm_id.clone())
        .unwrap_or_else(|| UNKNOWN_ID.to_owned());
    let aliases: Vec<String> = npm_id.into_iter().filter(|x| *x != vid).collect();
    let word = non_empty(a.severity.clone());
    let score = a
        .cvss
        .as_ref()
        .and_then(|c| c.score)
        .filter(|s| *s > 0.0 && s.is_finite());
    let severity = Severity::from_word_or_score(word.as_deref(), score);
    let package_name = non_empty(a.dependency.clone())
        .or_else(|| non_empty(a.name.clone()))
        .unwrap_or_else(|| name.to_owned());
    let (fix_state, fixed_in, remediation) = match &entry.fix_available {
        Some(FixAvailable::Flag(true)) => (
            FixState::Fixed,
            Vec::new(),
            Some("Run `npm audit fix`.".to_owned()),
        ),
        Some(FixAvailable::Flag(false)) => (FixState::NotFixed, Vec::new(), None),
        Some(FixAvailable::Upgrade {
            name: fix_name,
            version,
            is_sem_ver_major,
        }) => {
            let fixed_in = if fix_name.as_deref() == Some(package_name.as_str()) {
                version.iter().cloned().collect()
            } else {
                Vec::new()
            };
            let target = match (fix_name, version) {
                (Some(n), Some(v)) => format!("{n}@{v}"),
                (Some(n), None) => n.clone(),
                _ => "the version npm proposes".to_owned(),
            };
            let major = if *is_sem_ver_major == Some(true) {
                " (a semver-major upgrade: `npm audit fix --force`)"
            } else {
                ""
            };
            (
                FixState::Fixed,
                fixed_in,
                Some(format!("Install {target}{major}.")),
            )
        }
        None => (FixState::Unknown, Vec::new(), None),
    };
    let message = non_empty(a.title.clone()).unwrap_or_else(|| format!("{vid} in {package_name}"));
    let message = match non_empty(a.range.clone()) {
        Some(r) => format!("{message} ({package_name} {r})"),
        None => message,
    };
    Finding {
        aliases,
        severity,
        severity_source: word,
        score,
        package: Some(Package {
            purl: npm_purl(&package_name, None),
            name: package_name,
            version: None,
            kind: Some("npm".to_owned()),
        }),
        fix_state,
        fixed_in,
        location: node.map(|n| Location {
            path: Some(n.to_owned()),
            ..Location::default()
        }),
        message,
        remediation,
        ..Finding::new(
            "npm-audit",
            FindingKind::Vulnerability,
            vid,
            Source::pointer(evidence, pointer),
        )
    }
}

/// Read `npm audit --json` of npm 6 and earlier (and `pnpm audit --json`).
pub fn read_v1(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let doc: V1 = json::parse(text)?;
    // npm 6 counts every path to a vulnerable package in `metadata.vulnerabilities`.
    let mut found = SeverityCounts::default();
    for a in doc.advisories.values() {
        let paths = a
            .findings
            .iter()
            .flatten()
            .map(|f| f.paths.as_ref().map_or(0, Vec::len))
            .sum::<usize>();
        found.add(
            a.severity.as_deref(),
            u64::try_from(paths).unwrap_or(u64::MAX),
        );
    }
    let mismatches = mismatches(id, doc.metadata.as_ref(), &found, false);
    let mut findings = Vec::new();
    for (key, a) in doc.advisories {
        let base = json::push_pointer("/advisories", &key);
        let installs = a.findings.as_deref().unwrap_or_default();
        if installs.is_empty() {
            findings.push(v1_finding(id, base.clone(), &key, &a, None));
        }
        for (i, install) in installs.iter().enumerate() {
            findings.push(v1_finding(
                id,
                format!("{base}/findings/{i}"),
                &key,
                &a,
                non_empty(install.version.clone()),
            ));
        }
    }
    Ok(parsed(id, findings, mismatches, None))
}

fn v1_finding(
    evidence: &str,
    pointer: String,
    key: &str,
    a: &V1Advisory,
    version: Option<String>,
) -> Finding {
    let npm_id = format!(
        "npm-advisory-{}",
        a.id.map_or_else(|| key.to_owned(), |n| n.to_string())
    );
    let ghsa = non_empty(a.github_advisory_id.clone());
    let cves: Vec<String> = a
        .cves
        .iter()
        .flatten()
        .filter(|c| !c.trim().is_empty())
        .cloned()
        .collect();
    let vid = ghsa
        .clone()
        .or_else(|| cves.first().cloned())
        .unwrap_or_else(|| npm_id.clone());
    let mut aliases: Vec<String> = cves
        .into_iter()
        .chain(ghsa)
        .chain(std::iter::once(npm_id))
        .filter(|x| *x != vid)
        .collect();
    aliases.sort_unstable();
    aliases.dedup();
    let word = non_empty(a.severity.clone());
    let severity = word
        .as_deref()
        .map_or(Severity::Unknown, Severity::from_word);
    let name = non_empty(a.module_name.clone()).unwrap_or_else(|| "unknown".to_owned());
    let patched = non_empty(a.patched_versions.clone());
    let (fix_state, fixed_in) = match patched {
        Some(p) if p.trim() == NO_PATCH => (FixState::NotFixed, Vec::new()),
        Some(p) => (FixState::Fixed, vec![p.trim().to_owned()]),
        None => (FixState::Unknown, Vec::new()),
    };
    let message = non_empty(a.title.clone()).unwrap_or_else(|| format!("{vid} in {name}"));
    let message = match non_empty(a.vulnerable_versions.clone()) {
        Some(r) => format!("{message} ({name} {r})"),
        None => message,
    };
    Finding {
        aliases,
        severity,
        severity_source: word,
        package: Some(Package {
            purl: npm_purl(&name, version.as_deref()),
            name,
            version,
            kind: Some("npm".to_owned()),
        }),
        fix_state,
        fixed_in,
        message,
        remediation: non_empty(a.recommendation.clone()),
        ..Finding::new(
            "npm-audit",
            FindingKind::Vulnerability,
            vid,
            Source::pointer(evidence, pointer),
        )
    }
}

fn parsed(
    id: &str,
    findings: Vec<Finding>,
    mismatches: Vec<TotalMismatch>,
    format_version: Option<String>,
) -> Parsed {
    Parsed {
        format_version,
        producer: Producer {
            name: "npm-audit".to_owned(),
            version: None,
        },
        facts: Facts {
            findings,
            scanned: vec![FindingKind::Vulnerability],
            scan_report: Some(ScanReport {
                evidence: id.to_owned(),
                tool: "npm-audit".to_owned(),
                incomplete: Vec::new(),
                mismatches,
            }),
            ..Facts::default()
        },
        diagnostics: Vec::new(),
        ..Parsed::default()
    }
}

fn npm_purl(name: &str, version: Option<&str>) -> Option<String> {
    super::common::purl_of("npm", name, version)
}

/// A JSON pointer reference token (RFC 6901): `~` → `~0`, `/` → `~1`.
// ------------------------------------------------------------------------------------------
// The typed shapes: only what gate reads. serde skips every other field without building it.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V2 {
    audit_report_version: i64,
    /// Required: npm writes `{}` for a clean audit, so a missing or `null` list is no audit.
    vulnerabilities: BTreeMap<String, V2Entry>,
    #[serde(default, deserialize_with = "json::present")]
    metadata: Option<Metadata>,
}

/// `metadata`: the report's own totals (counts are whole numbers; anything else is refused).
#[derive(Deserialize)]
struct Metadata {
    #[serde(default, deserialize_with = "json::present")]
    vulnerabilities: Option<Totals>,
}

#[derive(Deserialize)]
struct Totals {
    info: Option<u64>,
    low: Option<u64>,
    moderate: Option<u64>,
    high: Option<u64>,
    critical: Option<u64>,
    total: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V2Entry {
    name: Option<String>,
    severity: Option<String>,
    via: Option<Vec<Via>>,
    nodes: Option<Vec<String>>,
    fix_available: Option<FixAvailable>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Via {
    /// The package is vulnerable through this dependency.
    Dependency(#[allow(dead_code)] String),
    /// An advisory about this package.
    Advisory(Advisory),
}

#[derive(Deserialize)]
struct Advisory {
    source: Option<u64>,
    name: Option<String>,
    dependency: Option<String>,
    title: Option<String>,
    url: Option<String>,
    severity: Option<String>,
    cvss: Option<Cvss>,
    range: Option<String>,
}

#[derive(Deserialize)]
struct Cvss {
    score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FixAvailable {
    Flag(bool),
    #[serde(rename_all = "camelCase")]
    Upgrade {
        name: Option<String>,
        version: Option<String>,
        is_sem_ver_major: Option<bool>,
    },
}

#[derive(Deserialize)]
struct V1 {
    advisories: BTreeMap<String, V1Advisory>,
    #[serde(default, deserialize_with = "json::present")]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct V1Advisory {
    id: Option<u64>,
    findings: Option<Vec<V1Install>>,
    title: Option<String>,
    module_name: Option<String>,
    cves: Option<Vec<String>>,
    github_advisory_id: Option<String>,
    vulnerable_versions: Option<String>,
    patched_versions: Option<String>,
    severity: Option<String>,
    recommendation: Option<String>,
}

#[derive(Clone, Deserialize)]
struct V1Install {
    version: Option<String>,
    paths: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorDoc {
    error: Option<ErrorBody>,
    message: Option<String>,
    status_code: Option<u64>,
}

#[derive(Default, Deserialize)]
struct ErrorBody {
    code: Option<String>,
    summary: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(vulnerabilities: &str) -> String {
        format!(
            r#"{{"auditReportVersion":2,"vulnerabilities":{vulnerabilities},"metadata":{{"vulnerabilities":{{}}}}}}"#
        )
    }

    fn findings_v2(text: &str) -> Vec<Finding> {
        read_v2("a.json", text).unwrap().facts.findings
    }

    fn totals(scan: &Parsed) -> Vec<(String, u64, u64, Option<String>)> {
        scan.facts
            .scan_report
            .as_ref()
            .unwrap()
            .mismatches
            .iter()
            .map(|m| {
                (
                    m.total.clone(),
                    m.claimed,
                    m.found,
                    m.source.pointer.clone(),
                )
            })
            .collect()
    }

    /// Issue 9: totals that count more than the entries list are recorded (the standard
    /// policy denies them); totals that agree record nothing.
    #[test]
    fn v2_totals_that_count_more_than_the_entries_are_mismatches() {
        let hidden = r#"{"auditReportVersion":2,"vulnerabilities":{},
            "metadata":{"vulnerabilities":{"info":0,"low":0,"moderate":0,"high":0,"critical":3,"total":3}}}"#;
        let p = read("a.json", hidden).unwrap();
        assert!(p.facts.findings.is_empty());
        assert_eq!(
            totals(&p),
            vec![
                (
                    "critical".into(),
                    3,
                    0,
                    Some("/metadata/vulnerabilities/critical".into())
                ),
                (
                    "total".into(),
                    3,
                    0,
                    Some("/metadata/vulnerabilities/total".into())
                ),
            ]
        );
        let agrees = r#"{"auditReportVersion":2,"vulnerabilities":{
            "a":{"name":"a","severity":"high","via":[{"source":1,"severity":"high","title":"t"}]}},
            "metadata":{"vulnerabilities":{"info":0,"low":0,"moderate":0,"high":1,"critical":0,"total":1}}}"#;
        assert!(totals(&read("a.json", agrees).unwrap()).is_empty());
        // The entry says moderate where the totals say high: the high is not shown.
        let relabelled = agrees.replacen(
            r#""severity":"high","via""#,
            r#""severity":"moderate","via""#,
            1,
        );
        assert_eq!(
            totals(&read("a.json", &relabelled).unwrap()),
            vec![(
                "high".into(),
                1,
                0,
                Some("/metadata/vulnerabilities/high".into())
            )]
        );
    }

    #[test]
    fn v1_totals_count_paths() {
        let text = r#"{"actions":[],"advisories":{"1":{"id":1,"severity":"critical","module_name":"a",
              "findings":[{"version":"1.0.0","paths":["a","b>a"]}]}},
            "metadata":{"vulnerabilities":{"info":0,"low":0,"moderate":0,"high":0,"critical":2}}}"#;
        assert!(totals(&read("a.json", text).unwrap()).is_empty());
        let more = text.replace(r#""critical":2"#, r#""critical":3"#);
        assert_eq!(
            totals(&read("a.json", &more).unwrap()),
            vec![(
                "critical".into(),
                3,
                2,
                Some("/metadata/vulnerabilities/critical".into())
            )]
        );
    }

    /// Issue 9: a total that is not a count, and a missing or `null` list of vulnerabilities,
    /// are bad evidence.
    #[test]
    fn unreadable_totals_and_missing_lists_are_refused() {
        for (value, needle) in [
            ("-1", "invalid value"),
            (r#""3""#, "invalid type"),
            ("1e3", "invalid type"),
        ] {
            let text = format!(
                "{{\"auditReportVersion\":2,\"vulnerabilities\":{{}},\n\"metadata\":{{\"vulnerabilities\":{{\"critical\":{value}}}}}}}"
            );
            let e = read("a.json", &text).unwrap_err();
            assert!(
                e.message.contains("metadata.vulnerabilities.critical"),
                "{value}: {e:?}"
            );
            assert!(e.message.contains(needle), "{value}: {e:?}");
            assert_eq!(e.line, Some(2), "{value}");
        }
        let e = read(
            "a.json",
            r#"{"auditReportVersion":2,"vulnerabilities":null}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("vulnerabilities"), "{e:?}");
        assert!(e.message.contains("null"), "{e:?}");
        let e = read("a.json", r#"{"auditReportVersion":2,"metadata":{}}"#).unwrap_err();
        assert!(
            e.message.contains("missing field `vulnerabilities`"),
            "{e:?}"
        );
        let e = read(
            "a.json",
            r#"{"auditReportVersion":2,"vulnerabilities":{},"metadata":null}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("metadata"), "{e:?}");
    }

    #[test]
    fn v2_reads_advisories_in_via_and_skips_transitive_entries() {
        let text = v2(r#"{
          "@vercel/fun":{"name":"@vercel/fun","severity":"moderate","isDirect":false,"via":["debug"],
            "effects":["vercel"],"range":"<=1.1.0","nodes":["node_modules/@vercel/fun"],
            "fixAvailable":{"name":"vercel","version":"32.3.0","isSemVerMajor":true}},
          "debug":{"name":"debug","severity":"moderate","isDirect":false,"via":[
            {"source":1094219,"name":"debug","dependency":"debug","title":"ReDoS in debug",
             "url":"https://github.com/advisories/GHSA-gxpj-cx7g-858c","severity":"moderate","cwe":["CWE-400"],
             "cvss":{"score":5.3,"vectorString":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"},"range":">=4.0.0 <4.3.1"}],
            "effects":["@vercel/fun"],"range":"4.0.0 - 4.3.0","nodes":["node_modules/@vercel/fun/node_modules/debug"],
            "fixAvailable":{"name":"vercel","version":"32.3.0","isSemVerMajor":true}},
          "semver":{"name":"semver","severity":"high","via":[{"source":7,"name":"semver","dependency":"semver",
             "title":"t","url":"https://example.invalid/7","severity":"high","cvss":{"score":0,"vectorString":null},"range":"<5.7.2"}],
            "nodes":["node_modules/semver"],"fixAvailable":{"name":"semver","version":"5.7.2","isSemVerMajor":false}},
          "a/b~c":{"name":"a/b~c","severity":"low","via":[{"source":8,"severity":"low","title":"x"}],"fixAvailable":false}}"#);
        let parsed = read_v2("a.json", &text).unwrap();
        assert_eq!(parsed.format_version.as_deref(), Some("2"));
        assert_eq!(parsed.producer.name, "npm-audit");
        let f = parsed.facts.findings;
        assert_eq!(f.len(), 3, "the transitive entry is no finding");
        // BTreeMap order: "a/b~c", "debug", "semver".
        let d = &f[1];
        assert_eq!(d.id, "GHSA-gxpj-cx7g-858c");
        assert_eq!(d.aliases, vec!["npm-advisory-1094219"]);
        assert_eq!(
            (d.severity, d.severity_source.as_deref(), d.score),
            (Severity::Medium, Some("moderate"), Some(5.3))
        );
        assert_eq!(
            d.package,
            Some(Package {
                name: "debug".into(),
                version: None,
                purl: Some("pkg:npm/debug".into()),
                kind: Some("npm".into())
            })
        );
        assert_eq!((d.fix_state, d.fixed_in.len()), (FixState::Fixed, 0));
        assert_eq!(
            d.remediation.as_deref(),
            Some("Install vercel@32.3.0 (a semver-major upgrade: `npm audit fix --force`).")
        );
        assert_eq!(d.message, "ReDoS in debug (debug >=4.0.0 <4.3.1)");
        assert_eq!(
            d.location.as_ref().and_then(|l| l.path.as_deref()),
            Some("node_modules/@vercel/fun/node_modules/debug")
        );
        assert_eq!(
            d.source.pointer.as_deref(),
            Some("/vulnerabilities/debug/via/0")
        );
        let s = &f[2];
        assert_eq!(s.id, "npm-advisory-7");
        assert_eq!(s.score, None, "npm writes 0 for no score");
        assert_eq!(s.fixed_in, vec!["5.7.2"]);
        assert_eq!(s.remediation.as_deref(), Some("Install semver@5.7.2."));
        let x = &f[0];
        assert_eq!(
            x.source.pointer.as_deref(),
            Some("/vulnerabilities/a~1b~0c/via/0")
        );
        assert_eq!(x.fix_state, FixState::NotFixed);
        assert_eq!(x.severity, Severity::Low);
    }

    #[test]
    fn v2_refuses_other_versions_and_bad_types() {
        let e = read_v2("a.json", r#"{"auditReportVersion":3,"vulnerabilities":{}}"#).unwrap_err();
        assert_eq!(
            e.message,
            "npm audit auditReportVersion 3 is not supported (only 2)"
        );
        let e = read_v2("a.json", &v2(r#"{"x":{"via":[{"source":"s"}]}}"#)).unwrap_err();
        assert!(e.message.contains("vulnerabilities"), "{e:?}");
        assert!(findings_v2(&v2("{}")).is_empty());
    }

    const V1_DOC: &str = r#"{"actions":[],"advisories":{
      "146":{"findings":[{"version":"1.9.2","paths":["mocha>growl"]},{"version":"1.9.1","paths":["x>growl"]}],
        "id":146,"title":"Command Injection","module_name":"growl","cves":["CVE-2017-16042"],
        "vulnerable_versions":"<1.10.2","patched_versions":">=1.10.2","severity":"critical",
        "recommendation":"Update to version 1.10.2 or later.","url":"https://npmjs.example/advisories/146"},
      "577":{"findings":[{"version":"4.17.4","paths":["lodash"]}],"id":577,"title":"Prototype Pollution",
        "module_name":"lodash","cves":[],"github_advisory_id":"GHSA-jf85-cpcp-j695","vulnerable_versions":"<4.17.5",
        "patched_versions":"<0.0.0","severity":"low"}},
      "muted":[],"metadata":{"vulnerabilities":{}},"runId":"r"}"#;

    #[test]
    fn v1_reads_one_finding_per_advisory_and_installed_version() {
        let parsed = read_v1("a.json", V1_DOC).unwrap();
        assert_eq!(parsed.format_version, None);
        let f = parsed.facts.findings;
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].id, "CVE-2017-16042");
        assert_eq!(f[0].aliases, vec!["npm-advisory-146"]);
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(
            f[0].package.as_ref().and_then(|p| p.purl.as_deref()),
            Some("pkg:npm/growl@1.9.2")
        );
        assert_eq!(
            f[1].package.as_ref().and_then(|p| p.version.as_deref()),
            Some("1.9.1")
        );
        assert_eq!(
            (f[0].fix_state, f[0].fixed_in.clone()),
            (FixState::Fixed, vec![">=1.10.2".to_owned()])
        );
        assert_eq!(
            f[0].remediation.as_deref(),
            Some("Update to version 1.10.2 or later.")
        );
        assert_eq!(f[0].message, "Command Injection (growl <1.10.2)");
        assert_eq!(
            f[1].source.pointer.as_deref(),
            Some("/advisories/146/findings/1")
        );
        assert_eq!(f[2].id, "GHSA-jf85-cpcp-j695");
        assert_eq!(f[2].aliases, vec!["npm-advisory-577"]);
        assert_eq!(
            (f[2].fix_state, f[2].fixed_in.len()),
            (FixState::NotFixed, 0)
        );
    }

    #[test]
    fn detection_of_both_shapes_pnpm_and_failed_audits() {
        use super::super::{detect, Detected, Kind};
        let k = |t: &str| detect(t).unwrap();
        let npm = Detected::Known(Kind::NpmAudit);
        assert_eq!(k(r#"{"auditReportVersion":2,"vulnerabilities":{}}"#), npm);
        assert_eq!(
            k(r#"{"actions":[],"advisories":{},"muted":[],"metadata":{}}"#),
            npm
        );
        assert_eq!(k(r#"{"advisories":{},"metadata":{}}"#), npm, "pnpm");
        assert_eq!(k(r#"{"error":{"code":"ENOAUDIT"}}"#), npm);
        assert_eq!(k(r#"{"message":"405","statusCode":405,"error":{}}"#), npm);
        // Other documents with these words are not taken for npm audit.
        assert!(matches!(k(r#"{"advisories":{}}"#), Detected::Unknown(_)));
        assert!(matches!(
            k(r#"{"advisories":{},"metadata":{},"version":1}"#),
            Detected::Unknown(_)
        ));
        assert!(matches!(
            k(r#"{"error":"x","data":[]}"#),
            Detected::Unknown(_)
        ));
    }

    #[test]
    fn failed_audits_are_refused_with_what_npm_said() {
        let t = r#"{"error":{"code":"ENOAUDIT","summary":"Your configured registry may not support audit requests","detail":""}}"#;
        let e = read("a.json", t).unwrap_err();
        assert!(
            e.message.starts_with(
                "npm audit did not produce a report (ENOAUDIT: Your configured registry may not support audit requests)"
            ),
            "{e:?}"
        );
        let t = r#"{"message":"405 Method Not Allowed - POST x","statusCode":405,"body":"","error":{"summary":"","detail":""}}"#;
        let e = read("a.json", t).unwrap_err();
        assert!(
            e.message
                .contains("(405 Method Not Allowed - POST x: HTTP 405)"),
            "{e:?}"
        );
        let t = r#"{"error":7}"#;
        let e = read("a.json", t).unwrap_err();
        assert!(e.message.contains("no detail given"), "{e:?}");
        let t = V1_DOC;
        assert_eq!(read("a.json", t).unwrap().facts.findings.len(), 3);
    }
}
