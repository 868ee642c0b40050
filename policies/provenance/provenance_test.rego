package gate.provenance_test

import data.gate.provenance

prov(builder, verified) := {
	"predicate_type": "https://slsa.dev/provenance/v1",
	"verified": verified,
	"error": "the signature does not verify",
	"subject_matches": true,
	"provenance": {"builder_id": builder, "source_repository": "git+https://github.com/o/r"},
	"source": {"evidence": "p.sigstore.json"},
}

cfg := {"builders": ["https://good"], "repositories": ["git+https://github.com/o/r"]}

test_trusted_builder_passes if {
	count(provenance.deny) == 0 with input.attestations as [prov("https://good", true)]
		with data.gate.config.provenance as cfg
}

test_other_builder_is_denied_naming_both if {
	some r in provenance.deny with input.attestations as [prov("https://evil", true)]
		with data.gate.config.provenance as cfg
	r.code == "provenance.builder"
	contains(r.msg, "https://evil")
	contains(r.msg, "https://good")
}

test_unverified_is_denied if {
	codes := {r.code | some r in provenance.deny} with input.attestations as [prov("https://good", false)]
		with data.gate.config.provenance as cfg
	codes == {"provenance.unverified", "provenance.missing"}
}

test_missing_when_required if {
	some r in provenance.deny with input.attestations as [] with data.gate.config.provenance as {"required": true}
	r.code == "provenance.missing"
}

test_nothing_without_config if {
	count(provenance.deny) == 0 with input.attestations as []
}

test_other_source_is_denied if {
	a := object.union(prov("https://good", true), {"provenance": {"builder_id": "https://good", "source_repository": "git+https://github.com/x/y"}})
	some r in provenance.deny with input.attestations as [a] with data.gate.config.provenance as cfg
	r.code == "provenance.source"
}

test_subject_mismatch_is_denied if {
	a := object.union(prov("https://good", true), {"subject_matches": false})
	some r in provenance.deny with input.attestations as [a] with data.gate.config.provenance as cfg
	r.code == "provenance.subject"
}
