//! Grype JSON: read every entry of `matches` into a vulnerability [`Finding`].
//!
//! For: `grype -o json` reports, from the early shape (0.7: `cvssV2`/`cvssV3` objects and a
//! `fixedInVersion` string) to the current one (`cvss[]`, `fix.state`/`fix.versions`,
//! `relatedVulnerabilities`). One finding per match, in document order: the same vulnerability
//! on the same package found at two paths stays two findings. Not for: Grype's SARIF, CycloneDX
//! or table output (SARIF and CycloneDX have their own readers), the `source`, `distro` and
//! ignored-matches sections, EPSS and risk figures, or match details.
//!
//! Strictness: every match must have `vulnerability` and `artifact` objects, and the fields read
//! must have the types Grype writes. A vulnerability without an `id` is still a finding, with the
//! id `unknown` and a diagnostic, so that it cannot go unseen. Everything else is skipped without
//! being built.
//! What is skipped has already been checked by detection ([`json::Probe`] decodes every value
//! once), so numbers out of range, unpaired surrogates and deep nesting are refused there.

use serde::Deserialize;

use super::common::non_empty;
use super::format::{object, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed, UNKNOWN_ID};
use crate::diagnostic::Diagnostic;
use crate::input::{Finding, FindingKind, FixState, Location, Package, Producer, Source};
use crate::severity::{stated_word, Severity};
use crate::source::json;
use crate::EvidenceError;

impl Kind {
    /// Grype JSON.
    #[allow(non_upper_case_globals)]
    pub const Grype: Kind = Kind("grype");
}

/// Grype JSON: `matches`.
pub(crate) struct GrypeFormat;

impl Format for GrypeFormat {
    fn kind(&self) -> Kind {
        Kind::Grype
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(object(probe).is_some_and(|p| p.has("matches")))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Read a Grype JSON report.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let doc: Doc = json::parse(text)?;
    let descriptor = doc.descriptor.unwrap_or_default();
    let tool = non_empty(descriptor.name).unwrap_or_else(|| "grype".to_owned());
    let mut without_id: Option<(usize, usize)> = None;
    let mut findings = Vec::with_capacity(doc.matches.len());
    for (i, m) in doc.matches.into_iter().enumerate() {
        if m.vulnerability
            .id
            .as_deref()
            .is_none_or(|x| x.trim().is_empty())
        {
            without_id.get_or_insert((0, i)).0 += 1;
        }
        findings.push(finding(id, &tool, i, m));
    }
    let diagnostics = without_id
        .map(|(count, first)| {
            Diagnostic::missing_values(
                count,
                &format!("Grype match has no vulnerability `id` and is reported as `{UNKNOWN_ID}`"),
                &format!(
                    "Grype matches have no vulnerability `id` and are reported as `{UNKNOWN_ID}`"
                ),
                &format!("/matches/{first}"),
            )
        })
        .into_iter()
        .collect();
    Ok(Parsed {
        format_version: None,
        producer: Producer {
            name: tool,
            version: non_empty(descriptor.version),
        },
        facts: Facts {
            findings,
            scanned: vec![FindingKind::Vulnerability],
            ..Facts::default()
        },
        diagnostics,
        ..Parsed::default()
    })
}

fn finding(evidence: &str, tool: &str, index: usize, m: Match) -> Finding {
    let Match {
        vulnerability: v,
        related,
        artifact,
    } = m;
    let related = related.unwrap_or_default();
    let vid = non_empty(v.id).unwrap_or_else(|| UNKNOWN_ID.to_owned());

    let score = best_score(v.cvss.iter().flatten())
        .into_iter()
        .chain(
            v.cvss_v3
                .iter()
                .chain(v.cvss_v2.iter())
                .filter_map(|c| c.base_score),
        )
        .reduce(f64::max)
        .or_else(|| best_score(related.iter().flat_map(|r| r.cvss.iter().flatten())));
    let word = stated_word(v.severity.as_deref());
    let severity = Severity::from_word_or_score(word, score);

    let mut aliases: Vec<String> = related
        .into_iter()
        .filter_map(|r| non_empty(r.id))
        .filter(|a| *a != vid)
        .collect();
    aliases.sort_unstable();
    aliases.dedup();

    let (fix_state, fixed_in) = fix(v.fix, v.fixed_in_version);
    let name = non_empty(artifact.name);
    let version = non_empty(artifact.version);
    let message = match (non_empty(v.description), &name, &version) {
        (Some(d), _, _) => d,
        (None, Some(n), Some(ver)) => format!("{vid} in {n} {ver}"),
        (None, Some(n), None) => format!("{vid} in {n}"),
        (None, None, _) => vid.clone(),
    };
    let path = artifact
        .locations
        .into_iter()
        .flatten()
        .next()
        .and_then(|l| non_empty(l.path));

    Finding {
        aliases,
        severity,
        severity_source: word.map(str::to_owned),
        score,
        package: name.map(|name| Package {
            name,
            version,
            purl: non_empty(artifact.purl),
            kind: non_empty(artifact.kind),
        }),
        fix_state,
        fixed_in,
        location: path.map(|p| Location {
            path: Some(p),
            ..Location::default()
        }),
        rule: non_empty(v.namespace),
        message,
        ..Finding::new(
            tool,
            FindingKind::Vulnerability,
            vid,
            Source::pointer(evidence, format!("/matches/{index}")),
        )
    }
}

/// The highest base score among CVSS entries of the current shape.
fn best_score<'a>(entries: impl Iterator<Item = &'a Cvss>) -> Option<f64> {
    entries
        .filter_map(|c| c.metrics.as_ref()?.base_score)
        .reduce(f64::max)
}

