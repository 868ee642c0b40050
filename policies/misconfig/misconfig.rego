# METADATA
# title: Misconfigurations
# description: |
#   No infrastructure-as-code or image configuration problem at a blocking severity ships
#   (Trivy's `Misconfigurations`: Dockerfile, Kubernetes, Helm, Terraform, CloudFormation…).
#   The blocking severities are data: `data.gate.config.misconfig.blocking_severities`
#   (default `["critical", "high"]`); a result of `unknown` severity blocks too unless
#   `data.gate.config.misconfig.unknown_blocks` is `false`. Results the scanner excepted are not
#   judged.
# custom:
#   settings:
#     blocking_severities:
#       description: Severities at which a misconfiguration blocks the release.
#       type: array
#       items: {enum: [critical, high, medium, low, info, unknown]}
#       default: [critical, high]
#     unknown_blocks:
#       description: Whether a misconfiguration of `unknown` severity blocks too.
#       type: boolean
#       default: true
package gate.misconfig

default blocking_severities := ["critical", "high"]

blocking_severities := data.gate.config.misconfig.blocking_severities

blocking contains s if some s in blocking_severities

# A severity the tool did not give (or gate could not read) could be the worst: by default it
# blocks like a blocking one. `data.gate.config.misconfig.unknown_blocks = false` turns that off.
blocking contains "unknown" if unknown_blocks

default unknown_blocks := true

unknown_blocks := data.gate.config.misconfig.unknown_blocks

where(f) := sprintf("%s:%d", [f.location.path, f.location.line]) if {
	is_string(f.location.path)
	is_number(f.location.line)
}

where(f) := f.location.path if {
	is_string(f.location.path)
	not is_number(f.location.line)
}

where(f) := "an unknown location" if not is_string(f.location.path)

remediation(f) := f.remediation if is_string(f.remediation)

remediation(f) := "Change the configuration as the check describes, or add an exception with a reason in the scanner." if not is_string(f.remediation)

# METADATA
# title: A misconfiguration at a blocking severity
# custom:
#   code: misconfig.finding
#   severity: high
#   remediation: Change the configuration as the check describes (the finding carries the scanner's own resolution), or add an exception with a reason in the scanner.
deny contains result if {
	some f in input.findings
	f.kind == "misconfiguration"
	f.severity in blocking
	f.suppressed == false
	result := {
		"code": "misconfig.finding",
		"subject": f.subject,
		"msg": sprintf("%s: %s %s at %s: %s", [f.tool, f.severity, f.id, where(f), f.message]),
		"severity": f.severity,
		"remediation": remediation(f),
		"evidence": f.source,
	}
}
