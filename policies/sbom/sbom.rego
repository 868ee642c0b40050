# METADATA
# title: SBOM quality
# description: Every component of the SBOM can be identified, traced and licensed.
package gate.sbom

# gate normalises blank strings to null, so a missing value is `null` here, and computes each
# component's `subject` (purl, else name@version, else name, else its place in the SBOM).

# METADATA
# title: A component has no name
# custom:
#   code: sbom.missing-name
#   severity: high
#   remediation: Regenerate the SBOM with a generator that names every component.
deny contains result if {
	some c in input.sbom.components
	c.name == null
	result := {
		"code": "sbom.missing-name",
		"subject": c.subject,
		"msg": sprintf("component at %s%s has no name", [c.source.evidence, c.source.pointer]),
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
	c.version == null
	c.name != null
	result := {
		"code": "sbom.missing-version",
		"subject": c.subject,
		"msg": sprintf("component `%s` has no version", [c.name]),
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
	c.purl == null
	c.name != null
	result := {
		"code": "sbom.missing-purl",
		"subject": c.subject,
		"msg": sprintf("component `%s` has no package URL (purl)", [c.subject]),
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
	c.licenses == []
	c.name != null
	result := {
		"code": "sbom.missing-license",
		"subject": c.subject,
		"msg": sprintf("component `%s` has no license", [c.subject]),
		"evidence": c.source,
	}
}
