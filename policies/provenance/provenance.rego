# METADATA
# title: Provenance
# description: |
#   Releases carry verified SLSA provenance from a trusted builder, built from the expected source,
#   for the artifact being released. Expectations are data under `data.gate.config.provenance`:
#   `builders` (trusted builder ids), `repositories` (expected source repositories) and `required`
#   (default: true when `builders` is given).
# custom:
#   settings:
#     builders:
#       description: Trusted builder ids (`builder.id`).
#       type: array
#       items: {type: string}
#       default: []
#     repositories:
#       description: Expected source repositories.
#       type: array
#       items: {type: string}
#       default: []
#     required:
#       description: Deny when no SLSA provenance is given (default true when `builders` is given).
#       type: boolean
#       default: false
package gate.provenance

slsa_types := {"https://slsa.dev/provenance/v0.2", "https://slsa.dev/provenance/v1"}

default builders := []

builders := data.gate.config.provenance.builders

default repositories := []

repositories := data.gate.config.provenance.repositories

default required := false

required := data.gate.config.provenance.required

required if count(builders) > 0

# METADATA
# title: SLSA provenance is missing
# custom:
#   code: provenance.missing
#   severity: high
#   remediation: Publish SLSA provenance for the release (for example with slsa-github-generator) and pass its bundle to gate.
deny contains result if {
	required
	count([a | some a in input.attestations; a.predicate_type in slsa_types; a.verified]) == 0
	result := {
		"code": "provenance.missing",
		"subject": "provenance",
		"msg": "no verified SLSA provenance was given",
		"evidence": [],
	}
}

# METADATA
# title: SLSA provenance does not verify
# custom:
#   code: provenance.unverified
#   severity: high
#   remediation: Pass the Sigstore bundle of the provenance (not a bare statement), the artifact digest, and the trusted root it was signed under.
deny contains result if {
	some a in input.attestations
	a.predicate_type in slsa_types
	not a.verified
	result := {
		"code": "provenance.unverified",
		"subject": a.source.evidence,
		"msg": sprintf("SLSA provenance in %s is not verified: %s", [a.source.evidence, a.error]),
		"evidence": [a.source],
	}
}

# METADATA
# title: Provenance from an untrusted builder
# custom:
#   code: provenance.builder
#   severity: high
#   remediation: Build the release with a trusted builder, or add this builder to data.gate.config.provenance.builders.
deny contains result if {
	count(builders) > 0
	some a in input.attestations
	a.verified
	a.provenance.builder_id
	not a.provenance.builder_id in builders
	result := {
		"code": "provenance.builder",
		"subject": a.provenance.builder_id,
		"msg": sprintf("provenance builder `%s` is not a trusted builder (expected one of: %s)", [a.provenance.builder_id, concat(", ", builders)]),
		"evidence": [a.source],
	}
}

# METADATA
# title: Provenance names another source repository
# custom:
#   code: provenance.source
#   severity: high
#   remediation: Release only what was built from the expected repository, or add it to data.gate.config.provenance.repositories.
deny contains result if {
	count(repositories) > 0
	some a in input.attestations
	a.verified
	a.provenance
	not a.provenance.source_repository in repositories
	result := {
		"code": "provenance.source",
		"subject": sprintf("%v", [a.provenance.source_repository]),
		"msg": sprintf("provenance source repository `%v` is not expected (expected one of: %s)", [a.provenance.source_repository, concat(", ", repositories)]),
		"evidence": [a.source],
	}
}

# METADATA
# title: Provenance is for another artifact
# custom:
#   code: provenance.subject
#   severity: high
#   remediation: Pass the provenance generated for this artifact; its subjects must include the artifact's sha256.
deny contains result if {
	some a in input.attestations
	a.predicate_type in slsa_types
	a.subject_matches == false
	result := {
		"code": "provenance.subject",
		"subject": a.source.evidence,
		"msg": sprintf("the provenance in %s does not list the released artifact's digest among its subjects", [a.source.evidence]),
		"evidence": [a.source],
	}
}
