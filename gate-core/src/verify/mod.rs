//! Signature and attestation verification, offline: Sigstore bundles, keyed (cosign-style)
//! signatures, DSSE envelopes and the in-toto statements inside them.
//!
//! Verification happens here, in Rust; policies only see the outcomes ([`Verification`] in
//! `input.signatures`, attestations in `input.attestations`). Nothing in this module opens a
//! connection: the trusted root is embedded or read from a file, and every log proof is checked
//! from the bundle's own contents.

pub(crate) mod bundle;
pub(crate) mod certificate;
pub(crate) mod dsse;
pub(crate) mod evidence;
pub(crate) mod intoto;
pub(crate) mod rekor;
pub(crate) mod sct;
pub(crate) mod timestamp;
pub(crate) mod trust_root;

use std::sync::Arc;

pub use crate::input::{TlogInfo, Verification};
pub use bundle::verify_bundle;
pub use certificate::PublicKey;
#[doc(hidden)] // for the fuzz regression tests
pub use evidence::{verify_all, SignedItem};
pub use evidence::{verify_file, Settings};
pub use trust_root::TrustedRoot;

/// An expected identity or issuer: an exact string or a regular expression (unanchored, as
/// cosign's `--certificate-identity-regexp`; write `^…$` to anchor).
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Equal to this string.
    Exact(String),
    /// Matches this expression.
    Regex(regex::Regex),
}

impl Matcher {
    /// A regular-expression matcher, or why the expression does not compile.
    pub fn regex(expr: &str) -> Result<Self, String> {
        regex::Regex::new(expr)
            .map(Self::Regex)
            .map_err(|e| format!("`{expr}` is not a valid regular expression: {e}"))
    }

    /// Whether `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        match self {
            Self::Exact(e) => e == s,
            Self::Regex(r) => r.is_match(s),
        }
    }

    /// `"x"` or `/x/`, for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Exact(e) => format!("`{e}`"),
            Self::Regex(r) => format!("pattern `{}`", r.as_str()),
        }
    }
}

/// The artifact a signature is expected to cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Artifact {
    /// The artifact's bytes (Ed25519 signs them, not a digest), with their digest computed once.
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
        /// Their SHA-256.
        sha256: [u8; 32],
    },
    /// Only its SHA-256 digest.
    Digest([u8; 32]),
}

impl Artifact {
    /// The artifact's bytes; hashed here, once.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        let sha256 = trust_root::sha256(&bytes);
        Self::Bytes { bytes, sha256 }
    }

    /// The SHA-256 digest.
    pub fn sha256(&self) -> [u8; 32] {
        match self {
            Self::Bytes { sha256, .. } | Self::Digest(sha256) => *sha256,
        }
    }

    /// Parse `sha256:<hex>` (or bare hex).
    pub fn parse_digest(s: &str) -> Result<Self, String> {
        let hex_part = s.strip_prefix("sha256:").unwrap_or(s);
        let bytes = hex::decode(hex_part)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| format!("`{s}` is not a sha256 digest (`sha256:` and 64 hex digits)"))?;
        Ok(Self::Digest(bytes))
    }
}

/// What a verification must establish.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The trusted root.
    pub trusted_root: Arc<TrustedRoot>,
    /// The expected signer identity (certificate SAN).
    pub identity: Option<Matcher>,
    /// The expected OIDC issuer.
    pub issuer: Option<Matcher>,
    /// A public key, for keyed signatures.
    pub key: Option<PublicKey>,
    /// The artifact the signature must cover.
    pub artifact: Option<Artifact>,
}

impl Expectations {
    /// Expectations with only a trusted root.
    pub fn new(trusted_root: Arc<TrustedRoot>) -> Self {
        Self {
            trusted_root,
            identity: None,
            issuer: None,
            key: None,
            artifact: None,
        }
    }
}

/// Why a signature that otherwise verifies is not `verified`: no artifact was given to bind it to.
/// A signature proves that someone signed *something*; only a digest the caller supplies makes it
/// a statement about the artifact being released (the bundle's own digest or an attestation's own
/// subject would let any validly signed bundle vouch for any release). `claimed` is what the
/// signature itself says it covers.
pub(crate) fn unbound(claimed: Option<&str>) -> String {
    let claim = claimed.map_or_else(String::new, |c| format!(" (it claims to cover {c})"));
    format!(
        "the signature checks out, but no artifact or digest was given to bind it to{claim}: pass \
         --artifact or --digest (or set `artifact` or `digest` under [verify] in gate.toml)"
    )
}

