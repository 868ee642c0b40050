//! Shared checks for gate's fuzz targets: each target feeds bytes to one reader and asserts the
//! invariants below, beyond "it did not panic".
//!
//! - Reading the same bytes twice gives the same outcome (facts, diagnostics or error message).
//! - An error names the file it was given (its message starts with the file name).
//! - Every diagnostic on a file that was read names that file.
//! - Verification never contradicts itself: `verified` holds exactly when there is no `error`;
//!   nothing is `signer_checked` when no signer was expected; an unsigned statement is never
//!   verified.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use gate_core::evidence::{read_as, Evidence, Kind};
use gate_core::verify::{verify_all, Settings};
use gate_core::verify::{Expectations, Matcher};
use gate_core::Error;

/// The name every target gives its input.
pub const ID: &str = "fuzz/input-under-test";

/// Read `data` as `kind` twice; check the invariants; return the evidence when it was read.
pub fn read(kind: Kind, data: &[u8]) -> Option<Evidence> {
    let first = read_as(kind, ID, data);
    let second = read_as(kind, ID, data);
    match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "reading the same bytes twice gave different facts");
            assert_eq!(a.info.id, ID);
            assert_eq!(a.info.kind, kind.as_str());
            for d in &a.diagnostics {
                assert_eq!(
                    d.path.as_deref(),
                    Some(ID),
                    "diagnostic without the file: {d:?}"
                );
            }
            Some(a)
        }
        (Err(a), Err(b)) => {
            let (a, b) = (a.to_string(), b.to_string());
            assert_eq!(a, b, "reading the same bytes twice gave different errors");
            names_file(&a, ID);
            None
        }
        (a, b) => panic!("reading the same bytes twice: {a:?} then {b:?}"),
    }
}

/// An error message must start with the file it is about.
pub fn names_file(message: &str, file: &str) {
    assert!(
        message.starts_with(file),
        "error does not name the file `{file}`: {message}"
    );
}

/// Read `data` as a signed kind and verify what it carries, under the embedded Sigstore root with
/// no expected signer and again with an expected signer and artifact.
pub fn read_and_verify(kind: Kind, data: &[u8]) {
    let Some(ev) = read(kind, data) else { return };
    let [plain, strict] = expectations();
    for (exp, expects_signer) in [(plain, false), (strict, true)] {
        let (sigs, atts) = verify_all(ev.signed.clone(), exp);
        let (sigs2, atts2) = verify_all(ev.signed.clone(), exp);
        assert_eq!(sigs, sigs2, "verifying twice gave different outcomes");
        assert_eq!(atts, atts2, "verifying twice gave different attestations");
        for v in &sigs {
            assert_eq!(
                v.verified,
                v.error.is_none(),
                "verified/error disagree: {v:?}"
            );
            if !expects_signer {
                assert!(
                    !v.signer_checked,
                    "signer checked without an expected signer"
                );
            }
        }
        for a in &atts {
            assert!(
                !(a.verified && a.error.is_some()),
                "attestation verified with an error: {a:?}"
            );
            if kind == Kind::InToto {
                assert!(!a.verified, "a bare in-toto statement was verified");
            }
        }
    }
}

fn expectations() -> &'static [Expectations; 2] {
    static EXP: OnceLock<[Expectations; 2]> = OnceLock::new();
    EXP.get_or_init(|| {
        let plain = Settings::default()
            .expectations()
            .unwrap_or_else(|e| panic!("the embedded trusted root: {e}"));
        let mut strict = Expectations::new(Arc::clone(&plain.trusted_root));
        strict.identity = Some(Matcher::Exact(
            "https://github.com/octo/repo/.github/workflows/release.yml@refs/heads/main".into(),
        ));
        strict.issuer = Some(Matcher::Exact(
            "https://token.actions.githubusercontent.com".into(),
        ));
        let digest = Settings {
            digest: Some(format!("sha256:{}", "ab".repeat(32))),
            ..Settings::default()
        };
        strict.artifact = digest
            .expectations()
            .unwrap_or_else(|e| panic!("a digest: {e}"))
            .artifact;
        [plain, strict]
    })
}

/// A file this process owns, for the readers that take a path (waivers, `gate.toml`).
pub fn scratch_file(name: &str, data: &[u8]) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        // Memory-backed when the system has it: a file per execution is most of these targets' time.
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("gate-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        dir
    });
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

/// Load a configuration file twice with `load`; errors must be the same and name the file.
pub fn load_twice<T: std::fmt::Debug>(
    path: &Path,
    load: impl Fn(&Path) -> Result<T, Error>,
) -> Option<T> {
    let first = load(path);
    let second = load(path);
    match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "loading twice differed");
            Some(a)
        }
        (Err(a), Err(b)) => {
            let (a, b) = (a.to_string(), b.to_string());
            assert_eq!(a, b, "loading twice gave different errors");
            names_file(&a, &path.display().to_string());
            None
        }
        (a, b) => panic!("loading twice: {a:?} then {b:?}"),
    }
}
