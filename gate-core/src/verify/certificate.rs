//! Keys and X.509 certificates: public keys (ECDSA P-256/P-384, Ed25519), certificate signatures,
//! chains up to a trusted root, validity at a given time, and the Fulcio signer identity (SAN and
//! OIDC issuer extensions).
//!
//! RSA is verified with PKCS #1 v1.5 only (private Fulcio and CT deployments use it); RSA-PSS and
//! other curves are refused with a reason.

use chrono::{DateTime, TimeZone as _, Utc};
use der::{Decode as _, Encode as _};
use ecdsa::signature::hazmat::PrehashVerifier as _;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use spki::DecodePublicKey as _;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::Certificate;

/// A verification key.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// ECDSA over NIST P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// ECDSA over NIST P-384.
    P384(p384::ecdsa::VerifyingKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// RSA (PKCS #1 v1.5 signatures), as some private Fulcio and CT deployments use.
    Rsa(Box<rsa::RsaPublicKey>),
}

/// The hash an ECDSA signature was computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Hash bytes.
    pub fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(bytes).to_vec(),
            Self::Sha384 => Sha384::digest(bytes).to_vec(),
            Self::Sha512 => Sha512::digest(bytes).to_vec(),
        }
    }

    /// From a digest algorithm OID (NIST hash OIDs).
    pub fn from_oid(oid: &der::oid::ObjectIdentifier) -> Option<Self> {
        match oid.to_string().as_str() {
            "2.16.840.1.101.3.4.2.1" => Some(Self::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(Self::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(Self::Sha512),
            _ => None,
        }
    }
}

impl PublicKey {
    /// From a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, String> {
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
            return Ok(Self::P256(k));
        }
        if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
            return Ok(Self::P384(k));
        }
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            return Ok(Self::Ed25519(k));
        }
        if let Ok(k) = rsa::RsaPublicKey::from_public_key_der(der) {
            return Ok(Self::Rsa(Box::new(k)));
        }
        Err("not an ECDSA P-256/P-384, Ed25519 or RSA public key (SubjectPublicKeyInfo)".to_owned())
    }

    /// From a PEM `PUBLIC KEY` block.
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let (label, der) = pem_rfc7468_decode(pem)?;
        if label != "PUBLIC KEY" {
            return Err(format!(
                "expected a `PUBLIC KEY` PEM block, found `{label}`"
            ));
        }
        Self::from_spki_der(&der)
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, String> {
        use spki::EncodePublicKey as _;
        let doc = match self {
            Self::P256(k) => k.to_public_key_der(),
            Self::P384(k) => k.to_public_key_der(),
            Self::Ed25519(k) => k.to_public_key_der(),
            Self::Rsa(k) => k.to_public_key_der(),
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| format!("cannot encode public key: {e}"))
    }

    /// The raw key bytes (for C2SP key ids).
    pub fn raw_bytes(&self) -> Vec<u8> {
        match self {
            Self::P256(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            Self::P384(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            Self::Ed25519(k) => k.as_bytes().to_vec(),
            Self::Rsa(k) => {
                use rsa::traits::PublicKeyParts as _;
                k.n().to_bytes_be()
            }
        }
    }

    /// The key's natural hash for a whole-message signature.
    pub fn default_hash(&self) -> HashAlg {
        match self {
            Self::P384(_) => HashAlg::Sha384,
            _ => HashAlg::Sha256,
        }
    }

    /// A short name for messages.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::P256(_) => "ECDSA P-256",
            Self::P384(_) => "ECDSA P-384",
            Self::Ed25519(_) => "Ed25519",
            Self::Rsa(_) => "RSA",
        }
    }

    /// Verify a signature over a whole message (ECDSA: DER signature over the key's natural hash,
    /// or `hash` when given; Ed25519: the 64-byte signature over the message).
    pub fn verify(
        &self,
        message: &[u8],
        signature: &[u8],
        hash: Option<HashAlg>,
    ) -> Result<(), String> {
        match self {
            Self::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| "the Ed25519 signature is not 64 bytes".to_owned())?;
                k.verify_strict(message, &sig)
                    .map_err(|_| "the Ed25519 signature does not verify".to_owned())
            }
            _ => {
                let h = hash.unwrap_or_else(|| self.default_hash());
                self.verify_prehash(&h.digest(message), signature)
            }
        }
    }

    /// Verify an ECDSA signature (DER) over a digest computed elsewhere.
    pub fn verify_prehash(&self, digest: &[u8], signature: &[u8]) -> Result<(), String> {
        match self {
            Self::P256(k) => {
                // DER, or the fixed-size r||s form some DSSE signers write.
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .or_else(|_| p256::ecdsa::Signature::from_slice(signature))
                    .map_err(|_| "the signature is not an ECDSA signature (DER or r||s)".to_owned())?;
                k.verify_prehash(digest, &sig)
                    .map_err(|_| "the ECDSA P-256 signature does not verify".to_owned())
            }
            Self::P384(k) => {
                // DER, or the fixed-size r||s form some DSSE signers write.
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .or_else(|_| p384::ecdsa::Signature::from_slice(signature))
                    .map_err(|_| "the signature is not an ECDSA signature (DER or r||s)".to_owned())?;
                k.verify_prehash(digest, &sig)
                    .map_err(|_| "the ECDSA P-384 signature does not verify".to_owned())
            }
            Self::Ed25519(_) => Err(
                "an Ed25519 signature covers the whole artifact, not a digest: give the artifact itself"
                    .to_owned(),
            ),
            Self::Rsa(k) => {
                let scheme = match digest.len() {
                    32 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                    48 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                    64 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                    n => return Err(format!("no RSA signature scheme for a {n}-byte digest")),
                };
                k.verify(scheme, digest, signature)
                    .map_err(|_| "the RSA signature does not verify".to_owned())
            }
        }
    }
}

