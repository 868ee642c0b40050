//! OSV-Scanner JSON: read every vulnerability of every package of every result into a
//! vulnerability [`Finding`].
//!
//! For: `osv-scanner --format json` reports (`results[].packages[].vulnerabilities[]`, with the
//! package's `groups` of ids that are the same vulnerability). One finding per listed
//! vulnerability, in document order; its aliases are the advisory's own `aliases` and every id
//! and alias of the group it belongs to, so that the cross-tool merge (and a rule) sees that
//! `GHSA-…` and `GO-…` entries of one group are one vulnerability. Not for: license scanning
//! results (`licenses`, `license_violations`), call analysis, container image layer details, or
//! OSV advisories on their own (the `osv.dev` record format without a scan around it).
//!
//! Severity: the advisory's `database_specific.severity` word, else the highest CVSS v3 base
//! score computed from its `severity[]` vectors, else the group's `max_severity`. Fixed versions
//! come from `affected[].ranges[].events[].fixed` of the affected entries about this package.
//!
//! Strictness: `results` is required and the fields read must have the types OSV-Scanner writes.
//! Everything else is skipped without being built; detection ([`json::Probe`]) has already
//! decoded every value once.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::common::{non_empty, purl_of};
use super::format::{object, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed, UNKNOWN_ID};
use crate::input::{Finding, FindingKind, FixState, Location, Package, Producer, Source};
use crate::severity::{cvss_base_score, Severity};
use crate::source::json;
use crate::EvidenceError;

impl Kind {
    /// OSV-Scanner JSON.
    #[allow(non_upper_case_globals)]
    pub const Osv: Kind = Kind("osv");
}

/// OSV-Scanner JSON: `results`, and no key OSV-Scanner does not write.
pub(crate) struct OsvFormat;

impl Format for OsvFormat {
    fn kind(&self) -> Kind {
        Kind::Osv
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(object(probe).is_some_and(|p| {
            p.has("results") && p.keys.keys().all(|k| TOP_LEVEL_KEYS.contains(&k.as_str()))
        }))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The top-level keys an OSV-Scanner JSON report may have (detection requires `results` and
/// accepts no other key, so that other tools' `results` documents are not taken for it).
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "results",
    "experimental_config",
    "image_metadata",
    "license_summary",
];

/// Read an OSV-Scanner JSON report.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let doc: Doc = json::parse(text)?;
    let mut findings = Vec::new();
    for (r, result) in doc.results.into_iter().enumerate() {
        let path = result.source.and_then(|s| non_empty(s.path));
        for (p, entry) in result.packages.into_iter().flatten().enumerate() {
            let PackageEntry {
                package,
                vulnerabilities,
                groups,
            } = entry;
            let groups = groups.unwrap_or_default();
            for (v, vuln) in vulnerabilities.into_iter().flatten().enumerate() {
                let pointer = format!("/results/{r}/packages/{p}/vulnerabilities/{v}");
                findings.push(finding(
                    id,
                    pointer,
                    path.as_deref(),
                    &package,
                    &groups,
                    vuln,
                ));
            }
        }
    }
    Ok(Parsed {
        format_version: None,
        producer: Producer {
            name: "osv-scanner".to_owned(),
            version: None,
        },
        facts: Facts {
            findings,
            scanned: vec![FindingKind::Vulnerability],
            ..Facts::default()
        },
        diagnostics: Vec::new(),
        ..Parsed::default()
    })
}

fn finding(
    evidence: &str,
    pointer: String,
    path: Option<&str>,
    package: &PackageInfo,
    groups: &[Group],
    v: Vulnerability,
) -> Finding {
    let vid = non_empty(v.id).unwrap_or_else(|| UNKNOWN_ID.to_owned());
    let group = groups
        .iter()
        .find(|g| g.ids.iter().flatten().any(|x| *x == vid));

    let mut aliases: BTreeSet<String> = v.aliases.into_iter().flatten().collect();
    if let Some(g) = group {
        aliases.extend(g.ids.iter().flatten().cloned());
        aliases.extend(g.aliases.iter().flatten().cloned());
    }
    aliases.remove(&vid);
    let aliases: Vec<String> = aliases
        .into_iter()
        .filter(|a| !a.trim().is_empty())
        .collect();

    let word = v
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned);
    let vector_score = v
        .severity
        .iter()
        .flatten()
        .filter_map(|s| s.score.as_deref().and_then(cvss_base_score))
        .reduce(f64::max);
    let group_score = group
        .and_then(|g| g.max_severity.as_deref())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite());
    let score = vector_score.or(group_score);
    let (severity, severity_source) = match (&word, vector_score, group_score) {
        (Some(w), _, _) if Severity::from_word(w) != Severity::Unknown => {
            (Severity::from_word(w), Some(w.clone()))
        }
        (_, Some(s), _) => (
            Severity::from_score(s),
            v.severity
                .iter()
                .flatten()
                .find_map(|x| x.score.clone().filter(|sc| cvss_base_score(sc).is_some())),
        ),
        (_, None, Some(s)) => (Severity::from_score(s), Some(format!("max_severity {s}"))),
        (w, None, None) => (Severity::Unknown, w.clone()),
    };

    // A git repository scanned by commit has no name, version or ecosystem: it is named by
    // where it was found, at its commit.
    let commit = non_empty(package.commit.clone());
    let by_commit = non_empty(package.name.clone()).is_none() && commit.is_some();
    let name = non_empty(package.name.clone())
        .or_else(|| commit.as_ref().map(|_| path.unwrap_or("git").to_owned()));
    let ecosystem =
        non_empty(package.ecosystem.clone()).or_else(|| by_commit.then(|| "git".to_owned()));
    let version = non_empty(package.version.clone()).or(commit);
    let (fix_state, fixed_in) = fixes(&v.affected, name.as_deref(), ecosystem.as_deref());
    let purl = non_empty(package.purl.clone())
        .or_else(|| purl_of(ecosystem.as_deref()?, name.as_deref()?, version.as_deref()));

    let message = non_empty(v.summary)
        .or_else(|| non_empty(v.details).map(|d| first_line(&d)))
        .unwrap_or_else(|| match (&name, &version) {
            (Some(n), Some(ver)) => format!("{vid} in {n} {ver}"),
            (Some(n), None) => format!("{vid} in {n}"),
            _ => vid.clone(),
        });

    Finding {
        aliases,
        severity,
        severity_source,
        score,
        package: name.map(|name| Package {
            name,
            version,
            purl,
            kind: ecosystem,
        }),
        fix_state,
        fixed_in,
        location: path.map(|p| Location {
            path: Some(p.to_owned()),
            ..Location::default()
        }),
        message,
        ..Finding::new(
            "osv-scanner",
            FindingKind::Vulnerability,
            vid,
            Source::pointer(evidence, pointer),
        )
    }
}

