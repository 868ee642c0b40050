# METADATA
# title: Signature
# description: |
#   Every signature given verifies, and is made by an expected identity and OIDC issuer. A keyed
#   signature verifies only against the key given to gate (`--key`), so the key is its signer.
#   Expectations are data under `data.gate.config.signature`: `identities` and `issuers` (exact
#   strings) and `required` (default: true when `identities` is given).
# custom:
#   settings:
#     identities:
#       description: Expected signer identities (certificate SAN), exactly.
#       type: array
#       items: {type: string}
#       default: []
#     issuers:
#       description: Expected OIDC issuers, exactly.
#       type: array
#       items: {type: string}
#       default: []
#     required:
#       description: Deny when the release carries no signature (default true when `identities` is given).
#       type: boolean
#       default: false
package gate.signature

default identities := []

identities := data.gate.config.signature.identities

default issuers := []

issuers := data.gate.config.signature.issuers

default required := false

required := data.gate.config.signature.required

required if count(identities) > 0

# METADATA
# title: The artifact is not signed
# custom:
#   code: signature.missing
#   severity: high
#   remediation: Sign the release with Sigstore (cosign sign-blob --bundle) and pass the bundle to gate.
deny contains result if {
	required
	count([s | some s in input.signatures; s.verified]) == 0
	result := {
		"code": "signature.missing",
		"subject": "signature",
		"msg": "no verified signature was given",
		"evidence": [],
	}
}

# METADATA
# title: A signature does not verify
# custom:
#   code: signature.unverified
#   severity: high
#   remediation: Check that the bundle belongs to this artifact and was made under the trusted root given to gate.
deny contains result if {
	some s in input.signatures
	not s.verified
	result := {
		"code": "signature.unverified",
		"subject": s.source.evidence,
		"msg": sprintf("the signature in %s is not verified: %s", [s.source.evidence, s.error]),
		"evidence": [s.source],
	}
}

# METADATA
# title: Signed by an unexpected identity
# custom:
#   code: signature.identity
#   severity: high
#   remediation: Sign from the expected workflow or account, or add this identity to data.gate.config.signature.identities.
deny contains result if {
	count(identities) > 0
	some s in input.signatures
	s.verified
	s.key == null
	not s.identity in identities
	result := {
		"code": "signature.identity",
		"subject": sprintf("%v", [s.identity]),
		"msg": sprintf("signed by `%v`, not by an expected identity (%s)", [s.identity, concat(", ", identities)]),
		"evidence": [s.source],
	}
}

# METADATA
# title: Signed under an unexpected OIDC issuer
# custom:
#   code: signature.issuer
#   severity: high
#   remediation: Sign with a token from the expected issuer, or add it to data.gate.config.signature.issuers.
deny contains result if {
	count(issuers) > 0
	some s in input.signatures
	s.verified
	s.key == null
	not s.issuer in issuers
	result := {
		"code": "signature.issuer",
		"subject": sprintf("%v", [s.issuer]),
		"msg": sprintf("OIDC issuer `%v` is not expected (%s)", [s.issuer, concat(", ", issuers)]),
		"evidence": [s.source],
	}
}

signer_expected if {
	count(identities) > 0
	count(issuers) > 0
}

# METADATA
# title: A keyless signature whose signer was not checked
# description: |
#   The signature verifies, but nobody said who should have made it: any account that can get a
#   Sigstore certificate could have. Name the expected identity and issuer in data, as flags
#   (`--certificate-identity`, `--certificate-oidc-issuer`) or in `gate.toml` `[verify]`.
# custom:
#   code: signature.signer-unchecked
#   severity: medium
#   remediation: Set data.gate.config.signature.identities and issuers, or pass --certificate-identity and --certificate-oidc-issuer (or their gate.toml [verify] keys).
warn contains result if {
	not signer_expected
	some s in input.signatures
	s.verified
	is_string(s.identity)
	not s.signer_checked
	result := {
		"code": "signature.signer-unchecked",
		"subject": s.identity,
		"msg": sprintf("signed by `%s` (issuer `%v`), but no expected signer was given, so any Sigstore account would have passed", [s.identity, s.issuer]),
		"evidence": [s.source],
	}
}