/// Decode one PEM block: (label, DER). Line lengths are not enforced (real keys and certificates
/// are wrapped at 64 or 76 columns, or not at all).
pub fn pem_rfc7468_decode(pem: &str) -> Result<(String, Vec<u8>), String> {
    use base64::Engine as _;
    let text = pem.trim();
    let rest = text
        .strip_prefix("-----BEGIN ")
        .ok_or("not a PEM block: no `-----BEGIN` line")?;
    let (label, rest) = rest
        .split_once("-----")
        .ok_or("not a PEM block: malformed `-----BEGIN` line")?;
    let end = format!("-----END {label}-----");
    let body = rest
        .split(end.as_str())
        .next()
        .filter(|_| rest.contains(end.as_str()))
        .ok_or_else(|| format!("not a PEM block: no `{end}` line"))?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("the PEM `{label}` block is not valid base64: {e}"))?;
    Ok((label.to_owned(), der))
}

/// Parse a DER certificate.
pub fn parse_certificate(der: &[u8]) -> Result<Certificate, String> {
    Certificate::from_der(der).map_err(|e| format!("not a DER X.509 certificate: {e}"))
}

/// The certificate's public key.
pub fn certificate_key(cert: &Certificate) -> Result<PublicKey, String> {
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("cannot encode the certificate's key: {e}"))?;
    PublicKey::from_spki_der(&spki)
}

/// notBefore / notAfter as UTC times.
pub fn certificate_validity(cert: &Certificate) -> (DateTime<Utc>, DateTime<Utc>) {
    let v = &cert.tbs_certificate.validity;
    (
        to_chrono(v.not_before.to_unix_duration()),
        to_chrono(v.not_after.to_unix_duration()),
    )
}

