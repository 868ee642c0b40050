//! RFC 3161 signed timestamps checked offline against the trusted root's timestamp authorities:
//! the token's CMS signature, the message imprint (a hash of the bundle's signature), and the
//! generation time against the authority's trust interval and certificate validity.
//!
//! Certificates embedded in a token are never trusted: the signer must be a timestamp authority
//! of the trusted root.

use chrono::{DateTime, NaiveDateTime, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::OctetString;
use der::{Decode as _, Encode as _, Reader as _};
use spki::AlgorithmIdentifierOwned;

use super::certificate::{parse_certificate, valid_at, verify_chain, HashAlg};
use super::trust_root::TrustedRoot;

#[derive(der::Sequence)]
struct TimeStampResp {
    status: der::Any,
    #[asn1(optional = "true")]
    time_stamp_token: Option<ContentInfo>,
}

#[derive(der::Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// A timestamp that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTimestamp {
    /// The generation time the authority signed.
    pub time: DateTime<Utc>,
    /// The authority's URI.
    pub authority: String,
}

const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";

/// Verify one `signedTimestamp` (DER TimeStampResp, or a bare TimeStampToken) over `signature`.
pub fn verify_timestamp(
    der_bytes: &[u8],
    signature: &[u8],
    root: &TrustedRoot,
) -> Result<VerifiedTimestamp, String> {
    let token = match TimeStampResp::from_der(der_bytes) {
        Ok(resp) => resp
            .time_stamp_token
            .ok_or("the timestamp response carries no token")?,
        Err(_) => ContentInfo::from_der(der_bytes)
            .map_err(|e| format!("the timestamp is not a DER RFC 3161 response or token: {e}"))?,
    };
    if token.content_type.to_string() != OID_SIGNED_DATA {
        return Err("the timestamp token is not CMS SignedData".to_owned());
    }
    let sd: SignedData = token
        .content
        .decode_as()
        .map_err(|e| format!("the timestamp token's SignedData is malformed: {e}"))?;
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the timestamp token has no TSTInfo")?;
    let tst_der = econtent
        .decode_as::<OctetString>()
        .map_err(|e| format!("the timestamp token's TSTInfo is malformed: {e}"))?
        .as_bytes()
        .to_vec();
    let (imprint, gen_time) = parse_tst_info(&tst_der)?;
    let imprint_alg = HashAlg::from_oid(&imprint.hash_algorithm.oid)
        .ok_or("the timestamp's message imprint uses an unsupported hash")?;
    if imprint_alg.digest(signature) != imprint.hashed_message.as_bytes() {
        return Err(
            "the timestamp does not cover this bundle's signature (message imprint differs)"
                .to_owned(),
        );
    }
    let mut signers = sd.signer_infos.0.iter();
    let signer = match (signers.next(), signers.next()) {
        (Some(s), None) => s,
        _ => return Err("the timestamp token must have exactly one signer".to_owned()),
    };
    let digest_alg = HashAlg::from_oid(&signer.digest_alg.oid)
        .ok_or("the timestamp signer uses an unsupported digest")?;
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or("the timestamp signer has no signed attributes")?;
    let md = attrs
        .iter()
        .find(|a| a.oid.to_string() == OID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or("the timestamp signer's attributes have no message digest")?;
    if md.as_bytes() != digest_alg.digest(&tst_der) {
        return Err("the timestamp's TSTInfo does not match its signed message digest".to_owned());
    }
    let signed = attrs
        .to_der()
        .map_err(|e| format!("cannot encode the timestamp's signed attributes: {e}"))?;
    let sig_hash = match signer.signature_algorithm.oid.to_string().as_str() {
        "1.2.840.10045.4.3.2" | "1.2.840.113549.1.1.11" => HashAlg::Sha256,
        "1.2.840.10045.4.3.3" | "1.2.840.113549.1.1.12" => HashAlg::Sha384,
        "1.2.840.10045.4.3.4" | "1.2.840.113549.1.1.13" => HashAlg::Sha512,
        // The key's own algorithm (id-ecPublicKey, rsaEncryption): the digest algorithm decides.
        "1.2.840.10045.2.1" | "1.2.840.113549.1.1.1" => digest_alg,
        other => return Err(format!("unsupported timestamp signature algorithm {other}")),
    };
    let sig = signer.signature.as_bytes();
    let mut last = String::from("no timestamp authority in the trusted root");
    for tsa in &root.timestamp_authorities {
        let Some((leaf_der, rest)) = tsa.chain.split_first() else {
            continue;
        };
        let leaf = parse_certificate(leaf_der)?;
        super::certificate::check_time_stamping(&leaf)?;
        let key = super::certificate::certificate_key(&leaf)?;
        if key.verify_prehash(&sig_hash.digest(&signed), sig).is_err() {
            last = "the timestamp was not signed by a timestamp authority of the trusted root"
                .to_owned();
            continue;
        }
        if let Some(v) = &tsa.valid_for {
            if !v.contains(gen_time) {
                return Err(format!(
                    "the timestamp time {} is outside the trust interval of the timestamp authority `{}`",
                    gen_time.to_rfc3339(),
                    tsa.uri
                ));
            }
        }
        if !valid_at(&leaf, gen_time) {
            return Err(format!(
                "the timestamp time {} is outside the validity of the timestamp authority's certificate",
                gen_time.to_rfc3339()
            ));
        }
        if !rest.is_empty() {
            verify_chain(&leaf, rest, gen_time)
                .map_err(|e| format!("the timestamp authority's chain does not verify: {e}"))?;
        }
        return Ok(VerifiedTimestamp {
            time: gen_time,
            authority: tsa.uri.clone(),
        });
    }
    Err(last)
}

/// The message imprint and generation time of a TSTInfo (the fields after them are skipped).
fn parse_tst_info(der_bytes: &[u8]) -> Result<(MessageImprint, DateTime<Utc>), String> {
    let bad = |e: der::Error| format!("the timestamp's TSTInfo is malformed: {e}");
    let mut reader = der::SliceReader::new(der_bytes).map_err(bad)?;
    let (imprint, time_bytes) = reader
        .sequence(|r| {
            let _version = der::asn1::Int::decode(r)?;
            let _policy = der::asn1::ObjectIdentifier::decode(r)?;
            let imprint = MessageImprint::decode(r)?;
            let _serial = der::asn1::Int::decode(r)?;
            let time = der::Any::decode(r)?;
            if der::Tagged::tag(&time) != der::Tag::GeneralizedTime {
                return Err(der::Tag::GeneralizedTime.value_error());
            }
            while !r.is_finished() {
                der::Any::decode(r)?;
            }
            Ok((imprint, time.value().to_vec()))
        })
        .map_err(bad)?;
    let text = String::from_utf8(time_bytes)
        .map_err(|_| "the timestamp's genTime is not text".to_owned())?;
    let naive = text
        .strip_suffix('Z')
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y%m%d%H%M%S%.f").ok())
        .ok_or_else(|| format!("the timestamp's genTime `{text}` is not a UTC GeneralizedTime"))?;
    Ok((imprint, naive.and_utc()))
}
