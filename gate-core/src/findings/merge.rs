//! One finding, many tools: vulnerability findings that name the same vulnerability on the same
//! package become one finding that lists every tool and every source.
//!
//! Two vulnerability findings are the same when they are about the same package — the purl
//! without qualifiers and subpath (Go versions compared without their leading `v`) when both
//! have one, else the name and version (two different purls never match) — and share an
//! identifier: the id of either, or an alias of the kind that
//! names one vulnerability (`CVE-`, `GHSA-`, `GO-`, `PYSEC-`, `RUSTSEC-`, `OSV-`, `MAL-`,
//! `GMS-`, `npm-advisory-`). Distribution advisories (`DSA-`, `DLA-`, `RHSA-`, `USN-`, `ALAS…`)
//! bundle several CVEs and never join findings. Sameness is transitive (a GHSA reported by one
//! tool joins the CVE another tool reports when the GHSA lists it as an alias).
//!
//! The merged finding is built the same way whatever order the files came in: its members are
//! taken in the order of (tool, evidence, pointer). Rules: the id is the smallest CVE id among
//! the identifiers, else the smallest GHSA id, else the smallest member id; `aliases` are every
//! other identifier; severity is the highest any member gives (`unknown` lowest) and its
//! `severity_source` that member's; `score` the highest; `fixed_in` the union; `fix_state`
//! `fixed` when any member knows a fix, else `not-fixed`, `wont-fix`, `unknown` in that order;
//! `suppressed` only when every member is suppressed; `tools` and `sources` list all, sorted;
//! `tool` names every tool (`grype, trivy`). It takes the place of its first member in the list.
//! Findings of other kinds, and vulnerabilities without a package, are never merged.

use std::collections::HashMap;
use std::str::FromStr;

use crate::input::{Finding, FindingKind, FixState};

/// Alias prefixes that name exactly one vulnerability (compared without case).
pub const JOINING_PREFIXES: &[&str] = &[
    "CVE-",
    "GHSA-",
    "GO-",
    "PYSEC-",
    "RUSTSEC-",
    "OSV-",
    "MAL-",
    "GMS-",
    "NPM-ADVISORY-",
];

/// Merge the findings of every evidence file; fill `tools` and `sources` of every finding.
pub fn merge(findings: Vec<Finding>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .map(|mut f| {
            if f.tools.is_empty() {
                f.tools = vec![f.tool.clone()];
            }
            if f.sources.is_empty() {
                f.sources = vec![f.source.clone()];
            }
            f
        })
        .collect();

    // Union-find over the vulnerability findings that have a package. A finding with a purl
    // joins others with the same purl; a finding without one joins others (with or without a
    // purl) by name and version. Two findings whose purls differ never join.
    let mut parent: Vec<usize> = (0..findings.len()).collect();
    let mut by_purl: HashMap<(String, String), usize> = HashMap::new();
    let mut by_name_purl: HashMap<(String, String), usize> = HashMap::new();
    let mut by_name_bare: HashMap<(String, String), usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.kind != FindingKind::Vulnerability {
            continue;
        }
        let Some((purl, name)) = package_keys(f) else {
            continue;
        };
        for ident in identifiers(f) {
            let by_name = (name.clone(), ident.clone());
            let joins: Vec<usize> = match &purl {
                Some(purl) => {
                    let key = (purl.clone(), ident);
                    let found = [by_purl.get(&key), by_name_bare.get(&by_name)]
                        .into_iter()
                        .flatten()
                        .copied()
                        .collect();
                    by_purl.entry(key).or_insert(i);
                    by_name_purl.entry(by_name).or_insert(i);
                    found
                }
                None => {
                    let found = [by_name_bare.get(&by_name), by_name_purl.get(&by_name)]
                        .into_iter()
                        .flatten()
                        .copied()
                        .collect();
                    by_name_bare.entry(by_name).or_insert(i);
                    found
                }
            };
            for j in joins {
                union(&mut parent, i, j);
            }
        }
    }

    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut merged_any = false;
    for i in 0..findings.len() {
        let root = find(&mut parent, i);
        merged_any |= root != i;
        groups.entry(root).or_default().push(i);
    }
    if !merged_any {
        return findings;
    }

    // Each group takes the place of its first member (in input order).
    let mut slots: Vec<Option<Finding>> = findings.drain(..).map(Some).collect();
    let mut leaders: Vec<(usize, Vec<usize>)> = groups
        .into_values()
        .map(|members| (members.first().copied().unwrap_or_default(), members))
        .collect();
    leaders.sort_unstable_by_key(|(lead, _)| *lead);
    let mut out = Vec::with_capacity(leaders.len());
    for (_, members) in leaders {
        let taken: Vec<Finding> = members
            .iter()
            .filter_map(|&m| slots.get_mut(m).and_then(Option::take))
            .collect();
        if let Some(f) = combine(taken) {
            out.push(f);
        }
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    let mut root = i;
    while let Some(&p) = parent.get(root) {
        if p == root {
            break;
        }
        root = p;
    }
    // Path compression.
    while let Some(&p) = parent.get(i) {
        if p == root {
            break;
        }
        if let Some(slot) = parent.get_mut(i) {
            *slot = root;
        }
        i = p;
    }
    root
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    // The smaller index leads, so a group's root is its first member.
    let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
    if let Some(slot) = parent.get_mut(hi) {
        *slot = lo;
    }
}

