package gate.misconfig_test

import data.gate.misconfig

finding(severity, suppressed) := {
	"id": "DS002",
	"tool": "trivy",
	"kind": "misconfiguration",
	"severity": severity,
	"suppressed": suppressed,
	"message": "Image user should not be 'root': Specify at least 1 USER command in Dockerfile",
	"remediation": "Add 'USER <non root user name>' line to the Dockerfile",
	"location": {"path": "Dockerfile", "line": 3, "column": null, "end_line": 3},
	"source": {"evidence": "trivy.json", "pointer": "/Results/0/Misconfigurations/0"},
	"subject": "DS002@Dockerfile:3",
}

test_high_misconfiguration_is_denied_with_the_scanners_resolution if {
	results := misconfig.deny with input as {"findings": [finding("high", false)]}
	count(results) == 1
	some r in results
	r.code == "misconfig.finding"
	r.subject == "DS002@Dockerfile:3"
	r.severity == "high"
	r.msg == "trivy: high DS002 at Dockerfile:3: Image user should not be 'root': Specify at least 1 USER command in Dockerfile"
	r.remediation == "Add 'USER <non root user name>' line to the Dockerfile"
}

test_medium_and_excepted_pass if {
	count(misconfig.deny) == 0 with input as {"findings": [finding("medium", false), finding("critical", true)]}
}

test_blocking_severities_come_from_data if {
	results := misconfig.deny with input as {"findings": [finding("medium", false)]}
		with data.gate.config.misconfig.blocking_severities as ["medium"]
	count(results) == 1
}

test_other_kinds_are_not_misconfigurations if {
	f := object.union(finding("critical", false), {"kind": "secret"})
	count(misconfig.deny) == 0 with input as {"findings": [f]}
}

test_generic_remediation_and_locations if {
	f := object.union(finding("critical", false), {"remediation": null, "location": {"path": "main.tf", "line": null}})
	some r in misconfig.deny with input as {"findings": [f]}
	r.remediation == "Change the configuration as the check describes, or add an exception with a reason in the scanner."
	r.msg == "trivy: critical DS002 at main.tf: Image user should not be 'root': Specify at least 1 USER command in Dockerfile"
	g := object.union(finding("critical", false), {"location": null})
	some s in misconfig.deny with input as {"findings": [g]}
	s.msg == "trivy: critical DS002 at an unknown location: Image user should not be 'root': Specify at least 1 USER command in Dockerfile"
}

test_unknown_severity_blocks_unless_configured_off if {
	count(misconfig.deny) == 1 with input as {"findings": [finding("unknown", false)]}
	count(misconfig.deny) == 0 with input as {"findings": [finding("unknown", false)]}
		with data.gate.config.misconfig.unknown_blocks as false
}