/// A unix duration as a UTC time.
pub fn to_chrono(d: std::time::Duration) -> DateTime<Utc> {
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    Utc.timestamp_opt(secs, d.subsec_nanos())
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether the certificate is valid at `t` (closed interval).
pub fn valid_at(cert: &Certificate, t: DateTime<Utc>) -> bool {
    let (nb, na) = certificate_validity(cert);
    nb <= t && t <= na
}

/// Verify that `issuer` signed `cert`.
pub fn verify_issued_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Err(format!(
            "its issuer `{}` is not `{}`",
            cert.tbs_certificate.issuer, issuer.tbs_certificate.subject
        ));
    }
    let key = certificate_key(issuer)?;
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|e| format!("cannot encode the certificate: {e}"))?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or_else(|| "the certificate signature is not a whole number of bytes".to_owned())?;
    let hash = match cert.signature_algorithm.oid.to_string().as_str() {
        "1.2.840.10045.4.3.2" => Some(HashAlg::Sha256),
        "1.2.840.10045.4.3.3" => Some(HashAlg::Sha384),
        "1.2.840.10045.4.3.4" | "1.2.840.113549.1.1.13" => Some(HashAlg::Sha512),
        "1.2.840.113549.1.1.11" => Some(HashAlg::Sha256),
        "1.2.840.113549.1.1.12" => Some(HashAlg::Sha384),
        "1.3.101.112" => None,
        other => {
            return Err(format!(
                "unsupported certificate signature algorithm {other}"
            ))
        }
    };
    match (&key, hash) {
        (PublicKey::Ed25519(_), None) => key.verify(&tbs, sig, None),
        (PublicKey::Ed25519(_), Some(_)) | (_, None) => {
            Err("the certificate's signature algorithm does not fit its issuer's key".to_owned())
        }
        (_, Some(h)) => key.verify_prehash(&h.digest(&tbs), sig),
    }
}

/// Whether the certificate is self-signed and a CA (a root).
pub fn is_ca(cert: &Certificate) -> bool {
    use x509_cert::ext::pkix::BasicConstraints;
    cert.tbs_certificate
        .get::<BasicConstraints>()
        .ok()
        .flatten()
        .is_some_and(|(_, bc)| bc.ca)
}

/// Verify `leaf` up `chain` (leaf-most first, root last) at time `t`: each certificate is signed by
/// the next, the last is self-signed, and every one is valid at `t`.
pub fn verify_chain(leaf: &Certificate, chain: &[Vec<u8>], t: DateTime<Utc>) -> Result<(), String> {
    let certs = chain
        .iter()
        .map(|d| parse_certificate(d))
        .collect::<Result<Vec<_>, _>>()?;
    let mut child = leaf;
    for parent in &certs {
        verify_issued_by(child, parent)?;
        if !valid_at(parent, t) {
            return Err(format!(
                "CA certificate `{}` is not valid at {}",
                parent.tbs_certificate.subject,
                t.to_rfc3339()
            ));
        }
        if !is_ca(parent) {
            return Err(format!(
                "`{}` is not a CA certificate",
                parent.tbs_certificate.subject
            ));
        }
        child = parent;
    }
    match certs.last() {
        Some(root) => {
            verify_issued_by(root, root).map_err(|e| format!("the root is not self-signed: {e}"))
        }
        None => Err("the CA chain is empty".to_owned()),
    }
}

/// The Fulcio identity of a signing certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignerIdentity {
    /// The subject alternative name: URI, email or other name.
    pub identity: Option<String>,
    /// The OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, or the older .1.1).
    pub issuer: Option<String>,
}

/// Read the SAN and OIDC issuer of a Fulcio certificate.
pub fn signer_identity(cert: &Certificate) -> SignerIdentity {
    use x509_cert::ext::pkix::SubjectAltName;
    let mut out = SignerIdentity::default();
    if let Ok(Some((_, san))) = cert.tbs_certificate.get::<SubjectAltName>() {
        for name in san.0 {
            let v = match name {
                GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
                GeneralName::Rfc822Name(e) => Some(e.to_string()),
                GeneralName::OtherName(o) => der::asn1::Utf8StringRef::from_der(o.value.value())
                    .ok()
                    .map(|s| s.to_string()),
                _ => None,
            };
            if v.is_some() {
                out.identity = v;
                break;
            }
        }
    }
    let mut legacy = None;
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        match ext.extn_id.to_string().as_str() {
            "1.3.6.1.4.1.57264.1.8" => {
                out.issuer = der::asn1::Utf8StringRef::from_der(ext.extn_value.as_bytes())
                    .ok()
                    .map(|s| s.to_string());
            }
            "1.3.6.1.4.1.57264.1.1" => {
                legacy = String::from_utf8(ext.extn_value.as_bytes().to_vec()).ok();
            }
            _ => {}
        }
    }
    if out.issuer.is_none() {
        out.issuer = legacy;
    }
    out
}

