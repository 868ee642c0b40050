//! Sigstore bundles v0.1, v0.2 and v0.3 verified offline: the signature over the artifact (or its
//! digest) or over a DSSE envelope, the log entry's agreement with the bundle, the transparency log
//! inclusion proof and checkpoint, the signed entry timestamp, RFC 3161 timestamps, the
//! certificate chain to the trusted root at the signing time, and the signer identity.
//!
//! Every step that fails yields `verified: false` and a reason; nothing here panics or returns
//! early with a half-verified result.

use base64::Engine as _;
use chrono::{DateTime, TimeZone as _, Utc};
use serde_json::Value;

use super::certificate::{
    certificate_key, certificate_validity, check_code_signing, is_ca, parse_certificate,
    pem_rfc7468_decode, signer_identity, valid_at, verify_chain, verify_issued_by, PublicKey,
};
use super::dsse::Envelope;
use super::intoto::{parse_statement, Statement};
use super::rekor::{leaf_hash, root_from_inclusion_proof, verify_checkpoint, verify_set};
use super::timestamp::verify_timestamp;
use super::trust_root::{sha256, LogKey};
use super::{Artifact, Expectations, TlogInfo, Verification};

/// The outcome of verifying one bundle: the verification facts and, for a DSSE bundle, the
/// statement it carries (parsed whether or not the signature verified).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was checked and whether it all held.
    pub verification: Verification,
    /// The in-toto statement of a DSSE bundle.
    pub statement: Option<Statement>,
}

/// The bundle versions gate reads, from the media type.
pub fn bundle_version(media_type: &str) -> Option<&'static str> {
    match media_type {
        "application/vnd.dev.sigstore.bundle+json;version=0.1" => Some("0.1"),
        "application/vnd.dev.sigstore.bundle+json;version=0.2" => Some("0.2"),
        "application/vnd.dev.sigstore.bundle+json;version=0.3"
        | "application/vnd.dev.sigstore.bundle.v0.3+json" => Some("0.3"),
        _ => None,
    }
}

/// The bundle's structure, checked before anything is verified: a bundle version gate reads, and
/// exactly one member of each of the format's `oneof`s — the verification material (`certificate`,
/// `x509CertificateChain` or `publicKey`) and the content (`messageSignature` or `dsseEnvelope`) —
/// with exactly one signature in a DSSE envelope. A bundle that carries two contents or two
/// signers says two things at once; gate refuses it rather than pick one. Returns the version.
pub fn check_shape(bundle: &Value) -> Result<&'static str, String> {
    if !bundle.is_object() {
        return Err("a Sigstore bundle is a JSON object".to_owned());
    }
    let media_type = match bundle.get("mediaType") {
        Some(Value::String(m)) => m.as_str(),
        Some(_) => return Err("the bundle's `mediaType` is not a string".to_owned()),
        None => return Err("the bundle has no `mediaType`".to_owned()),
    };
    let version = bundle_version(media_type).ok_or_else(|| {
        format!(
            "unsupported bundle media type `{media_type}` (gate reads bundles v0.1, v0.2 and v0.3)"
        )
    })?;
    let vm = bundle
        .get("verificationMaterial")
        .filter(|v| v.is_object())
        .ok_or("the bundle has no `verificationMaterial` object")?;
    one_of(
        vm,
        &["certificate", "x509CertificateChain", "publicKey"],
        "the bundle's `verificationMaterial`",
    )?;
    let content = one_of(
        bundle,
        &["messageSignature", "dsseEnvelope"],
        "the bundle's content",
    )?;
    if content == "dsseEnvelope" {
        let n = bundle
            .pointer("/dsseEnvelope/signatures")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if n != 1 {
            return Err(format!(
                "the bundle's DSSE envelope has {n} signatures; a bundle carries exactly one"
            ));
        }
    }
    Ok(version)
}

