#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Runs every sigstore-conformance `bundle-verify` case of the shared corpus through gate's
//! offline verifier and checks the upstream-expected outcome (a case whose name ends in `_fail`
//! must not verify). Cases gate cannot yet handle are listed by name with the reason; the test
//! fails if one of them starts giving the expected outcome (so the list stays honest).

/// Say something that shows even when the test passes (libtest captures `eprintln!` only).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gate_core::verify::{verify_bundle, Artifact, Expectations, Matcher, PublicKey, TrustedRoot};

mod common;

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Cases gate does not yet give the upstream outcome for, and why.
const UNHANDLED: &[(&str, &str)] = &[];

/// The `bundle-verify` cases of the shared corpus, which must be there.
fn cases_dir() -> PathBuf {
    let dir = common::corpus().join("sigstore/sigstore-conformance/test/assets/bundle-verify");
    assert!(
        dir.is_dir(),
        "{} is missing from the shared corpus",
        dir.display()
    );
    dir
}

/// Verify one case directory; Ok(verified) or Err(why it could not even be read).
pub fn run_case(dir: &Path) -> (bool, String) {
    let root = match fs_err::read_to_string(dir.join("trusted_root.json")) {
        Ok(t) => match TrustedRoot::from_json(&t) {
            Ok(r) => r,
            Err(e) => return (false, format!("trusted root refused: {e}")),
        },
        Err(_) => TrustedRoot::public_good().unwrap(),
    };
    let mut exp = Expectations::new(Arc::new(root));
    let artifact_path = if dir.join("artifact").is_file() {
        dir.join("artifact")
    } else {
        dir.parent().unwrap().join("a.txt")
    };
    exp.artifact = Some(Artifact::from_bytes(fs_err::read(artifact_path).unwrap()));
    if let Ok(pem) = fs_err::read_to_string(dir.join("key.pub")) {
        match PublicKey::from_pem(&pem) {
            Ok(k) => exp.key = Some(k),
            Err(e) => return (false, format!("key.pub refused: {e}")),
        }
    } else {
        let read = |name: &str, default: &str| {
            fs_err::read_to_string(dir.join(name))
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| default.to_owned())
        };
        exp.identity = Some(Matcher::Exact(read("identity", DEFAULT_IDENTITY)));
        exp.issuer = Some(Matcher::Exact(read("issuer", DEFAULT_ISSUER)));
    }
    let text = fs_err::read_to_string(dir.join("bundle.sigstore.json")).unwrap();
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return (false, format!("not JSON: {e}")),
    };
    let out = verify_bundle(&value, &exp).verification;
    (out.verified, out.error.unwrap_or_default())
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn conformance_bundle_verify_cases() {
    let dir = cases_dir();
    let mut names: Vec<String> = fs_err::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("bundle.sigstore.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 60, "only {} cases found", names.len());
    let mut wrong = Vec::new();
    let mut unexpectedly_right = Vec::new();
    for name in &names {
        let want = !name.ends_with("_fail");
        let (got, why) = run_case(&dir.join(name));
        let unhandled = UNHANDLED.iter().find(|(n, _)| n == name);
        say!(
            "{name}: {} {}",
            if got { "verified" } else { "NOT verified:" },
            why
        );
        match (got == want, unhandled) {
            (true, None) | (false, Some(_)) => {}
            (false, None) => wrong.push(format!(
                "{name}: expected verified={want}, got {got} ({why})"
            )),
            (true, Some(_)) => unexpectedly_right.push(name.clone()),
        }
    }
    for (n, why) in UNHANDLED {
        say!("UNHANDLED {n}: {why}");
    }
    assert!(
        wrong.is_empty(),
        "cases with the wrong outcome:\n{}",
        wrong.join("\n")
    );
    assert!(
        unexpectedly_right.is_empty(),
        "listed as unhandled but now right (remove from UNHANDLED): {unexpectedly_right:?}"
    );
}

/// Flip one byte of a valid bundle's signature, certificate or artifact: it must stop verifying,
/// with a reason a person can read, and nothing may panic.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn tampering_one_byte_unverifies() {
    use base64::Engine as _;
    let dir = cases_dir();
    let case = dir.join("happy-path-v0.3");
    let text = fs_err::read_to_string(case.join("bundle.sigstore.json")).unwrap();
    let good: serde_json::Value = serde_json::from_str(&text).unwrap();
    let artifact = fs_err::read(dir.join("a.txt")).unwrap();
    let mut exp = Expectations::new(Arc::new(TrustedRoot::public_good().unwrap()));
    exp.identity = Some(Matcher::Exact(DEFAULT_IDENTITY.into()));
    exp.issuer = Some(Matcher::Regex(
        regex::Regex::new("^https://token\\.actions\\.").unwrap(),
    ));
    exp.artifact = Some(Artifact::from_bytes(artifact.clone()));
    assert!(verify_bundle(&good, &exp).verification.verified);

    let flip_b64 = |v: &mut serde_json::Value, ptr: &str, at: usize| {
        let s = v.pointer(ptr).unwrap().as_str().unwrap();
        let mut bytes = base64::engine::general_purpose::STANDARD.decode(s).unwrap();
        let i = at.min(bytes.len() - 1);
        bytes[i] ^= 0x01;
        *v.pointer_mut(ptr).unwrap() =
            serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
    };
    for (ptr, at) in [
        ("/messageSignature/signature", 20),
        ("/verificationMaterial/certificate/rawBytes", 300),
        ("/verificationMaterial/certificate/rawBytes", 1800),
    ] {
        let mut bad = good.clone();
        flip_b64(&mut bad, ptr, at);
        let out = verify_bundle(&bad, &exp).verification;
        assert!(!out.verified, "{ptr}[{at}] flipped still verifies");
        let why = out.error.unwrap();
        say!("{ptr}[{at}]: {why}");
        assert!(why.starts_with("the "), "{why}");
    }
    let mut tampered = artifact;
    tampered[0] ^= 0x01;
    exp.artifact = Some(Artifact::from_bytes(tampered));
    let out = verify_bundle(&good, &exp).verification;
    assert!(!out.verified);
    assert!(out
        .error
        .unwrap()
        .contains("differs from the digest the bundle signs"));
    // The wrong identity is named.
    exp.artifact = Some(Artifact::Digest(
        gate_core::verify::Artifact::parse_digest(
            "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf",
        )
        .map(|a| a.sha256())
        .unwrap(),
    ));
    exp.identity = Some(Matcher::Exact("https://example.com/other".into()));
    let why = verify_bundle(&good, &exp).verification.error.unwrap();
    assert!(
        why.contains("https://example.com/other") && why.contains("extremely-dangerous"),
        "{why}"
    );
}

