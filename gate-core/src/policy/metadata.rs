//! Rule metadata from OPA's `# METADATA` annotation comments, which regorus does not parse.
//!
//! A block starts with a comment line `# METADATA`; the comment lines that follow it, with the `#`
//! and one space removed, are YAML. It annotates the statement directly below it: a `package`
//! (scope `package` unless it says `subpackages`) or a rule head (scope `rule` unless it says
//! `document`). gate reads OPA's top-level keys and, under `custom`, `code`, `severity`,
//! `remediation`, `effective_on` (a `YYYY-MM-DD` date) and `url`; other `custom` keys are kept.
//!
//! Not here: joining metadata to results (see [`MetaIndex::for_result`]) and what the report does
//! with it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::Error;

/// What an annotation applies to (OPA's `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One rule body (the default above a rule).
    Rule,
    /// The package (the default above `package`).
    Package,
    /// Every rule body of the same name in the package.
    Document,
    /// The package and every package below it.
    Subpackages,
}

impl Scope {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "rule" => Self::Rule,
            "package" => Self::Package,
            "document" => Self::Document,
            "subpackages" => Self::Subpackages,
            _ => return None,
        })
    }
}

/// One `# METADATA` block, resolved to what it annotates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMeta {
    /// `data.gate.vulnerabilities.deny` for a rule; `data.gate.vulnerabilities` for a package.
    pub path: String,
    /// The policy file.
    pub file: String,
    /// 1-based line of the rule head (or `package` line) the block annotates.
    pub line: usize,
    /// What the block applies to.
    pub scope: Scope,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `custom.code`: the stable code of the rule's results.
    pub code: Option<String>,
    /// `custom.severity`.
    pub severity: Option<String>,
    /// `custom.remediation`.
    pub remediation: Option<String>,
    /// `custom.effective_on`: before this day (UTC) a deny rule only warns.
    #[serde(serialize_with = "date_opt")]
    pub effective_on: Option<NaiveDate>,
    /// `custom.url`: where to read more.
    pub url: Option<String>,
    /// The whole `custom` mapping as JSON, known keys included.
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// OPA's top-level annotation keys; anything else is an error.
const OPA_KEYS: &[&str] = &[
    "scope",
    "title",
    "description",
    "related_resources",
    "authors",
    "organizations",
    "schemas",
    "entrypoint",
    "custom",
    "compile",
];

/// Every `# METADATA` block of one Rego module, in source order (package-level ones included).
///
/// Errors (invalid YAML, a key OPA does not know, a bad `scope`, a value of the wrong type, a bad
/// `effective_on` date, a block that annotates nothing) name `file:line`.
pub fn parse(file: &str, source: &str) -> Result<Vec<RuleMeta>, Error> {
    let lines: Vec<&str> = source.lines().collect();
    let mut package: Option<String> = None;
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let trimmed = line.trim();
        if let Some(p) = trimmed.strip_prefix("package ") {
            package = Some(p.trim().to_owned());
        }
        if !is_metadata_start(trimmed) {
            i += 1;
            continue;
        }
        let start = i + 1; // 1-based line of `# METADATA`
        let mut yaml = String::new();
        i += 1;
        while let Some(l) = lines.get(i) {
            let t = l.trim_start();
            let Some(body) = t.strip_prefix('#') else {
                break;
            };
            if is_metadata_start(t.trim_end()) {
                break;
            }
            yaml.push_str(body.strip_prefix(' ').unwrap_or(body));
            yaml.push('\n');
            i += 1;
        }
        let bad = |line: usize, message: String| Error::PolicyMetadata {
            file: file.to_owned(),
            line,
            message,
        };
        // The annotated statement: the next line, which must not be blank.
        let target_line = i + 1;
        let target = lines.get(i).map(|l| l.trim()).unwrap_or("");
        let (path, default_scope) = if let Some(p) = target.strip_prefix("package ") {
            let p = p.trim().to_owned();
            package = Some(p.clone());
            (format!("data.{p}"), Scope::Package)
        } else if let Some(name) = rule_name(target) {
            let pkg = package
                .as_deref()
                .ok_or_else(|| bad(start, "METADATA block before the `package` line".into()))?;
            (format!("data.{pkg}.{name}"), Scope::Rule)
        } else {
            return Err(bad(
                start,
                "METADATA block is not directly followed by a `package` or a rule".into(),
            ));
        };
        let mut meta = read_block(&yaml, start, &bad)?;
        let scope = meta.scope.unwrap_or(default_scope);
        let fits = match default_scope {
            Scope::Package => matches!(scope, Scope::Package | Scope::Subpackages),
            _ => matches!(scope, Scope::Rule | Scope::Document),
        };
        if !fits {
            return Err(bad(
                start,
                format!(
                    "METADATA scope `{}` cannot annotate {}",
                    scope_name(scope),
                    if default_scope == Scope::Package {
                        "a package"
                    } else {
                        "a rule"
                    }
                ),
            ));
        }
        out.push(RuleMeta {
            path,
            file: file.to_owned(),
            line: target_line,
            scope,
            title: meta.title.take(),
            description: meta.description.take(),
            code: meta.code.take(),
            severity: meta.severity.take(),
            remediation: meta.remediation.take(),
            effective_on: meta.effective_on.take(),
            url: meta.url.take(),
            custom: std::mem::take(&mut meta.custom),
        });
    }
    Ok(out)
}

