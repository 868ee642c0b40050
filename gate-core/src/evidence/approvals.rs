//! The generic approvals format (`gate-approvals: 1`), JSON or YAML, for change tickets exported
//! from any change-management system, and the source positions every approvals reader shares.
//!
//! The document is strict: unknown fields and missing required ones are refused with the field
//! named (its JSON Schema is published in docs/evidence/gate-approvals.schema.json and generated
//! from the types below). Detection is by content: a JSON object with a top-level
//! `gate-approvals` key, or YAML text with a `gate-approvals:` line at column 0.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::common::positions;
use super::format::{object, text, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed};
use crate::input::{Approval, Change, Decision, Producer, Source};
use crate::source::json;
use crate::EvidenceError;

impl Kind {
    /// gate's generic approvals format (JSON or YAML).
    #[allow(non_upper_case_globals)]
    pub const GateApprovals: Kind = Kind("gate-approvals");
}

/// gate's approvals format: a `gate-approvals` key, in JSON or YAML.
pub(crate) struct GateApprovalsFormat;

impl Format for GateApprovalsFormat {
    fn kind(&self) -> Kind {
        Kind::GateApprovals
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(
            object(probe).is_some_and(|p| p.has("gate-approvals"))
                || text(probe).is_some_and(looks_like_yaml),
        )
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The format version this build reads.
pub const VERSION: u64 = 1;

/// A generic approvals document.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "gate-approvals",
    description = "Approvals of one change, exported from a change-management system, for gate."
)]
pub struct Document {
    /// The format version: `1`.
    #[serde(rename = "gate-approvals")]
    pub version: u64,
    /// The change being released.
    pub change: DocChange,
    /// Every approver's decision (may be empty).
    pub approvals: Vec<DocApproval>,
}

/// `change` of a generic approvals document.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocChange {
    /// The ticket or change id (`CHG-1234`).
    pub id: String,
    /// Who raised the change; approvals by this person do not count.
    #[serde(default)]
    pub author: Option<String>,
    /// The commit being released (full SHA).
    #[serde(default)]
    pub commit: Option<String>,
    /// The version being released.
    #[serde(default)]
    pub version: Option<String>,
    /// A short title.
    #[serde(default)]
    pub title: Option<String>,
    /// A link to the ticket.
    #[serde(default)]
    pub url: Option<String>,
}

/// A decision in a generic approvals document.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocDecision {
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Changes requested before approval.
    ChangesRequested,
}

/// One entry of `approvals`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocApproval {
    /// Who decided (a user name or e-mail address).
    pub approver: String,
    /// Their role in the process (`release-manager`, `cab`…).
    #[serde(default)]
    pub role: Option<String>,
    /// What they decided.
    pub decision: DocDecision,
    /// When, RFC 3339 (`2026-11-20T10:00:00Z`).
    #[serde(default)]
    pub at: Option<String>,
    /// The commit they approved (full SHA).
    #[serde(default)]
    pub commit: Option<String>,
    /// The version they approved.
    #[serde(default)]
    pub version: Option<String>,
    /// Where the approval was given: a link or a reference in the source system.
    #[serde(default)]
    pub source: Option<String>,
}

/// The JSON Schema of the generic format, as published in docs/evidence/.
#[cfg(test)]
pub(crate) fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Document).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://gate.invalid/schemas/gate-approvals-v1.json".into(),
        );
    }
    schema
}

/// Whether non-JSON text is a YAML generic approvals document.
pub fn looks_like_yaml(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("gate-approvals:") || l.starts_with("\"gate-approvals\":"))
}