/// Verify a DSSE envelope signed with a key (no certificate, no log): at least one signature must
/// verify with `exp.key` over the envelope's PAE. Returns the outcome and the statement it carries.
pub fn verify_dsse_with_key(
    env: &dsse::Envelope,
    exp: &Expectations,
) -> (Verification, Option<intoto::Statement>) {
    let mut out = Verification::new("dsse");
    let statement = if env.payload_type == "application/vnd.in-toto+json" {
        intoto::parse_statement(&env.payload).ok()
    } else {
        None
    };
    let result = (|| {
        let key = exp
            .key
            .as_ref()
            .ok_or("the DSSE envelope is not in a Sigstore bundle, and no key was given to verify it with (--key)")?;
        out.key = key
            .to_spki_der()
            .ok()
            .map(|d| format!("sha256:{}", hex::encode(trust_root::sha256(&d))));
        let pae = env.pae();
        if !env
            .signatures
            .iter()
            .any(|s| key.verify(&pae, &s.sig, None).is_ok())
        {
            return Err("no signature of the DSSE envelope verifies with the given key".to_owned());
        }
        if let Some(a) = &exp.artifact {
            let d = hex::encode(a.sha256());
            out.artifact = Some(format!("sha256:{d}"));
            match &statement {
                Some(st) if st.has_subject_digest(&d) => {}
                Some(_) => {
                    return Err(format!(
                        "the attestation's subjects do not include the artifact's sha256 {d}"
                    ))
                }
                None => return Err("the DSSE payload is not an in-toto statement".to_owned()),
            }
        } else {
            let claimed = statement.as_ref().and_then(|st| {
                st.subjects
                    .iter()
                    .find_map(|s| s.digest.get("sha256"))
                    .map(|d| format!("sha256:{d}"))
            });
            return Err(unbound(claimed.as_deref()));
        }
        Ok::<(), String>(())
    })();
    match result {
        Ok(()) => out.verified = true,
        Err(e) => out.error = Some(e),
    }
    (out, statement)
}