/// Exactly one of `keys` is present (and not null) in `v`; which one.
fn one_of<'k>(v: &Value, keys: &[&'k str], what: &str) -> Result<&'k str, String> {
    let present: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| v.get(k).is_some_and(|x| !x.is_null()))
        .collect();
    match present.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "{what} has none of {}: it must have exactly one",
            list(keys)
        )),
        many => Err(format!(
            "{what} has {} at once: the bundle format allows exactly one of {}",
            list(many),
            list(keys)
        )),
    }
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Verify a bundle (already parsed as JSON) against the expectations.
pub fn verify_bundle(bundle: &Value, exp: &Expectations) -> Outcome {
    let mut out = Verification::new("sigstore-bundle");
    let mut statement = None;
    match run(bundle, exp, &mut out, &mut statement) {
        Ok(()) => out.verified = true,
        Err(e) => {
            out.verified = false;
            out.error = Some(e);
        }
    }
    Outcome {
        verification: out,
        statement,
    }
}

/// Standard base64, line breaks ignored (as protobuf JSON readers do; `base64` wraps at 76).
fn b64(s: &str, what: &str) -> Result<Vec<u8>, String> {
    let joined: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    base64::engine::general_purpose::STANDARD
        .decode(joined.trim())
        .map_err(|_| format!("{what} is not valid base64"))
}

fn str_at<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

/// An int64 as Rekor writes it: a JSON string or number.
fn int_at(v: &Value, ptr: &str) -> Result<Option<i64>, String> {
    match v.pointer(ptr) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| format!("`{ptr}` `{s}` is not an integer")),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("`{ptr}` {n} is not an integer")),
        Some(_) => Err(format!("`{ptr}` is not an integer")),
    }
}

/// What signed the bundle.
enum Signer {
    Certificate {
        der: Vec<u8>,
        cert: Box<x509_cert::Certificate>,
    },
    Key(PublicKey),
}

/// What was signed.
enum Content {
    Message {
        digest: Option<Vec<u8>>,
        signature: Vec<u8>,
    },
    Dsse(Envelope),
}