/// Read a generic approvals document, JSON or YAML.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let is_json = text.trim_start().starts_with('{');
    let doc: Document = if is_json {
        json::parse(text)?
    } else {
        parse_yaml(text)?
    };
    if doc.version != VERSION {
        return Err(EvidenceError::new(format!(
            "at `gate-approvals`: version {} is not one gate reads (expected {VERSION})",
            doc.version
        )));
    }
    let (change_source, sources): (Source, Vec<Source>) = if is_json {
        let mut pointers = vec!["/change".to_owned()];
        pointers.extend((0..doc.approvals.len()).map(|i| format!("/approvals/{i}")));
        let found = positions(text, &pointers);
        let mut all = pointers.into_iter().map(|p| found.source(id, p));
        let change = all
            .next()
            .unwrap_or_else(|| Source::pointer(id, "/change".into()));
        (change, all.collect())
    } else {
        yaml_sources(id, text, doc.approvals.len())
    };

    // Checks serde cannot make, at the entry's line.
    let at_entry = |i: usize, msg: String| match sources.get(i) {
        Some(Source {
            line: Some(line),
            column,
            ..
        }) => EvidenceError::at(msg, *line, column.unwrap_or(1)),
        _ => EvidenceError::new(msg),
    };
    for (i, a) in doc.approvals.iter().enumerate() {
        if let Some(at) = &a.at {
            if chrono::DateTime::parse_from_rfc3339(at).is_err() {
                return Err(at_entry(
                    i,
                    format!("at `approvals[{i}].at`: `{at}` is not an RFC 3339 time"),
                ));
            }
        }
        if a.approver.trim().is_empty() {
            return Err(at_entry(i, format!("at `approvals[{i}].approver`: empty")));
        }
    }
    if doc.change.id.trim().is_empty() {
        let line = change_source.line.unwrap_or(1);
        return Err(EvidenceError::at("at `change.id`: empty", line, 1));
    }

    let change_id = doc.change.id.clone();
    // The list is in the order decisions were made: an approver's last entry stands.
    let mut last_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, a) in doc.approvals.iter().enumerate() {
        last_of.insert(a.approver.as_str(), i);
    }
    let last: Vec<bool> = doc
        .approvals
        .iter()
        .enumerate()
        .map(|(i, a)| last_of.get(a.approver.as_str()) == Some(&i))
        .collect();
    let approvals = doc
        .approvals
        .into_iter()
        .zip(sources)
        .zip(last)
        .filter_map(|(pair, standing)| standing.then_some(pair))
        .map(|(a, source)| Approval {
            approver: a.approver,
            role: a.role,
            decision: match a.decision {
                DocDecision::Approved => Decision::Approved,
                DocDecision::Rejected => Decision::Rejected,
                DocDecision::ChangesRequested => Decision::ChangesRequested,
            },
            at: a.at,
            commit: a.commit,
            version: a.version,
            change: Some(change_id.clone()),
            provider: "generic".into(),
            reference: a.source,
            by_author: None,
            source,
        })
        .collect();
    let c = doc.change;
    Ok(Parsed {
        format_version: Some(VERSION.to_string()),
        producer: Producer {
            name: "gate-approvals".into(),
            version: None,
        },
        facts: Facts {
            approvals,
            change: Some(Change {
                provider: "generic".into(),
                id: c.id,
                title: c.title,
                author: c.author,
                commit: c.commit,
                base_ref: None,
                state: None,
                merged_by: None,
                merged_at: None,
                version: c.version,
                url: c.url,
                source: change_source,
            }),
            ..Facts::default()
        },
        diagnostics: Vec::new(),
        ..Parsed::default()
    })
}

fn parse_yaml(text: &str) -> Result<Document, EvidenceError> {
    crate::source::yaml::check_depth(text)?;
    let de = yaml_serde::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, Document>(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let mut msg = inner.to_string();
        // yaml_serde appends " at line L column C"; the position is carried separately.
        if let Some((m, _)) = msg.rsplit_once(" at line ") {
            msg = m.to_owned();
        }
        // It also starts with its own path (`approvals[0]: …`), which is said once below.
        if let Some((own, rest)) = msg.split_once(": ") {
            if !own.is_empty() && path.starts_with(own) {
                msg = rest.to_owned();
            }
        }
        let msg = if path.is_empty() || path == "." {
            msg
        } else {
            format!("at `{path}`: {msg}")
        };
        match inner.location() {
            Some(loc) => EvidenceError::at(msg, loc.line(), loc.column()),
            None => EvidenceError::new(msg),
        }
    })
}

