//! GitLab REST API responses about a merge request: the merge request itself
//! (`GET /projects/:id/merge_requests/:iid`) becomes `input.change`; its approvals
//! (`GET /projects/:id/merge_requests/:iid/approvals`) become `input.approvals`.
//!
//! GitLab's approvals response lists who approved (`approved_by[].user.username`, with
//! `approved_at` on newer GitLab) but not which commit they saw, so those approvals have no
//! `commit`; whether GitLab reset approvals on push is a project setting gate cannot see.
//! `approvals_required` and `approvals_left` are GitLab's own verdict and are not used: the
//! policy counts approvers itself.

use serde::Deserialize;

use super::common::{located, positions};
use super::format::{object, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed};
use crate::input::{Approval, Change, Decision, Producer};
use crate::source::json;
use crate::EvidenceError;

impl Kind {
    /// A GitLab merge request (REST API JSON).
    #[allow(non_upper_case_globals)]
    pub const GitlabMergeRequest: Kind = Kind("gitlab-merge-request");
    /// A GitLab merge request's approvals (REST API JSON).
    #[allow(non_upper_case_globals)]
    pub const GitlabApprovals: Kind = Kind("gitlab-approvals");
}

/// A GitLab merge request's approvals: `approved_by` and a count.
pub(crate) struct ApprovalsFormat;

impl Format for ApprovalsFormat {
    fn kind(&self) -> Kind {
        Kind::GitlabApprovals
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(object(probe).is_some_and(|p| {
            p.has("approved_by") && (p.has("approvals_required") || p.has("approvals_left"))
        }))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_approvals(id, text)
    }
}

/// A GitLab merge request: `iid`, `target_branch`, `author`, `sha`.
pub(crate) struct MergeRequestFormat;

impl Format for MergeRequestFormat {
    fn kind(&self) -> Kind {
        Kind::GitlabMergeRequest
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(object(probe).is_some_and(|p| {
            p.has("iid") && p.has("target_branch") && p.has("author") && p.has("sha")
        }))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_merge_request(id, text)
    }
}

#[derive(Debug, Deserialize)]
struct User {
    username: String,
}

#[derive(Debug, Deserialize)]
struct ApprovedBy {
    user: User,
    #[serde(default)]
    approved_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Approvals {
    #[serde(default)]
    iid: Option<u64>,
    approved_by: Vec<ApprovedBy>,
}

#[derive(Debug, Deserialize)]
struct MergeRequest {
    iid: u64,
    #[serde(default)]
    title: Option<String>,
    author: Option<User>,
    #[serde(default)]
    sha: Option<String>,
    target_branch: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    merged_by: Option<User>,
    #[serde(default)]
    merged_at: Option<String>,
    #[serde(default)]
    web_url: Option<String>,
}

/// Read a merge request's approvals.
pub fn read_approvals(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let doc: Approvals = json::parse(text)?;
    let pointers: Vec<String> = (0..doc.approved_by.len())
        .map(|i| format!("/approved_by/{i}"))
        .collect();
    let found = positions(text, &pointers);
    let change = doc.iid.map(|n| n.to_string());
    let approvals = doc
        .approved_by
        .into_iter()
        .zip(pointers)
        .map(|(a, ptr)| Approval {
            approver: a.user.username,
            role: None,
            decision: Decision::Approved,
            at: a.approved_at,
            commit: None,
            version: None,
            change: change.clone(),
            provider: "gitlab".into(),
            reference: None,
            by_author: None,
            source: found.source(id, ptr),
        })
        .collect();
    Ok(Parsed {
        format_version: None,
        producer: producer(),
        facts: Facts {
            approvals,
            ..Facts::default()
        },
        diagnostics: Vec::new(),
        ..Parsed::default()
    })
}

/// Read a merge request object.
pub fn read_merge_request(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mr: MergeRequest = json::parse(text)?;
    Ok(Parsed {
        format_version: None,
        producer: producer(),
        facts: Facts {
            change: Some(Change {
                provider: "gitlab".into(),
                id: mr.iid.to_string(),
                title: mr.title,
                author: mr.author.map(|u| u.username),
                commit: mr.sha,
                base_ref: Some(mr.target_branch),
                state: mr.state,
                merged_by: mr.merged_by.map(|u| u.username),
                merged_at: mr.merged_at,
                version: None,
                url: mr.web_url,
                source: located(id, text, ""),
            }),
            ..Facts::default()
        },
        diagnostics: Vec::new(),
        ..Parsed::default()
    })
}

fn producer() -> Producer {
    Producer {
        name: "gitlab".into(),
        version: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approvals_have_approvers_and_times_but_no_commit() {
        let text = r#"{"iid": 5, "approvals_required": 2, "approvals_left": 1,
  "approved_by": [
    {"user": {"name": "Administrator", "username": "root", "id": 1}},
    {"user": {"username": "ana"}, "approved_at": "2026-11-21T12:00:00.000Z"}
  ]}"#;
        let p = read_approvals("a.json", text).unwrap();
        let a = &p.facts.approvals;
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].approver, "root");
        assert_eq!(a[0].at, None);
        assert_eq!(a[1].at.as_deref(), Some("2026-11-21T12:00:00.000Z"));
        assert!(a
            .iter()
            .all(|x| x.commit.is_none() && x.decision == Decision::Approved));
        assert_eq!(a[0].change.as_deref(), Some("5"));
        assert_eq!(a[1].source.line, Some(4));
        let e = read_approvals(
            "a.json",
            r#"{"approvals_left": 0, "approved_by": [{"user": {}}]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("approved_by[0].user"), "{e:?}");
    }

    #[test]
    fn merge_request_becomes_the_change() {
        let text = r#"{"iid": 5, "title": "t", "author": {"username": "me"}, "sha": "abc",
            "target_branch": "main", "state": "merged", "merged_by": {"username": "boss"},
            "merged_at": "2026-11-21T16:03:10.501Z", "web_url": "https://gitlab.example/x/-/merge_requests/5"}"#;
        let c = read_merge_request("mr.json", text)
            .unwrap()
            .facts
            .change
            .unwrap();
        assert_eq!(c.provider, "gitlab");
        assert_eq!(c.id, "5");
        assert_eq!(c.author.as_deref(), Some("me"));
        assert_eq!(c.merged_by.as_deref(), Some("boss"));
        assert_eq!(c.commit.as_deref(), Some("abc"));
        assert_eq!(c.source.line, Some(1));
    }
}
