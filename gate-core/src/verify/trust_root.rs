//! The Sigstore trusted root (`trusted_root.json`): which Fulcio CAs, Rekor logs, CT logs and
//! timestamp authorities a bundle may chain to, each with the interval it is trusted for.
//!
//! The Sigstore public-good root is embedded as the default ([`TrustedRoot::public_good`]); a
//! `--trusted-root` flag or `gate.toml` `[verify] trusted_root` replaces it. Nothing is fetched:
//! refreshing the embedded root is a source change, not a run-time download.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use super::certificate::{parse_certificate, PublicKey};

/// The public-good trusted root as distributed by Sigstore's TUF repository (see docs/verification.md).
const PUBLIC_GOOD: &str = include_str!("public_good_trusted_root.json");

/// A closed time interval; a missing end means "still trusted".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validity {
    /// First instant of trust.
    pub start: DateTime<Utc>,
    /// Last instant of trust (inclusive), if any.
    pub end: Option<DateTime<Utc>>,
}

impl Validity {
    /// Whether `t` is inside the closed interval.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        t >= self.start && self.end.is_none_or(|e| t <= e)
    }
}

/// A transparency log (Rekor) or CT log key.
#[derive(Debug, Clone)]
pub struct LogKey {
    /// The log's base URL, for messages.
    pub base_url: String,
    /// The log id (SHA-256 of the key's DER SubjectPublicKeyInfo, or the C2SP key id for Rekor v2).
    pub log_id: Vec<u8>,
    /// The key.
    pub key: PublicKey,
    /// When the key is trusted; `None` when the root gives no interval.
    pub valid_for: Option<Validity>,
}

/// A certificate authority (Fulcio) or timestamp authority: a chain, leaf-most first.
#[derive(Debug, Clone)]
pub struct Authority {
    /// The authority's URI, for messages.
    pub uri: String,
    /// DER certificates, leaf-most (intermediate) first, root last.
    pub chain: Vec<Vec<u8>>,
    /// When the authority is trusted; `None` when the root gives no interval.
    pub valid_for: Option<Validity>,
}

