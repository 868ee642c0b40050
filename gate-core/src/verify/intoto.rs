//! in-toto Statements (v0.1 and v1) and the predicates gate understands: SLSA provenance v0.2 and
//! v1 (builder, build type, source repository, ref, commit) and SLSA verification summaries (VSA).
//!
//! Parsing a statement says nothing about who made it: whether it is trusted is decided by the
//! signature checks in [`super::bundle`] and recorded in `verified`.

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

pub use crate::input::{Provenance, Subject, VerificationSummary};

/// in-toto statement types gate reads.
pub const STATEMENT_TYPES: [&str; 2] = [
    "https://in-toto.io/Statement/v0.1",
    "https://in-toto.io/Statement/v1",
];

/// A parsed statement.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Statement {
    /// `_type`.
    pub statement_type: String,
    /// `predicateType`.
    pub predicate_type: String,
    /// `subject[]`.
    pub subjects: Vec<Subject>,
    /// SLSA provenance facts, when the predicate is SLSA provenance.
    pub provenance: Option<Provenance>,
    /// Verification summary facts, when the predicate is a VSA.
    pub vsa: Option<VerificationSummary>,
    /// The predicate as written.
    pub predicate: serde_json::Value,
}

impl Statement {
    /// Whether any subject has this sha256 digest (lowercase hex).
    pub fn has_subject_digest(&self, sha256_hex: &str) -> bool {
        self.subjects.iter().any(|s| {
            s.digest
                .get("sha256")
                .is_some_and(|d| d.eq_ignore_ascii_case(sha256_hex))
        })
    }
}

fn s(v: &serde_json::Value, ptr: &str) -> Option<String> {
    v.pointer(ptr).and_then(|x| x.as_str()).map(str::to_owned)
}

/// Parse a statement from JSON bytes. Unknown `_type`, missing `predicateType` or a subject with a
/// malformed digest are errors.
pub fn parse_statement(bytes: &[u8]) -> Result<Statement, String> {
    let v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("the in-toto payload is not a JSON statement: {e}"))?;
    statement_from_value(&v)
}

/// Parse a statement from a JSON value.
pub fn statement_from_value(v: &serde_json::Value) -> Result<Statement, String> {
    let statement_type = s(v, "/_type").ok_or("the in-toto statement has no `_type`")?;
    if !STATEMENT_TYPES.contains(&statement_type.as_str()) {
        return Err(format!("unknown in-toto statement type `{statement_type}`"));
    }
    let predicate_type =
        s(v, "/predicateType").ok_or("the in-toto statement has no `predicateType`")?;
    let raw_subjects = v
        .get("subject")
        .and_then(|x| x.as_array())
        .ok_or("the in-toto statement has no `subject` list")?;
    let mut subjects = Vec::new();
    for (i, sub) in raw_subjects.iter().enumerate() {
        let mut digest = BTreeMap::new();
        for (alg, d) in sub
            .get("digest")
            .and_then(|d| d.as_object())
            .into_iter()
            .flatten()
        {
            let d = d
                .as_str()
                .ok_or_else(|| format!("in-toto subject[{i}] digest `{alg}` is not a string"))?;
            let want = match alg.as_str() {
                "sha256" => Some(64),
                "sha512" => Some(128),
                "sha1" | "gitCommit" if d.len() == 40 => Some(40),
                _ => None,
            };
            if let Some(n) = want {
                if d.len() != n || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!(
                        "in-toto subject[{i}] {alg} digest '{d}' is not {n} hex digits"
                    ));
                }
            }
            digest.insert(alg.clone(), d.to_ascii_lowercase());
        }
        subjects.push(Subject {
            name: s(sub, "/name").unwrap_or_default(),
            digest,
        });
    }
    let predicate = v
        .get("predicate")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let provenance = provenance(&predicate_type, &predicate);
    let vsa = vsa(&predicate_type, &predicate);
    Ok(Statement {
        statement_type,
        predicate_type,
        subjects,
        provenance,
        vsa,
        predicate,
    })
}

/// Split `git+https://github.com/o/r@refs/heads/main` into repository and ref.
fn split_uri_ref(uri: &str) -> (String, Option<String>) {
    match uri.rsplit_once('@') {
        Some((repo, r)) if r.starts_with("refs/") || !r.contains('/') && !repo.ends_with(':') => {
            (repo.to_owned(), Some(r.to_owned()))
        }
        _ => (uri.to_owned(), None),
    }
}

