//! Signatures and attestations as evidence: Sigstore bundles, DSSE envelopes and bare in-toto
//! statements read by `gate check`/`gate inspect` (the format plug-ins in `evidence/sigstore.rs`
//! decode them through [`decode`]), verified here with the run's expectations, and turned into
//! `input.signatures[]` and `input.attestations[]`.
//!
//! Reading only decodes (an unsigned or undecodable envelope is refused there); verification
//! happens once every file is read, so that all of them are judged against the same trusted root
//! and expected identity. A bare statement is listed with `verified: false`: it is never trusted.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use super::dsse::Envelope;
use super::intoto::{statement_from_value, Statement};
use super::{bundle, Artifact, Expectations, Matcher, PublicKey, TrustedRoot, Verification};
use crate::files::{self, Input};
use crate::input::Source;
pub use crate::input::{Attestation, Signer};
use crate::{Error, EvidenceError};

/// A signed (or claimed) item read from evidence, awaiting verification.
#[derive(Debug, Clone, PartialEq)]
pub enum SignedItem {
    /// A Sigstore bundle.
    Bundle {
        /// The bundle document.
        value: serde_json::Value,
        /// Where it is.
        source: Source,
    },
    /// A DSSE envelope outside a bundle.
    Dsse {
        /// The envelope.
        envelope: Envelope,
        /// Where it is.
        source: Source,
    },
    /// A bare, unsigned statement.
    Statement {
        /// The statement.
        statement: Box<Statement>,
        /// Where it is.
        source: Source,
    },
}

/// What a signed document is, by its top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedKind {
    /// A Sigstore bundle.
    Bundle,
    /// A DSSE envelope.
    Dsse,
    /// A bare in-toto statement.
    Statement,
}

/// Whether a JSON document's top-level keys make it a bundle, an envelope or a statement.
pub fn classify(media_type: Option<&str>, has: &dyn Fn(&str) -> bool) -> Option<SignedKind> {
    if media_type.is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle"))
        || has("verificationMaterial")
    {
        Some(SignedKind::Bundle)
    } else if has("payloadType") && has("payload") {
        Some(SignedKind::Dsse)
    } else if has("_type") && has("predicateType") {
        Some(SignedKind::Statement)
    } else {
        None
    }
}

/// Decode one document of a kind into the item verification will judge, with the bundle's
/// version for bundles. Decoding refuses what cannot be verified at all (an envelope without a
/// payload, a statement of an unknown type); it verifies nothing.
pub fn decode(
    kind: SignedKind,
    value: serde_json::Value,
    source: Source,
) -> Result<(SignedItem, Option<&'static str>), String> {
    Ok(match kind {
        SignedKind::Bundle => {
            let version = bundle::check_shape(&value)?;
            (SignedItem::Bundle { value, source }, Some(version))
        }
        SignedKind::Dsse => {
            let envelope = Envelope::from_value(&value)?;
            if envelope.payload_type == "application/vnd.in-toto+json" {
                super::intoto::parse_statement(&envelope.payload)?;
            }
            (SignedItem::Dsse { envelope, source }, None)
        }
        SignedKind::Statement => {
            let statement = statement_from_value(&value)?;
            let statement = Box::new(statement);
            (SignedItem::Statement { statement, source }, None)
        }
    })
}

/// Verification settings from `gate verify` flags or `gate.toml` `[verify]` (cosign's names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// `trusted_root.json`; the embedded Sigstore public-good root when absent.
    pub trusted_root: Option<PathBuf>,
    /// Expected certificate SAN, exactly.
    pub certificate_identity: Option<String>,
    /// Expected certificate SAN, as a regular expression.
    pub certificate_identity_regexp: Option<String>,
    /// Expected OIDC issuer, exactly.
    pub certificate_oidc_issuer: Option<String>,
    /// Expected OIDC issuer, as a regular expression.
    pub certificate_oidc_issuer_regexp: Option<String>,
    /// PEM public key for keyed signatures.
    pub key: Option<PathBuf>,
    /// The released artifact (its sha256 is the subject digest attestations must carry).
    pub artifact: Option<PathBuf>,
    /// The released artifact's digest, `sha256:<hex>`.
    pub digest: Option<String>,
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

