//! GitHub REST API responses about a pull request: the pull request itself
//! (`GET /repos/{owner}/{repo}/pulls/{n}`) becomes `input.change`; its reviews
//! (`GET …/pulls/{n}/reviews`, or one review from `GET …/reviews/{id}`) become `input.approvals`.
//!
//! Reviews count as GitHub counts them: per reviewer, the latest `APPROVED` or
//! `CHANGES_REQUESTED` review stands; a later `COMMENTED` review does not replace it; `DISMISSED`
//! and `PENDING` reviews count for nothing. States are matched in any case (webhook payloads use
//! lower case). A review whose user is gone (`"user": null`) is left out with a note. Only the
//! fields named here are read; the many others GitHub sends are skipped (but must be valid JSON).

use serde::Deserialize;

use super::common::{located, positions};
use super::format::{array, object, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed};
use crate::diagnostic::Diagnostic;
use crate::input::{Approval, Change, Decision, Producer};
use crate::source::json;
use crate::EvidenceError;

impl Kind {
    /// A GitHub pull request (REST API JSON).
    #[allow(non_upper_case_globals)]
    pub const GithubPullRequest: Kind = Kind("github-pull-request");
    /// A GitHub pull request's reviews (REST API JSON list, or one review).
    #[allow(non_upper_case_globals)]
    pub const GithubReviews: Kind = Kind("github-reviews");
}

/// A GitHub pull request: `head`, `base`, `user`, `number`.
pub(crate) struct PullRequestFormat;

impl Format for PullRequestFormat {
    fn kind(&self) -> Kind {
        Kind::GithubPullRequest
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(
            object(probe).is_some_and(|p| {
                p.has("head") && p.has("base") && p.has("user") && p.has("number")
            }),
        )
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_pull_request(id, text)
    }
}

/// A GitHub pull request's reviews: a list of them, or one.
pub(crate) struct ReviewsFormat;

impl Format for ReviewsFormat {
    fn kind(&self) -> Kind {
        Kind::GithubReviews
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        let list = array(probe).is_some_and(|p| {
            let has = |k: &str| p.first_element_keys.iter().any(|f| f == k);
            has("state") && has("user") && has("pull_request_url")
        });
        let one = object(probe).is_some_and(|p| {
            p.has("state") && p.has("user") && p.has("pull_request_url") && p.has("commit_id")
        });
        Claim::when(list || one)
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_reviews(id, text)
    }
}

#[derive(Debug, Deserialize)]
struct User {
    login: String,
}