/// The package a vulnerability finding is about, as comparable keys: its purl without
/// qualifiers and subpath (when it has a parsable one), and its name and version.
fn package_keys(f: &Finding) -> Option<(Option<String>, String)> {
    let p = f.package.as_ref()?;
    let purl = p
        .purl
        .as_deref()
        .and_then(|purl| packageurl::PackageUrl::from_str(purl).ok())
        .map(|parsed| {
            let ty = parsed.ty().to_ascii_lowercase();
            let version = parsed.version().map(|v| {
                if ty == "golang" {
                    v.strip_prefix('v').unwrap_or(v).to_owned()
                } else {
                    v.to_owned()
                }
            });
            let name = if ty == "pypi" {
                parsed.name().to_ascii_lowercase().replace('_', "-")
            } else {
                parsed.name().to_owned()
            };
            format!(
                "{ty}/{}/{name}@{}",
                parsed.namespace().unwrap_or_default(),
                version.unwrap_or_default()
            )
        });
    let name = format!(
        "{}@{}",
        p.name.trim(),
        p.version.as_deref().map(str::trim).unwrap_or_default()
    );
    Some((purl, name))
}

/// The identifiers a finding can join others by: its id and its joining aliases, upper-cased.
fn identifiers(f: &Finding) -> Vec<String> {
    let mut out = Vec::with_capacity(1 + f.aliases.len());
    if f.id != crate::input::UNKNOWN_ID {
        out.push(f.id.to_ascii_uppercase());
    }
    for a in &f.aliases {
        let up = a.to_ascii_uppercase();
        if JOINING_PREFIXES.iter().any(|p| up.starts_with(p)) && !out.contains(&up) {
            out.push(up);
        }
    }
    out
}

fn member_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (&a.tool, &a.source).cmp(&(&b.tool, &b.source))
}

