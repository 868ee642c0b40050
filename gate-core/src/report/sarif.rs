//! The SARIF 2.1.0 renderer, for code-scanning views (GitHub code scanning, Azure DevOps,
//! SARIF viewers).
//!
//! One run whose driver is gate: a reporting descriptor per check (`shortDescription` from the
//! `# METADATA` title, `fullDescription` from its description, `help` from its remediation,
//! `helpUri` from `custom.url`), a result per decision located at the evidence file and line
//! (JSON pointers resolved to lines), `error` for denials and `warning` for warnings, waived
//! results carried with a `suppressions` entry whose justification names the waiver, and a
//! `partialFingerprints` entry keyed on code and subject so a finding is tracked across runs.
//! A check that could not be evaluated is a run with `executionSuccessful: false` and a
//! notification per problem. Keys are sorted and nothing depends on the clock but `--now`.

use serde_json::{json, Map, Value};

use super::places::{fingerprints, Place, Places};
use super::{Report, ResultEntry, Verdict, GATE_VERSION};
use crate::diagnostic::Diagnostic;
use crate::policy::RuleLevel;

/// The SARIF schema URI written in `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of gate's entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "gateFinding/v1";

/// The report as a SARIF 2.1.0 log, pretty-printed with a trailing newline.
pub fn render(report: &Report) -> String {
    let places = Places::resolve(report);
    let prints = fingerprints(report);
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: Vec<String> = Vec::new();
    for c in &report.checks {
        rule_ids.push(c.code.clone());
        let mut rule = Map::new();
        rule.insert("id".into(), c.code.clone().into());
        let short = c.title.clone().unwrap_or_else(|| c.code.clone());
        rule.insert("shortDescription".into(), json!({ "text": short }));
        if let Some(d) = &c.description {
            rule.insert("fullDescription".into(), json!({ "text": d }));
        }
        if let Some(h) = &c.remediation {
            rule.insert("help".into(), json!({ "text": h }));
        }
        if let Some(u) = c.url.as_deref().filter(|u| u.contains(':')) {
            rule.insert("helpUri".into(), u.into());
        }
        rule.insert(
            "defaultConfiguration".into(),
            json!({ "level": level(c.level) }),
        );
        let mut props = Map::new();
        props.insert("package".into(), c.package.clone().into());
        props.insert("rule".into(), c.rule.clone().into());
        if let Some(s) = &c.severity {
            props.insert("severity".into(), s.clone().into());
        }
        rule.insert("properties".into(), props.into());
        rules.push(rule.into());
    }
    // A result whose code no check names (a rule without `# METADATA`) still gets a rule.
    for r in &report.results {
        if !rule_ids.contains(&r.code) {
            rule_ids.push(r.code.clone());
            rules.push(json!({
                "id": r.code,
                "shortDescription": { "text": r.title.clone().unwrap_or_else(|| r.code.clone()) },
                "defaultConfiguration": { "level": level(r.level) },
                "properties": { "rule": r.rule },
            }));
        }
    }
    let results: Vec<Value> = report
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let index = rule_ids.iter().position(|id| *id == r.code).unwrap_or(0);
            let fingerprint = prints.get(i).cloned().unwrap_or_default();
            let mut locations: Vec<Place> = places.all(i).to_vec();
            if locations.is_empty() {
                locations.extend(places.or_rule(i, r, &report.checks));
            }
            result(r, index, &fingerprint, &locations)
        })
        .collect();

    let mut notifications: Vec<Value> = report.errors.iter().map(problem).collect();
    notifications.extend(report.diagnostics.iter().map(note));
    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".into(),
        (report.verdict != Verdict::Error).into(),
    );
    if !notifications.is_empty() {
        invocation.insert("toolExecutionNotifications".into(), notifications.into());
    }
    invocation.insert(
        "properties".into(),
        json!({ "now": report.now, "verdict": report.verdict.as_str() }),
    );
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "gate",
                "version": GATE_VERSION,
                "semanticVersion": GATE_VERSION,
                "rules": rules,
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn level(l: RuleLevel) -> &'static str {
    match l {
        RuleLevel::Deny => "error",
        RuleLevel::Warn => "warning",
    }
}

fn result(r: &ResultEntry, rule_index: usize, fingerprint: &str, places: &[Place]) -> Value {
    let mut out = Map::new();
    out.insert("ruleId".into(), r.code.clone().into());
    out.insert("ruleIndex".into(), rule_index.into());
    out.insert("level".into(), level(r.level).into());
    out.insert("message".into(), json!({ "text": r.message }));
    out.insert(
        "locations".into(),
        places.iter().map(location).collect::<Vec<_>>().into(),
    );
    out.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint }),
    );
    if let Some(w) = &r.waived_by {
        out.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": w.describe(),
                "properties": w,
            }]),
        );
    }
    let mut props = Map::new();
    props.insert("subject".into(), r.subject.clone().into());
    props.insert("rule".into(), r.rule.clone().into());
    for (key, value) in [
        ("severity", &r.severity),
        ("title", &r.title),
        ("remediation", &r.remediation),
        ("effective_on", &r.effective_on),
    ] {
        if let Some(v) = value {
            props.insert(key.into(), v.clone().into());
        }
    }
    if let Some(w) = &r.waiver_expired {
        props.insert("waiver_expired".into(), json!(w));
    }
    out.insert("properties".into(), props.into());
    out.into()
}

fn location(p: &Place) -> Value {
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), json!({ "uri": uri(&p.path) }));
    if let Some(line) = p.line {
        let mut region = Map::new();
        region.insert("startLine".into(), line.into());
        if let Some(c) = p.column {
            region.insert("startColumn".into(), c.into());
        }
        physical.insert("region".into(), region.into());
    }
    json!({ "physicalLocation": physical })
}

fn problem(p: &super::Problem) -> Value {
    let mut out = Map::new();
    out.insert("level".into(), "error".into());
    out.insert("message".into(), json!({ "text": p.message }));
    out.insert("descriptor".into(), json!({ "id": p.code }));
    if let Some(path) = &p.path {
        let place = Place {
            path: path.clone(),
            line: p.line,
            column: p.column,
        };
        out.insert("locations".into(), json!([location(&place)]));
    }
    out.into()
}

fn note(d: &Diagnostic) -> Value {
    let mut out = Map::new();
    out.insert("level".into(), "note".into());
    out.insert("message".into(), json!({ "text": d.message }));
    out.insert("descriptor".into(), json!({ "id": d.code.as_str() }));
    if let Some(path) = &d.path {
        let place = Place {
            path: path.clone(),
            line: d.line,
            column: None,
        };
        out.insert("locations".into(), json!([location(&place)]));
    }
    out.into()
}

/// A path as a URI reference: relative paths stay relative (to the repository root, where code
/// scanning resolves them), absolute ones become `file://` URIs; every byte outside RFC 3986's
/// unreserved set and `/` is percent-encoded (`:` too, so a first segment never reads as a
/// scheme).
fn uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("fixtures/demo/a b.json"), "fixtures/demo/a%20b.json");
        assert_eq!(uri("c:x#1"), "c%3Ax%231");
        assert_eq!(uri("/tmp/ü"), "file:///tmp/%C3%BC");
    }
}