fn run(
    bundle: &Value,
    exp: &Expectations,
    out: &mut Verification,
    statement: &mut Option<Statement>,
) -> Result<(), String> {
    let version = check_shape(bundle)?;
    out.bundle_version = Some(version.to_owned());
    let vm = bundle
        .get("verificationMaterial")
        .ok_or("the bundle has no `verificationMaterial`")?;

    // Who signed.
    let signer = if let Some(raw) = str_at(vm, "/certificate/rawBytes") {
        let der = b64(raw, "the bundle certificate")?;
        let cert = parse_certificate(&der).map_err(|e| format!("the bundle certificate: {e}"))?;
        Signer::Certificate {
            der,
            cert: Box::new(cert),
        }
    } else if let Some(chain) = vm.pointer("/x509CertificateChain/certificates") {
        let certs = chain
            .as_array()
            .ok_or("the bundle certificate chain is not a list")?;
        let mut parsed = Vec::new();
        for (i, c) in certs.iter().enumerate() {
            let raw = str_at(c, "/rawBytes")
                .ok_or_else(|| format!("certificate {i} of the bundle chain has no rawBytes"))?;
            let der = b64(raw, "a bundle certificate")?;
            let cert =
                parse_certificate(&der).map_err(|e| format!("bundle certificate {i}: {e}"))?;
            parsed.push((der, cert));
        }
        // Only the leaf is used: intermediates come from the trusted root. The bundle format
        // forbids a root in the chain; one there is refused rather than ignored.
        let mut iter = parsed.into_iter();
        let (der, cert) = iter
            .next()
            .ok_or("the bundle's certificate chain is empty")?;
        for (_, c) in iter {
            if is_ca(&c) && verify_issued_by(&c, &c).is_ok() {
                return Err(format!(
                    "the bundle's certificate chain contains the root certificate `{}`; a bundle must not carry its trust anchor",
                    c.tbs_certificate.subject
                ));
            }
        }
        Signer::Certificate {
            der,
            cert: Box::new(cert),
        }
    } else if vm.get("publicKey").is_some() {
        let hint = str_at(vm, "/publicKey/hint").unwrap_or("");
        let key = exp.key.clone().ok_or_else(|| {
            format!("the bundle is signed with a key (hint `{hint}`) and no key was given to verify it with (--key)")
        })?;
        out.key = key
            .to_spki_der()
            .ok()
            .map(|d| format!("sha256:{}", hex::encode(sha256(&d))));
        Signer::Key(key)
    } else {
        return Err(
            "the bundle's verification material has no certificate, chain or public key".to_owned(),
        );
    };
    let key = match &signer {
        Signer::Certificate { cert, .. } => {
            out.keyless = true;
            let id = signer_identity(cert);
            out.identity = id.identity;
            out.issuer = id.issuer;
            certificate_key(cert).map_err(|e| format!("the signing certificate's key: {e}"))?
        }
        Signer::Key(k) => k.clone(),
    };

    // What was signed, and the signature itself.
    let content = if let Some(ms) = bundle.get("messageSignature") {
        let signature = b64(
            str_at(ms, "/signature").ok_or("the message signature has no `signature`")?,
            "the bundle signature",
        )?;
        let digest = match ms.get("messageDigest") {
            Some(md) => {
                let d = str_at(md, "/digest").ok_or("the message digest has no `digest` string")?;
                let alg =
                    str_at(md, "/algorithm").ok_or("the message digest has no `algorithm`")?;
                if alg != "SHA2_256" {
                    return Err(format!("unsupported message digest algorithm `{alg}`"));
                }
                Some(b64(d, "the message digest")?)
            }
            None => None,
        };
        Content::Message { digest, signature }
    } else if let Some(env) = bundle.get("dsseEnvelope") {
        Content::Dsse(Envelope::from_value(env)?)
    } else {
        return Err("the bundle has neither a `messageSignature` nor a `dsseEnvelope`".to_owned());
    };

    let signature: Vec<u8> = match &content {
        Content::Message { signature, .. } => signature.clone(),
        Content::Dsse(env) => env
            .signatures
            .first()
            .map(|s| s.sig.clone())
            .unwrap_or_default(),
    };

    // The signature over the artifact or the envelope. Without an expected artifact, what the
    // bundle itself claims to cover, for the message that says it was not bound to one.
    let mut claimed: Option<String> = None;
    let signed_digest: Vec<u8> = match &content {
        Content::Message { digest, signature } => {
            let want = match &exp.artifact {
                Some(a) => {
                    out.artifact = Some(format!("sha256:{}", hex::encode(a.sha256())));
                    let d = a.sha256().to_vec();
                    if let Some(bd) = digest {
                        if *bd != d {
                            return Err(format!(
                                "the artifact's sha256 {} differs from the digest the bundle signs {}",
                                hex::encode(&d),
                                hex::encode(bd)
                            ));
                        }
                    }
                    d
                }
                None => digest
                    .clone()
                    .ok_or("the bundle states no message digest and no artifact was given")?,
            };
            claimed = Some(format!("sha256:{}", hex::encode(&want)));
            let res = match (&key, &exp.artifact) {
                (PublicKey::Ed25519(_), Some(Artifact::Bytes { bytes, .. })) => {
                    key.verify(bytes, signature, None)
                }
                _ => key.verify_prehash(&want, signature),
            };
            res.map_err(|e| format!("the signature over the artifact does not verify: {e}"))?;
            want
        }
        Content::Dsse(env) => {
            let pae = env.pae();
            let parsed = if env.payload_type == "application/vnd.in-toto+json" {
                Some(parse_statement(&env.payload)?)
            } else {
                None
            };
            // Listed whatever the outcome, so a policy can name what failed to verify.
            statement.clone_from(&parsed);
            key.verify(&pae, &signature, None)
                .map_err(|e| format!("the DSSE envelope signature does not verify: {e}"))?;
            if let Some(st) = parsed {
                match &exp.artifact {
                    Some(a) => {
                        let d = hex::encode(a.sha256());
                        out.artifact = Some(format!("sha256:{d}"));
                        if !st.has_subject_digest(&d) {
                            *statement = Some(st);
                            return Err(format!(
                                "the attestation's subjects do not include the artifact's sha256 {d}"
                            ));
                        }
                    }
                    None => {
                        claimed = st
                            .subjects
                            .iter()
                            .find_map(|s| s.digest.get("sha256"))
                            .map(|d| format!("sha256:{d}"));
                    }
                }
                *statement = Some(st);
            } else if exp.artifact.is_some() {
                return Err(format!(
                    "the DSSE payload type `{}` is not an in-toto statement, so it names no artifact",
                    env.payload_type
                ));
            }
            sha256(&pae).to_vec()
        }
    };

    // The transparency log entries.
    let entries = vm
        .get("tlogEntries")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
        .ok_or("the bundle has no transparency log entry")?;
    let mut times: Vec<DateTime<Utc>> = Vec::new();
    let mut logs_without_time: Vec<&LogKey> = Vec::new();
    for entry in entries {
        let (info, time, log) = check_entry(
            entry,
            version,
            exp,
            &signer,
            &content,
            &signature,
            &signed_digest,
        )?;
        out.transparency_log.push(info);
        match time {
            Some(t) => times.push(t),
            None => logs_without_time.push(log),
        }
    }

    // RFC 3161 timestamps.
    if let Some(ts) = vm
        .pointer("/timestampVerificationData/rfc3161Timestamps")
        .and_then(Value::as_array)
    {
        for (i, t) in ts.iter().enumerate() {
            let der = b64(
                str_at(t, "/signedTimestamp")
                    .ok_or_else(|| format!("timestamp {i} has no signedTimestamp"))?,
                "a signed timestamp",
            )?;
            let vt = verify_timestamp(&der, &signature, &exp.trusted_root)
                .map_err(|e| format!("RFC 3161 timestamp {i}: {e}"))?;
            times.push(vt.time);
        }
    }
    if times.is_empty() {
        return Err("no verified signing time: the bundle has neither a signed entry timestamp nor a verified RFC 3161 timestamp".to_owned());
    }
    for log in logs_without_time {
        if let Some(v) = &log.valid_for {
            if let Some(t) = times.iter().find(|t| !v.contains(**t)) {
                return Err(format!(
                    "the signing time {} is outside the trust interval of the log `{}`",
                    t.to_rfc3339(),
                    log.base_url
                ));
            }
        }
    }
    out.timestamps = times.iter().map(|t| t.to_rfc3339()).collect();

    // The certificate at the signing time, and its chain.
    if let Signer::Certificate { cert, .. } = &signer {
        check_code_signing(cert)?;
        let (nb, na) = certificate_validity(cert);
        for t in &times {
            if !valid_at(cert, *t) {
                return Err(format!(
                    "the signing certificate (valid {} to {}) was not valid at the signing time {}",
                    nb.to_rfc3339(),
                    na.to_rfc3339(),
                    t.to_rfc3339()
                ));
            }
        }
        let mut why = Vec::new();
        let mut chained = None;
        for ca in &exp.trusted_root.certificate_authorities {
            if let Some(v) = &ca.valid_for {
                if let Some(t) = times.iter().find(|t| !v.contains(**t)) {
                    why.push(format!("`{}` is not trusted at {}", ca.uri, t.to_rfc3339()));
                    continue;
                }
            }
            let mut ok = true;
            for t in &times {
                if let Err(e) = verify_chain(cert, &ca.chain, *t) {
                    why.push(format!("`{}`: {e}", ca.uri));
                    ok = false;
                    break;
                }
            }
            if ok {
                chained = Some(ca);
                break;
            }
        }
        let Some(ca) = chained else {
            return Err(format!(
                "the signing certificate does not chain to a certificate authority of the trusted root ({})",
                if why.is_empty() { "the trusted root has none".to_owned() } else { why.join("; ") }
            ));
        };
        let issuer = ca
            .chain
            .first()
            .map(|d| parse_certificate(d))
            .transpose()?
            .ok_or("the certificate authority has an empty chain")?;
        super::sct::verify_embedded_scts(cert, &issuer, &exp.trusted_root)?;
    }

    // Who the signer is.
    match &signer {
        Signer::Certificate { .. } => {
            if let Some(m) = &exp.identity {
                let got = out.identity.as_deref().unwrap_or("");
                if !m.matches(got) {
                    return Err(format!(
                        "the signer identity `{got}` does not match the expected {}",
                        m.describe()
                    ));
                }
            }
            if let Some(m) = &exp.issuer {
                let got = out.issuer.as_deref().unwrap_or("");
                if !m.matches(got) {
                    return Err(format!(
                        "the OIDC issuer `{got}` does not match the expected {}",
                        m.describe()
                    ));
                }
            }
            out.signer_checked = exp.identity.is_some() && exp.issuer.is_some();
        }
        Signer::Key(_) => {}
    }
    if exp.artifact.is_none() {
        return Err(super::unbound(claimed.as_deref()));
    }
    Ok(())
}