/// Sources of a YAML document's change and approvals: the line of `change:` and of each item of
/// `approvals:` written in block style (flow style falls back to the `approvals:` line).
fn yaml_sources(id: &str, text: &str, n: usize) -> (Source, Vec<Source>) {
    let mut change = Source::line(id, 1, 1);
    let mut list_line = 1;
    let mut items = Vec::new();
    let mut in_list = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty() {
            in_list = line.starts_with("approvals:");
            if in_list {
                list_line = line_no;
            }
            if line.starts_with("change:") {
                change = Source::line(id, line_no, 1);
            }
            continue;
        }
        if in_list {
            let indent = line.len() - line.trim_start().len();
            let body = line.trim_start();
            if body.starts_with("- ") || body == "-" {
                // Only the list's own items: the first dash sets the indentation.
                let first_indent = items.first().map(|(_, ind)| *ind).unwrap_or(indent);
                if indent == first_indent {
                    items.push((Source::line(id, line_no, indent + 1), indent));
                }
            }
        }
    }
    let mut sources: Vec<Source> = items.into_iter().map(|(s, _)| s).collect();
    if sources.len() != n {
        sources = vec![Source::line(id, list_line, 1); n];
    }
    (change, sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_document_with_lines_and_the_last_decision_of_each_approver() {
        let text = "# exported\ngate-approvals: 1\nchange:\n  id: CHG-1\n  author: dev\napprovals:\n  \
                    - approver: cab\n    decision: changes_requested\n  - approver: lead\n    decision: approved\n    \
                    role: release-manager\n  - approver: cab\n    decision: approved\n    at: 2026-11-21T13:00:00Z\n";
        let p = read("c.yaml", text).unwrap();
        let c = p.facts.change.as_ref().unwrap();
        assert_eq!((c.id.as_str(), c.author.as_deref()), ("CHG-1", Some("dev")));
        assert_eq!(c.source.line, Some(3));
        let a = &p.facts.approvals;
        let got: Vec<(&str, Decision, Option<usize>)> = a
            .iter()
            .map(|x| (x.approver.as_str(), x.decision, x.source.line))
            .collect();
        assert_eq!(
            got,
            [
                ("lead", Decision::Approved, Some(9)),
                ("cab", Decision::Approved, Some(12)),
            ]
        );
        assert_eq!(a[0].role.as_deref(), Some("release-manager"));
        assert_eq!(a[1].change.as_deref(), Some("CHG-1"));
        assert_eq!(p.format_version.as_deref(), Some("1"));
    }

    #[test]
    fn refusals_name_the_field() {
        for (text, needle) in [
            ("gate-approvals: 1\nchange: {id: C}\napprovals: []\nextra: 1\n", "unknown field `extra`"),
            ("gate-approvals: 1\nchange: {id: C}\n", "missing field `approvals`"),
            ("gate-approvals: 1\nchange: {id: ' '}\napprovals: []\n", "at `change.id`: empty"),
            (
                "gate-approvals: 1\nchange: {id: C}\napprovals: [{approver: a, decision: approved, at: soon}]\n",
                "at `approvals[0].at`",
            ),
            ("{\"gate-approvals\": 1, \"change\": {\"id\": 3}, \"approvals\": []}", "at `change.id`"),
        ] {
            let e = read("c", text).unwrap_err();
            assert!(e.message.contains(needle), "{text}: {e:?}");
        }
    }

    /// docs/evidence/gate-approvals.schema.json is generated from these types; regenerate with
    /// `UPDATE_SCHEMA=1 cargo test -p gate-core approvals::tests`.
    #[test]
    fn published_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/evidence/gate-approvals.schema.json");
        let want = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            fs_err::write(&path, &want).unwrap();
        }
        let have = fs_err::read_to_string(&path).unwrap_or_default();
        assert!(have == want, "docs/evidence/gate-approvals.schema.json is stale: run UPDATE_SCHEMA=1 cargo test -p gate-core approvals::tests");
    }
}
