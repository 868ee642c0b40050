//! Transparency-log checks done offline: the RFC 6962 Merkle inclusion proof up to the proof's
//! root hash, the signed checkpoint (C2SP signed note) that commits to that root, and Rekor v1's
//! signed entry timestamp (SET). These are the steps the `sigstore` crate leaves as TODO.

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use super::certificate::PublicKey;
use super::trust_root::{sha256, LogKey};

/// RFC 6962 leaf hash: SHA-256(0x00 || leaf).
pub fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Compute the root an inclusion proof leads to (RFC 9162 §2.1.3.2), or say why it cannot.
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf: [u8; 32],
    proof: &[Vec<u8>],
) -> Result<[u8; 32], String> {
    if size == 0 || index >= size {
        return Err(format!(
            "log index {index} is outside a tree of size {size}"
        ));
    }
    let inner = (64 - (index ^ (size - 1)).leading_zeros()) as usize;
    let border = index.checked_shr(inner as u32).unwrap_or(0).count_ones() as usize;
    if proof.len() != inner + border {
        return Err(format!(
            "the inclusion proof has {} hashes; a tree of size {size} needs {} for index {index}",
            proof.len(),
            inner + border
        ));
    }
    if proof.iter().any(|p| p.len() != 32) {
        return Err("an inclusion proof hash is not 32 bytes".to_owned());
    }
    let mut seed = leaf;
    for (i, p) in proof.iter().enumerate() {
        if i < inner && (index >> i) & 1 == 0 {
            seed = node_hash(&seed, p);
        } else {
            seed = node_hash(p, &seed);
        }
    }
    Ok(seed)
}

/// A parsed checkpoint (the signed note body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log origin line.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash.
    pub root_hash: Vec<u8>,
}

/// Parse and verify a signed checkpoint against the log's key. At least one signature line must
/// carry the log key's hint and verify; other lines (witness cosignatures) are ignored.
pub fn verify_checkpoint(envelope: &str, log: &LogKey) -> Result<Checkpoint, String> {
    let Some(split) = envelope.find("\n\n") else {
        return Err("the checkpoint has no signature block".to_owned());
    };
    let text = envelope.get(..=split).unwrap_or_default();
    let sigs = envelope.get(split + 2..).unwrap_or_default();
    let mut lines = text.lines();
    let origin = lines
        .next()
        .filter(|l| !l.is_empty())
        .ok_or("the checkpoint has no origin line")?;
    let size_line = lines.next().ok_or("the checkpoint has no tree size line")?;
    let size: u64 = size_line
        .parse()
        .map_err(|_| format!("the checkpoint tree size `{size_line}` is not a number"))?;
    let root_line = lines.next().ok_or("the checkpoint has no root hash line")?;
    let root_hash = base64::engine::general_purpose::STANDARD
        .decode(root_line)
        .ok()
        .filter(|r| r.len() == 32)
        .ok_or_else(|| {
            format!("the checkpoint root hash `{root_line}` is not a base64 SHA-256 hash")
        })?;
    let mut tried = 0usize;
    for line in sigs.lines().filter(|l| !l.is_empty()) {
        let Some(rest) = line.strip_prefix("\u{2014} ") else {
            return Err(format!("malformed checkpoint signature line `{line}`"));
        };
        let Some((name, sig_b64)) = rest.rsplit_once(' ') else {
            return Err(format!("malformed checkpoint signature line `{line}`"));
        };
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(sig_b64) else {
            continue;
        };
        let (Some(hint), Some(sig)) = (raw.get(..4), raw.get(4..)) else {
            continue;
        };
        if !key_hints(log, name).iter().any(|h| h.as_slice() == hint) {
            continue;
        }
        tried += 1;
        if log.key.verify(text.as_bytes(), sig, None).is_ok() {
            return Ok(Checkpoint {
                origin: origin.to_owned(),
                size,
                root_hash,
            });
        }
    }
    if tried == 0 {
        Err(format!(
            "the checkpoint carries no signature from the log `{}` (no signature line has its key hint)",
            log.base_url
        ))
    } else {
        Err(format!(
            "the checkpoint signature of the log `{}` does not verify",
            log.base_url
        ))
    }
}

/// The 4-byte key hints a log's signature line may carry: the log id's first bytes (Rekor v1
/// ECDSA notes) and the C2SP key id SHA-256(name || 0x0A || 0x01 || key) for Ed25519 notes.
fn key_hints(log: &LogKey, name: &str) -> Vec<Vec<u8>> {
    let mut hints = Vec::new();
    if let Some(h) = log.log_id.get(..4) {
        hints.push(h.to_vec());
    }
    if let PublicKey::Ed25519(_) = log.key {
        let mut buf = name.as_bytes().to_vec();
        buf.push(b'\n');
        buf.push(0x01);
        buf.extend(log.key.raw_bytes());
        if let Some(h) = sha256(&buf).get(..4) {
            hints.push(h.to_vec());
        }
    }
    hints
}

/// Verify Rekor v1's signed entry timestamp: the log's signature over the canonical JSON of
/// `{body, integratedTime, logID, logIndex}`.
pub fn verify_set(
    log: &LogKey,
    body_b64: &str,
    integrated_time: i64,
    log_index: i64,
    set: &[u8],
) -> Result<(), String> {
    // Keys in lexical order, no whitespace: the canonical form Rekor signed.
    let payload = format!(
        "{{\"body\":{},\"integratedTime\":{integrated_time},\"logID\":\"{}\",\"logIndex\":{log_index}}}",
        serde_json::Value::String(body_b64.to_owned()),
        hex::encode(&log.log_id)
    );
    log.key.verify(payload.as_bytes(), set, None).map_err(|e| {
        format!(
            "the signed entry timestamp does not verify against the log `{}`: {e}",
            log.base_url
        )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    // A 5-leaf tree built by hand: proof for every index must lead to the same root.
    #[test]
    fn inclusion_proofs_of_a_small_tree() {
        let leaves: Vec<[u8; 32]> = (0u8..5).map(|i| leaf_hash(&[i])).collect();
        let h01 = node_hash(&leaves[0], &leaves[1]);
        let h23 = node_hash(&leaves[2], &leaves[3]);
        let h0123 = node_hash(&h01, &h23);
        let root = node_hash(&h0123, &leaves[4]);
        let p2 = vec![leaves[3].to_vec(), h01.to_vec(), leaves[4].to_vec()];
        assert_eq!(
            root_from_inclusion_proof(2, 5, leaves[2], &p2).unwrap(),
            root
        );
        let p4 = vec![h0123.to_vec()];
        assert_eq!(
            root_from_inclusion_proof(4, 5, leaves[4], &p4).unwrap(),
            root
        );
        // Wrong index, short proof, flipped byte.
        assert_ne!(
            root_from_inclusion_proof(3, 5, leaves[2], &p2).unwrap(),
            root
        );
        assert!(root_from_inclusion_proof(2, 5, leaves[2], &p2[..2]).is_err());
        let mut bad = p2.clone();
        bad[0][0] ^= 1;
        assert_ne!(
            root_from_inclusion_proof(2, 5, leaves[2], &bad).unwrap(),
            root
        );
        assert!(root_from_inclusion_proof(5, 5, leaves[2], &p2).is_err());
    }
}
