//! What a `deny`/`warn` rule returned, read into plain data.
//!
//! A result is a string (the message) or an object with `msg` and optional `code`, `subject`,
//! `severity`, `title`, `remediation`, `evidence` (a source object or a list of them).

use regorus::Value;
use serde::Serialize;

use super::RuleRef;
use crate::Error;

/// Whether a rule denies or warns.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Fails the gate.
    Deny,
    /// Reported; fails only with `--fail-on warn`.
    Warn,
}

/// One result of one rule, before waivers and verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawResult {
    /// Deny or warn.
    pub level: RuleLevel,
    /// The rule path (`gate.tests.deny`).
    pub rule: String,
    /// The file declaring the rule.
    pub file: String,
    /// The message.
    pub message: String,
    /// Stable code, when the rule gave one.
    pub code: Option<String>,
    /// The thing the result is about, when given.
    pub subject: Option<String>,
    /// Severity as the rule gave it.
    pub severity: Option<String>,
    /// Short title.
    pub title: Option<String>,
    /// What to do about it.
    pub remediation: Option<String>,
    /// Evidence sources, as JSON.
    pub evidence: Vec<serde_json::Value>,
}

pub(super) fn collect(rule: &RuleRef, v: &Value, out: &mut Vec<RawResult>) -> Result<(), Error> {
    let level = if rule.name == "warn" {
        RuleLevel::Warn
    } else {
        RuleLevel::Deny
    };
    let items: Vec<&Value> = match v {
        Value::Undefined | Value::Null => return Ok(()),
        Value::Set(s) => s.iter().collect(),
        Value::Array(a) => a.iter().collect(),
        Value::Bool(_) => {
            return Err(Error::PolicyResult {
                rule: rule.path(),
                message: "a boolean rule; write `deny contains msg if { … }`".to_owned(),
            })
        }
        other => vec![other],
    };
    for item in items {
        out.push(one(rule, level, item)?);
    }
    Ok(())
}

fn one(rule: &RuleRef, level: RuleLevel, v: &Value) -> Result<RawResult, Error> {
    let bad = |message: String| Error::PolicyResult {
        rule: rule.path(),
        message,
    };
    let mut r = RawResult {
        level,
        rule: rule.path(),
        file: rule.file.clone(),
        message: String::new(),
        code: None,
        subject: None,
        severity: None,
        title: None,
        remediation: None,
        evidence: Vec::new(),
    };
    match v {
        Value::String(s) => r.message = s.to_string(),
        Value::Object(_) => {
            let text = |key: &str| -> Result<Option<String>, Error> {
                match &v[key] {
                    Value::Undefined | Value::Null => Ok(None),
                    Value::String(s) => Ok(Some(s.to_string())),
                    other => Err(bad(format!("`{key}` must be a string, got {other}"))),
                }
            };
            r.message = text("msg")?
                .or(text("message")?)
                .ok_or_else(|| bad(format!("object result without `msg`: {v}")))?;
            r.code = text("code")?;
            r.subject = text("subject")?;
            r.severity = text("severity")?;
            r.title = text("title")?;
            r.remediation = text("remediation")?;
            match &v["evidence"] {
                Value::Undefined | Value::Null => {}
                Value::Array(items) => {
                    for i in items.iter() {
                        r.evidence.push(to_json(i).map_err(&bad)?);
                    }
                }
                Value::Set(items) => {
                    for i in items.iter() {
                        r.evidence.push(to_json(i).map_err(&bad)?);
                    }
                }
                other => r.evidence.push(to_json(other).map_err(&bad)?),
            }
        }
        other => return Err(bad(format!("expected a string or an object, got {other}"))),
    }
    Ok(r)
}

fn to_json(v: &Value) -> Result<serde_json::Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}
