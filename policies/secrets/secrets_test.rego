package gate.secrets_test

import data.gate.secrets

finding(severity, suppressed) := {
	"id": "aws-access-key-id",
	"tool": "trivy",
	"kind": "secret",
	"severity": severity,
	"suppressed": suppressed,
	"message": "AWS Access Key ID",
	"location": {"path": "deploy.sh", "line": 3, "column": null, "end_line": 3},
	"source": {"evidence": "trivy.json", "pointer": "/Results/0/Secrets/0"},
	"subject": "aws-access-key-id@deploy.sh:3",
}

test_any_unsuppressed_secret_is_denied if {
	results := secrets.deny with input as {"findings": [finding("low", false)]}
	count(results) == 1
	some r in results
	r.code == "secrets.leaked"
	r.subject == "aws-access-key-id@deploy.sh:3"
	r.msg == "trivy found a secret (aws-access-key-id: AWS Access Key ID) at deploy.sh:3"
	r.evidence.pointer == "/Results/0/Secrets/0"
}

test_unknown_severity_is_denied_too if {
	count(secrets.deny) == 1 with input as {"findings": [finding("unknown", false)]}
}

test_suppressed_secrets_pass if {
	count(secrets.deny) == 0 with input as {"findings": [finding("critical", true)]}
}

test_other_kinds_are_not_secrets if {
	f := object.union(finding("critical", false), {"kind": "code"})
	count(secrets.deny) == 0 with input as {"findings": [f]}
}

test_location_without_line if {
	f := object.union(finding("high", false), {"location": {"path": "a.env", "line": null}})
	some r in secrets.deny with input as {"findings": [f]}
	r.msg == "trivy found a secret (aws-access-key-id: AWS Access Key ID) at a.env"
}

test_no_location if {
	f := object.union(finding("high", false), {"location": null})
	some r in secrets.deny with input as {"findings": [f]}
	r.msg == "trivy found a secret (aws-access-key-id: AWS Access Key ID) at an unknown location"
}

test_absent_results_are_gone if {
	f := object.union(finding("critical", false), {"baseline_state": "absent"})
	count(secrets.deny) == 0 with input as {"findings": [f]}
}
