//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// Every real-tool fixture file (demo, junit, sarif, sbom), sorted.
#[allow(dead_code)]
pub fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut files = Vec::new();
    for dir in ["demo", "junit", "sarif", "sbom"] {
        for entry in fs_err::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    files.sort();
    files
}

/// The shared corpus (`../shared/corpus` beside the repository). Tests that call this carry
/// `#[cfg_attr(not(gate_corpus), ignore = ...)]`, so they are listed as ignored without it; when
/// the build saw it, it must still be there.
#[allow(dead_code)]
pub fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    assert!(
        dir.join("EXPECTED.json").is_file(),
        "{} is missing although the build found the shared corpus; \
         touch gate-core/build.rs to look again",
        dir.display()
    );
    dir
}

/// The `input` document for `paths` (and what reading them noted), at `now` or the current time.
#[allow(dead_code)]
pub fn inspect(
    paths: &[PathBuf],
    now: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(gate_core::input::Input, gate_core::evidence::Collected), gate_core::Error> {
    let mut builder = gate_core::Gate::builder();
    if let Some(now) = now {
        builder = builder.now(now);
    }
    builder.inspect(&gate_core::EvidenceSource::paths(paths))
}
