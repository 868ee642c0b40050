//! The approvals readers on real GitHub API payloads from the shared corpus (PyGithub's recorded
//! traffic, octocrab's and octokit's test resources): every file is read or declined, never
//! misread; pull requests and reviews come out as the API says.
//!
//! Ignored (listed as skipped) when the build did not find `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use gate_core::evidence::read_file;
use gate_core::input::Decision;

mod common;

fn say(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// The approvals part of the shared corpus.
fn corpus() -> PathBuf {
    common::corpus().join("approvals")
}

/// Every JSON file is either read as the kind its API shape says, or declined as unknown; the
/// PyGithub index says which request each file answered, so the kind can be checked against it.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn every_payload_is_read_as_what_it_is_or_declined() {
    let dir = corpus();
    let index_text =
        fs_err::read_to_string(dir.join("pygithub-replaydata/INDEX.json")).unwrap_or_default();
    let index: Vec<serde_json::Value> = serde_json::from_str(&index_text).unwrap_or_default();
    let request_of = |name: &str| -> Option<String> {
        index
            .iter()
            .find(|e| e["file"] == name)
            .and_then(|e| e["request"].as_str().map(str::to_owned))
    };
    let mut failures = Vec::new();
    let (mut prs, mut reviews) = (0, 0);
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let request = request_of(&name).unwrap_or_default();
        let ev = match read_file(path, &rel) {
            Ok(Ok(ev)) => ev,
            Ok(Err(_unknown)) => {
                let is_pull = request.starts_with("GET ") && request.contains("/pulls/");
                let is_pr_or_reviews = is_pull
                    && (request.ends_with("/reviews")
                        || request
                            .rsplit('/')
                            .next()
                            .is_some_and(|n| n.parse::<u64>().is_ok()));
                if is_pr_or_reviews && !request.contains("/reviews") {
                    failures.push(format!(
                        "{rel}: a pull request ({request}) was not recognised"
                    ));
                }
                continue;
            }
            Err(e) => {
                failures.push(format!("{rel}: refused: {e}"));
                continue;
            }
        };
        match ev.info.kind.as_str() {
            "github-pull-request" => {
                prs += 1;
                let change = ev.facts.change.as_ref().unwrap();
                if !request.is_empty() && !request.ends_with(&format!("/pulls/{}", change.id)) {
                    failures.push(format!("{rel}: read as PR {} but is {request}", change.id));
                }
                assert_eq!(change.commit.as_deref().map(str::len), Some(40), "{rel}");
                assert!(change.author.is_some(), "{rel}");
            }
            "github-reviews" => {
                reviews += 1;
                if !request.is_empty() && !request.contains("/reviews") {
                    failures.push(format!("{rel}: read as reviews but is {request}"));
                }
            }
            other => failures.push(format!("{rel}: read as {other}")),
        }
    }
    say(&format!(
        "approvals corpus: {prs} pull requests, {reviews} review files read"
    ));
    assert!(prs >= 20, "only {prs} pull requests read");
    assert!(reviews >= 5, "only {reviews} review files read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pull request #538 of PyGithub and its five reviews: one APPROVED (by the owner, on an older
/// commit) and four COMMENTED, which do not count.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn pull_request_538_and_its_reviews() {
    let dir = corpus();
    let dir = dir.join("pygithub-replaydata");
    let pr = dir.join("PullRequestReview.testDoesNotModifyPullRequest__01__pulls_N.json");
    let reviews = dir.join("PullRequestReview.testAttributes__01__pulls_N_reviews.json");
    let (input, _) = common::inspect(&[pr, reviews.clone()], None).unwrap();
    let change = input.change.as_ref().unwrap();
    assert_eq!(change.provider, "github");
    assert_eq!(change.id, "538");
    assert_eq!(change.author.as_deref(), Some("allevin"));
    assert_eq!(change.base_ref.as_deref(), Some("master"));
    assert_eq!(change.merged_by.as_deref(), Some("jzelinskie"));
    assert_eq!(change.state.as_deref(), Some("merged"));
    assert_eq!(
        input.release.commit.as_deref(),
        Some("b6b127d732586df5dcf0444df73621f240ca4bb2")
    );
    assert_eq!(input.approvals.len(), 1, "{:#?}", input.approvals);
    let a = &input.approvals[0];
    assert_eq!(a.approver, "jzelinskie");
    assert_eq!(a.decision, Decision::Approved);
    assert_eq!(a.role.as_deref(), Some("OWNER"));
    assert_eq!(
        a.commit.as_deref(),
        Some("7a0fcb27b7cd6c346fc3f76216ccb6e0f4ca3bcc")
    );
    assert_eq!(a.at.as_deref(), Some("2017-03-22T19:06:59Z"));
    assert_eq!(a.change.as_deref(), Some("538"));
    assert_eq!(a.by_author, Some(false));
    assert_eq!(a.source.pointer.as_deref(), Some("/0"));
    // The line is where the review object opens.
    let text = fs_err::read_to_string(&reviews).unwrap();
    let line = text.lines().nth(a.source.line.unwrap() - 1).unwrap();
    assert_eq!(line.trim(), "{");
}

/// Webhook payloads wrap a review and a pull request in an event; gate does not read them as
/// either, so nothing is judged from half a picture.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn webhook_payloads_are_not_mistaken_for_api_responses() {
    let dir = corpus();
    let hooks = dir.join("octokit-webhooks/payload-examples/api.github.com/pull_request_review");
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&hooks) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        seen += 1;
        let rel = entry.path().to_string_lossy().into_owned();
        assert!(
            matches!(read_file(entry.path(), &rel), Ok(Err(_))),
            "{rel} was not declined"
        );
    }
    say(&format!(
        "{seen} pull_request_review webhook payloads declined"
    ));
}

/// One review (`GET …/reviews/{id}`), as octocrab's tests use it.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn a_single_review_object_is_one_approval() {
    let dir = corpus();
    let path = dir.join("octocrab/tests/resources/get_pull_request_review.json");
    assert!(
        path.is_file(),
        "{} is missing from the shared corpus",
        path.display()
    );
    let ev = read_file(&path, "review.json").unwrap().unwrap();
    assert_eq!(ev.info.kind, "github-reviews");
    let raw: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(&path).unwrap()).unwrap();
    let state = raw["state"].as_str().unwrap();
    let counted = matches!(state, "APPROVED" | "CHANGES_REQUESTED");
    assert_eq!(
        ev.facts.approvals.len(),
        usize::from(counted),
        "state {state}"
    );
    if let Some(a) = ev.facts.approvals.first() {
        assert_eq!(a.approver, raw["user"]["login"].as_str().unwrap());
        assert_eq!(a.commit.as_deref(), raw["commit_id"].as_str());
    }
}
