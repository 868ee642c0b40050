//! The configuration trio stays layered: `waiver` sits below `config` and `report`, so a waiver
//! module that reached up into either (or `config` into `report`) would bring back the import
//! cycle `config ↔ report ↔ waiver`. Reads the sources; narrow on purpose (a general layering
//! test covers the whole crate).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

/// The `crate::<module>` paths a source file names, comments left out.
fn imports(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(file);
    let text = fs_err::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let before = code[..i].chars().last();
            // `gate_core::` or `super::crate` are not this crate's own paths.
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            out.push(name);
        }
    }
    out
}

fn assert_no_import(file: &str, forbidden: &[&str]) {
    let found: Vec<String> = imports(file)
        .into_iter()
        .filter(|m| forbidden.contains(&m.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "src/{file} imports crate::{found:?}: it must stay below {forbidden:?}"
    );
}

#[test]
fn waiver_imports_neither_config_nor_report() {
    assert_no_import("waiver.rs", &["config", "report", "check"]);
}

#[test]
fn config_does_not_import_report() {
    assert_no_import("config.rs", &["report", "check"]);
}

#[test]
fn toml_helpers_import_nothing_of_the_trio() {
    assert_no_import("source/toml.rs", &["config", "report", "waiver", "check"]);
}

#[test]
fn the_scanner_sees_imports() {
    // The test above would pass on an empty list; make sure the scanner finds real imports.
    assert!(imports("waiver.rs").iter().any(|m| m == "diagnostic"));
    assert!(imports("config.rs").iter().any(|m| m == "waiver"));
    assert!(imports("report/mod.rs").iter().any(|m| m == "waiver"));
}
