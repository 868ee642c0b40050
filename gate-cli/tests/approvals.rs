//! End-to-end: approvals evidence through the `gate` binary and the standard policies, where a
//! case file cannot say it: the shared corpus, and a line checked against the evidence. The
//! approvals and TAP cases (GitHub, GitLab, generic tickets, refused files) are data in
//! `cmd/check-approvals-*` and `cmd/check-tap-*` (run by `cmd.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Output;

use common::{corpus_file, gate, json, root, stderr, NOW};

const PR: &str = "gate-cli/tests/data/approvals/github-pull-request.json";

/// `gate check EVIDENCE… -f json --now NOW EXTRA…` with the embedded policies.
fn check(evidence: &[&str], extra: &[&str]) -> Output {
    let mut args = vec!["check"];
    args.extend_from_slice(evidence);
    args.extend_from_slice(&["-f", "json", "--now", NOW]);
    args.extend_from_slice(extra);
    gate(&args)
}

fn results_of(out: &Output) -> Vec<serde_json::Value> {
    json(out)["results"].as_array().unwrap().clone()
}

fn with_code<'r>(results: &'r [serde_json::Value], code: &str) -> Vec<&'r serde_json::Value> {
    results.iter().filter(|r| r["code"] == code).collect()
}

/// The stale approval and the change request are pinned in `cmd/check-approvals-stale-json`;
/// this checks that the line given is the `CHANGES_REQUESTED` review, not the `COMMENTED` one
/// after it.
#[test]
fn stale_approvals_and_outstanding_change_requests_fail() {
    let out = check(
        &[
            PR,
            "gate-cli/tests/data/approvals/github-reviews-stale.json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let insufficient = with_code(&results, "approvals.insufficient");
    let msg = insufficient[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("`tomas-maint` approved commit 3e7a9c1b5d2f, not the released 9f2c4e1a7b3d (a stale approval)"),
        "{msg}"
    );
    let requested = with_code(&results, "approvals.changes-requested");
    assert_eq!(requested.len(), 1, "{results:#?}");
    assert_eq!(requested[0]["subject"], "github#42@li-reviewer");
    // The line is the CHANGES_REQUESTED review, not the COMMENTED one after it.
    let line = requested[0]["evidence"][0]["line"].as_u64().unwrap() as usize;
    let text = fs_err::read_to_string(
        root().join("gate-cli/tests/data/approvals/github-reviews-stale.json"),
    )
    .unwrap();
    let review: String = text.lines().skip(line - 1).take(8).collect();
    assert!(review.contains("\"id\": 2400022"), "line {line}: {review}");
}

/// Real GitHub API payloads recorded by PyGithub: pull request #538 and its reviews. The one
/// approval is on an older commit than the head, so it is stale.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn real_github_payloads_from_the_corpus() {
    let dir = "approvals/pygithub-replaydata";
    let pr = corpus_file(&format!(
        "{dir}/PullRequestReview.testDoesNotModifyPullRequest__01__pulls_N.json"
    ));
    let reviews = corpus_file(&format!(
        "{dir}/PullRequestReview.testAttributes__01__pulls_N_reviews.json"
    ));
    let out = check(&[pr.to_str().unwrap(), reviews.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let r = with_code(&results, "approvals.insufficient");
    assert_eq!(r.len(), 1, "{results:#?}");
    let msg = r[0]["message"].as_str().unwrap();
    assert!(
        msg.contains(
            "`jzelinskie` approved commit 7a0fcb27b7cd, not the released b6b127d73258 (a stale approval)"
        ),
        "{msg}"
    );
    assert!(
        msg.starts_with("pull request #538 has 0 approvals"),
        "{msg}"
    );
}
