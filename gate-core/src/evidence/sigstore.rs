//! Sigstore bundles (v0.1–v0.3, and npm's attestations document listing them), DSSE envelopes
//! and bare in-toto statements, as evidence formats.
//!
//! Reading decodes the document into items awaiting verification (`Parsed::signed`); nothing is
//! verified here. Verification (`crate::verify`) judges every item once all evidence is read, so
//! all of them meet the same trusted root and expected identity.

use super::format::{object, Claim, Format, Probe};
use super::{Kind, Parsed};
use crate::input::{Producer, Source};
use crate::source::json;
use crate::verify::evidence::{classify, decode, SignedKind};
use crate::EvidenceError;

impl Kind {
    /// A Sigstore bundle (v0.1–v0.3), or npm's attestations document of bundles.
    #[allow(non_upper_case_globals)]
    pub const SigstoreBundle: Kind = Kind("sigstore-bundle");
    /// A DSSE envelope.
    #[allow(non_upper_case_globals)]
    pub const Dsse: Kind = Kind("dsse");
    /// A bare in-toto statement.
    #[allow(non_upper_case_globals)]
    pub const InToto: Kind = Kind("in-toto");
}

/// The signed kind its top-level keys make a JSON object, if any.
fn signed_kind(probe: &Probe<'_>) -> Option<SignedKind> {
    let p = object(probe)?;
    classify(p.scalar("mediaType"), &|k| p.has(k))
}

/// Sigstore bundles, and npm's attestations document (`{"attestations": [{bundle}…]}`).
pub(crate) struct BundleFormat;

impl Format for BundleFormat {
    fn kind(&self) -> Kind {
        Kind::SigstoreBundle
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        let npm = object(probe).is_some_and(|p| p.has("attestations") && p.keys.len() == 1);
        Claim::when(npm || signed_kind(probe) == Some(SignedKind::Bundle))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_bundle(id, text)
    }
}

/// DSSE envelopes outside a bundle.
pub(crate) struct DsseFormat;

impl Format for DsseFormat {
    fn kind(&self) -> Kind {
        Kind::Dsse
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(signed_kind(probe) == Some(SignedKind::Dsse))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_dsse(id, text)
    }
}

/// Bare in-toto statements (never trusted: listed with `verified: false`).
pub(crate) struct InTotoFormat;

impl Format for InTotoFormat {
    fn kind(&self) -> Kind {
        Kind::InToto
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(signed_kind(probe) == Some(SignedKind::Statement))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read_statement(id, text)
    }
}

/// Read a Sigstore bundle (or npm's attestations document of bundles).
pub fn read_bundle(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    read(SignedKind::Bundle, id, text)
}

/// Read a DSSE envelope.
pub fn read_dsse(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    read(SignedKind::Dsse, id, text)
}

/// Read a bare in-toto statement.
pub fn read_statement(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    read(SignedKind::Statement, id, text)
}

fn read(kind: SignedKind, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let value = json::parse_value(text)?;
    let mut parsed = Parsed {
        producer: Producer {
            name: "unknown".into(),
            version: None,
        },
        ..Parsed::default()
    };
    if let Some(list) = npm_attestations(&value)? {
        // npm's attestations document: every entry's `bundle` is a Sigstore bundle.
        for (i, a) in list.iter().enumerate() {
            let b = a
                .get("bundle")
                .cloned()
                .ok_or_else(|| EvidenceError::new(format!("attestations[{i}] has no `bundle`")))?;
            let source = Source::pointer(id, format!("/attestations/{i}/bundle"));
            let (item, _) = decode(SignedKind::Bundle, b, source)
                .map_err(|e| EvidenceError::new(format!("attestations[{i}].bundle: {e}")))?;
            parsed.signed.push(item);
        }
        parsed.format_version = Some("npm-attestations".into());
        return Ok(parsed);
    }
    let (item, version) =
        decode(kind, value, Source::pointer(id, String::new())).map_err(EvidenceError::new)?;
    parsed.format_version = version.map(str::to_owned);
    parsed.signed.push(item);
    Ok(parsed)
}

/// The entries of npm's attestations document (`{"attestations": [...]}` and nothing else), or
/// `None` for any other document. A bundle or envelope that also has an `attestations` key is
/// not one: its own content must not vanish behind a list.
fn npm_attestations(
    value: &serde_json::Value,
) -> Result<Option<&Vec<serde_json::Value>>, EvidenceError> {
    let Some(obj) = value.as_object() else {
        return Ok(None);
    };
    if obj.len() != 1 {
        return Ok(None);
    }
    let Some(list) = obj.get("attestations") else {
        return Ok(None);
    };
    match list.as_array() {
        Some(l) if l.is_empty() => Err(EvidenceError::new(
            "the attestations document lists no attestations",
        )),
        Some(l) => Ok(Some(l)),
        None => Err(EvidenceError::new("`attestations` is not a list")),
    }
}