#[derive(Debug, Deserialize)]
struct Review {
    user: Option<User>,
    state: String,
    #[serde(default)]
    commit_id: Option<String>,
    #[serde(default)]
    submitted_at: Option<String>,
    #[serde(default)]
    author_association: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    pull_request_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Branch {
    #[serde(rename = "ref")]
    reference: String,
    sha: String,
}

#[derive(Debug, Deserialize)]
struct PullRequest {
    number: u64,
    #[serde(default)]
    title: Option<String>,
    user: Option<User>,
    head: Branch,
    base: Branch,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    merged: Option<bool>,
    #[serde(default)]
    merged_at: Option<String>,
    #[serde(default)]
    merged_by: Option<User>,
    #[serde(default)]
    html_url: Option<String>,
}

/// Read a pull request object.
pub fn read_pull_request(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let pr: PullRequest = json::parse(text)?;
    let source = located(id, text, "");
    let state = match (pr.merged, pr.merged_at.is_some(), pr.state) {
        (Some(true), _, _) | (None, true, _) => Some("merged".to_owned()),
        (_, _, s) => s,
    };
    Ok(Parsed {
        format_version: None,
        producer: producer(),
        facts: Facts {
            change: Some(Change {
                provider: "github".into(),
                id: pr.number.to_string(),
                title: pr.title,
                author: pr.user.map(|u| u.login),
                commit: Some(pr.head.sha),
                base_ref: Some(pr.base.reference),
                state,
                merged_by: pr.merged_by.map(|u| u.login),
                merged_at: pr.merged_at,
                version: None,
                url: pr.html_url,
                source,
            }),
            ..Facts::default()
        },
        diagnostics: Vec::new(),
        ..Parsed::default()
    })
}

/// Read a list of reviews (or one review object).
pub fn read_reviews(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let single = text.trim_start().starts_with('{');
    let reviews: Vec<Review> = if single {
        vec![json::parse::<Review>(text)?]
    } else {
        json::parse(text)?
    };
    let pointer = |i: usize| {
        if single {
            String::new()
        } else {
            format!("/{i}")
        }
    };

    // The standing review of each reviewer, in order of their first review.
    let mut standing: Vec<(String, usize)> = Vec::new();
    let mut slot_of: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut ghosts = Vec::new();
    for (i, r) in reviews.iter().enumerate() {
        let decision = match r.state.to_ascii_uppercase().as_str() {
            "APPROVED" => Some(Decision::Approved),
            "CHANGES_REQUESTED" => Some(Decision::ChangesRequested),
            "COMMENTED" | "DISMISSED" | "PENDING" => None,
            other => {
                let at = located(id, text, &pointer(i));
                return Err(EvidenceError::at(
                    format!(
                        "at `{}/state`: unknown review state `{other}` (expected APPROVED, \
                         CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING)",
                        pointer(i)
                    ),
                    at.line.unwrap_or(1),
                    at.column.unwrap_or(1),
                ));
            }
        };
        let Some(user) = &r.user else {
            ghosts.push(pointer(i));
            continue;
        };
        if decision.is_none() {
            continue;
        }
        match slot_of.get(user.login.as_str()) {
            Some(&k) => {
                if let Some(slot) = standing.get_mut(k) {
                    slot.1 = i;
                }
            }
            None => {
                slot_of.insert(user.login.as_str(), standing.len());
                standing.push((user.login.clone(), i));
            }
        }
    }

    let pointers: Vec<String> = standing.iter().map(|(_, i)| pointer(*i)).collect();
    let found = positions(text, &pointers);
    let mut approvals = Vec::new();
    for ((login, i), ptr) in standing.into_iter().zip(pointers) {
        let Some(r) = reviews.get(i) else { continue };
        let decision = if r.state.eq_ignore_ascii_case("APPROVED") {
            Decision::Approved
        } else {
            Decision::ChangesRequested
        };
        approvals.push(Approval {
            approver: login,
            role: r.author_association.clone(),
            decision,
            at: r.submitted_at.clone(),
            commit: r.commit_id.clone(),
            version: None,
            change: r.pull_request_url.as_deref().and_then(pull_number),
            provider: "github".into(),
            reference: r.html_url.clone(),
            by_author: None,
            source: found.source(id, ptr),
        });
    }
    let mut diagnostics = Vec::new();
    if let Some(first) = ghosts.first() {
        diagnostics.push(Diagnostic::missing_values(
            ghosts.len(),
            "review has no user (a deleted account) and does not count",
            "reviews have no user (deleted accounts) and do not count",
            first,
        ));
    }
    Ok(Parsed {
        format_version: None,
        producer: producer(),
        facts: Facts {
            approvals,
            ..Facts::default()
        },
        diagnostics,
        ..Parsed::default()
    })
}

/// `https://api.github.com/repos/o/r/pulls/538` → `538`.
fn pull_number(url: &str) -> Option<String> {
    let (_, n) = url.rsplit_once("/pulls/")?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then(|| n.to_owned())
}

fn producer() -> Producer {
    Producer {
        name: "github".into(),
        version: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{detect, Detected, Kind};

    fn review(login: Option<&str>, state: &str, commit: &str) -> String {
        let user = login.map_or("null".to_owned(), |l| format!(r#"{{"login": "{l}"}}"#));
        format!(
            r#"{{"user": {user}, "state": "{state}", "commit_id": "{commit}", "submitted_at": "2026-11-21T10:00:00Z", "pull_request_url": "https://api.github.com/repos/o/r/pulls/7"}}"#
        )
    }

    fn list(items: &[String]) -> String {
        format!("[\n{}\n]", items.join(",\n"))
    }

    #[test]
    fn the_latest_decisive_review_of_each_reviewer_stands() {
        let text = list(&[
            review(Some("ann"), "CHANGES_REQUESTED", "a1"),
            review(Some("bob"), "APPROVED", "a1"),
            review(Some("ann"), "APPROVED", "a2"),
            review(Some("bob"), "COMMENTED", "a2"),
            review(Some("cy"), "approved", "a2"),
            review(Some("cy"), "changes_requested", "a2"),
            review(Some("dee"), "DISMISSED", "a2"),
            review(Some("eve"), "PENDING", "a2"),
        ]);
        let p = read_reviews("r.json", &text).unwrap();
        let got: Vec<(&str, Decision, Option<&str>, &str)> = p
            .facts
            .approvals
            .iter()
            .map(|a| {
                (
                    a.approver.as_str(),
                    a.decision,
                    a.commit.as_deref(),
                    a.source.pointer.as_deref().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("ann", Decision::Approved, Some("a2"), "/2"),
                ("bob", Decision::Approved, Some("a1"), "/1"),
                ("cy", Decision::ChangesRequested, Some("a2"), "/5"),
            ]
        );
        let a = &p.facts.approvals[0];
        assert_eq!(a.change.as_deref(), Some("7"));
        assert_eq!(a.source.line, Some(4));
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn unknown_states_are_refused_and_ghosts_noted() {
        let e = read_reviews("r.json", &list(&[review(Some("a"), "LGTM", "c")])).unwrap_err();
        assert!(
            e.message
                .contains("at `/0/state`: unknown review state `LGTM`"),
            "{e:?}"
        );
        assert_eq!(e.line, Some(2));
        let p = read_reviews("r.json", &list(&[review(None, "APPROVED", "c")])).unwrap();
        assert!(p.facts.approvals.is_empty());
        assert!(
            p.diagnostics[0].message.contains("deleted account"),
            "{:?}",
            p.diagnostics
        );
        let e = read_reviews(
            "r.json",
            r#"[{"user": {"login": "a"}, "pull_request_url": "u"}]"#,
        )
        .unwrap_err();
        assert!(e.message.contains("state"), "{e:?}");
    }

    #[test]
    fn pull_request_becomes_the_change() {
        let text = r#"{"number": 9, "title": "t", "user": {"login": "me"}, "state": "open",
            "head": {"ref": "f", "sha": "abc"}, "base": {"ref": "main", "sha": "def"},
            "merged_at": null, "merged_by": null, "html_url": "https://github.com/o/r/pull/9"}"#;
        let c = read_pull_request("pr.json", text)
            .unwrap()
            .facts
            .change
            .unwrap();
        assert_eq!(
            (c.id.as_str(), c.author.as_deref(), c.commit.as_deref()),
            ("9", Some("me"), Some("abc"))
        );
        assert_eq!(c.state.as_deref(), Some("open"));
        assert_eq!(c.base_ref.as_deref(), Some("main"));
        let e = read_pull_request(
            "pr.json",
            r#"{"number": 9, "user": null, "head": {}, "base": {}}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("head"), "{e:?}");
    }

    #[test]
    fn detection_tells_the_shapes_apart() {
        let k = |t: &str| detect(t).unwrap();
        assert_eq!(
            k(&list(&[review(Some("a"), "APPROVED", "c")])),
            Detected::Known(Kind::GithubReviews)
        );
        assert_eq!(
            k(r#"{"number": 1, "user": {}, "head": {}, "base": {}}"#),
            Detected::Known(Kind::GithubPullRequest)
        );
        assert_eq!(
            k(r#"{"approved_by": [], "approvals_required": 1}"#),
            Detected::Known(Kind::GitlabApprovals)
        );
        assert_eq!(
            k(r#"{"iid": 1, "target_branch": "m", "author": {}, "sha": "s"}"#),
            Detected::Known(Kind::GitlabMergeRequest)
        );
        assert_eq!(
            k(r#"{"gate-approvals": 1}"#),
            Detected::Known(Kind::GateApprovals)
        );
        assert_eq!(
            k("gate-approvals: 1\nchange: {id: C}\napprovals: []\n"),
            Detected::Known(Kind::GateApprovals)
        );
        // A list of pull requests or issues, a webhook event, an empty list: none of these.
        for t in [
            r#"[{"state": "open", "user": {}, "head": {}, "base": {}, "number": 1}]"#,
            r#"{"action": "submitted", "review": {}, "pull_request": {}}"#,
            "[]",
            "name: x\nsteps: []\n",
        ] {
            assert!(matches!(k(t), Detected::Unknown(_)), "{t}");
        }
    }
}
