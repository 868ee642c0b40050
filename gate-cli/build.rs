//! Sets `cfg(gate_corpus)` when the shared corpus (`../shared/corpus` beside the repository) is
//! present, so the tests that read it run; without it they are compiled as ignored, and the test
//! runner lists them as skipped rather than passed. Likewise `cfg(gate_groff)` when `groff` is on
//! `PATH`, for the test that formats the manual pages.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(gate_corpus)");
    groff();
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let sentinel = std::path::Path::new(&manifest).join("../../shared/corpus/EXPECTED.json");
    if sentinel.is_file() {
        println!("cargo::rustc-cfg=gate_corpus");
        // A file, not the folder (cargo would scan all of it): when it goes, this runs again.
        println!("cargo::rerun-if-changed={}", sentinel.display());
    } else {
        // Watching a missing path would rebuild the crate on every build; after adding the
        // corpus, touch this file so that it looks again.
        println!("cargo::rerun-if-changed=build.rs");
    }
}

/// Sets `cfg(gate_groff)` when `groff` is on `PATH`, so that the test that formats the manual
/// pages with it runs; without it that test is listed as ignored.
fn groff() {
    println!("cargo::rustc-check-cfg=cfg(gate_groff)");
    println!("cargo::rerun-if-env-changed=PATH");
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|dir| dir.join("groff").is_file()) {
        println!("cargo::rustc-cfg=gate_groff");
    }
}
