//! gate-core's top-level modules form layers, and every import points down: a module may use
//! only the modules of lower layers (and those of its own layer when the layer is a group).
//! This test reads each module's source (outside `#[cfg(test)]` code) and fails on an import
//! that points up, so a cycle cannot come back unnoticed. docs/adding-a-format.md shows the
//! picture.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom first. Modules in one layer may import each other; a module never imports a layer
/// above its own.
const LAYERS: &[&[&str]] = &[
    // ordered work on a few threads (std only)
    &["pool"],
    // test helper: published schemas are current (cfg(test))
    &["published"],
    &["error"],
    &["diagnostic"],
    // bytes → text, strict JSON/XML/YAML, positions
    &["source"],
    // bounded reads of the files gate is given
    &["files"],
    &["severity"],
    // the model: facts and the `input` document
    &["input"],
    &["license"],
    // signature and attestation verification (produces `input` facts)
    &["verify"],
    // evidence format plug-ins (detect + read → facts)
    &["evidence"],
    &["findings"],
    // evidence kinds users require, and which a check's evidence covers
    &["kinds"],
    &["policy"],
    // waivers mark results; the report applies them; gate.toml names both
    &["waiver"],
    &["report"],
    // rule selection: which rules are evaluated, which results are kept
    &["select"],
    &["config"],
    // assembling the input document from read evidence
    &["check"],
    // the entry point: Gate::builder() … check()
    &["gate"],
];

/// Modules that must not import others even where the layers would allow it: policies judge
/// the `input` document they are handed, never evidence files or verification directly.
const APART: &[(&str, &[&str])] = &[("policy", &["evidence", "verify", "findings"])];

/// Names `lib.rs` re-exports at the crate root, and the module each comes from.
const ROOT_REEXPORTS: &[(&str, &str)] = &[("Error", "error"), ("EvidenceError", "error")];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules of the crate, from `lib.rs`.
fn top_level_modules() -> BTreeSet<String> {
    let lib = fs_err::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("pub(crate) mod "))
                .or_else(|| l.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').trim().to_owned())
        })
        .collect()
}

/// The source files of a top-level module.
fn files_of(module: &str) -> Vec<PathBuf> {
    let file = src().join(format!("{module}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let mut out = Vec::new();
    let mut stack = vec![src().join(module)];
    while let Some(dir) = stack.pop() {
        for entry in fs_err::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file before its first `#[cfg(test)]`, comments dropped.
fn non_test_code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The top-level modules a piece of code names through `crate::` paths (in `use` lines and
/// inline), including `crate::{a::x, b}` groups and the root re-exports.
fn crate_refs(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut add = |name: &str| {
        if modules.contains(name) {
            found.insert(name.to_owned());
        } else if let Some((_, m)) = ROOT_REEXPORTS.iter().find(|(n, _)| *n == name) {
            found.insert((*m).to_owned());
        }
    };
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        // `gate_core::` or an identifier ending in `crate` is not this crate's root.
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                add(ident(item.trim()));
            }
        } else {
            add(ident(rest));
        }
    }
    found
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every import between top-level modules, as (from, to, file).
fn imports() -> Vec<(String, String, PathBuf)> {
    let modules = top_level_modules();
    let mut out = Vec::new();
    for module in &modules {
        for file in files_of(module) {
            let code = non_test_code(&fs_err::read_to_string(&file).unwrap());
            for to in crate_refs(&code, &modules) {
                if &to != module {
                    out.push((module.clone(), to, file.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn every_top_level_module_has_a_layer() {
    let unplaced: Vec<String> = top_level_modules()
        .into_iter()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "add these modules to LAYERS in gate-core/tests/layering.rs: {unplaced:?}"
    );
}

#[test]
fn every_import_points_down() {
    let mut upward: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (from, to, file) in imports() {
        let (Some(f), Some(t)) = (layer_of(&from), layer_of(&to)) else {
            continue; // reported by every_top_level_module_has_a_layer
        };
        if t > f {
            let rel = file.strip_prefix(src()).unwrap().display().to_string();
            upward.entry((from, to)).or_default().push(rel);
        }
    }
    assert!(
        upward.is_empty(),
        "imports that point up the layers (lower module → higher module, in files):\n{}",
        upward
            .iter()
            .map(|((f, t), files)| format!("  {f} → {t}: {}", files.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn modules_kept_apart_do_not_import_each_other() {
    let mut found = Vec::new();
    for (from, to, file) in imports() {
        let apart = APART
            .iter()
            .any(|(m, others)| *m == from && others.contains(&to.as_str()));
        if apart {
            let rel = file.strip_prefix(src()).unwrap().display().to_string();
            found.push(format!("{from} → {to} ({rel})"));
        }
    }
    assert!(found.is_empty(), "imports that must not exist: {found:?}");
}

/// The checker itself: an upward import written in the forms the code uses is found.
#[test]
fn the_checker_sees_every_form_of_import() {
    let modules: BTreeSet<String> = ["evidence", "verify", "error", "input"]
        .into_iter()
        .map(String::from)
        .collect();
    let code = "use crate::evidence::Parsed;\nuse crate::{Error, input::Source};\n\
                let v = crate::verify::evidence::x();\nlet g = gate_core::evidence::y();\n";
    let got: Vec<String> = crate_refs(code, &modules).into_iter().collect();
    assert_eq!(got, ["error", "evidence", "input", "verify"]);
    let tests_only = non_test_code("use crate::input::A;\n#[cfg(test)]\nuse crate::verify::B;\n");
    assert_eq!(
        crate_refs(&tests_only, &modules)
            .into_iter()
            .collect::<Vec<_>>(),
        ["input"]
    );
}