impl Settings {
    /// Resolve relative paths against `base` (the folder of the `gate.toml` they came from).
    pub fn relative_to(mut self, base: &Path) -> Self {
        for p in [&mut self.trusted_root, &mut self.key, &mut self.artifact]
            .into_iter()
            .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        self
    }

    /// Fill unset fields from `other` (flags win over `gate.toml`).
    pub fn or(self, other: Settings) -> Self {
        Settings {
            trusted_root: self.trusted_root.or(other.trusted_root),
            certificate_identity: self.certificate_identity.or(other.certificate_identity),
            certificate_identity_regexp: self
                .certificate_identity_regexp
                .or(other.certificate_identity_regexp),
            certificate_oidc_issuer: self
                .certificate_oidc_issuer
                .or(other.certificate_oidc_issuer),
            certificate_oidc_issuer_regexp: self
                .certificate_oidc_issuer_regexp
                .or(other.certificate_oidc_issuer_regexp),
            key: self.key.or(other.key),
            artifact: self.artifact.or(other.artifact),
            digest: self.digest.or(other.digest),
        }
    }

    /// Turn the settings into expectations, reading the files they name.
    pub fn expectations(&self) -> Result<Expectations, Error> {
        let root = match &self.trusted_root {
            Some(p) => {
                let text = files::read_to_string(p, Input::TrustedRoot)?;
                TrustedRoot::from_json(&text).map_err(|e| Error::Evidence {
                    path: p.clone(),
                    problem: EvidenceError::new(e),
                })?
            }
            None => TrustedRoot::public_good()
                .map_err(|e| usage(format!("the embedded trusted root: {e}")))?,
        };
        let mut exp = Expectations::new(Arc::new(root));
        let pick = |exact: &Option<String>,
                    re: &Option<String>,
                    flag: &str|
         -> Result<Option<Matcher>, Error> {
            match (exact, re) {
                (Some(_), Some(_)) => Err(usage(format!(
                    "give either --{flag} or --{flag}-regexp, not both"
                ))),
                (Some(e), None) => Ok(Some(Matcher::Exact(e.clone()))),
                (None, Some(r)) => Matcher::regex(r)
                    .map(Some)
                    .map_err(|e| usage(format!("--{flag}-regexp: {e}"))),
                (None, None) => Ok(None),
            }
        };
        exp.identity = pick(
            &self.certificate_identity,
            &self.certificate_identity_regexp,
            "certificate-identity",
        )?;
        exp.issuer = pick(
            &self.certificate_oidc_issuer,
            &self.certificate_oidc_issuer_regexp,
            "certificate-oidc-issuer",
        )?;
        if let Some(k) = &self.key {
            let pem = files::read_to_string(k, Input::Key)?;
            exp.key = Some(PublicKey::from_pem(&pem).map_err(|e| Error::Evidence {
                path: k.clone(),
                problem: EvidenceError::new(e),
            })?);
        }
        exp.artifact = match (&self.artifact, &self.digest) {
            (Some(_), Some(_)) => {
                return Err(usage("give either --artifact or --digest, not both".into()))
            }
            // Hashed as it is read; kept whole only for a pure Ed25519 key, which signs the
            // message itself rather than a digest.
            (Some(p), None) => Some(match &exp.key {
                Some(PublicKey::Ed25519(_)) => {
                    Artifact::from_bytes(files::read(p, Input::ArtifactInMemory)?)
                }
                _ => Artifact::Digest(files::sha256(p, Input::Artifact)?),
            }),
            (None, Some(d)) => Some(Artifact::parse_digest(d).map_err(usage)?),
            (None, None) => None,
        };
        Ok(exp)
    }
}

