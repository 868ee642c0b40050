# METADATA
# title: Approvals
# description: |
#   The change being released was approved by enough people other than its author, on the commit
#   being released, and nobody's request for changes is outstanding. Parameters:
#   `data.gate.config.approvals.min` (distinct approvers needed, default 1),
#   `data.gate.config.approvals.required` (deny when no approvals evidence is given, default false),
#   `data.gate.config.approvals.allow_unknown_commit` (count approvals that do not say which commit
#   they saw, as GitLab's, default false). Nothing is judged without approvals or change evidence
#   unless `required` is set.
# custom:
#   settings:
#     min:
#       description: Distinct approvers, other than the author, the change needs.
#       type: integer
#       minimum: 0
#       default: 1
#     required:
#       description: Deny when no approvals or change evidence is given.
#       type: boolean
#       default: false
#     allow_unknown_commit:
#       description: Count approvals that do not say which commit they saw (GitLab's).
#       type: boolean
#       default: false
package gate.approvals

default min_approvals := 1

min_approvals := data.gate.config.approvals.min

default required := false

required := data.gate.config.approvals.required

default allow_unknown_commit := false

allow_unknown_commit := data.gate.config.approvals.allow_unknown_commit

approval_kinds := {"github-reviews", "gitlab-approvals", "gate-approvals"}

# Whether any approvals evidence was given (an empty list of approvals still counts as evidence).
has_evidence if {
	some ev in input.evidence
	ev.kind in approval_kinds
}

release_commit := input.release.commit

# Approvers whose standing approval counts: not the author, on the released commit (when it is
# known), or of no stated commit when that is allowed.
counted contains a.approver if {
	some a in input.approvals
	a.decision == "approved"
	a.by_author != true
	not is_string(release_commit)
}

counted contains a.approver if {
	some a in input.approvals
	a.decision == "approved"
	a.by_author != true
	a.commit == release_commit
}

counted contains a.approver if {
	some a in input.approvals
	a.decision == "approved"
	a.by_author != true
	a.commit == null
	allow_unknown_commit == true
}

# Why each approval that does not count does not, in words.
not_counted contains sprintf("`%s` is the author of %s", [a.approver, change_name]) if {
	some a in input.approvals
	a.decision == "approved"
	a.by_author == true
}

not_counted contains msg if {
	some a in input.approvals
	a.decision == "approved"
	a.by_author != true
	is_string(release_commit)
	is_string(a.commit)
	a.commit != release_commit
	msg := sprintf("`%s` approved commit %s, not the released %s (a stale approval)", [
		a.approver, substring(a.commit, 0, 12), substring(release_commit, 0, 12),
	])
}

not_counted contains msg if {
	some a in input.approvals
	a.decision == "approved"
	a.by_author != true
	is_string(release_commit)
	a.commit == null
	allow_unknown_commit != true
	msg := sprintf("`%s`'s approval does not say which commit it approved (see `approvals.allow_unknown_commit`)", [a.approver])
}

default change_name := "the change"

change_name := sprintf("pull request #%s", [input.change.id]) if input.change.provider == "github"

change_name := sprintf("merge request !%s", [input.change.id]) if input.change.provider == "gitlab"

change_name := sprintf("change `%s`", [input.change.id]) if input.change.provider == "generic"

default change_subject := "change"

change_subject := sprintf("%s#%s", [input.change.provider, input.change.id]) if is_string(input.change.id)

default change_evidence := null

change_evidence := input.change.source if is_object(input.change.source)

change_evidence := {"evidence": ev.id} if {
	not is_object(input.change.source)
	some ev in input.evidence
	ev.kind in approval_kinds
}

plural(n, one, _) := one if n == 1

plural(n, _, many) := many if n != 1

reasons := "" if count(not_counted) == 0

reasons := sprintf("; not counted: %s", [concat("; ", sort([r | some r in not_counted]))]) if count(not_counted) > 0

on_commit := sprintf(" on commit %s", [substring(release_commit, 0, 12)]) if is_string(release_commit)

on_commit := "" if not is_string(release_commit)

# METADATA
# title: Not enough approvals
# custom:
#   code: approvals.insufficient
#   severity: high
#   remediation: Have enough reviewers other than the author approve the commit being released (re-request review after new pushes).
deny contains result if {
	has_evidence
	count(counted) < min_approvals
	result := {
		"code": "approvals.insufficient",
		"subject": change_subject,
		"msg": sprintf("%s has %d %s from someone other than its author%s, %d required%s", [
			change_name, count(counted), plural(count(counted), "approval", "approvals"),
			on_commit, min_approvals, reasons,
		]),
		"evidence": change_evidence,
	}
}

# METADATA
# title: Changes requested
# custom:
#   code: approvals.changes-requested
#   severity: high
#   remediation: Address the reviewer's request and have them approve, or have their review dismissed with a reason.
deny contains result if {
	some a in input.approvals
	a.decision in {"changes_requested", "rejected"}
	verb := {"changes_requested": "requested changes on", "rejected": "rejected"}[a.decision]
	result := {
		"code": "approvals.changes-requested",
		"subject": sprintf("%s@%s", [change_subject, a.approver]),
		"msg": sprintf("`%s` %s %s and has not approved since", [a.approver, verb, change_name]),
		"evidence": a.source,
	}
}

# METADATA
# title: No approvals evidence
# custom:
#   code: approvals.missing
#   severity: high
#   remediation: Pass the change's approvals (GitHub reviews, GitLab approvals or a gate-approvals file) to gate.
deny contains result if {
	required == true
	not has_evidence
	result := missing_result("high")
}

# METADATA
# title: No approvals evidence
# custom:
#   code: approvals.missing
#   severity: medium
#   remediation: Pass the change's approvals (GitHub reviews, GitLab approvals or a gate-approvals file) to gate.
warn contains result if {
	required != true
	not has_evidence
	is_string(input.change.id)
	result := missing_result("medium")
}

missing_result(severity) := {
	"code": "approvals.missing",
	"subject": change_subject,
	"msg": sprintf("no approvals evidence was given for %s", [change_name]),
	"severity": severity,
	"evidence": change_evidence,
}

# METADATA
# title: The released commit is unknown
# custom:
#   code: approvals.commit-unknown
#   severity: medium
#   remediation: Pass the pull or merge request file, or `--param commit=SHA`, so approvals can be checked against the commit being released.
warn contains result if {
	has_evidence
	not is_string(release_commit)
	result := {
		"code": "approvals.commit-unknown",
		"subject": change_subject,
		"msg": sprintf("the commit being released is unknown, so the approvals of %s were not checked against it", [change_name]),
		"evidence": change_evidence,
	}
}

# METADATA
# title: The change's author is unknown
# custom:
#   code: approvals.author-unknown
#   severity: medium
#   remediation: Pass the pull or merge request file, or `--param author=LOGIN`, so an approval by the author is not counted.
warn contains result if {
	has_evidence
	count(input.approvals) > 0
	every a in input.approvals {
		a.by_author == null
	}
	result := {
		"code": "approvals.author-unknown",
		"subject": change_subject,
		"msg": sprintf("the author of %s is unknown, so an approval by the author could not be told apart", [change_name]),
		"evidence": change_evidence,
	}
}