/// A date as `YYYY-MM-DD` (chrono is built without its serde feature).
pub(crate) fn date_opt<S: serde::Serializer>(
    d: &Option<NaiveDate>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        None => s.serialize_none(),
    }
}

fn scope_name(s: Scope) -> &'static str {
    match s {
        Scope::Rule => "rule",
        Scope::Package => "package",
        Scope::Document => "document",
        Scope::Subpackages => "subpackages",
    }
}

fn is_metadata_start(trimmed: &str) -> bool {
    trimmed
        .strip_prefix('#')
        .is_some_and(|rest| rest.trim() == "METADATA")
}

/// The rule name of a rule-head line (`deny contains x if {`, `default allow := false`,
/// `deny[msg] {`), or `None` when the line is no rule head.
fn rule_name(line: &str) -> Option<String> {
    let line = line.strip_prefix("default ").unwrap_or(line).trim_start();
    let name: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let first = name.chars().next()?;
    if first.is_ascii_digit() || first == '.' || ["import", "package"].contains(&name.as_str()) {
        return None;
    }
    let rest = line.get(name.len()..).unwrap_or("").trim_start();
    let head = rest.is_empty()
        || ["[", "(", "{", ":=", "=", "contains ", "if ", "if{", "else"]
            .iter()
            .any(|p| rest.starts_with(p))
        || rest == "if"
        || rest == "contains";
    head.then_some(name)
}

#[derive(Default)]
struct Block {
    scope: Option<Scope>,
    title: Option<String>,
    description: Option<String>,
    code: Option<String>,
    severity: Option<String>,
    remediation: Option<String>,
    effective_on: Option<NaiveDate>,
    url: Option<String>,
    custom: serde_json::Map<String, serde_json::Value>,
}

fn read_block(
    yaml: &str,
    start: usize,
    bad: &dyn Fn(usize, String) -> Error,
) -> Result<Block, Error> {
    crate::source::yaml::check_depth(yaml).map_err(|e| {
        bad(
            start + e.line.unwrap_or(1),
            format!("METADATA is not valid YAML: {}", e.message),
        )
    })?;
    let value: serde_json::Value = yaml_serde::from_str(yaml).map_err(|e| {
        // The YAML starts on the line after `# METADATA`.
        let line = e.location().map_or(start, |l| start + l.line());
        bad(line, format!("METADATA is not valid YAML: {e}"))
    })?;
    let map = match value {
        serde_json::Value::Object(m) => m,
        serde_json::Value::Null => serde_json::Map::new(),
        other => {
            return Err(bad(
                start,
                format!("METADATA must be a YAML mapping, got {other}"),
            ))
        }
    };
    let mut b = Block::default();
    for (key, v) in map {
        let text = |v: serde_json::Value, what: &str| -> Result<String, Error> {
            match v {
                serde_json::Value::String(s) => Ok(s),
                other => Err(bad(
                    start,
                    format!("METADATA `{what}` must be a string, got {other}"),
                )),
            }
        };
        match key.as_str() {
            "scope" => {
                let s = text(v, "scope")?;
                b.scope = Some(Scope::parse(&s).ok_or_else(|| {
                    bad(
                        start,
                        format!(
                            "METADATA `scope: {s}` is not one of rule, document, package, subpackages"
                        ),
                    )
                })?);
            }
            "title" => b.title = Some(text(v, "title")?),
            "description" => b.description = Some(text(v, "description")?),
            "custom" => {
                let custom = match v {
                    serde_json::Value::Object(m) => m,
                    serde_json::Value::Null => serde_json::Map::new(),
                    other => {
                        return Err(bad(
                            start,
                            format!("METADATA `custom` must be a mapping, got {other}"),
                        ))
                    }
                };
                for (k, cv) in &custom {
                    let s = || text(cv.clone(), &format!("custom.{k}"));
                    match k.as_str() {
                        "code" => b.code = Some(s()?),
                        "severity" => b.severity = Some(s()?),
                        "remediation" => b.remediation = Some(s()?),
                        "url" => b.url = Some(s()?),
                        "effective_on" => {
                            let d = s()?;
                            b.effective_on = Some(
                                NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|e| {
                                    bad(
                                        start,
                                        format!(
                                            "METADATA `custom.effective_on: {d}` is not a date (YYYY-MM-DD): {e}"
                                        ),
                                    )
                                })?,
                            );
                        }
                        _ => {}
                    }
                }
                b.custom = custom;
            }
            k if OPA_KEYS.contains(&k) => {}
            other => {
                return Err(bad(
                    start,
                    format!(
                        "METADATA has unknown key `{other}` (OPA's keys: {}; put your own under `custom`)",
                        OPA_KEYS.join(", ")
                    ),
                ))
            }
        }
    }
    Ok(b)
}

