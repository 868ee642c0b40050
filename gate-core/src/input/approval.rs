//! `input.approvals[]` and `input.change`: who approved the change being released, and which change.
//!
//! Filled by the GitHub, GitLab and generic approvals readers; `by_author` and the change are
//! settled when the input is built, once every file has been read.

use schemars::JsonSchema;
use serde::Serialize;

use super::Source;

/// What a reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approved the change.
    Approved,
    /// Asked for changes before it may go in (GitHub `CHANGES_REQUESTED`).
    ChangesRequested,
    /// Rejected it outright (change-management systems).
    Rejected,
}

impl Decision {
    /// The word used in `input` (`approved`, `changes_requested`, `rejected`).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::ChangesRequested => "changes_requested",
            Decision::Rejected => "rejected",
        }
    }
}

/// One reviewer's standing decision on the change.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Approval {
    /// Who: a GitHub login, a GitLab username, or the generic file's `approver`.
    pub approver: String,
    /// Their role, when known: GitHub's `author_association` (`OWNER`, `MEMBER`…), the generic
    /// file's `role`.
    pub role: Option<String>,
    /// What they decided.
    pub decision: Decision,
    /// When, RFC 3339, when known.
    pub at: Option<String>,
    /// The commit they reviewed (GitHub `commit_id`), when known. GitLab's approvals API does
    /// not say.
    pub commit: Option<String>,
    /// The version they approved (generic format), when given.
    pub version: Option<String>,
    /// The change it belongs to (pull request number, merge request iid, ticket id), when known.
    pub change: Option<String>,
    /// `github`, `gitlab` or `generic`.
    pub provider: String,
    /// Where the approval can be seen (the review's URL, the ticket's link), when known.
    pub reference: Option<String>,
    /// Whether the approver is the change's author: `null` while the author is unknown.
    pub by_author: Option<bool>,
    /// Where in the evidence.
    pub source: Source,
}

/// `input.change`: the change being released (a pull request, merge request or change ticket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Change {
    /// `github`, `gitlab` or `generic`.
    pub provider: String,
    /// Pull request number, merge request iid, or ticket id, as text.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Who opened it.
    pub author: Option<String>,
    /// The head commit (GitHub `head.sha`, GitLab `sha`, generic `commit`).
    pub commit: Option<String>,
    /// The branch it merges into.
    pub base_ref: Option<String>,
    /// `open`, `closed`, `merged` (GitHub, GitLab), when known.
    pub state: Option<String>,
    /// Who merged it.
    pub merged_by: Option<String>,
    /// When it was merged, RFC 3339.
    pub merged_at: Option<String>,
    /// The version it releases (generic format).
    pub version: Option<String>,
    /// Its web page.
    pub url: Option<String>,
    /// Where in the evidence.
    pub source: Source,
}

impl Change {
    /// Fill this change's missing fields from another description of the same change.
    pub fn fill_from(&mut self, other: Change) {
        let Change {
            title,
            author,
            commit,
            base_ref,
            state,
            merged_by,
            merged_at,
            version,
            url,
            ..
        } = other;
        for (mine, theirs) in [
            (&mut self.title, title),
            (&mut self.author, author),
            (&mut self.commit, commit),
            (&mut self.base_ref, base_ref),
            (&mut self.state, state),
            (&mut self.merged_by, merged_by),
            (&mut self.merged_at, merged_at),
            (&mut self.version, version),
            (&mut self.url, url),
        ] {
            if mine.is_none() {
                *mine = theirs;
            }
        }
    }
}

/// How a change is named in messages: `pull request 538`, `merge request !12`, `change CHG-1`.
fn describe(c: &Change) -> String {
    match c.provider.as_str() {
        "github" => format!("pull request #{}", c.id),
        "gitlab" => format!("merge request !{}", c.id),
        _ => format!("change `{}`", c.id),
    }
}

