# METADATA
# title: Code scanning
# description: |
#   No unsuppressed static-analysis result (SARIF) at a blocking severity ships. Secrets and
#   misconfigurations have policies of their own (`gate.secrets`, `gate.misconfig`). A result
#   whose SARIF `baselineState` is `absent` (gone since the baseline) is not a current finding.
#   The blocking severities are data: `data.gate.config.code.blocking_severities`
#   (default `["critical", "high"]`: SARIF `error` level, or a `security-severity` of 7.0 or more).
package gate.code

default blocking_severities := ["critical", "high"]

blocking_severities := data.gate.config.code.blocking_severities

blocking := {s | some s in blocking_severities}

where(f) := sprintf("%s:%d", [f.location.path, f.location.line]) if {
	is_string(f.location.path)
	is_number(f.location.line)
}

where(f) := f.location.path if {
	is_string(f.location.path)
	not is_number(f.location.line)
}

where(f) := "an unknown location" if not is_string(f.location.path)

# METADATA
# title: A code-scanning result at a blocking severity
# custom:
#   code: code.finding
#   severity: high
#   remediation: Fix the code at the reported location, or suppress the result in the tool with a justification.
deny contains result if {
	some f in input.findings
	f.kind == "code"
	not f.suppressed
	not f.baseline_state == "absent"
	f.severity in blocking
	result := {
		"code": "code.finding",
		"subject": f.subject,
		"msg": sprintf("%s: %s %s at %s: %s", [f.tool, f.severity, f.id, where(f), f.message]),
		"severity": f.severity,
		"title": "A code-scanning result at a blocking severity",
		"remediation": "Fix the code at the reported location, or suppress the result in the tool with a justification.",
		"evidence": f.source,
	}
}
