//! Rule selection: `--namespace` (evaluate only the packages matching a glob) and `--skip`
//! (leave out the packages, and the result codes, matching a glob), with a record of what was
//! left out for the report.
//!
//! Globs use `*` for any run of characters (dots included) and `?` for one. A namespace glob
//! is matched against package paths (`gate.licenses`); a skip glob against package paths and
//! against result codes (`licenses.*`). A package skipped is not evaluated at all; a code
//! skipped drops its results after evaluation, so the rule's other codes still count. Not here:
//! evaluating rules (`policy`) or reporting (`report`).

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};

use crate::policy::metadata::MetaIndex;
use crate::policy::{PolicyEngine, RuleRef};
use crate::report::{ResultEntry, Selection};
use crate::Error;

/// One glob, with the text it was written as.
#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    glob: GlobMatcher,
}

impl Pattern {
    fn new(flag: &str, text: &str) -> Result<Self, Error> {
        let glob = Glob::new(text)
            .map_err(|e| Error::Usage(format!("{flag} `{text}` is not a glob: {e}")))?
            .compile_matcher();
        Ok(Self {
            text: text.to_owned(),
            glob,
        })
    }

    fn matches(&self, s: &str) -> bool {
        self.glob.is_match(s)
    }
}

/// A compiled selection, applied to one gate's rules at build time and to each check's results.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selector {
    namespaces: Vec<Pattern>,
    skip: Vec<Pattern>,
    /// What [`Selector::select_rules`] left out: rules, and the codes skipped rules declare.
    record: Selection,
}

impl Selector {
    /// Compile the globs; one that is not a glob is an error naming its flag.
    pub(crate) fn new(namespaces: &[String], skip: &[String]) -> Result<Self, Error> {
        Ok(Self {
            namespaces: namespaces
                .iter()
                .map(|t| Pattern::new("--namespace", t))
                .collect::<Result<_, _>>()?,
            skip: skip
                .iter()
                .map(|t| Pattern::new("--skip", t))
                .collect::<Result<_, _>>()?,
            record: Selection {
                namespaces: namespaces.to_vec(),
                skip: skip.to_vec(),
                ..Selection::default()
            },
        })
    }

    /// Whether anything is selected at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.namespaces.is_empty() && self.skip.is_empty()
    }

    /// Keep only the selected rules of `engine`. A namespace glob that matches no package, or
    /// a selection that leaves no rule, is an error naming the packages there are.
    pub(crate) fn select_rules(
        &mut self,
        engine: &mut PolicyEngine,
        meta: &MetaIndex,
    ) -> Result<(), Error> {
        if self.is_empty() {
            return Ok(());
        }
        let mut packages: Vec<String> = engine.rules().iter().map(|r| r.package.clone()).collect();
        packages.dedup();
        for ns in &self.namespaces {
            if !packages.iter().any(|p| ns.matches(p)) {
                return Err(Error::Usage(format!(
                    "--namespace `{}` matches no policy package (packages: {})",
                    ns.text,
                    packages.join(", ")
                )));
            }
        }
        let selected = |r: &RuleRef| {
            let in_namespace =
                self.namespaces.is_empty() || self.namespaces.iter().any(|n| n.matches(&r.package));
            in_namespace && !self.skip.iter().any(|s| s.matches(&r.package))
        };
        let dropped = engine.retain_rules(selected);
        self.record.rules_skipped = dropped.iter().map(RuleRef::path).collect();
        if engine.rules().is_empty() {
            return Err(Error::Usage(format!(
                "the rule selection ({}) leaves no rule to evaluate (packages: {})",
                self.describe(),
                packages.join(", ")
            )));
        }
        // The codes the evaluated rules declare that a skip glob drops: listed even when no
        // result of theirs comes up, so the report shows what the skip would hide.
        for r in engine.rules() {
            for m in meta.rule(&format!("data.{}", r.path())) {
                if let Some(code) = &m.code {
                    if self.skip.iter().any(|s| s.matches(code)) {
                        self.record.codes_skipped.entry(code.clone()).or_insert(0);
                    }
                }
            }
        }
        Ok(())
    }

    /// `--namespace a, --skip b`.
    fn describe(&self) -> String {
        let ns = self
            .namespaces
            .iter()
            .map(|p| format!("--namespace `{}`", p.text));
        let skip = self.skip.iter().map(|p| format!("--skip `{}`", p.text));
        ns.chain(skip).collect::<Vec<_>>().join(", ")
    }

    /// Drop the results whose code a skip glob matches; the record of this check's selection,
    /// and the skip globs that matched nothing at all (no package, no declared code, no result).
    pub(crate) fn filter_results(
        &self,
        results: &mut Vec<ResultEntry>,
        rules: &[RuleRef],
    ) -> Option<(Selection, Vec<String>)> {
        if self.is_empty() {
            return None;
        }
        let mut record = self.record.clone();
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        results.retain(|r| {
            let skip = self.skip.iter().any(|s| s.matches(&r.code));
            if skip {
                *skipped.entry(r.code.clone()).or_insert(0) += 1;
            }
            !skip
        });
        for (code, n) in skipped {
            *record.codes_skipped.entry(code).or_insert(0) += n;
        }
        let unmatched = self
            .skip
            .iter()
            .filter(|s| {
                !record.codes_skipped.keys().any(|c| s.matches(c))
                    && !rules
                        .iter()
                        .map(|r| r.package.as_str())
                        .chain(record.rules_skipped.iter().map(|r| package_of(r)))
                        .any(|p| s.matches(p))
            })
            .map(|s| s.text.clone())
            .collect();
        Some((record, unmatched))
    }
}

