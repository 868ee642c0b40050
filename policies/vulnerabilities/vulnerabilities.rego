# METADATA
# title: Vulnerabilities
# description: |
#   No known vulnerability at a blocking severity ships when a fixed version exists.
#   The blocking severities are data: `data.gate.config.vulnerabilities.blocking_severities`
#   (default `["critical", "high"]`); a vulnerability of `unknown` severity blocks too unless
#   `data.gate.config.vulnerabilities.unknown_blocks` is `false`. A scanner report whose own
#   totals count more vulnerabilities than it lists is denied as
#   `vulnerabilities.hidden-findings`. A vulnerability that an SBOM's VEX statement declares
#   `not_affected` (or `false_positive`) for the finding's package is not judged.
# custom:
#   settings:
#     blocking_severities:
#       description: Severities at which a vulnerability blocks the release.
#       type: array
#       items: {enum: [critical, high, medium, low, info, unknown]}
#       default: [critical, high]
#     unknown_blocks:
#       description: Whether a vulnerability of `unknown` severity blocks too.
#       type: boolean
#       default: true
package gate.vulnerabilities

default blocking_severities := ["critical", "high"]

blocking_severities := data.gate.config.vulnerabilities.blocking_severities

blocking contains s if some s in blocking_severities

# A severity the tool did not give (or gate could not read) could be the worst: by default it
# blocks like a blocking one. `data.gate.config.vulnerabilities.unknown_blocks = false` turns that off.
blocking contains "unknown" if unknown_blocks

default unknown_blocks := true

unknown_blocks := data.gate.config.vulnerabilities.unknown_blocks

# Each rule judges vulnerability findings at a blocking severity that the tool did not suppress.
# The conditions are written inline, cheapest and most selective first: a helper function or a
# set of whole finding objects costs more per finding than the tests themselves.

# Subjects of findings a VEX statement clears: state `not_affected` or `false_positive`, the same
# package (purls compared without qualifiers) and the same vulnerability (id or alias). Computed
# once; it costs nothing when no SBOM carries VEX.
vex_cleared contains f.subject if {
	some v in input.sbom.vex
	v.state in {"not_affected", "false_positive"}
	some f in input.findings
	f.kind == "vulnerability"
	is_string(f.package.purl)
	some p in v.purls
	split(p, "?")[0] == split(f.package.purl, "?")[0]
	some vid in array.concat([v.id], v.aliases)
	vid in array.concat([f.id], f.aliases)
}

fixable(f) if f.fix_state == "fixed"

fixable(f) if count(f.fixed_in) > 0

package_name(f) := sprintf("%s %s", [f.package.name, f.package.version]) if is_string(f.package.version)

package_name(f) := f.package.name if not is_string(f.package.version)

# METADATA
# title: A fixable vulnerability at a blocking severity
# custom:
#   code: vulnerabilities.fixable
#   severity: high
#   remediation: Upgrade the package to a fixed version, or waive the finding with an owner and an expiry.
deny contains result if {
	some f in input.findings
	f.severity in blocking
	f.kind == "vulnerability"
	f.suppressed == false
	fixable(f)
	not f.subject in vex_cleared
	result := {
		"code": "vulnerabilities.fixable",
		"subject": f.subject,
		"msg": sprintf("%s %s in %s, fixed in %s (reported by %s)", [
			f.severity, f.id, package_name(f), concat(", ", f.fixed_in), f.tool,
		]),
		"severity": f.severity,
		"remediation": sprintf("Upgrade %s to %s or later.", [f.package.name, min_fixed(f)]),
		"evidence": f.source,
	}
}

# METADATA
# title: A vulnerability at a blocking severity with no fix yet
# custom:
#   code: vulnerabilities.unfixable
#   severity: medium
#   remediation: Check whether the vulnerable code is reachable; mitigate it, or waive the finding with an owner and an expiry.
warn contains result if {
	some f in input.findings
	f.severity in blocking
	f.kind == "vulnerability"
	f.suppressed == false
	not fixable(f)
	not f.subject in vex_cleared
	result := {
		"code": "vulnerabilities.unfixable",
		"subject": f.subject,
		"msg": sprintf("%s %s in %s has no fix yet (reported by %s)", [f.severity, f.id, package_name(f), f.tool]),
		"severity": f.severity,
		"evidence": f.source,
	}
}

min_fixed(f) := f.fixed_in[0] if count(f.fixed_in) > 0

min_fixed(f) := "a fixed version" if count(f.fixed_in) == 0

# METADATA
# title: A scanner report hides findings
# description: |
#   The report's own totals (npm audit's `metadata.vulnerabilities`) count more vulnerabilities
#   at a severity than its entries list: entries were removed, or the report was edited or
#   merged badly. What is missing cannot be judged.
# custom:
#   code: vulnerabilities.hidden-findings
#   severity: high
#   remediation: Regenerate the report with the scanner; do not edit or merge reports by hand.
deny contains result if {
	some scan in input.scans
	some m in scan.mismatches
	result := {
		"code": "vulnerabilities.hidden-findings",
		"subject": sprintf("%s#%s", [scan.evidence, m.total]),
		"msg": sprintf("%s report `%s` counts %d %s but lists %d", [scan.tool, scan.evidence, m.claimed, counted(m.total), m.found]),
		"evidence": m.source,
	}
}

counted("total") := "vulnerabilities in all"

counted(severity) := sprintf("%s vulnerabilities", [severity]) if severity != "total"
