package gate.sbom_test

import data.gate.sbom

comp(name, version, purl, licenses) := {
	"name": name,
	"version": version,
	"purl": purl,
	"licenses": licenses,
	"source": {"evidence": "bom.json", "pointer": "/components/0"},
	"subject": subject(name, version, purl),
}

# What gate computes for `subject` (see docs/input-schema.md).
subject(_, _, purl) := purl if purl != null

subject(name, version, null) := sprintf("%s@%s", [name, version]) if {
	name != null
	version != null
}

subject(name, null, null) := name if name != null

subject(null, _, null) := "bom.json/components/0"

test_complete_component_passes if {
	inp := {"sbom": {"components": [comp("jinja2", "2.11.2", "pkg:pypi/jinja2@2.11.2", ["BSD-3-Clause"])]}}
	count(sbom.deny) == 0 with input as inp
	count(sbom.warn) == 0 with input as inp
}

test_missing_name_is_denied if {
	results := sbom.deny with input as {"sbom": {"components": [comp(null, "1.0", null, [])]}}
	some r in results
	r.code == "sbom.missing-name"
	r.subject == "bom.json/components/0"
}

test_missing_version_is_denied_naming_the_component if {
	results := sbom.deny with input as {"sbom": {"components": [comp("left-pad", null, "pkg:npm/left-pad", ["MIT"])]}}
	some r in results
	r.code == "sbom.missing-version"
	r.msg == "component `left-pad` has no version"
	r.subject == "pkg:npm/left-pad"
}


test_missing_purl_and_license_warn if {
	results := sbom.warn with input as {"sbom": {"components": [comp("x", "1.0", null, [])]}}
	codes := {r.code | some r in results}
	codes == {"sbom.missing-purl", "sbom.missing-license"}
	some r in results
	r.subject == "x@1.0"
}

test_name_without_version_or_purl_uses_name if {
	results := sbom.warn with input as {"sbom": {"components": [comp("x", null, null, ["MIT"])]}}
	some r in results
	r.subject == "x"
}