fn provenance(predicate_type: &str, p: &serde_json::Value) -> Option<Provenance> {
    match predicate_type {
        "https://slsa.dev/provenance/v0.2" | "https://slsa.dev/provenance/v0.1" => {
            let config_uri = s(p, "/invocation/configSource/uri");
            let (repo, r) = match config_uri.as_deref().map(split_uri_ref) {
                Some((repo, r)) => (Some(repo), r),
                None => (None, None),
            };
            let commit = s(p, "/invocation/configSource/digest/sha1")
                .or_else(|| s(p, "/invocation/configSource/digest/gitCommit"))
                .or_else(|| s(p, "/materials/0/digest/sha1"));
            Some(Provenance {
                slsa_version: "0.2".to_owned(),
                builder_id: s(p, "/builder/id"),
                build_type: s(p, "/buildType"),
                source_repository: repo
                    .or_else(|| s(p, "/materials/0/uri").map(|u| split_uri_ref(&u).0)),
                source_ref: r,
                source_commit: commit,
                entry_point: s(p, "/invocation/configSource/entryPoint"),
            })
        }
        "https://slsa.dev/provenance/v1" => {
            let ext = p.pointer("/buildDefinition/externalParameters");
            let ext_s = |ptr: &str| ext.and_then(|e| s(e, ptr));
            let dep_uri = s(p, "/buildDefinition/resolvedDependencies/0/uri");
            let (dep_repo, dep_ref) = match dep_uri.as_deref().map(split_uri_ref) {
                Some((repo, r)) => (Some(repo), r),
                None => (None, None),
            };
            let source_repository = ext_s("/workflow/repository")
                .or_else(|| ext_s("/source/uri").map(|u| split_uri_ref(&u).0))
                .or_else(|| {
                    ext_s("/source")
                        .filter(|x| x.contains("://"))
                        .map(|u| split_uri_ref(&u).0)
                })
                .or(dep_repo);
            let source_ref = ext_s("/workflow/ref")
                .or_else(|| ext_s("/source/ref"))
                .or(dep_ref);
            let source_commit = s(
                p,
                "/buildDefinition/resolvedDependencies/0/digest/gitCommit",
            )
            .or_else(|| s(p, "/buildDefinition/resolvedDependencies/0/digest/sha1"))
            .or_else(|| ext_s("/source/digest/sha1"));
            Some(Provenance {
                slsa_version: "1".to_owned(),
                builder_id: s(p, "/runDetails/builder/id"),
                build_type: s(p, "/buildDefinition/buildType"),
                source_repository,
                source_ref,
                source_commit,
                entry_point: ext_s("/workflow/path"),
            })
        }
        _ => None,
    }
}

fn vsa(predicate_type: &str, p: &serde_json::Value) -> Option<VerificationSummary> {
    if !predicate_type.starts_with("https://slsa.dev/verification_summary/") {
        return None;
    }
    let mut levels: Vec<String> = p
        .get("verifiedLevels")
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect();
    if let Some(l) = s(p, "/policyLevel") {
        levels.push(l);
    }
    Some(VerificationSummary {
        verifier_id: s(p, "/verifier/id"),
        result: s(p, "/verificationResult"),
        verified_levels: levels,
        resource_uri: s(p, "/resourceUri"),
        policy_uri: s(p, "/policy/uri"),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn slsa_v02_config_source_is_split() {
        let v = serde_json::json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": "https://slsa.dev/provenance/v0.2",
            "subject": [{"name": "bin", "digest": {"sha256": "AB".repeat(32)}}],
            "predicate": {"builder": {"id": "https://b"}, "buildType": "https://t",
                "invocation": {"configSource": {"uri": "git+https://github.com/o/r@refs/tags/v1",
                    "digest": {"sha1": "c".repeat(40)}, "entryPoint": ".github/workflows/r.yml"}}}
        });
        let st = statement_from_value(&v).unwrap();
        let p = st.provenance.clone().unwrap();
        assert_eq!(
            p.source_repository.as_deref(),
            Some("git+https://github.com/o/r")
        );
        assert_eq!(p.source_ref.as_deref(), Some("refs/tags/v1"));
        assert_eq!(p.builder_id.as_deref(), Some("https://b"));
        assert!(st.has_subject_digest(&"ab".repeat(32)));
    }

    #[test]
    fn short_digests_and_unknown_types_are_refused() {
        let v = serde_json::json!({"_type": "https://in-toto.io/Statement/v1", "predicateType": "x",
            "subject": [{"name": "a", "digest": {"sha256": "abc"}}]});
        assert!(statement_from_value(&v)
            .unwrap_err()
            .contains("not 64 hex digits"));
        let v = serde_json::json!({"_type": "other", "predicateType": "x", "subject": []});
        assert!(statement_from_value(&v).is_err());
    }
}
