package gate.signature_test

import data.gate.signature

sig(id, verified) := {"verified": verified, "identity": id, "issuer": "https://iss", "key": null, "error": "bad", "source": {"evidence": "b.sigstore.json"}}

cfg := {"identities": ["https://id"], "issuers": ["https://iss"]}

test_expected_identity_passes if {
	count(signature.deny) == 0 with input.signatures as [sig("https://id", true)] with data.gate.config.signature as cfg
}

test_other_identity_is_denied if {
	some r in signature.deny with input.signatures as [sig("https://other", true)] with data.gate.config.signature as cfg
	r.code == "signature.identity"
	contains(r.msg, "https://other")
}

test_other_issuer_is_denied if {
	s := object.union(sig("https://id", true), {"issuer": "https://elsewhere"})
	some r in signature.deny with input.signatures as [s] with data.gate.config.signature as cfg
	r.code == "signature.issuer"
}

test_unverified_is_denied_and_never_counts if {
	codes := {r.code | some r in signature.deny} with input.signatures as [sig("https://id", false)]
		with data.gate.config.signature as cfg
	codes == {"signature.unverified", "signature.missing"}
}

test_nothing_required_without_config if {
	count(signature.deny) == 0 with input.signatures as []
}

test_a_signer_nobody_checked_is_a_warning if {
	some r in signature.warn with input.signatures as [sig("https://id", true)]
	r.code == "signature.signer-unchecked"
	contains(r.msg, "https://id")
}

test_a_signer_checked_in_verification_or_data_is_no_warning if {
	checked := object.union(sig("https://id", true), {"signer_checked": true})
	count(signature.warn) == 0 with input.signatures as [checked]
	count(signature.warn) == 0 with input.signatures as [sig("https://id", true)] with data.gate.config.signature as cfg
}

test_a_keyed_signature_is_judged_by_its_key_not_by_identity if {
	keyed := {"verified": true, "identity": null, "issuer": null, "key": "sha256:ab", "source": {"evidence": "s.sig"}}
	count(signature.deny) == 0 with input.signatures as [keyed] with data.gate.config.signature as cfg
	count(signature.warn) == 0 with input.signatures as [keyed]
}
