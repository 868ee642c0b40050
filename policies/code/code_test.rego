package gate.code_test

import data.gate.code

finding(severity, suppressed) := {
	"id": "B506",
	"tool": "Bandit",
	"kind": "code",
	"severity": severity,
	"suppressed": suppressed,
	"message": "Use of unsafe yaml load.",
	"location": {"path": "app/config.py", "line": 12, "column": 5},
	"source": {"evidence": "bandit.sarif", "pointer": "/runs/0/results/0"},
	"subject": "B506@app/config.py:12",
}

test_high_result_is_denied_with_location if {
	results := code.deny with input as {"findings": [finding("high", false)]}
	count(results) == 1
	some r in results
	r.code == "code.finding"
	r.subject == "B506@app/config.py:12"
	r.msg == "Bandit: high B506 at app/config.py:12: Use of unsafe yaml load."
}

test_suppressed_and_medium_results_pass if {
	count(code.deny) == 0 with input as {"findings": [finding("high", true), finding("medium", false)]}
}

test_blocking_severities_come_from_data if {
	results := code.deny with input as {"findings": [finding("medium", false)]}
		with data.gate.config.code.blocking_severities as ["medium"]
	count(results) == 1
}

test_vulnerabilities_are_not_code_findings if {
	f := object.union(finding("critical", false), {"kind": "vulnerability"})
	count(code.deny) == 0 with input as {"findings": [f]}
}

test_location_without_line if {
	f := object.union(finding("high", false), {"location": {"path": "a.py", "line": null, "column": null}})
	results := code.deny with input as {"findings": [f]}
	some r in results
	r.msg == "Bandit: high B506 at a.py: Use of unsafe yaml load."
}

test_secrets_and_misconfigurations_have_their_own_policies if {
	s := object.union(finding("critical", false), {"kind": "secret"})
	m := object.union(finding("critical", false), {"kind": "misconfiguration"})
	count(code.deny) == 0 with input as {"findings": [s, m]}
}

test_absent_results_are_not_current_findings if {
	gone := object.union(finding("high", false), {"baseline_state": "absent"})
	count(code.deny) == 0 with input as {"findings": [gone]}
	new := object.union(finding("high", false), {"baseline_state": "new"})
	count(code.deny) == 1 with input as {"findings": [new]}
}

test_unknown_severity_blocks_unless_configured_off if {
	count(code.deny) == 1 with input as {"findings": [finding("unknown", false)]}
	count(code.deny) == 0 with input as {"findings": [finding("unknown", false)]}
		with data.gate.config.code.unknown_blocks as false
}

incomplete_scan := {
	"evidence": "semgrep.sarif",
	"tool": "semgrep",
	"incomplete": [{
		"run": "runs[0]",
		"tool": "semgrep",
		"reason": "invocations[0] reports `executionSuccessful: false` (exit code 2)",
		"source": {"evidence": "semgrep.sarif", "pointer": "/runs/0/invocations/0"},
	}],
	"mismatches": [],
}

test_an_incomplete_scan_is_denied_naming_the_run if {
	results := code.deny with input as {"findings": [], "scans": [incomplete_scan]}
	count(results) == 1
	some r in results
	r.code == "code.scan-incomplete"
	r.subject == "semgrep.sarif#runs[0]"
	r.msg == "semgrep did not complete its scan (`semgrep.sarif` runs[0]): invocations[0] reports `executionSuccessful: false` (exit code 2)"
	r.evidence.pointer == "/runs/0/invocations/0"
}

test_a_complete_scan_is_not_denied if {
	complete := object.union(incomplete_scan, {"incomplete": []})
	count(code.deny) == 0 with input as {"findings": [], "scans": [complete]}
}