/// A parsed trusted root.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    /// Rekor logs.
    pub tlogs: Vec<LogKey>,
    /// Certificate transparency logs (those whose keys gate can read).
    pub ctlogs: Vec<LogKey>,
    /// The root lists CT logs, so certificates must carry an SCT from one of them — even when
    /// none of the listed keys is readable (then no SCT can count, and verification fails).
    pub ct_required: bool,
    /// Fulcio certificate authorities.
    pub certificate_authorities: Vec<Authority>,
    /// RFC 3161 timestamp authorities.
    pub timestamp_authorities: Vec<Authority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRoot {
    media_type: Option<String>,
    #[serde(default)]
    tlogs: Vec<RawLog>,
    #[serde(default)]
    ctlogs: Vec<RawLog>,
    #[serde(default)]
    certificate_authorities: Vec<RawAuthority>,
    #[serde(default)]
    timestamp_authorities: Vec<RawAuthority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLog {
    #[serde(default)]
    base_url: String,
    public_key: RawPublicKey,
    log_id: RawLogId,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPublicKey {
    raw_bytes: String,
    #[serde(default)]
    key_details: Option<String>,
    valid_for: Option<RawValidity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthority {
    #[serde(default)]
    uri: String,
    cert_chain: RawChain,
    valid_for: Option<RawValidity>,
}

#[derive(Deserialize)]
struct RawChain {
    #[serde(default)]
    certificates: Vec<RawCert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCert {
    raw_bytes: String,
}

#[derive(Deserialize)]
struct RawValidity {
    start: Option<String>,
    end: Option<String>,
}

fn b64(s: &str, what: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| format!("{what} is not valid base64: {e}"))
}

fn time(s: &str, what: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{what} `{s}` is not an RFC 3339 time: {e}"))
}

fn validity(raw: Option<&RawValidity>, what: &str) -> Result<Option<Validity>, String> {
    let Some(v) = raw else { return Ok(None) };
    let start = v
        .start
        .as_deref()
        .ok_or_else(|| format!("{what}: `validFor` has no `start`"))?;
    Ok(Some(Validity {
        start: time(start, &format!("{what}: validFor.start"))?,
        end: v
            .end
            .as_deref()
            .map(|e| time(e, &format!("{what}: validFor.end")))
            .transpose()?,
    }))
}

fn log(raw: &RawLog, what: &str) -> Result<LogKey, String> {
    let der = b64(&raw.public_key.raw_bytes, &format!("{what} public key"))?;
    let key = PublicKey::from_spki_der(&der).map_err(|e| {
        format!(
            "{what} `{}` key ({}): {e}",
            raw.base_url,
            raw.public_key
                .key_details
                .as_deref()
                .unwrap_or("no keyDetails")
        )
    })?;
    Ok(LogKey {
        base_url: raw.base_url.clone(),
        log_id: b64(&raw.log_id.key_id, &format!("{what} logId"))?,
        key,
        valid_for: validity(raw.public_key.valid_for.as_ref(), what)?,
    })
}

fn authority(raw: &RawAuthority, what: &str) -> Result<Authority, String> {
    let mut chain = Vec::new();
    for c in &raw.cert_chain.certificates {
        let der = b64(&c.raw_bytes, &format!("{what} certificate"))?;
        parse_certificate(&der).map_err(|e| format!("{what} `{}`: {e}", raw.uri))?;
        chain.push(der);
    }
    if chain.is_empty() {
        return Err(format!(
            "{what} `{}` has an empty certificate chain",
            raw.uri
        ));
    }
    Ok(Authority {
        uri: raw.uri.clone(),
        chain,
        valid_for: validity(raw.valid_for.as_ref(), what)?,
    })
}

impl TrustedRoot {
    /// Parse a `trusted_root.json` document. Malformed keys, certificates or intervals are errors:
    /// a trust root is never read leniently.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: RawRoot = serde_path_to_error::deserialize(de)
            .map_err(|e| format!("trusted root: {} (at `{}`)", e.inner(), e.path()))?;
        if let Some(mt) = &raw.media_type {
            if !mt.starts_with("application/vnd.dev.sigstore.trustedroot") {
                return Err(format!("trusted root: unknown mediaType `{mt}`"));
            }
        }
        let tlogs = raw
            .tlogs
            .iter()
            .map(|l| log(l, "transparency log"))
            .collect::<Result<_, _>>()?;
        // A CT log key gate cannot read is left out rather than fatal: an SCT from it then does
        // not count, so the failure is on the bundle, with a reason.
        let ctlogs = raw
            .ctlogs
            .iter()
            .filter_map(|l| log(l, "CT log").ok())
            .collect();
        let certificate_authorities = raw
            .certificate_authorities
            .iter()
            .map(|a| authority(a, "certificate authority"))
            .collect::<Result<_, _>>()?;
        let timestamp_authorities = raw
            .timestamp_authorities
            .iter()
            .map(|a| authority(a, "timestamp authority"))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            tlogs,
            ctlogs,
            ct_required: !raw.ctlogs.is_empty(),
            certificate_authorities,
            timestamp_authorities,
        })
    }

    /// The embedded Sigstore public-good root.
    pub fn public_good() -> Result<Self, String> {
        Self::from_json(PUBLIC_GOOD)
    }

    /// The Rekor log with this log id.
    pub fn tlog(&self, log_id: &[u8]) -> Option<&LogKey> {
        self.tlogs.iter().find(|l| l.log_id == log_id)
    }

    /// The CT log with this log id.
    pub fn ctlog(&self, log_id: &[u8]) -> Option<&LogKey> {
        self.ctlogs.iter().find(|l| l.log_id == log_id)
    }
}

/// SHA-256 of bytes, as an array.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn public_good_root_parses() {
        let root = TrustedRoot::public_good().unwrap();
        assert!(root
            .tlogs
            .iter()
            .any(|l| l.base_url == "https://rekor.sigstore.dev"));
        assert!(!root.certificate_authorities.is_empty());
        assert!(!root.timestamp_authorities.is_empty());
    }

    #[test]
    fn validity_is_closed_and_start_is_required() {
        let v = Validity {
            start: time("2024-01-01T00:00:00Z", "t").unwrap(),
            end: Some(time("2024-02-01T00:00:00Z", "t").unwrap()),
        };
        assert!(v.contains(time("2024-02-01T00:00:00Z", "t").unwrap()));
        assert!(!v.contains(time("2024-02-01T00:00:01Z", "t").unwrap()));
        let raw = RawValidity {
            start: None,
            end: Some("2024-01-01T00:00:00Z".into()),
        };
        assert!(validity(Some(&raw), "log")
            .unwrap_err()
            .contains("no `start`"));
    }
}
