package gate.approvals_test

import data.gate.approvals

head := "b6b127d732586df5dcf0444df73621f240ca4bb2"

old := "7a0fcb27b7cd6c346fc3f76216ccb6e0f4ca3bcc"

pr := {
	"provider": "github", "id": "538", "author": "allevin", "commit": head,
	"source": {"evidence": "pr.json", "pointer": "", "line": 1, "column": 1},
}

reviews_ev := [{"id": "reviews.json", "kind": "github-reviews"}, {"id": "pr.json", "kind": "github-pull-request"}]

approval(who, decision, commit, by_author) := {
	"approver": who, "decision": decision, "commit": commit, "by_author": by_author,
	"provider": "github", "change": "538",
	"source": {"evidence": "reviews.json", "pointer": "/0", "line": 2, "column": 3},
}

doc(approvals) := {
	"evidence": reviews_ev, "change": pr, "release": {"commit": head},
	"approvals": approvals,
}

codes(results) := {r.code | some r in results}

test_only_the_author_approved_is_denied_naming_the_author if {
	results := approvals.deny with input as doc([approval("allevin", "approved", head, true)])
	count(results) == 1
	some r in results
	r.code == "approvals.insufficient"
	r.subject == "github#538"
	contains(r.msg, "`allevin` is the author of pull request #538")
	startswith(r.msg, "pull request #538 has 0 approvals from someone other than its author on commit b6b127d73258")
	r.evidence == pr.source
}

test_two_approvals_on_the_head_commit_pass if {
	input_doc := doc([approval("alice", "approved", head, false), approval("bob", "approved", head, false)])
	count(approvals.deny) == 0 with input as input_doc
	count(approvals.warn) == 0 with input as input_doc
}

test_stale_approval_does_not_count_and_says_so if {
	results := approvals.deny with input as doc([approval("alice", "approved", old, false)])
	some r in results
	r.code == "approvals.insufficient"
	contains(r.msg, "`alice` approved commit 7a0fcb27b7cd, not the released b6b127d73258 (a stale approval)")
}

test_minimum_is_configurable_and_counts_distinct_people if {
	input_doc := doc([approval("alice", "approved", head, false)])
	results := approvals.deny with input as input_doc with data.gate.config.approvals.min as 2
	some r in results
	contains(r.msg, "has 1 approval from someone other than its author on commit b6b127d73258, 2 required")
	count(approvals.deny) == 0 with input as input_doc
}

test_outstanding_changes_requested_is_denied if {
	results := approvals.deny with input as doc([
		approval("alice", "approved", head, false),
		approval("carol", "changes_requested", head, false),
	])
	codes(results) == {"approvals.changes-requested"}
	some r in results
	r.subject == "github#538@carol"
	r.msg == "`carol` requested changes on pull request #538 and has not approved since"
}

test_rejection_in_a_ticket_is_denied if {
	results := approvals.deny with input as {
		"evidence": [{"id": "chg.yaml", "kind": "gate-approvals"}],
		"change": {"provider": "generic", "id": "CHG-7", "author": "dan", "source": {"evidence": "chg.yaml", "line": 2, "column": 1}},
		"release": {"commit": null},
		"approvals": [
			approval("cab", "rejected", null, false),
			approval("erin", "approved", null, false),
		],
	}
	some r in results
	r.msg == "`cab` rejected change `CHG-7` and has not approved since"
}

test_approvals_without_a_commit_count_only_when_allowed if {
	gitlab := {
		"evidence": [{"id": "approvals.json", "kind": "gitlab-approvals"}],
		"change": {"provider": "gitlab", "id": "5", "author": "root", "source": {"evidence": "mr.json", "pointer": ""}},
		"release": {"commit": head},
		"approvals": [approval("alice", "approved", null, false)],
	}
	results := approvals.deny with input as gitlab
	some r in results
	startswith(r.msg, "merge request !5 has 0 approvals")
	contains(r.msg, "`alice`'s approval does not say which commit it approved (see `approvals.allow_unknown_commit`)")
	count(approvals.deny) == 0 with input as gitlab with data.gate.config.approvals.allow_unknown_commit as true
}

test_unknown_release_commit_and_author_warn if {
	input_doc := {
		"evidence": [{"id": "reviews.json", "kind": "github-reviews"}],
		"change": null,
		"release": {"commit": null},
		"approvals": [approval("alice", "approved", old, null)],
	}
	count(approvals.deny) == 0 with input as input_doc
	results := approvals.warn with input as input_doc
	codes(results) == {"approvals.commit-unknown", "approvals.author-unknown"}
	some r in results
	r.code == "approvals.commit-unknown"
	r.subject == "change"
	r.msg == "the commit being released is unknown, so the approvals of the change were not checked against it"
	r.evidence == {"evidence": "reviews.json"}
}

test_no_approvals_evidence_judges_nothing_unless_required if {
	bare := {"evidence": [{"id": "junit.xml", "kind": "junit"}], "change": null, "release": {}, "approvals": []}
	count(approvals.deny) == 0 with input as bare
	count(approvals.warn) == 0 with input as bare
	results := approvals.deny with input as bare with data.gate.config.approvals.required as true
	some r in results
	r.code == "approvals.missing"
	r.severity == "high"
	r.msg == "no approvals evidence was given for the change"
}

test_a_change_without_approvals_evidence_warns if {
	pr_only := {"evidence": [{"id": "pr.json", "kind": "github-pull-request"}], "change": pr, "release": {"commit": head}, "approvals": []}
	results := approvals.warn with input as pr_only
	some r in results
	r.code == "approvals.missing"
	r.severity == "medium"
	r.msg == "no approvals evidence was given for pull request #538"
}

test_an_empty_approvals_list_is_evidence_of_no_approval if {
	results := approvals.deny with input as doc([])
	codes(results) == {"approvals.insufficient"}
	some r in results
	r.msg == "pull request #538 has 0 approvals from someone other than its author on commit b6b127d73258, 1 required"
}