/// Verify a detached signature (cosign `sign-blob --key` style: base64 or raw DER ECDSA, or a raw
/// Ed25519 signature) over an artifact with a PEM public key. No log, no certificate.
pub fn verify_detached(signature: &[u8], exp: &Expectations) -> Verification {
    let mut out = Verification::new("key-signature");
    let result = (|| {
        let key = exp.key.as_ref().ok_or("no key was given (--key)")?;
        let artifact = exp
            .artifact
            .as_ref()
            .ok_or("no artifact was given (--artifact or --digest)")?;
        out.key = key
            .to_spki_der()
            .ok()
            .map(|d| format!("sha256:{}", hex::encode(trust_root::sha256(&d))));
        out.artifact = Some(format!("sha256:{}", hex::encode(artifact.sha256())));
        let text = std::str::from_utf8(signature).ok().map(str::trim);
        let sig = text
            .and_then(dsse::decode_b64)
            .unwrap_or_else(|| signature.to_vec());
        match (key, artifact) {
            (PublicKey::Ed25519(_), Artifact::Bytes { bytes, .. }) => key.verify(bytes, &sig, None),
            (_, a) => key.verify_prehash(&a.sha256(), &sig),
        }
        .map_err(|e| format!("the signature over the artifact does not verify: {e}"))
    })();
    match result {
        Ok(()) => out.verified = true,
        Err(e) => out.error = Some(e),
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use ecdsa::signature::Signer as _;

    fn keyed(message: &[u8]) -> (Expectations, Vec<u8>) {
        let sk = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let sig: p256::ecdsa::Signature = sk.sign(message);
        let mut exp = Expectations::new(Arc::new(TrustedRoot::public_good().unwrap()));
        exp.key = Some(PublicKey::P256(*sk.verifying_key()));
        exp.artifact = Some(Artifact::from_bytes(message.to_vec()));
        (exp, sig.to_der().as_bytes().to_vec())
    }

    #[test]
    fn detached_keyed_signature_in_der_or_base64() {
        let (exp, der) = keyed(b"release.tar.gz contents");
        assert!(verify_detached(&der, &exp).verified);
        let b64 = dsse::encode_b64(&der);
        let v = verify_detached(b64.as_bytes(), &exp);
        assert!(v.verified, "{:?}", v.error);
        assert!(v.key.unwrap().starts_with("sha256:"));
        let mut bad = der.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let v = verify_detached(&bad, &exp);
        assert!(!v.verified);
        assert!(v.error.unwrap().contains("does not verify"));
        let mut other = exp.clone();
        other.artifact = Some(Artifact::from_bytes(b"something else".to_vec()));
        assert!(!verify_detached(&der, &other).verified);
    }

    #[test]
    fn keyed_dsse_checks_subject_digest() {
        let (mut exp, env) = signed_envelope(
            b"a",
            "https://slsa.dev/provenance/v1",
            serde_json::json!({"runDetails": {"builder": {"id": "https://builder"}}}),
        );
        exp.artifact = Some(Artifact::from_bytes(b"a".to_vec()));
        let (v, st) = verify_dsse_with_key(&env, &exp);
        assert!(v.verified, "{:?}", v.error);
        assert_eq!(
            st.unwrap().provenance.unwrap().builder_id.as_deref(),
            Some("https://builder")
        );
        exp.artifact = Some(Artifact::from_bytes(b"b".to_vec()));
        let (v, _) = verify_dsse_with_key(&env, &exp);
        assert!(v.error.unwrap().contains("do not include the artifact"));
        exp.key = None;
        let (v, _) = verify_dsse_with_key(&env, &exp);
        assert!(!v.verified && v.error.unwrap().contains("--key"));
    }

    /// An in-toto statement about `subject`, in an envelope signed with the test key.
    fn signed_envelope(
        subject: &[u8],
        predicate_type: &str,
        predicate: serde_json::Value,
    ) -> (Expectations, dsse::Envelope) {
        let statement = serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "predicateType": predicate_type,
            "subject": [{"name": "a", "digest": {"sha256": hex::encode(trust_root::sha256(subject))}}],
            "predicate": predicate
        });
        let payload = serde_json::to_vec(&statement).unwrap();
        let pae = dsse::pae("application/vnd.in-toto+json", &payload);
        let (exp, sig) = keyed(&pae);
        let env = dsse::Envelope {
            payload_type: "application/vnd.in-toto+json".into(),
            payload,
            signatures: vec![dsse::DsseSignature {
                keyid: String::new(),
                sig,
                cert: None,
            }],
        };
        (exp, env)
    }

    /// Issue 9: a keyed envelope that verifies, with no artifact to bind it to, is not verified
    /// (before the fix it was, and its own first subject was shown as the artifact).
    #[test]
    fn keyed_dsse_without_an_artifact_is_not_verified() {
        let (mut exp, env) = signed_envelope(b"a", "https://example.com/p", serde_json::json!({}));
        exp.artifact = None;
        let (v, st) = verify_dsse_with_key(&env, &exp);
        assert!(!v.verified);
        assert_eq!(v.artifact, None);
        let why = v.error.unwrap();
        assert!(why.contains("no artifact or digest"), "{why}");
        assert!(
            why.contains(&hex::encode(trust_root::sha256(b"a"))),
            "{why}"
        );
        assert!(st.is_some(), "the statement is still listed");
    }

    /// Issue 9: several signatures on one envelope outside a bundle. As the DSSE protocol says,
    /// the envelope is accepted when a signature verifies with the expected key; others may be
    /// other signers' and cannot change what the expected key signed. None verifying: refused.
    #[test]
    fn keyed_dsse_with_several_signatures_needs_one_by_the_key() {
        let (mut exp, mut env) =
            signed_envelope(b"a", "https://example.com/p", serde_json::json!({}));
        exp.artifact = Some(Artifact::from_bytes(b"a".to_vec()));
        let good = env.signatures[0].clone();
        let mut bad = good.clone();
        let last = bad.sig.len() - 1;
        bad.sig[last] ^= 1;
        env.signatures = vec![bad.clone(), good];
        let (v, _) = verify_dsse_with_key(&env, &exp);
        assert!(v.verified, "{:?}", v.error);
        env.signatures = vec![bad.clone(), bad];
        let (v, _) = verify_dsse_with_key(&env, &exp);
        assert!(!v.verified);
        assert!(v
            .error
            .unwrap()
            .contains("no signature of the DSSE envelope verifies"));
    }

    #[test]
    fn matchers_and_digests() {
        assert!(Matcher::regex("^https://github\\.com/acme/")
            .unwrap()
            .matches("https://github.com/acme/x"));
        assert!(!Matcher::Exact("a".into()).matches("ab"));
        assert!(Matcher::regex("(").is_err());
        assert!(Artifact::parse_digest("sha256:abc").is_err());
        let d = "sha256:".to_owned() + &"ab".repeat(32);
        assert_eq!(Artifact::parse_digest(&d).unwrap().sha256(), [0xab; 32]);
    }
}