/// `gate.licenses` of `gate.licenses.deny`.
fn package_of(rule: &str) -> &str {
    rule.rsplit_once('.').map_or(rule, |(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{EngineOptions, PolicySet};

    fn engine() -> (PolicyEngine, MetaIndex) {
        let set = PolicySet::embedded(false);
        let opts = EngineOptions {
            now_ns: 0,
            timeout: crate::policy::DEFAULT_TIMEOUT,
            max_memory: crate::policy::DEFAULT_MAX_MEMORY,
        };
        let meta =
            MetaIndex::parse(set.files.iter().map(|f| (f.path.as_str(), f.text.as_str()))).unwrap();
        (PolicyEngine::new(&set, vec![], &opts).unwrap(), meta)
    }

    fn entry(code: &str) -> ResultEntry {
        crate::report::decisions(vec![crate::policy::RawResult {
            level: crate::policy::RuleLevel::Deny,
            rule: "gate.licenses.deny".into(),
            file: "p.rego".into(),
            message: "m".into(),
            code: Some(code.into()),
            subject: Some("s".into()),
            severity: None,
            title: None,
            remediation: None,
            evidence: vec![],
        }])
        .remove(0)
    }

    #[test]
    fn a_namespace_keeps_only_its_packages() {
        let (mut e, meta) = engine();
        let mut s = Selector::new(&["gate.tests".into()], &[]).unwrap();
        s.select_rules(&mut e, &meta).unwrap();
        assert!(e.rules().iter().all(|r| r.package == "gate.tests"));
        assert!(!e.rules().is_empty());
        assert!(s
            .record
            .rules_skipped
            .contains(&"gate.licenses.deny".to_owned()));
    }

    #[test]
    fn skip_by_package_and_by_code() {
        let (mut e, meta) = engine();
        let mut s = Selector::new(&[], &["gate.sbom".into(), "licenses.*".into()]).unwrap();
        s.select_rules(&mut e, &meta).unwrap();
        assert!(e.rules().iter().all(|r| r.package != "gate.sbom"));
        assert!(e.rules().iter().any(|r| r.package == "gate.licenses"));
        assert!(
            s.record.codes_skipped.contains_key("licenses.denied"),
            "{:?}",
            s.record
        );
        let mut results = vec![entry("licenses.denied"), entry("tests.failed")];
        let (record, unmatched) = s.filter_results(&mut results, e.rules()).unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].code, "tests.failed");
        assert_eq!(record.codes_skipped.get("licenses.denied"), Some(&1));
        assert!(unmatched.is_empty(), "{unmatched:?}");
    }

    #[test]
    fn selections_that_match_nothing_are_caught() {
        let (mut e, meta) = engine();
        let mut s = Selector::new(&["gate.test".into()], &[]).unwrap();
        let err = s.select_rules(&mut e, &meta).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "--namespace `gate.test` matches no policy package (packages: gate.approvals,"
            ),
            "{err}"
        );

        let (mut e, meta) = engine();
        let mut s = Selector::new(&["gate.tests".into()], &["gate.tests".into()]).unwrap();
        let err = s.select_rules(&mut e, &meta).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "the rule selection (--namespace `gate.tests`, --skip `gate.tests`) leaves no rule"
            ),
            "{err}"
        );

        let (mut e, meta) = engine();
        let mut s = Selector::new(&[], &["licences.*".into()]).unwrap();
        s.select_rules(&mut e, &meta).unwrap();
        let (_, unmatched) = s.filter_results(&mut vec![], e.rules()).unwrap();
        assert_eq!(unmatched, vec!["licences.*".to_owned()]);

        assert!(Selector::new(&[], &["a[".into()]).is_err());
    }
}