/// `fix.state` and `fix.versions` (current shape) or `fixedInVersion` (early shape).
fn fix(fix: Option<Fix>, fixed_in_version: Option<String>) -> (FixState, Vec<String>) {
    let (state, versions) = match fix {
        Some(f) => (f.state.unwrap_or_default(), f.versions.unwrap_or_default()),
        None => (
            String::new(),
            non_empty(fixed_in_version).into_iter().collect(),
        ),
    };
    let versions: Vec<String> = versions
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect();
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
    id: Option<String>,
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
    name: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn report(matches: &str) -> String {
        format!(
            r#"{{"matches":{matches},"source":{{"type":"image"}},"descriptor":{{"name":"grype","version":"0.96.0"}}}}"#
        )
    }

    fn findings(text: &str) -> Vec<Finding> {
        read("g.json", text).unwrap().facts.findings
    }

    const FULL: &str = r#"{
      "vulnerability":{"id":"GHSA-4374-p667-p6c8","namespace":"github:language:go","severity":"High",
        "description":"HTTP/2 rapid reset","cvss":[
          {"version":"3.1","metrics":{"baseScore":7.5}},{"version":"2.0","metrics":{"baseScore":5.0}}],
        "fix":{"versions":["0.17.0"],"state":"fixed"},"epss":[{"epss":0.1}]},
      "relatedVulnerabilities":[{"id":"CVE-2023-39325","cvss":[{"metrics":{"baseScore":9.9}}]},
        {"id":"GHSA-4374-p667-p6c8"},{"id":"CVE-2023-44487"},{"id":"CVE-2023-39325"}],
      "matchDetails":[{"type":"exact-direct-match"}],
      "artifact":{"id":"x","name":"golang.org/x/net","version":"v0.9.0","type":"go-module",
        "locations":[{"path":"/samples/go.mod"},{"path":"/other"}],"purl":"pkg:golang/golang.org/x/net@v0.9.0"}}"#;

    #[test]
    fn reads_a_current_match() {
        let parsed = read("g.json", &report(&format!("[{FULL}]"))).unwrap();
        assert_eq!(
            parsed.producer,
            Producer {
                name: "grype".into(),
                version: Some("0.96.0".into())
            }
        );
        assert_eq!(parsed.format_version, None);
        let f = parsed.facts.findings.into_iter().next().unwrap();
        assert_eq!(f.id, "GHSA-4374-p667-p6c8");
        assert_eq!(f.aliases, vec!["CVE-2023-39325", "CVE-2023-44487"]);
        assert_eq!(f.tool, "grype");
        assert_eq!(f.kind, FindingKind::Vulnerability);
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.severity_source.as_deref(), Some("High"));
        assert_eq!(
            f.score,
            Some(7.5),
            "the match's own scores, not the related ones"
        );
        assert_eq!(
            f.package,
            Some(Package {
                name: "golang.org/x/net".into(),
                version: Some("v0.9.0".into()),
                purl: Some("pkg:golang/golang.org/x/net@v0.9.0".into()),
                kind: Some("go-module".into()),
            })
        );
        assert_eq!(f.fix_state, FixState::Fixed);
        assert_eq!(f.fixed_in, vec!["0.17.0"]);
        assert_eq!(
            f.location.and_then(|l| l.path).as_deref(),
            Some("/samples/go.mod")
        );
        assert_eq!(f.rule.as_deref(), Some("github:language:go"));
        assert_eq!(f.message, "HTTP/2 rapid reset");
        assert_eq!(f.source, Source::pointer("g.json", "/matches/0".into()));
        assert!(!f.suppressed);
    }

    fn one(vulnerability: &str, related: &str) -> Finding {
        let m = format!(
            r#"[{{"vulnerability":{vulnerability},"relatedVulnerabilities":{related},
                "artifact":{{"name":"p","version":"1.0"}}}}]"#
        );
        findings(&report(&m)).remove(0)
    }

    #[test]
    fn fix_states() {
        let cases = [
            (
                r#""fix":{"state":"fixed","versions":["2","3"]}"#,
                FixState::Fixed,
                vec!["2", "3"],
            ),
            (
                r#""fix":{"state":"not-fixed","versions":[]}"#,
                FixState::NotFixed,
                vec![],
            ),
            (
                r#""fix":{"state":"wont-fix","versions":[]}"#,
                FixState::WontFix,
                vec![],
            ),
            (
                r#""fix":{"state":"unknown","versions":[]}"#,
                FixState::Unknown,
                vec![],
            ),
            (
                r#""fix":{"state":"","versions":[]}"#,
                FixState::Unknown,
                vec![],
            ),
            (
                r#""fix":{"state":"","versions":["4"]}"#,
                FixState::Fixed,
                vec!["4"],
            ),
            (
                r#""fix":{"state":"something-new"}"#,
                FixState::Unknown,
                vec![],
            ),
            (
                r#""fixedInVersion":"1.3.8+dfsg-3+deb10u1""#,
                FixState::Fixed,
                vec!["1.3.8+dfsg-3+deb10u1"],
            ),
            (r#""fixedInVersion":"""#, FixState::Unknown, vec![]),
            (r#""links":[]"#, FixState::Unknown, vec![]),
        ];
        for (fix, state, versions) in cases {
            let f = one(&format!(r#"{{"id":"CVE-1",{fix}}}"#), "[]");
            assert_eq!(
                (f.fix_state, f.fixed_in),
                (state, versions.iter().map(|s| s.to_string()).collect()),
                "{fix}"
            );
        }
    }

    #[test]
    fn scores_and_severities() {
        // Highest of the match's own scores, any CVSS version.
        let f = one(
            r#"{"id":"C","severity":"Medium","cvss":[{"metrics":{"baseScore":4.3}},{"metrics":{"baseScore":6.1}},{"metrics":{}}]}"#,
            "[]",
        );
        assert_eq!((f.score, f.severity), (Some(6.1), Severity::Medium));
        // None of its own: the related vulnerabilities' highest; no word: severity from it.
        let f = one(
            r#"{"id":"C","cvss":[]}"#,
            r#"[{"id":"G","cvss":[{"metrics":{"baseScore":7.5}}]},{"id":"H","cvss":[{"metrics":{"baseScore":5}}]}]"#,
        );
        assert_eq!(
            (f.score, f.severity, f.severity_source),
            (Some(7.5), Severity::High, None)
        );
        // Early shape: cvssV3 and cvssV2 objects.
        let f = one(
            r#"{"id":"C","severity":"Negligible","cvssV2":{"baseScore":5.8},"cvssV3":{"baseScore":5.9}}"#,
            "[]",
        );
        assert_eq!((f.score, f.severity), (Some(5.9), Severity::Info));
        let f = one(
            r#"{"id":"C","severity":"Unknown","cvssV2":null,"cvssV3":null}"#,
            "[]",
        );
        assert_eq!((f.score, f.severity), (None, Severity::Unknown));
        assert_eq!(f.severity_source.as_deref(), Some("Unknown"));
        let f = one(r#"{"id":"C","severity":""}"#, "[]");
        assert_eq!(
            (f.score, f.severity, f.severity_source),
            (None, Severity::Unknown, None)
        );
        for (word, want) in [
            ("Critical", Severity::Critical),
            ("Low", Severity::Low),
            ("None", Severity::Info),
        ] {
            assert_eq!(
                one(&format!(r#"{{"id":"C","severity":"{word}"}}"#), "[]").severity,
                want
            );
        }
    }

    #[test]
    fn message_falls_back_to_id_and_package() {
        let f = one(r#"{"id":"CVE-9"}"#, "[]");
        assert_eq!(f.message, "CVE-9 in p 1.0");
        assert_eq!(f.aliases, Vec::<String>::new());
        assert_eq!(f.derive_subject(), "CVE-9@p@1.0");
    }

    #[test]
    fn early_reports_with_minimal_fields_are_read() {
        let text = r#"{"matches":[{"vulnerability":{"id":"CVE-1","severity":"High","links":[]},
            "matchDetails":{"matcher":"dpkg-matcher"},
            "artifact":{"name":"libz","version":"1","type":"deb","cpes":[{"Part":"a"}],
              "locations":[{"path":"/var/lib/dpkg/status","layerID":"sha256:x"}]}}],
            "source":{},"distro":{},"descriptor":{"name":"grype","version":"0.7.0"}}"#;
        let f = findings(text).remove(0);
        assert_eq!(f.package.as_ref().and_then(|p| p.purl.clone()), None);
        assert_eq!(
            f.package.as_ref().and_then(|p| p.kind.clone()).as_deref(),
            Some("deb")
        );
        assert_eq!(
            f.location.and_then(|l| l.path).as_deref(),
            Some("/var/lib/dpkg/status")
        );
        assert_eq!(f.rule, None);
    }

    #[test]
    fn duplicates_are_kept_one_per_match() {
        let text = report(&format!("[{FULL},{FULL}]"));
        let f = findings(&text);
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].source.pointer.as_deref(), Some("/matches/1"));
    }

    #[test]
    fn producer_defaults_to_grype() {
        let parsed = read("g.json", r#"{"matches":[]}"#).unwrap();
        assert_eq!(
            parsed.producer,
            Producer {
                name: "grype".into(),
                version: None
            }
        );
    }

    #[test]
    fn a_match_without_an_id_or_name_is_kept_and_noted() {
        let text = report(
            r#"[{"vulnerability":{"severity":"High"},"artifact":{"name":"p"}},
            {"vulnerability":{"id":""},"artifact":{}}]"#,
        );
        let parsed = read("g.json", &text).unwrap();
        let f = &parsed.facts.findings;
        assert_eq!(
            (f[0].id.as_str(), f[0].message.as_str()),
            ("unknown", "unknown in p")
        );
        assert_eq!(
            (f[1].id.as_str(), f[1].message.as_str(), &f[1].package),
            ("unknown", "unknown", &None)
        );
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!(
            parsed.diagnostics[0].code,
            crate::diagnostic::Code::MissingValue
        );
        assert_eq!(
            parsed.diagnostics[0].message,
            "2 Grype matches have no vulnerability `id` and are reported as `unknown` (first at `/matches/0`)"
        );
    }

    #[test]
    fn refusals_name_the_field() {
        let e = read("g.json", &report(r#"[{"artifact":{"name":"p"}}]"#)).unwrap_err();
        assert!(
            e.message.contains("matches[0]") && e.message.contains("vulnerability"),
            "{e:?}"
        );
        assert!(e.line.is_some());
        let e = read("g.json", &report(r#"[{"vulnerability":{"id":"C"}}]"#)).unwrap_err();
        assert!(
            e.message.contains("matches[0]") && e.message.contains("artifact"),
            "{e:?}"
        );
        let e = read(
            "g.json",
            &report(r#"[{"vulnerability":{"id":3},"artifact":{"name":"p"}}]"#),
        )
        .unwrap_err();
        assert!(e.message.contains("matches[0].vulnerability.id"), "{e:?}");
        let e = read("g.json", r#"{"matches":null,"descriptor":{}}"#).unwrap_err();
        assert!(e.message.contains("matches"), "{e:?}");
        let e = read("g.json", &report(r#"[{"vulnerability":{"id":"C","cvss":[{"metrics":{"baseScore":"high"}}]},"artifact":{"name":"p"}}]"#)).unwrap_err();
        assert!(
            e.message
                .contains("matches[0].vulnerability.cvss[0].metrics.baseScore"),
            "{e:?}"
        );
    }

    #[test]
    fn refuses_out_of_range_numbers_read_or_skipped() {
        let e = read("g.json", &report(r#"[{"vulnerability":{"id":"C","cvss":[{"metrics":{"baseScore":1e400}}]},"artifact":{"name":"p"}}]"#)).unwrap_err();
        assert!(e.message.contains("out of range"), "{e:?}");
        assert_eq!((e.line, e.column), (Some(1), Some(76)));
        // Skipped fields are checked by detection (`json::Probe`), not by the typed parse.
        let text = report(r#"[{"vulnerability":{"id":"C","risk":1e999},"artifact":{"name":"p"}}]"#);
        assert!(read("g.json", &text).is_ok());
        assert!(super::super::detect(&text).is_err());
    }
}