/// Build one finding from its members (any order in, the same finding out).
fn combine(mut members: Vec<Finding>) -> Option<Finding> {
    if members.len() <= 1 {
        return members.pop();
    }
    members.sort_by(member_order);

    // Identifiers: every member id and every alias, with one spelling per upper-cased form.
    let mut spelled: std::collections::BTreeMap<String, String> = Default::default();
    for m in &members {
        for ident in std::iter::once(&m.id).chain(m.aliases.iter()) {
            if ident == crate::input::UNKNOWN_ID || ident.trim().is_empty() {
                continue;
            }
            spelled
                .entry(ident.to_ascii_uppercase())
                .or_insert_with(|| ident.clone());
        }
    }
    let member_ids: Vec<String> = members.iter().map(|m| m.id.to_ascii_uppercase()).collect();
    let canonical = spelled
        .keys()
        .find(|k| k.starts_with("CVE-"))
        .or_else(|| spelled.keys().find(|k| k.starts_with("GHSA-")))
        .or_else(|| spelled.keys().find(|k| member_ids.contains(k)))
        .cloned();
    let id = canonical
        .as_ref()
        .and_then(|k| spelled.get(k).cloned())
        .unwrap_or_else(|| members.first().map(|m| m.id.clone()).unwrap_or_default());
    let aliases: Vec<String> = spelled
        .iter()
        .filter(|(k, _)| Some(*k) != canonical.as_ref())
        .map(|(_, v)| v.clone())
        .collect();

    let top = members
        .iter()
        .enumerate()
        .max_by(|(ia, a), (ib, b)| a.severity.cmp(&b.severity).then(ib.cmp(ia)))
        .map(|(i, _)| i)
        .unwrap_or_default();
    let score = members.iter().filter_map(|m| m.score).reduce(f64::max);
    let mut fixed_in: Vec<String> = Vec::new();
    for v in members.iter().flat_map(|m| m.fixed_in.iter()) {
        if !fixed_in.contains(v) {
            fixed_in.push(v.clone());
        }
    }
    let has = |s: FixState| members.iter().any(|m| m.fix_state == s);
    let fix_state = if has(FixState::Fixed) || !fixed_in.is_empty() {
        FixState::Fixed
    } else if has(FixState::NotFixed) {
        FixState::NotFixed
    } else if has(FixState::WontFix) {
        FixState::WontFix
    } else {
        FixState::Unknown
    };
    let suppressed = members.iter().all(|m| m.suppressed);
    let mut tools: Vec<String> = members.iter().flat_map(|m| m.tools.clone()).collect();
    tools.sort_unstable();
    tools.dedup();
    let mut sources: Vec<crate::input::Source> =
        members.iter().flat_map(|m| m.sources.clone()).collect();
    sources.sort_unstable();
    sources.dedup();

    let package = members
        .iter()
        .find(|m| m.package.as_ref().is_some_and(|p| p.purl.is_some()))
        .or_else(|| members.first())
        .and_then(|m| m.package.clone());
    let location = members.iter().find_map(|m| m.location.clone());
    let rule = members.iter().find_map(|m| m.rule.clone());
    let remediation = members.iter().find_map(|m| m.remediation.clone());
    let baseline_state = members.iter().find_map(|m| m.baseline_state.clone());
    let (severity, severity_source) = members
        .get(top)
        .map(|m| (m.severity, m.severity_source.clone()))
        .unwrap_or((crate::severity::Severity::Unknown, None));

    let mut lead = members.into_iter().next()?;
    lead.id = id;
    lead.aliases = aliases;
    lead.tool = tools.join(", ");
    lead.severity = severity;
    lead.severity_source = severity_source;
    lead.score = score;
    lead.package = package;
    lead.fix_state = fix_state;
    lead.fixed_in = fixed_in;
    lead.location = location;
    lead.rule = rule;
    lead.remediation = remediation;
    lead.suppressed = suppressed;
    lead.baseline_state = baseline_state;
    if let Some(first) = sources.first() {
        lead.source = first.clone();
    }
    lead.tools = tools;
    lead.sources = sources;
    Some(lead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Package, Source};
    use crate::severity::Severity;

    fn vuln(tool: &str, evidence: &str, id: &str, aliases: &[&str], purl: &str) -> Finding {
        Finding {
            id: id.into(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            tool: tool.into(),
            kind: FindingKind::Vulnerability,
            severity: Severity::Medium,
            severity_source: Some("Medium".into()),
            score: None,
            package: Some(Package {
                name: "x".into(),
                version: Some("1".into()),
                purl: Some(purl.into()),
                kind: None,
            }),
            fix_state: FixState::Unknown,
            fixed_in: vec![],
            location: None,
            rule: None,
            message: format!("{id} from {tool}"),
            remediation: None,
            suppressed: false,
            baseline_state: None,
            source: Source::pointer(evidence, "/0".into()),
            tools: vec![],
            sources: vec![],
            subject: String::new(),
        }
    }

    #[test]
    fn same_id_or_shared_alias_on_the_same_package_is_one_finding() {
        let mut g = vuln(
            "grype",
            "g.json",
            "GHSA-aaaa-bbbb-cccc",
            &["CVE-2023-1"],
            "pkg:deb/debian/x@1?arch=amd64&distro=debian-11",
        );
        g.severity = Severity::High;
        g.severity_source = Some("High".into());
        g.fixed_in = vec!["2".into()];
        g.fix_state = FixState::Fixed;
        let mut t = vuln(
            "trivy",
            "t.json",
            "CVE-2023-1",
            &["DSA-9"],
            "pkg:deb/debian/x@1?arch=amd64&distro=debian-11.6",
        );
        t.score = Some(7.5);
        t.fixed_in = vec!["2".into(), "3".into()];
        let other = vuln(
            "trivy",
            "t.json",
            "CVE-2023-2",
            &["DSA-9"],
            "pkg:deb/debian/x@1",
        );
        let elsewhere = vuln("trivy", "t.json", "CVE-2023-1", &[], "pkg:deb/debian/x@9");
        let out = merge(vec![g, t, other, elsewhere]);
        assert_eq!(
            out.len(),
            3,
            "DSA-9 joins nothing; another version is another package"
        );
        let m = &out[0];
        assert_eq!(m.id, "CVE-2023-1");
        assert_eq!(m.aliases, vec!["DSA-9", "GHSA-aaaa-bbbb-cccc"]);
        assert_eq!(m.tools, vec!["grype", "trivy"]);
        assert_eq!(m.tool, "grype, trivy");
        assert_eq!(
            (m.severity, m.severity_source.as_deref(), m.score),
            (Severity::High, Some("High"), Some(7.5))
        );
        assert_eq!(
            (m.fix_state, m.fixed_in.clone()),
            (FixState::Fixed, vec!["2".to_owned(), "3".to_owned()])
        );
        assert_eq!(
            m.sources,
            vec![
                Source::pointer("g.json", "/0".into()),
                Source::pointer("t.json", "/0".into())
            ]
        );
        assert_eq!(m.source, Source::pointer("g.json", "/0".into()));
        assert_eq!(out[1].id, "CVE-2023-2");
        assert_eq!(out[1].tools, vec!["trivy"]);
        assert_eq!(out[1].sources.len(), 1);
    }

    #[test]
    fn the_result_does_not_depend_on_file_order() {
        let a = vuln(
            "grype",
            "g.json",
            "GHSA-q",
            &["CVE-1"],
            "pkg:golang/a/b@v1.0.0",
        );
        let b = vuln(
            "osv-scanner",
            "o.json",
            "GO-1",
            &["CVE-1", "GHSA-q"],
            "pkg:golang/a/b@1.0.0",
        );
        let mut c = vuln("trivy", "t.json", "CVE-1", &[], "pkg:golang/a/b@v1.0.0");
        c.severity = Severity::Critical;
        let one = merge(vec![a.clone(), b.clone(), c.clone()]);
        let two = merge(vec![c, b, a]);
        assert_eq!(one.len(), 1);
        assert_eq!(one, two);
        assert_eq!(one[0].id, "CVE-1");
        assert_eq!(one[0].aliases, vec!["GHSA-q", "GO-1"]);
        assert_eq!(one[0].severity, Severity::Critical);
        assert_eq!(one[0].tools, vec!["grype", "osv-scanner", "trivy"]);
    }

    #[test]
    fn other_kinds_and_packageless_findings_stay_apart() {
        let mut a = vuln("semgrep", "s.sarif", "rule.x", &[], "pkg:npm/x@1");
        a.kind = FindingKind::Code;
        a.package = None;
        let b = a.clone();
        let mut c = vuln("trivy", "t.json", "CVE-1", &[], "pkg:npm/x@1");
        c.package = None;
        let d = c.clone();
        let out = merge(vec![a, b, c, d]);
        assert_eq!(out.len(), 4);
        assert!(out
            .iter()
            .all(|f| f.tools.len() == 1 && f.sources.len() == 1));
    }

    #[test]
    fn ids_compare_without_case_and_suppression_needs_every_tool() {
        let mut a = vuln(
            "grype",
            "g.json",
            "GHSA-abcd-efgh-ijkl",
            &[],
            "pkg:npm/%40s/x@1",
        );
        a.suppressed = true;
        let b = vuln(
            "trivy",
            "t.json",
            "GHSA-ABCD-EFGH-IJKL",
            &[],
            "pkg:npm/@s/x@1",
        );
        let out = merge(vec![a.clone(), b]);
        assert_eq!(out.len(), 1);
        assert!(!out[0].suppressed);
        assert_eq!(out[0].id, "GHSA-abcd-efgh-ijkl");
        let mut c = a.clone();
        c.tool = "osv-scanner".into();
        assert!(merge(vec![a, c])[0].suppressed);
    }

    #[test]
    fn a_package_without_purl_matches_one_with_by_name_and_version() {
        let a = vuln(
            "grype",
            "g.json",
            "CVE-1",
            &[],
            "pkg:deb/debian/x@1?arch=amd64",
        );
        let mut b = vuln("trivy", "t.json", "CVE-1", &[], "");
        if let Some(p) = b.package.as_mut() {
            p.purl = None;
        }
        let c = vuln("grype", "g.json", "CVE-1", &[], "pkg:npm/x@1");
        let out = merge(vec![b.clone(), a.clone()]);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].package.as_ref().and_then(|p| p.purl.as_deref()),
            Some("pkg:deb/debian/x@1?arch=amd64"),
            "the purl is kept"
        );
        assert_eq!(
            merge(vec![a, c]).len(),
            2,
            "two different purls never match"
        );
    }

    #[test]
    fn packages_without_purl_match_by_name_and_version() {
        let mut a = vuln("grype", "g.json", "CVE-1", &[], "");
        let mut b = vuln("npm-audit", "n.json", "CVE-1", &[], "");
        for f in [&mut a, &mut b] {
            if let Some(p) = f.package.as_mut() {
                p.purl = None;
            }
        }
        assert_eq!(merge(vec![a, b]).len(), 1);
    }
}