/// Whether `s` is a full commit id: 40 (SHA-1) or 64 (SHA-256) hex digits.
fn is_full_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Settle what only the whole run knows: the one change (descriptions of the same change from
/// several files are merged; two different changes are an error), the release commit
/// (`--param commit=`, else the change's head commit), and each approval's `by_author` (the
/// change's author, else `--param author=`).
pub(crate) fn settle(
    input: &mut super::Input,
    changes: Vec<Change>,
    params: &std::collections::BTreeMap<String, String>,
) -> Result<(), crate::Error> {
    let mut change: Option<Change> = None;
    for c in changes {
        match &mut change {
            None => change = Some(c),
            Some(have) if have.provider == c.provider && have.id == c.id => have.fill_from(c),
            Some(have) => {
                return Err(crate::Error::Evidence {
                    path: c.source.evidence.clone().into(),
                    problem: crate::EvidenceError::new(format!(
                        "describes {}, but `{}` describes {}: gate judges one change per run",
                        describe(&c),
                        have.source.evidence,
                        describe(have)
                    )),
                });
            }
        }
    }
    if let Some(c) = &change {
        for a in &input.approvals {
            let same_provider = a.provider == c.provider;
            if let (true, Some(of)) = (same_provider, &a.change) {
                if *of != c.id {
                    return Err(crate::Error::Evidence {
                        path: a.source.evidence.clone().into(),
                        problem: crate::EvidenceError::new(format!(
                            "holds approvals of {}, but `{}` describes {}",
                            describe(&Change {
                                id: of.clone(),
                                ..c.clone()
                            }),
                            c.source.evidence,
                            describe(c)
                        )),
                    });
                }
            }
        }
    }
    // Commit ids compare as lower-case hex, whoever wrote them.
    let lower_hex = |c: &mut Option<String>| {
        if let Some(v) = c.as_mut() {
            if v.bytes().all(|b| b.is_ascii_hexdigit()) {
                v.make_ascii_lowercase();
            }
        }
    };
    if let Some(c) = change.as_mut() {
        lower_hex(&mut c.commit);
    }
    for a in &mut input.approvals {
        lower_hex(&mut a.commit);
    }
    let commit = match params.get("commit") {
        Some(p) if is_full_sha(p.trim()) => Some(p.trim().to_ascii_lowercase()),
        Some(p) => {
            return Err(crate::Error::Usage(format!(
                "--param commit=`{p}`: expected a full commit id (40 or 64 hex digits)"
            )))
        }
        None => change.as_ref().and_then(|c| c.commit.clone()),
    };
    input.release.commit = commit;
    let author = change
        .as_ref()
        .and_then(|c| c.author.clone())
        .or_else(|| params.get("author").cloned());
    for a in &mut input.approvals {
        a.by_author = author
            .as_deref()
            .map(|who| who.eq_ignore_ascii_case(&a.approver));
    }
    input.change = change;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn change(provider: &str, id: &str, file: &str) -> Change {
        Change {
            provider: provider.into(),
            id: id.into(),
            title: None,
            author: None,
            commit: None,
            base_ref: None,
            state: None,
            merged_by: None,
            merged_at: None,
            version: None,
            url: None,
            source: Source::line(file, 1, 1),
        }
    }

    fn approval(who: &str, of: Option<&str>, commit: Option<&str>) -> Approval {
        Approval {
            approver: who.into(),
            role: None,
            decision: Decision::Approved,
            at: None,
            commit: commit.map(str::to_owned),
            version: None,
            change: of.map(str::to_owned),
            provider: "github".into(),
            reference: None,
            by_author: None,
            source: Source::line("reviews.json", 2, 3),
        }
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const SHA: &str = "9F2C4E1A7B3D5F6E8A0C2B4D6F8E0A1C3B5D7F9E";

    #[test]
    fn descriptions_of_one_change_merge_and_settle_commit_and_author() {
        let mut input = super::super::Input {
            approvals: vec![
                approval("Maria-Dev", Some("42"), Some(SHA)),
                approval("li", Some("42"), None),
            ],
            ..Default::default()
        };
        let mut a = change("github", "42", "pr.json");
        a.author = Some("maria-dev".into());
        let mut b = change("github", "42", "pr-again.json");
        b.commit = Some(SHA.into());
        b.author = Some("someone-else".into());
        settle(&mut input, vec![a, b], &BTreeMap::new()).unwrap();
        let c = input.change.as_ref().unwrap();
        assert_eq!(c.author.as_deref(), Some("maria-dev"));
        assert_eq!(c.source.evidence, "pr.json");
        let lower = SHA.to_ascii_lowercase();
        assert_eq!(input.release.commit.as_deref(), Some(lower.as_str()));
        assert_eq!(input.approvals[0].commit.as_deref(), Some(lower.as_str()));
        assert_eq!(input.approvals[0].by_author, Some(true));
        assert_eq!(input.approvals[1].by_author, Some(false));
    }

    #[test]
    fn params_stand_in_for_a_missing_change_and_win_for_the_commit() {
        let mut input = super::super::Input {
            approvals: vec![approval("ann", None, None)],
            ..Default::default()
        };
        let other = "0".repeat(64);
        settle(
            &mut input,
            vec![],
            &params(&[("author", "ann"), ("commit", &other)]),
        )
        .unwrap();
        assert_eq!(input.change, None);
        assert_eq!(input.release.commit.as_deref(), Some(other.as_str()));
        assert_eq!(input.approvals[0].by_author, Some(true));

        let mut input = super::super::Input::default();
        let e = settle(&mut input, vec![], &params(&[("commit", "HEAD")])).unwrap_err();
        assert!(e.to_string().contains("full commit id"), "{e}");
    }

    #[test]
    fn two_changes_or_approvals_of_another_change_are_refused() {
        let mut input = super::super::Input::default();
        let e = settle(
            &mut input,
            vec![
                change("github", "42", "pr.json"),
                change("generic", "CHG-1", "ticket.yaml"),
            ],
            &BTreeMap::new(),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("ticket.yaml: describes change `CHG-1`"),
            "{msg}"
        );
        assert!(
            msg.contains("`pr.json` describes pull request #42"),
            "{msg}"
        );

        let mut input = super::super::Input {
            approvals: vec![approval("ann", Some("12"), None)],
            ..Default::default()
        };
        let e = settle(
            &mut input,
            vec![change("github", "42", "pr.json")],
            &BTreeMap::new(),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("reviews.json: holds approvals of pull request #12"),
            "{msg}"
        );
    }
}
