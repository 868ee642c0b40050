# METADATA
# title: SBOM quality
# description: Every component of the SBOM can be identified, traced and licensed.
package gate.sbom

has_text(x) if {
	is_string(x)
	trim_space(x) != ""
}

subject(c) := c.purl if has_text(c.purl)

subject(c) := sprintf("%s@%s", [c.name, c.version]) if {
	not has_text(c.purl)
	has_text(c.name)
	has_text(c.version)
}

subject(c) := c.name if {
	not has_text(c.purl)
	has_text(c.name)
	not has_text(c.version)
}

subject(c) := sprintf("%s%s", [c.source.evidence, c.source.pointer]) if {
	not has_text(c.purl)
	not has_text(c.name)
}

# METADATA
# title: A component has no name
# custom:
#   code: sbom.missing-name
#   severity: high
#   remediation: Regenerate the SBOM with a generator that names every component.
deny contains result if {
	some c in input.sbom.components
	not has_text(c.name)
	result := {
		"code": "sbom.missing-name",
		"subject": subject(c),
		"msg": sprintf("component at %s%s has no name", [c.source.evidence, c.source.pointer]),
		"severity": "high",
		"title": "A component has no name",
		"remediation": "Regenerate the SBOM with a generator that names every component.",
		"evidence": c.source,
	}
}

# METADATA
# title: A component has no version
# custom:
#   code: sbom.missing-version
#   severity: high
#   remediation: Pin the dependency to an exact version and regenerate the SBOM.
deny contains result if {
	some c in input.sbom.components
	has_text(c.name)
	not has_text(c.version)
	result := {
		"code": "sbom.missing-version",
		"subject": subject(c),
		"msg": sprintf("component `%s` has no version", [c.name]),
		"severity": "high",
		"title": "A component has no version",
		"remediation": "Pin the dependency to an exact version and regenerate the SBOM.",
		"evidence": c.source,
	}
}

# METADATA
# title: A component has no package URL
# custom:
#   code: sbom.missing-purl
#   severity: low
#   remediation: Use an SBOM generator that records package URLs, so scanners can match the component.
warn contains result if {
	some c in input.sbom.components
	has_text(c.name)
	not has_text(c.purl)
	result := {
		"code": "sbom.missing-purl",
		"subject": subject(c),
		"msg": sprintf("component `%s` has no package URL (purl)", [subject(c)]),
		"severity": "low",
		"title": "A component has no package URL",
		"remediation": "Use an SBOM generator that records package URLs, so scanners can match the component.",
		"evidence": c.source,
	}
}

# METADATA
# title: A component has no license
# custom:
#   code: sbom.missing-license
#   severity: low
#   remediation: Record the component's license (an SPDX id or expression) in the SBOM.
warn contains result if {
	some c in input.sbom.components
	has_text(c.name)
	count(c.licenses) == 0
	result := {
		"code": "sbom.missing-license",
		"subject": subject(c),
		"msg": sprintf("component `%s` has no license", [subject(c)]),
		"severity": "low",
		"title": "A component has no license",
		"remediation": "Record the component's license (an SPDX id or expression) in the SBOM.",
		"evidence": c.source,
	}
}
