# METADATA
# title: Secrets
# description: |
#   No leaked secret ships, whatever its severity: a credential in the source or an image is
#   compromised once it is published. Secret findings come from Trivy (`Secrets`) and from
#   secret scanners' SARIF (gitleaks, trufflehog). A result the scanner marks suppressed (an
#   allowlisted false positive), or one whose SARIF `baselineState` is `absent`, is not judged.
package gate.secrets

where(f) := sprintf("%s:%d", [f.location.path, f.location.line]) if {
	is_string(f.location.path)
	is_number(f.location.line)
}

where(f) := f.location.path if {
	is_string(f.location.path)
	not is_number(f.location.line)
}

where(f) := "an unknown location" if not is_string(f.location.path)

# METADATA
# title: A secret is in the release
# custom:
#   code: secrets.leaked
#   severity: critical
#   remediation: Revoke and rotate the credential, then remove it from the code and its history; if it is no secret, allowlist it in the scanner with a reason.
deny contains result if {
	some f in input.findings
	f.kind == "secret"
	f.suppressed == false
	not f.baseline_state == "absent"
	result := {
		"code": "secrets.leaked",
		"subject": f.subject,
		"msg": sprintf("%s found a secret (%s: %s) at %s", [f.tool, f.id, f.message, where(f)]),
		"evidence": f.source,
	}
}
