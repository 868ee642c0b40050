# METADATA
# title: Licenses
# description: |
#   Every SBOM component's license is acceptable. Both lists are data and optional:
#   `data.gate.config.licenses.deny` (SPDX ids no component may need; default empty) and
#   `data.gate.config.licenses.allow` (when given, the only SPDX ids a component may need).
#   A component needs a license when its expression cannot be satisfied without it:
#   `MIT OR GPL-3.0-only` needs neither alone. Licenses that are no SPDX expression are
#   reported as warnings: gate cannot judge them.
# custom:
#   settings:
#     deny:
#       description: SPDX license ids no component may need.
#       type: array
#       items: {type: string}
#       default: []
#     allow:
#       description: When given, the only SPDX license ids a component may need.
#       type: array
#       items: {type: string}
package gate.licenses

# gate normalises each component's licenses (see docs/input-schema.md): `license_expression`
# joins its SPDX entries with AND, `license_ids` lists the ids in it, `license_unknown` keeps
# what is no SPDX expression.

default deny_list := []

deny_list := data.gate.config.licenses.deny

# The lists as gate spells license ids (`GPL-3.0` is `GPL-3.0-only`, `Apache 2.0` is
# `Apache-2.0`), so that they compare with `license_ids`. An entry that is no SPDX id is an error.
denied := {id | some d in deny_list; some id in gate.spdx.ids(d)}

# An empty allow-list is a list: it allows nothing.
allow_given if is_array(data.gate.config.licenses.allow)

allowed := [id |
	some a in data.gate.config.licenses.allow
	some id in gate.spdx.ids(a)
	not id in denied
]

# METADATA
# title: A component needs a denied license
# custom:
#   code: licenses.denied
#   severity: high
#   remediation: Replace the component, or use it under another license its expression offers, or waive it with legal's approval.
deny contains result if {
	count(denied) > 0
	some c in input.sbom.components
	c.license_expression != null
	hits := [id | some id in c.license_ids; id in denied]
	count(hits) > 0
	usable := [id | some id in c.license_ids; not id in denied]
	not gate.spdx.satisfies(c.license_expression, usable)
	result := {
		"code": "licenses.denied",
		"subject": c.subject,
		"msg": sprintf("component `%s` is licensed `%s`, which cannot be met without the denied %s", [
			c.subject, c.license_expression, concat(", ", hits),
		]),
		"evidence": c.source,
	}
}

# METADATA
# title: A component needs a license that is not allowed
# custom:
#   code: licenses.not-allowed
#   severity: high
#   remediation: Replace the component, or add its license to the allow-list after legal review, or waive it.
deny contains result if {
	allow_given
	some c in input.sbom.components
	c.license_expression != null
	not gate.spdx.satisfies(c.license_expression, allowed)
	count([id | some id in c.license_ids; id in denied]) == 0
	result := {
		"code": "licenses.not-allowed",
		"subject": c.subject,
		"msg": sprintf("component `%s` is licensed `%s`, which cannot be met with the allowed licenses only (%s)", [
			c.subject, c.license_expression, concat(", ", [id | some id in c.license_ids; not id in allowed]),
		]),
		"evidence": c.source,
	}
}

# METADATA
# title: A component's license is no SPDX expression
# custom:
#   code: licenses.unknown
#   severity: medium
#   remediation: Find the component's actual license and record it as an SPDX id or expression (or a LicenseRef-) in the SBOM.
warn contains result if {
	some c in input.sbom.components
	count(c.license_unknown) > 0
	result := {
		"code": "licenses.unknown",
		"subject": c.subject,
		"msg": sprintf("component `%s` has a license gate cannot judge (no SPDX expression): %s", [
			c.subject, concat("; ", c.license_unknown),
		]),
		"evidence": c.source,
	}
}
