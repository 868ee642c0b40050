//! What the SBOM readers (CycloneDX JSON and XML, SPDX) share: the `direct` flag from a
//! document's dependency graph, and the purls a VEX statement's references name.
//!
//! Not for: parsing; each reader builds [`Dependency`] entries and hands them here.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::input::{Component, Dependency, VexStatement};

/// Set every component's `direct` flag: true when the SBOM's subject (one of `roots`,
/// document-local references) depends on it, false otherwise. Left `None` (unknown) for every
/// component when there is no root, or the graph has no entry for any root, or the roots'
/// entries name no dependency; and for a component without a reference, which the graph cannot
/// name.
pub fn mark_direct(components: &mut [Component], dependencies: &[Dependency], roots: &[String]) {
    let mut stated = false;
    let mut direct: BTreeSet<&str> = BTreeSet::new();
    for d in dependencies.iter().filter(|d| roots.contains(&d.reference)) {
        stated = true;
        direct.extend(d.depends_on.iter().map(String::as_str));
    }
    // A subject stated with no dependencies at all, in an SBOM that lists components, says
    // nothing: cyclonedx-py writes `{"ref": "root-component"}` for requirements files whose
    // every entry is a direct dependency.
    if !stated || direct.is_empty() {
        return;
    }
    for c in components {
        if let Some(r) = c.bom_ref.as_deref() {
            c.direct = Some(direct.contains(r));
        }
    }
}

/// Merge entries for the same reference (a document may state one node's dependencies in
/// several places) keeping the first appearance's order and dropping repeated targets.
pub fn merge(dependencies: Vec<Dependency>) -> Vec<Dependency> {
    let mut out: Vec<Dependency> = Vec::with_capacity(dependencies.len());
    // Per output entry, the targets it already has: one set per node, so a node stated with
    // many edges in many places (SPDX relationships come one per line) stays linear.
    let mut targets: Vec<HashSet<String>> = Vec::with_capacity(dependencies.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for Dependency {
        evidence,
        reference,
        depends_on,
    } in dependencies
    {
        let i = match at.get(&reference) {
            Some(&i) => i,
            None => {
                at.insert(reference.clone(), out.len());
                out.push(Dependency {
                    evidence,
                    reference,
                    depends_on: Vec::new(),
                });
                targets.push(HashSet::new());
                out.len() - 1
            }
        };
        if let (Some(entry), Some(seen)) = (out.get_mut(i), targets.get_mut(i)) {
            for t in depends_on {
                if seen.insert(t.clone()) {
                    entry.depends_on.push(t);
                }
            }
        }
    }
    out
}

/// Fill each VEX statement's `purls` from its `refs`: the purl of the component with that
/// reference in the same document, or the ref itself when it is a purl. A BOM-Link
/// (`urn:cdx:serial/version#ref`) names the reference after its `#`.
pub fn resolve_vex(vex: &mut [VexStatement], components: &[Component]) {
    if vex.is_empty() {
        return;
    }
    let by_ref: HashMap<&str, &str> = components
        .iter()
        .filter_map(|c| Some((c.bom_ref.as_deref()?, c.purl.as_deref()?)))
        .collect();
    for v in vex {
        let mut purls = Vec::new();
        for r in &v.refs {
            let local = if r.starts_with("urn:cdx:") {
                r.rsplit_once('#').map_or(r.as_str(), |(_, frag)| frag)
            } else {
                r.as_str()
            };
            let purl = match by_ref.get(local) {
                Some(p) => Some((*p).to_owned()),
                None if local.starts_with("pkg:") => Some(local.to_owned()),
                None => None,
            };
            if let Some(p) = purl {
                if !purls.contains(&p) {
                    purls.push(p);
                }
            }
        }
        v.purls = purls;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Source;

    fn comp(r: Option<&str>, purl: Option<&str>) -> Component {
        Component {
            name: Some("x".into()),
            version: None,
            group: None,
            purl: purl.map(Into::into),
            kind: None,
            licenses: vec![],
            hashes: Default::default(),
            supplier: None,
            bom_ref: r.map(Into::into),
            direct: None,
            license_expression: None,
            license_ids: vec![],
            license_unknown: vec![],
            source: Source::pointer("b.json", "/components/0".into()),
            subject: String::new(),
        }
    }

    fn dep(r: &str, on: &[&str]) -> Dependency {
        Dependency {
            evidence: "b.json".into(),
            reference: r.into(),
            depends_on: on.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn direct_from_the_root_entry() {
        let mut c = vec![
            comp(Some("a"), None),
            comp(Some("b"), None),
            comp(None, None),
        ];
        let deps = vec![dep("root", &["a"]), dep("a", &["b"]), dep("root", &["a"])];
        mark_direct(&mut c, &deps, &["root".to_owned()]);
        let d: Vec<Option<bool>> = c.iter().map(|c| c.direct).collect();
        assert_eq!(d, [Some(true), Some(false), None]);

        let mut c = vec![comp(Some("a"), None)];
        mark_direct(&mut c, &[dep("a", &[])], &["root".to_owned()]);
        assert_eq!(c[0].direct, None, "no entry for the root: unknown");
        mark_direct(&mut c, &[dep("root", &["a"])], &[]);
        assert_eq!(c[0].direct, None, "no root: unknown");
        mark_direct(
            &mut c,
            &[dep("root", &[]), dep("a", &[])],
            &["root".to_owned()],
        );
        assert_eq!(c[0].direct, None, "a root with no dependencies: unknown");
    }

    #[test]
    fn merge_joins_entries_of_one_ref() {
        let m = merge(vec![
            dep("a", &["b", "b"]),
            dep("c", &[]),
            dep("a", &["d", "b"]),
        ]);
        assert_eq!(m, vec![dep("a", &["b", "d"]), dep("c", &[])]);
    }

    #[test]
    fn vex_refs_resolve_to_purls() {
        let c = vec![
            comp(Some("r1"), Some("pkg:npm/a@1")),
            comp(Some("r2"), None),
        ];
        let mut v = vec![VexStatement {
            id: "CVE-1".into(),
            aliases: vec![],
            state: Some("not_affected".into()),
            justification: None,
            response: vec![],
            detail: None,
            refs: vec![
                "r1".into(),
                "r2".into(),
                "pkg:pypi/b@2".into(),
                "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#r1".into(),
            ],
            purls: vec![],
            source: Source::pointer("b.json", "/vulnerabilities/0".into()),
        }];
        resolve_vex(&mut v, &c);
        assert_eq!(v[0].purls, ["pkg:npm/a@1", "pkg:pypi/b@2"]);
    }
}