/// The metadata of a set of modules, looked up by rule path and code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetaIndex {
    /// Every block, in load order.
    pub all: Vec<RuleMeta>,
    /// Rule-scope blocks by rule path (several per path when a package has several bodies).
    by_path: BTreeMap<String, Vec<usize>>,
}

impl MetaIndex {
    /// Parse every module of `files` (`(path, text)`).
    pub fn parse<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, Error> {
        let mut all = Vec::new();
        for (path, text) in files {
            all.extend(parse(path, text)?);
        }
        let mut by_path: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, m) in all.iter().enumerate() {
            if matches!(m.scope, Scope::Rule | Scope::Document) {
                by_path.entry(m.path.clone()).or_default().push(i);
            }
        }
        Ok(Self { all, by_path })
    }

    /// The rule-level blocks of the rule at `path` (`data.gate.tests.deny`), in source order.
    pub fn rule(&self, path: &str) -> Vec<&RuleMeta> {
        self.by_path
            .get(path)
            .map(|ix| ix.iter().filter_map(|&i| self.all.get(i)).collect())
            .unwrap_or_default()
    }

    /// The block that describes one result of the rule at `path` (`data.` prefix optional).
    ///
    /// Several bodies of one rule (`deny contains …` written three times) share one rule path and
    /// are evaluated together, so a result cannot be traced to the body that produced it. The join
    /// is therefore by code: the block whose `custom.code` equals the result's code. A result
    /// without a code (or with a code no block names) gets the rule's metadata only when the rule
    /// has exactly one block, or all its blocks share one code. A `scope: document` block is the
    /// fallback for any body of the rule.
    pub fn for_result(&self, path: &str, code: Option<&str>) -> Option<&RuleMeta> {
        let full = if path.starts_with("data.") {
            path.to_owned()
        } else {
            format!("data.{path}")
        };
        let blocks = self.rule(&full);
        if let Some(c) = code {
            if let Some(m) = blocks.iter().find(|m| m.code.as_deref() == Some(c)) {
                return Some(m);
            }
        }
        let rule_blocks: Vec<&&RuleMeta> =
            blocks.iter().filter(|m| m.scope == Scope::Rule).collect();
        let one_code = rule_blocks
            .first()
            .is_some_and(|f| rule_blocks.iter().all(|m| m.code == f.code));
        // With a code the rule's blocks do not name, only a block without a code of its own fits.
        match (rule_blocks.first(), code) {
            (Some(m), None) if one_code => return Some(m),
            (Some(m), Some(_)) if rule_blocks.len() == 1 && m.code.is_none() => return Some(m),
            _ => {}
        }
        blocks.into_iter().find(|m| m.scope == Scope::Document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "# METADATA
# title: Demo
# description: |
#   Two rules.
package gate.demo

# METADATA
# title: First
# custom:
#   code: demo.first
#   severity: high
#   remediation: Fix it.
#   effective_on: 2027-01-15
#   url: https://example.com/first
#   team: platform
deny contains r if {
\tr := {\"msg\": \"a\"}
}

# METADATA
# title: Second
# custom:
#   code: demo.second
deny contains r if {
\tr := {\"msg\": \"b\", \"code\": \"demo.second\"}
}

warn contains \"plain\"
";

    #[test]
    fn blocks_name_their_rule_and_line() {
        let m = parse("p.rego", POLICY).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(
            (m[0].path.as_str(), m[0].scope, m[0].line),
            ("data.gate.demo", Scope::Package, 5)
        );
        assert_eq!(m[0].description.as_deref(), Some("Two rules.\n"));
        let first = &m[1];
        assert_eq!(
            (first.path.as_str(), first.line, first.scope),
            ("data.gate.demo.deny", 16, Scope::Rule)
        );
        assert_eq!(first.code.as_deref(), Some("demo.first"));
        assert_eq!(first.severity.as_deref(), Some("high"));
        assert_eq!(first.remediation.as_deref(), Some("Fix it."));
        assert_eq!(first.url.as_deref(), Some("https://example.com/first"));
        assert_eq!(first.effective_on, NaiveDate::from_ymd_opt(2027, 1, 15));
        assert_eq!(first.custom["team"], serde_json::json!("platform"));
        assert_eq!(m[2].line, 24);
    }

    #[test]
    fn results_join_by_code_then_by_path() {
        let ix = MetaIndex::parse([("p.rego", POLICY)]).unwrap();
        let by_code = ix
            .for_result("gate.demo.deny", Some("demo.second"))
            .unwrap();
        assert_eq!(by_code.title.as_deref(), Some("Second"));
        // Two bodies with different codes: a result without a code matches neither.
        assert!(ix.for_result("gate.demo.deny", None).is_none());
        assert!(ix.for_result("gate.demo.warn", None).is_none());
        let single = "package q\n\n# METADATA\n# title: Only\ndeny contains \"x\"\n";
        let ix = MetaIndex::parse([("q.rego", single)]).unwrap();
        assert_eq!(
            ix.for_result("data.q.deny", None).unwrap().title.as_deref(),
            Some("Only")
        );
        assert_eq!(ix.rule("data.q.deny").len(), 1);
    }

    #[test]
    fn document_scope_covers_every_body() {
        let src = "package q\n\n# METADATA\n# scope: document\n# title: All\ndeny contains \"x\"\n\ndeny contains \"y\"\n";
        let ix = MetaIndex::parse([("q.rego", src)]).unwrap();
        assert_eq!(
            ix.for_result("q.deny", Some("other"))
                .unwrap()
                .title
                .as_deref(),
            Some("All")
        );
    }

    #[test]
    fn rule_heads_of_every_form() {
        for (line, name) in [
            ("deny contains msg if {", Some("deny")),
            ("deny[msg] {", Some("deny")),
            ("default allow := false", Some("allow")),
            ("allow if {", Some("allow")),
            ("f(x) := y if {", Some("f")),
            ("x = 1", Some("x")),
            ("import rego.v1", None),
            ("", None),
            ("some x in y", None),
        ] {
            assert_eq!(rule_name(line).as_deref(), name, "{line}");
        }
    }

    #[test]
    fn bad_blocks_are_errors_with_file_and_line() {
        let cases = [
            ("package p\n\n# METADATA\n# title: [unclosed\ndeny contains \"x\"\n", "not valid YAML"),
            ("package p\n\n# METADATA\n# titel: x\ndeny contains \"x\"\n", "unknown key `titel`"),
            ("package p\n\n# METADATA\n# custom:\n#   effective_on: 2026-13-01\ndeny contains \"x\"\n", "not a date"),
            ("package p\n\n# METADATA\n# custom:\n#   effective_on: next week\ndeny contains \"x\"\n", "not a date"),
            ("package p\n\n# METADATA\n# scope: package\ndeny contains \"x\"\n", "cannot annotate a rule"),
            ("package p\n\n# METADATA\n# scope: everywhere\ndeny contains \"x\"\n", "is not one of"),
            ("package p\n\n# METADATA\n# title: x\n\ndeny contains \"x\"\n", "not directly followed"),
            ("package p\n\n# METADATA\n# custom:\n#   code: 3\ndeny contains \"x\"\n", "`custom.code` must be a string"),
            ("package p\n\n# METADATA\n# - a\ndeny contains \"x\"\n", "must be a YAML mapping"),
        ];
        for (src, want) in cases {
            let e = parse("bad.rego", src).unwrap_err();
            let text = e.to_string();
            assert!(
                ["bad.rego:3:", "bad.rego:4:", "bad.rego:5:"]
                    .iter()
                    .any(|l| text.starts_with(l)),
                "{text}"
            );
            assert!(text.contains(want), "{want}: {text}");
        }
    }

    #[test]
    fn every_standard_policy_rule_has_metadata_with_a_code() {
        for (path, text) in super::super::embedded::FILES {
            if path.ends_with("_test.rego") {
                continue;
            }
            let metas = parse(path, text).unwrap();
            let rules: Vec<_> = metas.iter().filter(|m| m.scope == Scope::Rule).collect();
            assert!(!rules.is_empty(), "{path} has no rule metadata");
            for m in rules.iter().filter(|m| {
                ["deny", "warn", "violation"]
                    .iter()
                    .any(|n| m.path.ends_with(&format!(".{n}")))
            }) {
                assert!(m.code.is_some() && m.title.is_some(), "{path}:{}", m.line);
            }
        }
    }
}