/// Whether the leaf is fit for code signing: key usage digitalSignature, EKU codeSigning.
pub fn check_code_signing(cert: &Certificate) -> Result<(), String> {
    use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, KeyUsages};
    match cert.tbs_certificate.get::<KeyUsage>() {
        Ok(Some((_, ku))) if ku.0.contains(KeyUsages::DigitalSignature) => {}
        _ => return Err("the signing certificate's key usage lacks digitalSignature".to_owned()),
    }
    if is_ca(cert) {
        return Err("the signing certificate is a CA certificate, not a leaf".to_owned());
    }
    let code_signing = der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
    match cert.tbs_certificate.get::<ExtendedKeyUsage>() {
        Ok(Some((_, eku))) if eku.0.contains(&code_signing) => Ok(()),
        _ => Err("the signing certificate's extended key usage lacks codeSigning".to_owned()),
    }
}

/// Whether the leaf is fit for timestamping: EKU timeStamping.
pub fn check_time_stamping(cert: &Certificate) -> Result<(), String> {
    use x509_cert::ext::pkix::ExtendedKeyUsage;
    let ts = der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
    match cert.tbs_certificate.get::<ExtendedKeyUsage>() {
        Ok(Some((_, eku))) if eku.0.contains(&ts) => Ok(()),
        _ => Err(
            "the timestamp authority's certificate lacks the timeStamping extended key usage"
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::pkcs8::{EncodePublicKey, LineEnding};

    /// A P-256 public key as PEM, wrapped at 64 columns (what RustCrypto, OpenSSL and cosign
    /// write).
    fn pem64() -> String {
        let sk = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        sk.public_key().to_public_key_pem(LineEnding::LF).unwrap()
    }

    /// The same block with its base64 wrapped at `width` columns (`None`: one line), lines
    /// ending in `eol`.
    fn rewrap(pem: &str, width: Option<usize>, eol: &str) -> String {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let lines: Vec<String> = match width {
            Some(w) => body
                .as_bytes()
                .chunks(w)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect(),
            None => vec![body],
        };
        format!(
            "-----BEGIN PUBLIC KEY-----{eol}{}{eol}-----END PUBLIC KEY-----{eol}",
            lines.join(eol)
        )
    }

    // The `pem-rfc7468` crate (under der/spki/x509-cert's `pem` features) decodes only lines of
    // exactly 64 columns; keys from Java tooling (76, MIME) and one-line keys pasted into CI
    // variables are real, so gate keeps its lax decoder. This pins that it reads them all.
    #[test]
    fn pem_keys_wrapped_at_any_width_or_not_at_all_decode_alike() {
        let pem = pem64();
        let (label, der) = pem_rfc7468_decode(&pem).unwrap();
        assert_eq!(label, "PUBLIC KEY");
        for (width, eol) in [
            (Some(64), "\r\n"),
            (Some(76), "\n"),
            (Some(76), "\r\n"),
            (None, "\n"),
        ] {
            let other = rewrap(&pem, width, eol);
            assert_ne!(other, pem);
            assert_eq!(
                pem_rfc7468_decode(&other).unwrap(),
                (label.clone(), der.clone())
            );
            assert!(PublicKey::from_pem(&other).is_ok(), "{width:?}");
        }
    }

    #[test]
    fn broken_pem_blocks_are_refused_with_the_reason() {
        let pem = pem64();
        let cases = [
            (pem.replace("-----BEGIN ", ""), "no `-----BEGIN` line"),
            (
                pem.replace("-----END PUBLIC KEY-----", ""),
                "no `-----END PUBLIC KEY-----` line",
            ),
            (pem.replacen('M', "!", 1), "not valid base64"),
        ];
        for (text, reason) in cases {
            let err = pem_rfc7468_decode(&text).unwrap_err();
            assert!(err.contains(reason), "{err}");
        }
        let cert = pem.replace("PUBLIC KEY", "CERTIFICATE");
        let err = PublicKey::from_pem(&cert).unwrap_err();
        assert!(err.contains("found `CERTIFICATE`"), "{err}");
    }
}