/// Fixed versions from the `affected` entries about this package (all entries when none names
/// it). No ranges at all: unknown; ranges without a `fixed` event: not fixed.
fn fixes(
    affected: &Option<Vec<Affected>>,
    name: Option<&str>,
    ecosystem: Option<&str>,
) -> (FixState, Vec<String>) {
    let all: Vec<&Affected> = affected.iter().flatten().collect();
    let about_this: Vec<&Affected> = all
        .iter()
        .copied()
        .filter(|a| {
            a.package.as_ref().is_some_and(|p| {
                p.name.as_deref() == name
                    && (ecosystem.is_none() || p.ecosystem.as_deref() == ecosystem)
            })
        })
        .collect();
    let chosen = if about_this.is_empty() {
        all
    } else {
        about_this
    };
    let mut any_range = false;
    let mut fixed = Vec::new();
    for range in chosen.iter().flat_map(|a| a.ranges.iter().flatten()) {
        any_range = true;
        for event in range.events.iter().flatten() {
            if let Some(f) = event.fixed.as_deref().map(str::trim) {
                if !f.is_empty() && !fixed.iter().any(|x: &String| x == f) {
                    fixed.push(f.to_owned());
                }
            }
        }
    }
    let state = if !fixed.is_empty() {
        FixState::Fixed
    } else if any_range {
        FixState::NotFixed
    } else {
        FixState::Unknown
    };
    (state, fixed)
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned()
}

// ------------------------------------------------------------------------------------------
// The typed shape: only what gate reads. serde skips every other field without building it.

#[derive(Deserialize)]
struct Doc {
    results: Vec<OsvResult>,
}

#[derive(Deserialize)]
struct OsvResult {
    source: Option<SourceInfo>,
    packages: Option<Vec<PackageEntry>>,
}

#[derive(Deserialize)]
struct SourceInfo {
    path: Option<String>,
}

#[derive(Deserialize)]
struct PackageEntry {
    package: PackageInfo,
    vulnerabilities: Option<Vec<Vulnerability>>,
    groups: Option<Vec<Group>>,
}

#[derive(Deserialize)]
struct PackageInfo {
    name: Option<String>,
    version: Option<String>,
    ecosystem: Option<String>,
    purl: Option<String>,
    commit: Option<String>,
}