/// Hermetic by construction: no crate that can open a network connection is in gate-core's
/// dependency closure (computed from Cargo.lock, dev-dependencies included). The run-time proof —
/// verification inside a network namespace with no interfaces — is in gate-cli's `verify` tests.
#[test]
fn no_network_stack_is_compiled_in() {
    let lock = fs_err::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
        .unwrap();
    let doc: toml::Table = toml::from_str(&lock).unwrap();
    let mut deps: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for p in doc["package"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap().to_owned();
        let entry = deps.entry(name).or_default();
        for d in p
            .get("dependencies")
            .and_then(|d| d.as_array())
            .into_iter()
            .flatten()
        {
            entry.push(d.as_str().unwrap().split(' ').next().unwrap().to_owned());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec!["gate-core".to_owned()];
    while let Some(n) = stack.pop() {
        if seen.insert(n.clone()) {
            stack.extend(deps.get(&n).cloned().unwrap_or_default());
        }
    }
    assert!(
        seen.contains("p256") && seen.contains("x509-cert"),
        "closure not computed"
    );
    let network = [
        "reqwest",
        "hyper",
        "h2",
        "rustls",
        "native-tls",
        "openssl",
        "openssl-sys",
        "tokio",
        "ureq",
        "curl",
        "socket2",
        "mio",
        "tough",
        "sigstore",
    ];
    let found: Vec<_> = network.iter().filter(|n| seen.contains(**n)).collect();
    assert!(
        found.is_empty(),
        "network-capable crates in gate-core's closure: {found:?}"
    );
}

fn leaf_pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                leaf_pointers(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaf_pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}

/// Remove, or replace with junk, every single field of three valid bundles (v0.1, a v0.3 DSSE
/// bundle, a Rekor v2 bundle): verification never panics, and removing a field the checks depend
/// on never leaves the bundle verified with a different meaning.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn every_field_removed_or_garbled_never_panics() {
    let dir = cases_dir();
    for case in [
        "happy-path-v0.1",
        "happy-path-intoto-in-dsse-v3",
        "rekor2-happy-path",
    ] {
        let case_dir = dir.join(case);
        let text = fs_err::read_to_string(case_dir.join("bundle.sigstore.json")).unwrap();
        let good: serde_json::Value = serde_json::from_str(&text).unwrap();
        let root = match fs_err::read_to_string(case_dir.join("trusted_root.json")) {
            Ok(t) => TrustedRoot::from_json(&t).unwrap(),
            Err(_) => TrustedRoot::public_good().unwrap(),
        };
        let mut exp = Expectations::new(Arc::new(root));
        exp.artifact = Some(Artifact::from_bytes(
            fs_err::read(dir.join("a.txt")).unwrap(),
        ));
        let mut pointers = Vec::new();
        leaf_pointers(&good, String::new(), &mut pointers);
        let mut still_verified = Vec::new();
        for p in &pointers {
            for junk in [
                serde_json::Value::Null,
                serde_json::json!("AAAA"),
                serde_json::json!(-1),
            ] {
                let mut bad = good.clone();
                *bad.pointer_mut(p).unwrap() = junk.clone();
                let out = verify_bundle(&bad, &exp).verification;
                if out.verified && !junk.is_null() {
                    still_verified.push(format!("{case}{p} = {junk}"));
                }
                if !out.verified {
                    assert!(
                        out.error.is_some_and(|e| !e.is_empty()),
                        "{case}{p}: no reason"
                    );
                }
            }
        }
        // Only fields no check depends on may change without effect: DSSE key ids (unsigned
        // hints) and the log entry's kindVersion when the body says the same.
        let unexpected: Vec<_> = still_verified
            .iter()
            .filter(|s| !s.contains("/keyid"))
            .collect();
        assert!(unexpected.is_empty(), "still verify: {unexpected:#?}");
    }
}

/// Issue 9: every transparency log entry must record this bundle's own signature, signer and
/// content. A valid entry of another bundle — alone, or beside the bundle's own valid entry —
/// makes the bundle unverified; an entry is never skipped because another one checked out.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn a_log_entry_of_another_bundle_unverifies() {
    let dir = cases_dir();
    let read = |case: &str| -> serde_json::Value {
        let text = fs_err::read_to_string(dir.join(case).join("bundle.sigstore.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let good = read("happy-path-v0.3");
    let mut exp = Expectations::new(Arc::new(TrustedRoot::public_good().unwrap()));
    exp.identity = Some(Matcher::Exact(DEFAULT_IDENTITY.into()));
    exp.issuer = Some(Matcher::Exact(DEFAULT_ISSUER.into()));
    exp.artifact = Some(Artifact::from_bytes(
        fs_err::read(dir.join("a.txt")).unwrap(),
    ));
    assert!(verify_bundle(&good, &exp).verification.verified);
    let own = good["verificationMaterial"]["tlogEntries"][0].clone();
    for other in ["happy-path-v0.2", "happy-path-intoto-in-dsse-v3"] {
        let foreign = read(other)["verificationMaterial"]["tlogEntries"][0].clone();
        for entries in [
            vec![foreign.clone()],
            vec![own.clone(), foreign.clone()],
            vec![foreign.clone(), own.clone()],
        ] {
            let mut bad = good.clone();
            bad["verificationMaterial"]["tlogEntries"] = serde_json::Value::Array(entries);
            let out = verify_bundle(&bad, &exp).verification;
            assert!(!out.verified, "an entry of {other} was accepted");
            let why = out.error.unwrap();
            assert!(why.contains("log entry"), "{other}: {why}");
        }
    }
}
