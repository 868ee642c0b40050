//! Signed certificate timestamps (RFC 6962 §3.2) embedded in Fulcio certificates: proof that the
//! certificate was logged to a certificate transparency log of the trusted root. Checked offline
//! by rebuilding the precertificate entry the log signed.

use der::{Decode as _, Encode as _};
use x509_cert::Certificate;

use super::trust_root::{sha256, TrustedRoot};

const OID_SCT_LIST: &str = "1.3.6.1.4.1.11129.2.4.2";

struct Sct<'a> {
    log_id: &'a [u8],
    timestamp: u64,
    extensions: &'a [u8],
    signature: &'a [u8],
}

fn take<'a>(buf: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, rest) = (buf.get(..n)?, buf.get(n..)?);
    *buf = rest;
    Some(head)
}

fn u16_at(buf: &mut &[u8]) -> Option<usize> {
    let b = take(buf, 2)?;
    Some(usize::from(*b.first()?) << 8 | usize::from(*b.get(1)?))
}

fn parse_sct(mut b: &[u8]) -> Option<Sct<'_>> {
    let version = *take(&mut b, 1)?.first()?;
    if version != 0 {
        return None;
    }
    let log_id = take(&mut b, 32)?;
    let ts = take(&mut b, 8)?;
    let timestamp = ts.iter().fold(0u64, |acc, x| acc << 8 | u64::from(*x));
    let ext_len = u16_at(&mut b)?;
    let extensions = take(&mut b, ext_len)?;
    let _hash_and_sig_alg = take(&mut b, 2)?;
    let sig_len = u16_at(&mut b)?;
    let signature = take(&mut b, sig_len)?;
    Some(Sct {
        log_id,
        timestamp,
        extensions,
        signature,
    })
}

/// Verify that at least one embedded SCT of `leaf` (issued by `issuer`) is signed by a CT log of
/// the trusted root. Roots that list no CT log skip the check (private deployments without CT);
/// a root that lists CT logs whose keys gate cannot read fails it rather than skipping it.
pub fn verify_embedded_scts(
    leaf: &Certificate,
    issuer: &Certificate,
    root: &TrustedRoot,
) -> Result<(), String> {
    if !root.ct_required {
        return Ok(());
    }
    let ext = leaf
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id.to_string() == OID_SCT_LIST)
        .ok_or("the signing certificate carries no signed certificate timestamp (SCT)")?;
    let list = der::asn1::OctetString::from_der(ext.extn_value.as_bytes())
        .map_err(|e| format!("the certificate's SCT list is malformed: {e}"))?;
    let mut buf = list.as_bytes();
    let total = u16_at(&mut buf).ok_or("the certificate's SCT list is truncated")?;
    let mut buf = take(&mut buf, total).ok_or("the certificate's SCT list is truncated")?;

    // The precertificate TBS: the certificate without its SCT list.
    let mut tbs = leaf.tbs_certificate.clone();
    if let Some(exts) = tbs.extensions.as_mut() {
        exts.retain(|e| e.extn_id.to_string() != OID_SCT_LIST);
    }
    let tbs_der = tbs
        .to_der()
        .map_err(|e| format!("cannot encode the precertificate: {e}"))?;
    let issuer_spki = issuer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("cannot encode the issuer key: {e}"))?;
    let issuer_key_hash = sha256(&issuer_spki);
    let tbs_len =
        u32::try_from(tbs_der.len()).map_err(|_| "the certificate is too large".to_owned())?;

    let mut reasons = Vec::new();
    while !buf.is_empty() {
        let len = u16_at(&mut buf).ok_or("the certificate's SCT list is truncated")?;
        let raw = take(&mut buf, len).ok_or("the certificate's SCT list is truncated")?;
        let Some(sct) = parse_sct(raw) else {
            reasons.push("an SCT is malformed".to_owned());
            continue;
        };
        let Some(log) = root.ctlog(sct.log_id) else {
            reasons.push(format!(
                "an SCT is from CT log {} which is not in the trusted root",
                hex::encode(sct.log_id)
            ));
            continue;
        };
        let mut signed = vec![0u8, 0u8];
        signed.extend(sct.timestamp.to_be_bytes());
        signed.extend([0u8, 1u8]);
        signed.extend(issuer_key_hash);
        signed.extend(tbs_len.to_be_bytes().get(1..).unwrap_or_default());
        signed.extend(&tbs_der);
        let ext_len = u16::try_from(sct.extensions.len()).unwrap_or(u16::MAX);
        signed.extend(ext_len.to_be_bytes());
        signed.extend(sct.extensions);
        match log.key.verify(&signed, sct.signature, None) {
            Ok(()) => return Ok(()),
            Err(e) => reasons.push(format!(
                "the SCT of CT log `{}` does not verify: {e}",
                log.base_url
            )),
        }
    }
    Err(format!(
        "no signed certificate timestamp of the certificate verifies against the trusted root's CT logs ({})",
        if reasons.is_empty() { "the list is empty".to_owned() } else { reasons.join("; ") }
    ))
}
