# METADATA
# title: Banned components
# description: |
#   No SBOM component is on the banned list: `data.gate.config.components.banned`, entries
#   `{purl, versions, reason}`. `purl` names the package without a version (type, namespace
#   and name are compared; the name case-insensitively); `versions` is a range for
#   `gate.semver.satisfies` (absent: every version). The default list bans the Log4Shell
#   versions of log4j-core; a list given in data replaces it.
# custom:
#   settings:
#     banned:
#       description: Banned packages; a list given replaces the default (Log4Shell's log4j-core).
#       type: array
#       items:
#         type: object
#         required: [purl]
#         additionalProperties: false
#         properties:
#           purl:
#             description: The package URL without a version.
#             type: string
#           versions:
#             description: "A version range for `gate.semver.satisfies`; absent: every version."
#             type: string
#           reason:
#             description: Why it is banned.
#             type: string
package gate.components

# Log4Shell (CVE-2021-44228) and its follow-ups CVE-2021-45046, CVE-2021-45105 and
# CVE-2021-44832 are fixed in 2.17.1, and for old Java runtimes in 2.12.4 (Java 7) and 2.3.2
# (Java 6); every other log4j-core 2.x release before 2.17.1 is affected.
default banned := [{
	"purl": "pkg:maven/org.apache.logging.log4j/log4j-core",
	"versions": "<2.3.2 || >=2.4.0, <2.12.4 || >=2.13.0, <2.17.1",
	"reason": "Log4Shell: remote code execution (CVE-2021-44228, CVE-2021-45046, CVE-2021-45105, CVE-2021-44832)",
}]

banned := data.gate.config.components.banned

# The banned list, parsed once: each entry's purl split into its parts.
entries := [{"entry": b, "purl": p, "name": lower(p.name)} |
	some b in banned
	p := gate.purl.parse(b.purl)
]

# Component purls that name the same package as a banned entry (type, namespace, name), with
# the entry and the component's version (the purl's, else the component's own).
matches contains [c, e, version] if {
	some e in entries
	some c in input.sbom.components
	c.purl != null
	contains(lower(c.purl), e.name)
	p := gate.purl.parse(c.purl)
	lower(p.name) == e.name
	p.type == e.purl.type
	p.namespace == e.purl.namespace
	version := p.version
}

version_of(p_version, _) := p_version if p_version != null

version_of(null, c) := c.version

# METADATA
# title: A banned component
# custom:
#   code: components.banned
#   severity: high
#   remediation: Upgrade or replace the component as the banned list's reason says.
deny contains result if {
	some [c, e, pv] in matches
	v := version_of(pv, c)
	in_range(e.entry, v)
	result := {
		"code": "components.banned",
		"subject": c.subject,
		"msg": sprintf("component `%s %s` (%s) is banned%s: %s", [
			c.name, v, c.purl, range_text(e.entry), object.get(e.entry, "reason", "no reason given"),
		]),
		"remediation": sprintf("Upgrade or replace %s: %s", [c.name, object.get(e.entry, "reason", "it is on the banned list")]),
		"evidence": c.source,
	}
}

# METADATA
# title: A banned package whose version cannot be compared
# custom:
#   code: components.unknown-version
#   severity: medium
#   remediation: Check by hand whether this version is in the banned range; record a SemVer-comparable version in the SBOM if possible.
warn contains result if {
	some [c, e, pv] in matches
	is_string(e.entry.versions)
	v := version_of(pv, c)
	not comparable(v)
	result := {
		"code": "components.unknown-version",
		"subject": c.subject,
		"msg": sprintf("component `%s` (%s) is a banned package (versions %s) but its version `%v` cannot be compared", [
			c.name, c.purl, e.entry.versions, v,
		]),
		"evidence": c.source,
	}
}

in_range(entry, _) if not entry.versions

in_range(entry, v) if {
	comparable(v)
	gate.semver.satisfies(v, entry.versions)
}

comparable(v) if {
	is_string(v)
	gate.semver.valid(v)
}

range_text(entry) := sprintf(" (versions %s)", [entry.versions]) if entry.versions

range_text(entry) := " (every version)" if not entry.versions
