//! End-to-end: approvals evidence (GitHub, GitLab, generic) and TAP reports through the `gate`
//! binary and the standard policies, with exit codes asserted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Output;

use common::{corpus_file, gate, json, root, stderr, write, NOW};

const HEAD: &str = "9f2c4e1a7b3d5f6e8a0c2b4d6f8e0a1c3b5d7f9e";
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

#[test]
fn only_the_authors_approval_fails_naming_the_author() {
    let out = check(
        &[
            PR,
            "gate-cli/tests/data/approvals/github-reviews-author-only.json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let denied = with_code(&results, "approvals.insufficient");
    assert_eq!(denied.len(), 1, "{results:#?}");
    let r = denied[0];
    assert_eq!(r["level"], "deny");
    assert_eq!(r["subject"], "github#42");
    let msg = r["message"].as_str().unwrap();
    assert!(
        msg.contains("`maria-dev` is the author of pull request #42"),
        "{msg}"
    );
    assert!(msg.starts_with("pull request #42 has 0 approvals"), "{msg}");
    assert_eq!(r["evidence"][0]["evidence"], PR);
    assert_eq!(r["evidence"][0]["line"], 1);
}

#[test]
fn two_approvals_from_others_on_the_head_commit_pass() {
    let out = check(
        &[
            PR,
            "gate-cli/tests/data/approvals/github-reviews-two-approvals.json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    // An earlier CHANGES_REQUESTED replaced by an approval, a COMMENTED review after an
    // approval and a DISMISSED review leave nothing to report.
    assert!(results_of(&out).is_empty(), "{:#?}", results_of(&out));
    // Requiring three distinct approvers fails the same evidence.
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        &dir,
        "data.json",
        r#"{"gate": {"config": {"approvals": {"min": 3}}}}"#,
    );
    let out = check(
        &[
            PR,
            "gate-cli/tests/data/approvals/github-reviews-two-approvals.json",
        ],
        &["-d", &data],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let msg = with_code(&results, "approvals.insufficient")[0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(msg.contains("has 2 approvals"), "{msg}");
    assert!(msg.contains("3 required"), "{msg}");
}

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

#[test]
fn reviews_alone_take_commit_and_author_from_params() {
    let reviews = "gate-cli/tests/data/approvals/github-reviews-author-only.json";
    let commit = format!("commit={HEAD}");
    let out = check(
        &[reviews],
        &["--param", &commit, "--param", "author=maria-dev"],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let msg = with_code(&results, "approvals.insufficient")[0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.contains("`maria-dev` is the author of the change"),
        "{msg}"
    );

    // Without them the approval counts, but gate says what it could not check.
    let out = check(&[reviews], &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let codes: Vec<&str> = results
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["approvals.author-unknown", "approvals.commit-unknown"],
        "{results:#?}"
    );
    let out = check(&[reviews], &["--fail-on", "warn"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
}

#[test]
fn inspect_shows_change_release_commit_and_by_author() {
    let out = gate(&[
        "inspect",
        PR,
        "gate-cli/tests/data/approvals/github-reviews-two-approvals.json",
        "--now",
        NOW,
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let input: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(input["release"]["commit"], HEAD);
    assert_eq!(input["change"]["author"], "maria-dev");
    assert_eq!(input["change"]["merged_by"], "tomas-maint");
    assert_eq!(input["change"]["state"], "merged");
    let approvals = input["approvals"].as_array().unwrap();
    let who: Vec<(&str, &str, bool)> = approvals
        .iter()
        .map(|a| {
            (
                a["approver"].as_str().unwrap(),
                a["decision"].as_str().unwrap(),
                a["by_author"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            ("tomas-maint", "approved", false),
            ("li-reviewer", "approved", false)
        ]
    );
    assert_eq!(approvals[0]["commit"], HEAD);
    assert_eq!(approvals[0]["role"], "MEMBER");
    assert_eq!(approvals[0]["change"], "42");
    assert_eq!(input["context"]["params"], serde_json::json!({}));
}

#[test]
fn two_different_changes_in_one_run_cannot_be_judged() {
    let out = check(
        &[PR, "gate-cli/tests/data/approvals/change-ticket.yaml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("gate-cli/tests/data/approvals/change-ticket.yaml"),
        "{err}"
    );
    assert!(err.contains("one change per run"), "{err}");
}

#[test]
fn a_commit_param_must_be_a_full_sha() {
    let out = check(
        &["gate-cli/tests/data/approvals/github-reviews-two-approvals.json"],
        &["--param", "commit=9f2c4e1"],
    );
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("full commit id"), "{}", stderr(&out));
}

#[test]
fn gitlab_approvals_count_only_when_commits_may_be_unknown() {
    let evidence = [
        "gate-cli/tests/data/approvals/gitlab-merge-request.json",
        "gate-cli/tests/data/approvals/gitlab-approvals.json",
    ];
    let out = check(&evidence, &[]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let msg = with_code(&results, "approvals.insufficient")[0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.starts_with("merge request !17 has 0 approvals"),
        "{msg}"
    );

    let dir = tempfile::tempdir().unwrap();
    let data = write(
        &dir,
        "data.json",
        r#"{"gate": {"config": {"approvals": {"allow_unknown_commit": true, "min": 2}}}}"#,
    );
    let out = check(&evidence, &["-d", &data]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
}

#[test]
fn generic_change_tickets_in_yaml_and_json() {
    let out = check(&["gate-cli/tests/data/approvals/change-ticket.yaml"], &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let out = check(
        &["gate-cli/tests/data/approvals/change-ticket-rejected.json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let r = with_code(&results, "approvals.changes-requested");
    assert_eq!(r.len(), 1, "{results:#?}");
    assert_eq!(
        r[0]["message"],
        "`cab-board` rejected change `CHG-20418` and has not approved since"
    );
    assert_eq!(r[0]["evidence"][0]["line"], 18);
}

#[test]
fn generic_files_with_unknown_or_missing_fields_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, needle) in [
        (
            "unknown.yaml",
            "gate-approvals: 1\nchange:\n  id: CHG-1\napprovals:\n  - approver: a\n    decision: approved\n    approved: yes\n",
            "approvals[0]",
        ),
        (
            "missing.yaml",
            "gate-approvals: 1\nchange:\n  author: a\napprovals: []\n",
            "missing field `id`",
        ),
        (
            "decision.json",
            r#"{"gate-approvals": 1, "change": {"id": "C"}, "approvals": [{"approver": "a", "decision": "ok"}]}"#,
            "approvals[0].decision",
        ),
        (
            "version.json",
            r#"{"gate-approvals": 2, "change": {"id": "C"}, "approvals": []}"#,
            "version 2",
        ),
    ] {
        let path = write(&dir, name, text);
        let out = check(&[&path], &[]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(name), "{name}: {err}");
        assert!(err.contains(needle), "{name}: {err}");
    }
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

#[test]
fn tap_failures_flow_through_the_tests_policy() {
    let out = check(&["fixtures/tap/node-test.tap"], &[]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let failed = with_code(&results, "tests.failed");
    let subjects: Vec<&str> = failed
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "parsePairs",
            "parsePairs of a bare word",
            "slugify never ends with a dash after truncation"
        ],
        "{results:#?}"
    );
    // The suite whose nested test failed names that test.
    assert!(
        failed[0]["message"]
            .as_str()
            .unwrap()
            .contains("(first failing subtest: `splits pairs on semicolons`)"),
        "{}",
        failed[0]
    );
    let truncation = failed[2];
    assert_eq!(truncation["evidence"][0]["line"], 13);
    assert!(
        truncation["message"]
            .as_str()
            .unwrap()
            .contains("failed: Expected values to be strictly equal:"),
        "{truncation}"
    );
}

#[test]
fn tap_plan_mismatch_and_bail_out_fail() {
    let dir = tempfile::tempdir().unwrap();
    let short = write(
        &dir,
        "short.tap",
        "TAP version 13\n1..4\nok 1 - a\nok 2 - b\n",
    );
    let out = check(&[&short], &[]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let hidden = with_code(&results, "tests.hidden-failures");
    assert_eq!(hidden.len(), 1, "{results:#?}");
    assert_eq!(
        hidden[0]["message"],
        "the plan `1..4` announces 4 tests but the report has 2 test points"
    );
    assert_eq!(hidden[0]["evidence"][0]["line"], 2);
    assert!(
        stderr(&out).contains("tap-plan-mismatch"),
        "{}",
        stderr(&out)
    );

    let bail = write(
        &dir,
        "bail.tap",
        "TAP version 13\n1..3\nok 1 - a\nBail out! no database\n",
    );
    let out = check(&[&bail], &[]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let results = results_of(&out);
    let errored = with_code(&results, "tests.errored");
    assert_eq!(errored.len(), 1, "{results:#?}");
    assert_eq!(
        errored[0]["message"],
        "test `Bail out!` errored: no database"
    );

    let truncated = write(
        &dir,
        "truncated.tap",
        "TAP version 13\nnot ok 1 - a\n  ---\n  message: boom\n",
    );
    let out = check(&[&truncated], &[]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("truncated.tap:3:1"),
        "{}",
        stderr(&out)
    );
}
