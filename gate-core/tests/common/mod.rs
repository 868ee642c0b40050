//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// Every real-tool fixture file (demo, junit, sarif, sbom), sorted.
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
