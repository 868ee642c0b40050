package gate.licenses_test

import data.gate.licenses

comp(name, expression, ids, unknown) := {
	"name": name,
	"version": "1.0.0",
	"purl": sprintf("pkg:npm/%s@1.0.0", [name]),
	"licenses": array.concat(ids, unknown),
	"license_expression": expression,
	"license_ids": ids,
	"license_unknown": unknown,
	"source": {"evidence": "bom.json", "pointer": "/components/0"},
	"subject": sprintf("pkg:npm/%s@1.0.0", [name]),
}

sbom(components) := {"sbom": {"components": components}}

test_no_lists_allow_every_spdx_license if {
	inp := sbom([comp("a", "GPL-3.0-only", ["GPL-3.0-only"], []), comp("b", "MIT", ["MIT"], [])])
	count(licenses.deny) == 0 with input as inp
	count(licenses.warn) == 0 with input as inp
}

test_deny_list_denies_a_needed_license if {
	results := licenses.deny with input as sbom([comp("a", "GPL-3.0-only", ["GPL-3.0-only"], [])])
		with data.gate.config.licenses.deny as ["GPL-3.0-only", "AGPL-3.0-only"]
	count(results) == 1
	some r in results
	r.code == "licenses.denied"
	r.subject == "pkg:npm/a@1.0.0"
	r.msg == "component `pkg:npm/a@1.0.0` is licensed `GPL-3.0-only`, which cannot be met without the denied GPL-3.0-only"
	r.evidence.pointer == "/components/0"
}

test_deny_list_entries_are_read_as_spdx_spells_them_today if {
	inp := sbom([comp("a", "GPL-3.0-only", ["GPL-3.0-only"], [])])
	results := licenses.deny with input as inp with data.gate.config.licenses.deny as ["GPL-3.0"]
	some r in results
	r.code == "licenses.denied"
}

test_an_exception_does_not_hide_the_license_or_add_one if {
	inp := sbom([comp("a", "GPL-2.0-only WITH Classpath-exception-2.0", ["GPL-2.0-only"], [])])
	count(licenses.deny) == 0 with input as inp with data.gate.config.licenses.deny as ["MIT"]
	count(licenses.deny) == 0 with input as inp with data.gate.config.licenses.allow as ["GPL-2.0-only"]
	denied := licenses.deny with input as inp with data.gate.config.licenses.deny as ["GPL-2.0-only"]
	count(denied) == 1
}

test_deny_list_spares_a_choice_that_avoids_it if {
	inp := sbom([comp("a", "MIT OR GPL-3.0-only", ["GPL-3.0-only", "MIT"], [])])
	count(licenses.deny) == 0 with input as inp with data.gate.config.licenses.deny as ["GPL-3.0-only"]
}

test_deny_list_catches_a_conjunction if {
	inp := sbom([comp("a", "MIT AND GPL-3.0-only", ["GPL-3.0-only", "MIT"], [])])
	results := licenses.deny with input as inp with data.gate.config.licenses.deny as ["GPL-3.0-only"]
	some r in results
	r.code == "licenses.denied"
}

test_allow_list_denies_what_it_does_not_list if {
	inp := sbom([
		comp("a", "MIT", ["MIT"], []),
		comp("b", "Apache-2.0 AND BSD-3-Clause", ["Apache-2.0", "BSD-3-Clause"], []),
		comp("c", "EPL-2.0 OR MIT", ["EPL-2.0", "MIT"], []),
	])
	results := licenses.deny with input as inp with data.gate.config.licenses.allow as ["MIT", "Apache-2.0"]
	count(results) == 1
	some r in results
	r.code == "licenses.not-allowed"
	r.subject == "pkg:npm/b@1.0.0"
	r.msg == "component `pkg:npm/b@1.0.0` is licensed `Apache-2.0 AND BSD-3-Clause`, which cannot be met with the allowed licenses only (BSD-3-Clause)"
}

test_empty_allow_list_allows_nothing if {
	results := licenses.deny with input as sbom([comp("a", "MIT", ["MIT"], [])])
		with data.gate.config.licenses.allow as []
	some r in results
	r.code == "licenses.not-allowed"
}

test_deny_wins_over_allow_and_reports_once if {
	inp := sbom([comp("a", "GPL-3.0-only", ["GPL-3.0-only"], [])])
	results := licenses.deny with input as inp
		with data.gate.config.licenses.allow as ["GPL-3.0-only"]
		with data.gate.config.licenses.deny as ["GPL-3.0-only"]
	count(results) == 1
	some r in results
	r.code == "licenses.denied"
}

test_unknown_license_warns if {
	inp := sbom([comp("a", null, [], ["License :: OSI Approved :: BSD License"])])
	results := licenses.warn with input as inp
	count(results) == 1
	some r in results
	r.code == "licenses.unknown"
	r.msg == "component `pkg:npm/a@1.0.0` has a license gate cannot judge (no SPDX expression): License :: OSI Approved :: BSD License"
	count(licenses.deny) == 0 with input as inp with data.gate.config.licenses.allow as ["MIT"]
}
