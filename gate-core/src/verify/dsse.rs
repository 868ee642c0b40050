//! DSSE envelopes (`payloadType`, base64 `payload`, `signatures[]`): parsing and the
//! pre-authentication encoding (PAE) every DSSE signature covers.
//!
//! An envelope without signatures, or whose payload is not base64, is refused as unreadable: it
//! can never be evidence of anything.

use base64::Engine as _;
use serde::Deserialize;

/// One DSSE signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsseSignature {
    /// The key id the signer gave (often empty).
    pub keyid: String,
    /// The signature bytes.
    pub sig: Vec<u8>,
    /// A PEM certificate some producers attach (slsa-github-generator).
    pub cert: Option<String>,
}

/// A decoded DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `payloadType`.
    pub payload_type: String,
    /// The decoded payload.
    pub payload: Vec<u8>,
    /// The signatures (at least one).
    pub signatures: Vec<DsseSignature>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEnvelope {
    payload_type: String,
    payload: String,
    #[serde(default)]
    signatures: Vec<RawSig>,
}

#[derive(Deserialize)]
struct RawSig {
    #[serde(default)]
    keyid: Option<String>,
    sig: String,
    #[serde(default)]
    cert: Option<String>,
}

/// Decode base64 in the standard or URL-safe alphabet, padded or not (DSSE allows both).
pub fn decode_b64(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let s = s.trim();
    STANDARD
        .decode(s)
        .or_else(|_| URL_SAFE.decode(s))
        .or_else(|_| STANDARD_NO_PAD.decode(s))
        .or_else(|_| URL_SAFE_NO_PAD.decode(s))
        .ok()
}

impl Envelope {
    /// Read an envelope from its JSON value.
    pub fn from_value(v: &serde_json::Value) -> Result<Self, String> {
        let raw: RawEnvelope = serde_path_to_error::deserialize(v)
            .map_err(|e| format!("DSSE envelope: {} (at `{}`)", e.inner(), e.path()))?;
        let payload = decode_b64(&raw.payload).ok_or("DSSE envelope payload is not base64")?;
        if raw.signatures.is_empty() {
            return Err("DSSE envelope has no signatures".to_owned());
        }
        let mut signatures = Vec::new();
        for (i, s) in raw.signatures.iter().enumerate() {
            let sig = decode_b64(&s.sig)
                .ok_or_else(|| format!("DSSE envelope signatures[{i}].sig is not base64"))?;
            signatures.push(DsseSignature {
                keyid: s.keyid.clone().unwrap_or_default(),
                sig,
                cert: s.cert.clone().filter(|c| !c.is_empty()),
            });
        }
        Ok(Self {
            payload_type: raw.payload_type,
            payload,
            signatures,
        })
    }

    /// The pre-authentication encoding the signatures cover.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }
}

/// `DSSEv1 SP LEN(type) SP type SP LEN(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Standard base64 of bytes (tests build keyed signatures with it).
#[cfg(test)]
pub(crate) fn encode_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // The DSSE protocol document's worked example.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn unsigned_and_undecodable_envelopes_are_refused() {
        let v = serde_json::json!({"payloadType": "t", "payload": "aGk=", "signatures": []});
        assert!(Envelope::from_value(&v)
            .unwrap_err()
            .contains("no signatures"));
        let v = serde_json::json!({"payloadType": "t", "payload": "%%%", "signatures": [{"sig": "aGk="}]});
        assert!(Envelope::from_value(&v).unwrap_err().contains("not base64"));
        let v = serde_json::json!({"payloadType": "t", "payload": "aGk", "signatures": [{"sig": "aGk="}]});
        assert_eq!(Envelope::from_value(&v).unwrap().payload, b"hi");
    }
}
