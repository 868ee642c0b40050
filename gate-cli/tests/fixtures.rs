//! The normalised `input` document of every evidence file under `fixtures/`, as `gate inspect`
//! prints it with a fixed clock, pinned as one snapshot per file in `snapshots/fixtures/`, named
//! after the file's path below `fixtures/` (`junit/nextest.xml` → `junit__nextest.xml.snap`).
//!
//! Every file under `fixtures/` is either evidence (`gate inspect` reads it: it has a snapshot) or
//! listed in [`NOT_EVIDENCE`] (and `gate inspect` must refuse it), so a new fixture is never
//! skipped silently. Nothing is redacted: the same file and `--now` give the same bytes.
//!
//! A missing snapshot fails (insta writes a `.snap.new` beside it to review, or nothing when `CI`
//! is set). After a deliberate change to the input document, regenerate and review the diff:
//!
//! ```text
//! INSTA_UPDATE=always cargo test -p gate-cli --test fixtures
//! git diff gate-cli/tests/snapshots/fixtures
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{gate, root, stderr, stdout, NOW};

/// Files and folders (ending in `/`) under `fixtures/` that are not evidence; `gate inspect`
/// must refuse each file, so evidence cannot hide here.
const NOT_EVIDENCE: &[&str] = &[
    // What each fixture is and where it came from.
    "SOURCES.md",
    // The verdicts the demo expects, checked by the CLI tests.
    "EXPECTED.json",
    // Rebuilds the fixtures from `demo-src/`.
    "regen.sh",
    // The small projects whose real tool runs produced the fixtures.
    "demo-src/",
];

/// Where the fixtures' snapshots live, relative to this file.
const SNAPSHOTS: &str = "snapshots/fixtures";

/// Every file below `dir`, as paths relative to `base` with `/` separators, sorted.
fn files_below(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    for entry in fs_err::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_below(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).unwrap();
            let parts: Vec<_> = rel.iter().map(|p| p.to_str().unwrap()).collect();
            out.insert(parts.join("/"));
        }
    }
}

fn not_evidence(rel: &str) -> bool {
    NOT_EVIDENCE
        .iter()
        .any(|n| rel == *n || (n.ends_with('/') && rel.starts_with(n)))
}

/// The folder of the fixtures' snapshots.
fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(SNAPSHOTS)
}

/// The snapshot file name of the fixture `rel` (insta turns `/` in a name into `__`).
fn snapshot_name(rel: &str) -> String {
    format!("{}.snap", rel.replace('/', "__"))
}

#[test]
fn every_fixture_input_document_matches_its_snapshot() {
    let fixtures = root().join("fixtures");
    let mut all = BTreeSet::new();
    files_below(&fixtures, &fixtures, &mut all);
    assert!(all.len() > 20, "fixtures/ looks empty: {all:?}");

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(SNAPSHOTS);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let _bound = settings.bind_to_scope();

    let writes_in_place = matches!(
        std::env::var("INSTA_UPDATE").as_deref(),
        Ok("always" | "1" | "force")
    );
    let mut problems = Vec::new();
    let mut evidence = BTreeSet::new();
    for rel in &all {
        let path = format!("fixtures/{rel}");
        let out = gate(&["inspect", &path, "--now", NOW]);
        let listed = not_evidence(rel);
        match (out.status.code(), listed) {
            (Some(0), false) => {}
            (Some(0), true) => {
                problems.push(format!(
                    "{path}: gate reads it as evidence, yet NOT_EVIDENCE lists it"
                ));
                continue;
            }
            (Some(2), true) => continue,
            (code, _) => {
                problems.push(format!(
                    "{path}: `gate inspect` exited {code:?} (fix the fixture, or list it in \
                     NOT_EVIDENCE if it is not evidence):\n{}",
                    stderr(&out)
                ));
                continue;
            }
        }
        evidence.insert(rel.clone());
        if !snapshot_dir().join(snapshot_name(rel)).is_file() && !writes_in_place {
            problems.push(format!(
                "{path}: no snapshot yet ({SNAPSHOTS}/{})",
                snapshot_name(rel)
            ));
        }
        // The input document; notes the reader printed, if any, follow it.
        let mut text = stdout(&out);
        let notes = stderr(&out);
        if !notes.is_empty() {
            text.push_str("\n--- stderr\n");
            text.push_str(&notes);
        }
        // Compare every fixture before failing, so one run shows all differences.
        let matched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::assert_snapshot!(rel.as_str(), text);
        }));
        if matched.is_err() {
            problems.push(format!(
                "{path}: its input document differs from the snapshot"
            ));
        }
    }

    // A snapshot whose fixture is gone (or is no longer read) would pin nothing.
    for entry in fs_err::read_dir(snapshot_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".snap") {
            continue;
        }
        if !evidence.iter().any(|rel| snapshot_name(rel) == name) {
            problems.push(format!(
                "{SNAPSHOTS}/{name}: no fixture gives this snapshot any more; delete it"
            ));
        }
    }

    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}\n\nAfter a deliberate change, regenerate with \
         `INSTA_UPDATE=always cargo test -p gate-cli --test fixtures` and review the diff.",
        problems.len(),
        problems.join("\n")
    );
}