/// Check one log entry; returns its facts, its verified integrated time (when a SET vouches for
/// it) and its log.
#[allow(clippy::too_many_arguments)]
fn check_entry<'r>(
    entry: &Value,
    version: &str,
    exp: &'r Expectations,
    signer: &Signer,
    content: &Content,
    signature: &[u8],
    signed_digest: &[u8],
) -> Result<(TlogInfo, Option<DateTime<Utc>>, &'r LogKey), String> {
    let log_index = int_at(entry, "/logIndex")?.ok_or("the log entry has no logIndex")?;
    if log_index < 0 {
        return Err(format!(
            "the log entry has a negative log index {log_index}"
        ));
    }
    let log_id = b64(
        str_at(entry, "/logId/keyId").ok_or("the log entry has no logId")?,
        "the log id",
    )?;
    let log = exp.trusted_root.tlog(&log_id).ok_or_else(|| {
        format!(
            "the log entry comes from a transparency log that is not in the trusted root (log id {})",
            hex::encode(&log_id)
        )
    })?;
    let kind = str_at(entry, "/kindVersion/kind").ok_or("the log entry has no kind")?;
    let kind_version =
        str_at(entry, "/kindVersion/version").ok_or("the log entry has no kind version")?;
    let body_b64 =
        str_at(entry, "/canonicalizedBody").ok_or("the log entry has no canonicalizedBody")?;
    let body_bytes = b64(body_b64, "the log entry body")?;
    let body: Value = serde_json::from_slice(&body_bytes)
        .map_err(|e| format!("the log entry body is not JSON: {e}"))?;
    if str_at(&body, "/kind") != Some(kind) || str_at(&body, "/apiVersion") != Some(kind_version) {
        return Err(format!(
            "the log entry body is not the {kind} {kind_version} its kindVersion says"
        ));
    }
    check_body(
        kind,
        kind_version,
        &body,
        signer,
        content,
        signature,
        signed_digest,
    )?;

    let integrated = int_at(entry, "/integratedTime")?.filter(|t| *t > 0);
    let mut info = TlogInfo {
        log_url: log.base_url.clone(),
        log_index,
        integrated_time: integrated
            .and_then(|t| Utc.timestamp_opt(t, 0).single())
            .map(|t| t.to_rfc3339()),
        signed_entry_timestamp: false,
        inclusion_proof: false,
        checkpoint: false,
    };

    // Signed entry timestamp.
    let mut time = None;
    if let Some(set) = str_at(entry, "/inclusionPromise/signedEntryTimestamp") {
        let t = integrated
            .ok_or("the log entry has a signed entry timestamp but no integrated time")?;
        verify_set(
            log,
            body_b64,
            t,
            log_index,
            &b64(set, "the signed entry timestamp")?,
        )?;
        info.signed_entry_timestamp = true;
        time = Utc.timestamp_opt(t, 0).single();
    }
    if let (Some(t), Some(v)) = (time, &log.valid_for) {
        if !v.contains(t) {
            return Err(format!(
                "the integrated time {} is outside the trust interval of the log `{}`",
                t.to_rfc3339(),
                log.base_url
            ));
        }
    }

    // Inclusion proof and checkpoint.
    match entry.get("inclusionProof") {
        Some(proof) => {
            let index = int_at(proof, "/logIndex")?.ok_or("the inclusion proof has no logIndex")?;
            let size = int_at(proof, "/treeSize")?.ok_or("the inclusion proof has no treeSize")?;
            let (index, size) = match (u64::try_from(index), u64::try_from(size)) {
                (Ok(i), Ok(s)) => (i, s),
                _ => return Err("the inclusion proof has a negative index or size".to_owned()),
            };
            let root = b64(
                str_at(proof, "/rootHash").ok_or("the inclusion proof has no rootHash")?,
                "the root hash",
            )?;
            let hashes = proof
                .get("hashes")
                .and_then(Value::as_array)
                .map(|h| {
                    h.iter()
                        .map(|x| {
                            x.as_str()
                                .ok_or("an inclusion proof hash is not a string".to_owned())
                                .and_then(|s| b64(s, "an inclusion proof hash"))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .unwrap_or_default();
            let computed = root_from_inclusion_proof(index, size, leaf_hash(&body_bytes), &hashes)
                .map_err(|e| format!("the inclusion proof is invalid: {e}"))?;
            if computed.as_slice() != root.as_slice() {
                return Err(
                    "the inclusion proof is invalid: it does not lead to the stated root hash"
                        .to_owned(),
                );
            }
            info.inclusion_proof = true;
            let checkpoint = match proof.get("checkpoint") {
                Some(c) => {
                    Some(str_at(c, "/envelope").ok_or("the checkpoint has no `envelope` string")?)
                }
                None => None,
            };
            match checkpoint {
                Some(envelope) => {
                    let cp = verify_checkpoint(envelope, log)?;
                    if cp.size != size || cp.root_hash != root {
                        return Err("the signed checkpoint does not commit to the inclusion proof's tree (root hash or size differ)".to_owned());
                    }
                    info.checkpoint = true;
                }
                None if version != "0.1" => {
                    return Err("the inclusion proof has no signed checkpoint".to_owned());
                }
                None => {}
            }
        }
        None if version != "0.1" => {
            return Err(format!(
                "the log entry has no inclusion proof (required in a v{version} bundle)"
            ));
        }
        None => {
            if !info.signed_entry_timestamp {
                return Err(
                    "the log entry has neither an inclusion proof nor a signed entry timestamp"
                        .to_owned(),
                );
            }
        }
    }
    Ok((info, time, log))
}

fn same_cert_or_key(signer: &Signer, pem_or_der: &[u8], what: &str) -> Result<(), String> {
    let bytes = match std::str::from_utf8(pem_or_der) {
        Ok(text) if text.contains("-----BEGIN") => pem_rfc7468_decode(text)?.1,
        _ => pem_or_der.to_vec(),
    };
    let same = match signer {
        Signer::Certificate { der, .. } => *der == bytes,
        Signer::Key(k) => k.to_spki_der().is_ok_and(|d| d == bytes),
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "the log entry records a different {what} than the bundle's"
        ))
    }
}

fn eq_b64(v: &Value, ptr: &str, want: &[u8], what: &str) -> Result<(), String> {
    let got = str_at(v, ptr).ok_or_else(|| format!("the log entry body has no {what}"))?;
    if b64(got, what)? == want {
        Ok(())
    } else {
        Err(format!(
            "the log entry records a different {what} than the bundle's"
        ))
    }
}

fn eq_hex(v: &Value, ptr: &str, want: &[u8], what: &str) -> Result<(), String> {
    let got = str_at(v, ptr).ok_or_else(|| format!("the log entry body has no {what}"))?;
    if got.eq_ignore_ascii_case(&hex::encode(want)) {
        Ok(())
    } else {
        Err(format!(
            "the log entry records a different {what} than the bundle's"
        ))
    }
}

/// The log entry body must record exactly this bundle's signature, key and content.
fn check_body(
    kind: &str,
    version: &str,
    body: &Value,
    signer: &Signer,
    content: &Content,
    signature: &[u8],
    signed_digest: &[u8],
) -> Result<(), String> {
    match (kind, version, content) {
        ("hashedrekord", "0.0.1", Content::Message { .. }) => {
            eq_b64(body, "/spec/signature/content", signature, "signature")?;
            let key = b64(
                str_at(body, "/spec/signature/publicKey/content")
                    .ok_or("the log entry body has no public key")?,
                "the logged public key",
            )?;
            same_cert_or_key(signer, &key, "certificate or key")?;
            eq_hex(
                body,
                "/spec/data/hash/value",
                signed_digest,
                "artifact digest",
            )
        }
        ("hashedrekord", "0.0.2", _) => {
            let spec = body
                .pointer("/spec/hashedRekordV002")
                .ok_or("the log entry body has no hashedRekordV002")?;
            eq_b64(spec, "/signature/content", signature, "signature")?;
            let raw = str_at(spec, "/signature/verifier/x509Certificate/rawBytes")
                .or_else(|| str_at(spec, "/signature/verifier/publicKey/rawBytes"))
                .ok_or("the log entry body has no verifier")?;
            same_cert_or_key(
                signer,
                &b64(raw, "the logged verifier")?,
                "certificate or key",
            )?;
            eq_b64(
                spec,
                "/data/digest",
                signed_digest,
                "digest of the signed content",
            )
        }
        ("dsse", "0.0.1", Content::Dsse(env)) => {
            eq_hex(
                body,
                "/spec/payloadHash/value",
                &sha256(&env.payload),
                "DSSE payload hash",
            )?;
            let sigs = body
                .pointer("/spec/signatures")
                .and_then(Value::as_array)
                .ok_or("the log entry body has no DSSE signatures")?;
            let [only] = sigs.as_slice() else {
                return Err(
                    "the log entry records a different number of DSSE signatures than the bundle's"
                        .to_owned(),
                );
            };
            eq_b64(only, "/signature", signature, "DSSE signature")?;
            let verifier = b64(
                str_at(only, "/verifier").ok_or("the log entry has no DSSE verifier")?,
                "the DSSE verifier",
            )?;
            same_cert_or_key(signer, &verifier, "certificate or key")
        }
        ("dsse", "0.0.2", Content::Dsse(env)) => {
            let spec = body
                .pointer("/spec/dsseV002")
                .ok_or("the log entry body has no dsseV002")?;
            eq_b64(
                spec,
                "/payloadHash/digest",
                &sha256(&env.payload),
                "DSSE payload hash",
            )?;
            let sigs = spec
                .get("signatures")
                .and_then(Value::as_array)
                .ok_or("the log entry has no DSSE signatures")?;
            let [only] = sigs.as_slice() else {
                return Err(
                    "the log entry records a different number of DSSE signatures than the bundle's"
                        .to_owned(),
                );
            };
            eq_b64(only, "/content", signature, "DSSE signature")?;
            let raw = str_at(only, "/verifier/x509Certificate/rawBytes")
                .or_else(|| str_at(only, "/verifier/publicKey/rawBytes"))
                .ok_or("the log entry body has no verifier")?;
            same_cert_or_key(
                signer,
                &b64(raw, "the logged verifier")?,
                "certificate or key",
            )
        }
        ("intoto", "0.0.2", Content::Dsse(env)) => {
            let c = body
                .pointer("/spec/content")
                .ok_or("the log entry body has no content")?;
            eq_hex(
                c,
                "/payloadHash/value",
                &sha256(&env.payload),
                "in-toto payload hash",
            )?;
            let sigs = c
                .pointer("/envelope/signatures")
                .and_then(Value::as_array)
                .ok_or("the log entry has no envelope signatures")?;
            let [only] = sigs.as_slice() else {
                return Err(
                    "the log entry records a different number of DSSE signatures than the bundle's"
                        .to_owned(),
                );
            };
            // intoto 0.0.2 stores the signature base64-encoded twice.
            let once = b64(
                str_at(only, "/sig").ok_or("the log entry has no DSSE signature")?,
                "the logged signature",
            )?;
            let logged = std::str::from_utf8(&once)
                .ok()
                .and_then(|s| b64(s, "the logged signature").ok())
                .unwrap_or(once);
            if logged != signature {
                return Err(
                    "the log entry records a different DSSE signature than the bundle's".to_owned(),
                );
            }
            let key = b64(
                str_at(only, "/publicKey").ok_or("the log entry has no DSSE public key")?,
                "the logged key",
            )?;
            same_cert_or_key(signer, &key, "certificate or key")
        }
        (k, v, Content::Message { .. }) => Err(format!(
            "the log entry kind {k} {v} cannot record a message signature"
        )),
        (k, v, Content::Dsse(_)) => Err(format!(
            "the log entry kind {k} {v} cannot record a DSSE envelope"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type Edit = fn(&mut Value);

    fn bundle() -> Value {
        json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"certificate": {"rawBytes": "AA=="}, "tlogEntries": []},
            "messageSignature": {"signature": "AA=="}
        })
    }

    #[test]
    fn a_well_formed_bundle_has_one_content_and_one_signer() {
        assert_eq!(check_shape(&bundle()), Ok("0.3"));
        let mut b = bundle();
        b["verificationMaterial"]["publicKey"] = Value::Null;
        assert_eq!(
            check_shape(&b),
            Ok("0.3"),
            "null is unset, as protobuf JSON reads it"
        );
    }

    /// Issue 9: the bundle's `oneof`s, a DSSE envelope's single signature and its version.
    #[test]
    fn bundles_that_say_two_things_are_refused() {
        let cases: Vec<(Edit, &str)> = vec![
            (
                |b| {
                    b["dsseEnvelope"] =
                        json!({"payloadType": "t", "payload": "", "signatures": [{"sig": "AA=="}]})
                },
                "has `messageSignature`, `dsseEnvelope` at once",
            ),
            (
                |b| {
                    b.as_object_mut().map(|o| o.remove("messageSignature"));
                },
                "has none of `messageSignature`, `dsseEnvelope`",
            ),
            (
                |b| b["verificationMaterial"]["publicKey"] = json!({"hint": "k"}),
                "has `certificate`, `publicKey` at once",
            ),
            (
                |b| b["verificationMaterial"]["x509CertificateChain"] = json!({"certificates": []}),
                "has `certificate`, `x509CertificateChain` at once",
            ),
            (
                |b| {
                    b["verificationMaterial"]
                        .as_object_mut()
                        .map(|o| o.remove("certificate"));
                },
                "`verificationMaterial` has none of",
            ),
            (
                |b| {
                    b.as_object_mut().map(|o| o.remove("messageSignature"));
                    b["dsseEnvelope"] = json!({"payloadType": "t", "payload": "", "signatures": [{"sig": "AA=="}, {"sig": "AQ=="}]});
                },
                "has 2 signatures",
            ),
            (
                |b| {
                    b.as_object_mut().map(|o| o.remove("messageSignature"));
                    b["dsseEnvelope"] =
                        json!({"payloadType": "t", "payload": "", "signatures": []});
                },
                "has 0 signatures",
            ),
            (
                |b| b["mediaType"] = json!("application/vnd.dev.sigstore.bundle+json;version=0.4"),
                "unsupported bundle media type",
            ),
            (|b| b["mediaType"] = json!(3), "`mediaType` is not a string"),
            (
                |b| b["verificationMaterial"] = json!("x"),
                "no `verificationMaterial` object",
            ),
        ];
        for (edit, want) in cases {
            let mut b = bundle();
            edit(&mut b);
            let e = check_shape(&b).unwrap_err();
            assert!(e.contains(want), "wanted `{want}`, got: {e}");
            // Verification refuses it the same way (for callers that skip reading).
            let exp = Expectations::new(std::sync::Arc::new(
                super::super::TrustedRoot::public_good().unwrap(),
            ));
            let v = verify_bundle(&b, &exp).verification;
            assert!(!v.verified);
            assert!(v.error.unwrap().contains(want));
        }
        assert!(check_shape(&json!([])).is_err());
    }
}
