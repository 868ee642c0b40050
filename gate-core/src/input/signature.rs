//! Signature and attestation outcomes (`input.signatures[]`, `input.attestations[]`): the facts
//! verification produces. Verification itself (`crate::verify`) fills them; this layer only
//! defines what policies see, so the model does not depend on the crypto.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::Source;

/// One transparency log entry as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TlogInfo {
    /// The log's base URL (from the trusted root).
    pub log_url: String,
    /// The entry's index in the log.
    pub log_index: i64,
    /// The integrated time (Rekor v1), RFC 3339.
    pub integrated_time: Option<String>,
    /// The signed entry timestamp verified.
    pub signed_entry_timestamp: bool,
    /// The Merkle inclusion proof verified.
    pub inclusion_proof: bool,
    /// The signed checkpoint verified and commits to the proof's root.
    pub checkpoint: bool,
}

/// The outcome of verifying one signature (`input.signatures[]`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Verification {
    /// `sigstore-bundle`, `dsse` or `key-signature`.
    pub kind: String,
    /// True only when every check held (signature, log, time, chain, expected identity) and the
    /// signature covers the artifact given to verification.
    pub verified: bool,
    /// Why it is not verified, in words.
    pub error: Option<String>,
    /// The bundle version (`0.1`, `0.2`, `0.3`), for bundles.
    pub bundle_version: Option<String>,
    /// The artifact the signature was checked to cover: `sha256:<hex>` of the artifact or digest
    /// given to verification. Null when none was given; such a signature is never `verified`.
    pub artifact: Option<String>,
    /// The signer identity (certificate SAN), for certificate signatures.
    pub identity: Option<String>,
    /// The OIDC issuer, for certificate signatures.
    pub issuer: Option<String>,
    /// `sha256:<hex>` of the public key (DER), for keyed signatures.
    pub key: Option<String>,
    /// The signer is a certificate (keyless signing), whatever names the certificate carries.
    pub keyless: bool,
    /// True when an expected identity and an expected issuer were given to verification and the
    /// certificate matched both (flags or `gate.toml`); a policy can then trust the signer.
    pub signer_checked: bool,
    /// The transparency log entries checked.
    pub transparency_log: Vec<TlogInfo>,
    /// The verified signing times (integrated times vouched for by a SET, RFC 3161 times).
    pub timestamps: Vec<String>,
    /// Where the signature came from.
    pub source: Option<Source>,
}

impl Verification {
    /// An empty, unverified outcome of a kind.
    pub fn new(kind: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            verified: false,
            error: None,
            bundle_version: None,
            artifact: None,
            identity: None,
            issuer: None,
            key: None,
            keyless: false,
            signer_checked: false,
            transparency_log: Vec::new(),
            timestamps: Vec::new(),
            source: None,
        }
    }
}

/// One subject of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Subject {
    /// The subject's name (file name, image reference…).
    pub name: String,
    /// Digests by algorithm (`sha256` → lowercase hex).
    pub digest: BTreeMap<String, String>,
}

/// SLSA provenance facts, the same for v0.2 and v1.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Provenance {
    /// `0.2` or `1`.
    pub slsa_version: String,
    /// The builder id (`builder.id` / `runDetails.builder.id`).
    pub builder_id: Option<String>,
    /// The build type URI.
    pub build_type: Option<String>,
    /// The source repository (`git+https://github.com/org/repo` or `https://github.com/org/repo`).
    pub source_repository: Option<String>,
    /// The source ref (`refs/heads/main`, `refs/tags/v1.2.3`).
    pub source_ref: Option<String>,
    /// The source commit (git SHA-1 or SHA-256 hex).
    pub source_commit: Option<String>,
    /// The build's entry point (workflow path), when stated.
    pub entry_point: Option<String>,
}

/// A SLSA verification summary attestation (VSA) in brief.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct VerificationSummary {
    /// `verifier.id`.
    pub verifier_id: Option<String>,
    /// `verificationResult`: `PASSED` or `FAILED`.
    pub result: Option<String>,
    /// `verifiedLevels` (v1) or `policyLevel` (v0.2).
    pub verified_levels: Vec<String>,
    /// `resourceUri`.
    pub resource_uri: Option<String>,
    /// `policy.uri`.
    pub policy_uri: Option<String>,
}

/// Who signed an attestation, as verified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Signer {
    /// Certificate SAN.
    pub identity: Option<String>,
    /// OIDC issuer.
    pub issuer: Option<String>,
    /// `sha256:<hex>` of the public key, for keyed signatures.
    pub key: Option<String>,
}

/// One attestation (`input.attestations[]`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Attestation {
    /// in-toto `_type`.
    pub statement_type: String,
    /// `predicateType`.
    pub predicate_type: String,
    /// `subject[]`.
    pub subjects: Vec<Subject>,
    /// True only when the envelope's signature verified (and, when an artifact digest was given,
    /// a subject carries it).
    pub verified: bool,
    /// Why it is not verified.
    pub error: Option<String>,
    /// The verified signer.
    pub signer: Signer,
    /// Whether a subject carries the released artifact's sha256; null when no digest was given.
    pub subject_matches: Option<bool>,
    /// SLSA provenance facts.
    pub provenance: Option<Provenance>,
    /// SLSA verification summary facts.
    pub vsa: Option<VerificationSummary>,
    /// The predicate as written.
    pub predicate: serde_json::Value,
    /// Where it came from.
    pub source: Source,
}