#[derive(Deserialize)]
struct Group {
    ids: Option<Vec<String>>,
    aliases: Option<Vec<String>>,
    max_severity: Option<String>,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: Option<String>,
    aliases: Option<Vec<String>>,
    summary: Option<String>,
    details: Option<String>,
    affected: Option<Vec<Affected>>,
    severity: Option<Vec<SeverityEntry>>,
    /// Free-form per database; only its `severity` string is read.
    database_specific: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct SeverityEntry {
    score: Option<String>,
}

#[derive(Deserialize)]
struct Affected {
    package: Option<AffectedPackage>,
    ranges: Option<Vec<Range>>,
}

#[derive(Deserialize)]
struct AffectedPackage {
    ecosystem: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct Range {
    events: Option<Vec<Event>>,
}

#[derive(Deserialize)]
struct Event {
    fixed: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(packages: &str) -> String {
        format!(
            r#"{{"results":[{{"source":{{"path":"/src/go.mod","type":"lockfile"}},"packages":{packages}}}],"experimental_config":{{}}}}"#
        )
    }

    fn findings(text: &str) -> Vec<Finding> {
        read("o.json", text).unwrap().facts.findings
    }

    const GROUPED: &str = r#"[{"package":{"name":"github.com/gogo/protobuf","version":"1.3.1","ecosystem":"Go"},
      "vulnerabilities":[
        {"id":"GHSA-c3h9-896r-86jm","aliases":["CVE-2021-3121"],"summary":"Improper Input Validation",
         "affected":[{"package":{"ecosystem":"Go","name":"github.com/gogo/protobuf"},
           "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.2"}]}]}],
         "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:H"}],
         "database_specific":{"cwe_ids":["CWE-20"],"severity":"HIGH"}},
        {"id":"GO-2021-0053","details":"\n\nDue to improper bounds checking...\nmore",
         "affected":[{"package":{"ecosystem":"Go","name":"github.com/gogo/protobuf"},
           "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.2"}]}]},
           {"package":{"ecosystem":"Go","name":"other"},"ranges":[{"events":[{"fixed":"9"}]}]}],
         "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:H"}]}],
      "groups":[{"ids":["GHSA-c3h9-896r-86jm","GO-2021-0053"],"aliases":["CVE-2021-3121","GHSA-c3h9-896r-86jm","GO-2021-0053"],"max_severity":"8.6"}]}]"#;

    #[test]
    fn reads_grouped_vulnerabilities_with_aliases_severity_and_fixes() {
        let parsed = read("o.json", &report(GROUPED)).unwrap();
        assert_eq!(parsed.producer.name, "osv-scanner");
        let f = &parsed.facts.findings;
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].id, "GHSA-c3h9-896r-86jm");
        assert_eq!(f[0].aliases, vec!["CVE-2021-3121", "GO-2021-0053"]);
        assert_eq!(f[1].aliases, vec!["CVE-2021-3121", "GHSA-c3h9-896r-86jm"]);
        assert_eq!(f[0].kind, FindingKind::Vulnerability);
        assert_eq!(f[0].tool, "osv-scanner");
        assert_eq!(
            (f[0].severity, f[0].severity_source.as_deref(), f[0].score),
            (Severity::High, Some("HIGH"), Some(8.6))
        );
        assert_eq!(
            (f[1].severity, f[1].score),
            (Severity::High, Some(8.6)),
            "from the vector"
        );
        assert_eq!(
            f[0].package,
            Some(Package {
                name: "github.com/gogo/protobuf".into(),
                version: Some("1.3.1".into()),
                purl: Some("pkg:golang/github.com/gogo/protobuf@1.3.1".into()),
                kind: Some("Go".into()),
            })
        );
        assert_eq!(
            (f[0].fix_state, f[0].fixed_in.clone()),
            (FixState::Fixed, vec!["1.3.2".to_owned()])
        );
        assert_eq!(
            f[1].fixed_in,
            vec!["1.3.2"],
            "only the affected entry about this package"
        );
        assert_eq!(f[0].message, "Improper Input Validation");
        assert_eq!(f[1].message, "Due to improper bounds checking...");
        assert_eq!(
            f[0].location.as_ref().and_then(|l| l.path.as_deref()),
            Some("/src/go.mod")
        );
        assert_eq!(
            f[1].source,
            Source::pointer("o.json", "/results/0/packages/0/vulnerabilities/1".into())
        );
    }

    #[test]
    fn severity_falls_back_to_the_group_then_unknown() {
        let text = report(
            r#"[{"package":{"name":"x","version":"1","ecosystem":"npm"},
            "vulnerabilities":[{"id":"A","severity":[{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}]},
              {"id":"B","database_specific":{"severity":"MODERATE"}},
              {"id":"C","database_specific":{"severity":7}},
              {"id":"D","affected":[{"ranges":[{"events":[{"introduced":"0"}]}]}]}],
            "groups":[{"ids":["A"],"max_severity":"9.3"},{"ids":["B"]}]}]"#,
        );
        let f = findings(&text);
        assert_eq!((f[0].severity, f[0].score), (Severity::Critical, Some(9.3)));
        assert_eq!(f[0].severity_source.as_deref(), Some("max_severity 9.3"));
        assert_eq!((f[1].severity, f[1].score), (Severity::Medium, None));
        assert_eq!(f[2].severity, Severity::Unknown);
        assert_eq!(f[3].severity, Severity::Unknown);
        assert_eq!(
            (f[3].fix_state, f[3].fixed_in.len()),
            (FixState::NotFixed, 0)
        );
        assert_eq!(f[2].fix_state, FixState::Unknown);
        assert_eq!(f[2].message, "C in x 1");
        assert_eq!(
            f[0].package.as_ref().and_then(|p| p.purl.as_deref()),
            Some("pkg:npm/x@1")
        );
    }

    #[test]
    fn purls_for_common_ecosystems() {
        assert_eq!(
            purl_of("npm", "@babel/core", Some("7.0.0")).as_deref(),
            Some("pkg:npm/%40babel/core@7.0.0")
        );
        assert_eq!(
            purl_of("PyPI", "Django", Some("2.2")).as_deref(),
            Some("pkg:pypi/django@2.2")
        );
        assert_eq!(
            purl_of("crates.io", "smallvec", Some("1.6.0")).as_deref(),
            Some("pkg:cargo/smallvec@1.6.0")
        );
        assert_eq!(
            purl_of(
                "Maven",
                "org.apache.logging.log4j:log4j-core",
                Some("2.14.1")
            )
            .as_deref(),
            Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
        );
        assert_eq!(
            purl_of("Debian:12", "openssl", None).as_deref(),
            Some("pkg:deb/debian/openssl")
        );
        assert_eq!(purl_of("Maven", "no-colon", None), None);
        assert_eq!(purl_of("SomethingNew", "x", None), None);
    }

    #[test]
    fn a_git_repository_is_named_by_its_path_at_its_commit() {
        let text = r#"{"results":[{"source":{"path":"/src/app/","type":"git"},"packages":[
            {"package":{"name":"","version":"","ecosystem":"","commit":"f5f3c22f"},
             "vulnerabilities":[{"id":"CVE-2023-50094"}]}]}]}"#;
        let f = findings(text);
        assert_eq!(
            f[0].package,
            Some(Package {
                name: "/src/app/".into(),
                version: Some("f5f3c22f".into()),
                purl: None,
                kind: Some("git".into()),
            })
        );
        assert_eq!(f[0].derive_subject(), "CVE-2023-50094@/src/app/@f5f3c22f");
    }

    #[test]
    fn empty_reports_and_packages_without_vulnerabilities() {
        assert!(findings(r#"{"results":[]}"#).is_empty());
        let text = report(
            r#"[{"package":{"name":"p","version":"1.0.0","ecosystem":"Go"},"vulnerabilities":[],"groups":[]}]"#,
        );
        assert!(findings(&text).is_empty());
    }

    #[test]
    fn detection_takes_only_osv_scanners_top_level_keys() {
        use super::super::{detect, Detected, Kind};
        let k = |t: &str| detect(t).unwrap();
        assert_eq!(
            k(r#"{"results":[],"experimental_config":{}}"#),
            Detected::Known(Kind::Osv)
        );
        assert_eq!(k(r#"{"results":[]}"#), Detected::Known(Kind::Osv));
        // Semgrep and bandit JSON have `results` too, with other keys beside it.
        assert!(matches!(
            k(r#"{"results":[],"errors":[],"paths":{}}"#),
            Detected::Unknown(_)
        ));
        assert!(matches!(
            k(r#"{"results":[],"metrics":{},"generated_at":"x"}"#),
            Detected::Unknown(_)
        ));
    }

    #[test]
    fn refusals_name_the_field() {
        let e = read("o.json", r#"{"experimental_config":{}}"#).unwrap_err();
        assert!(e.message.contains("results"), "{e:?}");
        let e = read(
            "o.json",
            &report(r#"[{"package":{"name":"p"},"vulnerabilities":[{"id":5}]}]"#),
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("results[0].packages[0].vulnerabilities[0].id"),
            "{e:?}"
        );
        let e = read("o.json", &report(r#"[{"vulnerabilities":[]}]"#)).unwrap_err();
        assert!(e.message.contains("package"), "{e:?}");
    }
}
