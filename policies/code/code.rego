# METADATA
# title: Code scanning
# description: |
#   No unsuppressed static-analysis result (SARIF) at a blocking severity ships. Secrets and
#   misconfigurations have policies of their own (`gate.secrets`, `gate.misconfig`). A result
#   whose SARIF `baselineState` is `absent` (gone since the baseline) is not a current finding.
#   The blocking severities are data: `data.gate.config.code.blocking_severities`
#   (default `["critical", "high"]`: SARIF `error` level, or a `security-severity` of 7.0 or more);
#   a result of `unknown` severity blocks too unless `data.gate.config.code.unknown_blocks` is
#   `false`. A SARIF run that did not complete (an invocation with `executionSuccessful: false`,
#   or no `results` array) is denied as `code.scan-incomplete`: an incomplete scan is not a clean one.
# custom:
#   settings:
#     blocking_severities:
#       description: Severities at which a static-analysis result blocks the release.
#       type: array
#       items: {enum: [critical, high, medium, low, info, unknown]}
#       default: [critical, high]
#     unknown_blocks:
#       description: Whether a result of `unknown` severity blocks too.
#       type: boolean
#       default: true
package gate.code

default blocking_severities := ["critical", "high"]

blocking_severities := data.gate.config.code.blocking_severities

blocking contains s if some s in blocking_severities

# A severity the tool did not give (or gate could not read) could be the worst: by default it
# blocks like a blocking one. `data.gate.config.code.unknown_blocks = false` turns that off.
blocking contains "unknown" if unknown_blocks

default unknown_blocks := true

unknown_blocks := data.gate.config.code.unknown_blocks

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
		"evidence": f.source,
	}
}

# METADATA
# title: A scan did not complete
# description: |
#   The report itself says a run did not complete: a SARIF invocation with
#   `executionSuccessful: false` (the tool crashed or stopped), or a run without a `results`
#   array (the tool did not start or did not analyse). Its findings are not the whole story.
# custom:
#   code: code.scan-incomplete
#   severity: high
#   remediation: Make the scanner run to completion (see its log and the run's notifications) and give gate the new report; waive with an owner and an expiry if the partial scan is accepted.
deny contains result if {
	some scan in input.scans
	some run in scan.incomplete
	result := {
		"code": "code.scan-incomplete",
		"subject": sprintf("%s#%s", [scan.evidence, run.run]),
		"msg": sprintf("%s did not complete its scan (`%s` %s): %s", [run.tool, scan.evidence, run.run, run.reason]),
		"evidence": run.source,
	}
}