fn attestation(st: Statement, v: &Verification, exp: &Expectations, source: Source) -> Attestation {
    let subject_matches = exp
        .artifact
        .as_ref()
        .map(|a| st.has_subject_digest(&hex::encode(a.sha256())));
    Attestation {
        statement_type: st.statement_type,
        predicate_type: st.predicate_type,
        subjects: st.subjects,
        verified: v.verified,
        error: v.error.clone(),
        signer: Signer {
            identity: v.identity.clone(),
            issuer: v.issuer.clone(),
            key: v.key.clone(),
        },
        subject_matches,
        provenance: st.provenance,
        vsa: st.vsa,
        predicate: st.predicate,
        source,
    }
}

/// Verify every item: the signatures and the attestations they carry.
pub fn verify_all(
    items: Vec<SignedItem>,
    exp: &Expectations,
) -> (Vec<Verification>, Vec<Attestation>) {
    let mut sigs = Vec::new();
    let mut atts = Vec::new();
    for item in items {
        match item {
            SignedItem::Bundle { value, source } => {
                let outcome = bundle::verify_bundle(&value, exp);
                let mut v = outcome.verification;
                v.source = Some(source.clone());
                if let Some(st) = outcome.statement {
                    let pointer =
                        format!("{}/dsseEnvelope", source.pointer.as_deref().unwrap_or(""));
                    atts.push(attestation(
                        st,
                        &v,
                        exp,
                        Source::pointer(&source.evidence, pointer),
                    ));
                }
                sigs.push(v);
            }
            SignedItem::Dsse { envelope, source } => {
                let (mut v, st) = super::verify_dsse_with_key(&envelope, exp);
                v.source = Some(source.clone());
                if let Some(st) = st {
                    atts.push(attestation(st, &v, exp, source));
                }
                sigs.push(v);
            }
            SignedItem::Statement { statement, source } => {
                let mut v = Verification::new("in-toto-statement");
                v.error = Some("an unsigned in-toto statement (not in a DSSE envelope or Sigstore bundle): it is never trusted".into());
                atts.push(attestation(*statement, &v, exp, source));
            }
        }
    }
    (sigs, atts)
}

/// `gate verify`: verify one bundle or DSSE envelope (or, with `signature`, a detached keyed
/// signature over the artifact). No artifact or digest in `settings`, or unreadable input, is an
/// error (exit 2); a signature that does not verify is an outcome with `verified: false`.
pub fn verify_file(
    bundle: Option<&Path>,
    signature: Option<&Path>,
    settings: &Settings,
) -> Result<(Verification, Vec<Attestation>), Error> {
    if settings.artifact.is_none() && settings.digest.is_none() {
        return Err(usage(
            "a signature is verified against the artifact it is meant to cover: give --artifact \
             FILE or --digest sha256:HEX (what a bundle or attestation says it signed proves \
             nothing about the file you release)"
                .into(),
        ));
    }
    let exp = settings.expectations()?;
    if let Some(sig) = signature {
        let bytes = files::read(sig, Input::Signature)?;
        let mut v = super::verify_detached(&bytes, &exp);
        v.source = Some(Source::pointer(
            &crate::files::evidence_id(sig),
            String::new(),
        ));
        return Ok((v, Vec::new()));
    }
    let path = bundle.ok_or_else(|| usage("give --bundle (or --signature with --key)".into()))?;
    let text = files::read_to_string(path, Input::Evidence)?;
    let id = crate::files::evidence_id(path);
    let wrap = |problem: EvidenceError| Error::Evidence {
        path: path.to_owned(),
        problem,
    };
    let value = crate::source::json::parse_value(&text).map_err(wrap)?;
    let has = |k: &str| value.get(k).is_some();
    let kind = classify(value.get("mediaType").and_then(|m| m.as_str()), &has)
        .filter(|k| *k != SignedKind::Statement)
        .ok_or_else(|| {
            wrap(EvidenceError::new(
                "neither a Sigstore bundle nor a DSSE envelope",
            ))
        })?;
    let (item, _) = decode(kind, value, Source::pointer(&id, String::new()))
        .map_err(|e| wrap(EvidenceError::new(e)))?;
    let items = vec![item];
    let (mut sigs, atts) = verify_all(items, &exp);
    let v = sigs
        .pop()
        .ok_or_else(|| wrap(EvidenceError::new("nothing to verify")))?;
    Ok((v, atts))
}
