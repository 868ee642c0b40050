package gate.components_test

import data.gate.components

comp(name, version, purl) := {
	"name": name,
	"version": version,
	"purl": purl,
	"source": {"evidence": "bom.json", "pointer": "/components/3"},
	"subject": purl,
}

sbom(components) := {"sbom": {"components": components}}

log4j(version) := comp("log4j-core", version, sprintf("pkg:maven/org.apache.logging.log4j/log4j-core@%s", [version]))

test_default_list_bans_log4shell_versions if {
	results := components.deny with input as sbom([log4j("2.14.1"), log4j("2.17.1"), log4j("2.12.4"), log4j("2.0-beta9")])
	count(results) == 2
	some r in results
	r.code == "components.banned"
	r.subject == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
	startswith(r.msg, "component `log4j-core 2.14.1` (pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1) is banned (versions <2.3.2 || >=2.4.0, <2.12.4 || >=2.13.0, <2.17.1): Log4Shell")
	r.evidence.pointer == "/components/3"
	some r2 in results
	r2.subject == "pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9"
}

banned_django := [{"purl": "pkg:pypi/Django", "versions": "<3.2.25 || >=4.0.0, <4.2.11", "reason": "unsupported and vulnerable"}]

test_data_list_replaces_the_default_and_compares_names_case_insensitively if {
	inp := sbom([comp("Django", "2.2.0", "pkg:pypi/django@2.2.0"), log4j("2.14.1"), comp("django", "4.2.11", "pkg:pypi/django@4.2.11")])
	results := components.deny with input as inp with data.gate.config.components.banned as banned_django
	count(results) == 1
	some r in results
	r.msg == "component `Django 2.2.0` (pkg:pypi/django@2.2.0) is banned (versions <3.2.25 || >=4.0.0, <4.2.11): unsupported and vulnerable"
	r.remediation == "Upgrade or replace Django: unsupported and vulnerable"
}

test_type_and_namespace_must_match if {
	inp := sbom([
		comp("log4j-core", "2.14.1", "pkg:maven/org.example/log4j-core@2.14.1"),
		comp("log4j-core", "2.14.1", "pkg:npm/log4j-core@2.14.1"),
		comp("no-purl", "1.0.0", null),
	])
	count(components.deny) == 0 with input as inp
}

test_without_versions_every_version_is_banned_and_the_component_version_is_used if {
	inp := sbom([comp("left-pad", "1.3.0", "pkg:npm/left-pad")])
	results := components.deny with input as inp with data.gate.config.components.banned as [{"purl": "pkg:npm/left-pad"}]
	some r in results
	r.msg == "component `left-pad 1.3.0` (pkg:npm/left-pad) is banned (every version): no reason given"
	r.remediation == "Upgrade or replace left-pad: it is on the banned list"
}

test_incomparable_version_warns_instead if {
	inp := sbom([comp("log4j-core", "2.14.1.redhat-1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1.redhat-1")])
	count(components.deny) == 0 with input as inp
	results := components.warn with input as inp
	count(results) == 1
	some r in results
	r.code == "components.unknown-version"
	contains(r.msg, "its version `2.14.1.redhat-1` cannot be compared")
}
