//! Inputs the fuzz targets (`fuzz/`) found, each pinned as a test of the behaviour it broke.
//! Each test says which target found it; fuzz/README.md lists them with the campaign's figures.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use gate_core::evidence::{read_file, Evidence};
use gate_core::verify::SignedItem;

/// Read `text` from a file named `name` the way `gate check` does (detection included).
fn read(name: &str, text: &str) -> Evidence {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs_err::write(&path, text).unwrap();
    read_file(&path, name).unwrap().unwrap()
}

/// npm's attestations list beside other keys: `{"attestations": [{"bundle": …}]}`.
const NPM_LIST: &str = r#""attestations": [{"predicateType": "https://slsa.dev/provenance/v1",
    "bundle": {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial": {"publicKey": {"hint": "k"}}, "messageSignature": {}}}]"#;

// Found by `in_toto`: an in-toto statement that also carried an npm-style `attestations` list was
// detected as in-toto but read as the list: the statement vanished and the list's bundles were
// verified under the statement's name.
#[test]
fn a_statement_with_an_attestations_key_is_read_as_the_statement() {
    let text = format!(
        r#"{{"_type": "https://in-toto.io/Statement/v1",
  "subject": [{{"name": "a", "digest": {{"sha256": "{}"}}}}],
  "predicateType": "https://example.com/p", "predicate": {{}}, {NPM_LIST}}}"#,
        "ab".repeat(32)
    );
    let ev = read("statement.json", &text);
    assert_eq!(ev.info.kind, "in-toto");
    assert_eq!(ev.signed.len(), 1, "{:?}", ev.signed);
    assert!(
        matches!(&ev.signed[0], SignedItem::Statement { statement, .. }
            if statement.predicate_type == "https://example.com/p"),
        "{:?}",
        ev.signed
    );
}

// Same family: a Sigstore bundle that also carries an `attestations` list is verified as the
// bundle it is, not replaced by the list beside it.
#[test]
fn a_bundle_with_an_attestations_key_is_read_as_the_bundle() {
    let text = format!(
        r#"{{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {{"publicKey": {{"hint": "k"}}}}, "messageSignature": {{}}, {NPM_LIST}}}"#
    );
    let ev = read("bundle.sigstore.json", &text);
    assert_eq!(ev.info.kind, "sigstore-bundle");
    assert_eq!(ev.signed.len(), 1, "{:?}", ev.signed);
    match &ev.signed[0] {
        SignedItem::Bundle { value, source } => {
            assert!(value.get("verificationMaterial").is_some(), "{value}");
            assert_eq!(source.pointer.as_deref(), Some(""));
        }
        other => panic!("{other:?}"),
    }
}

// The npm attestations document itself (its one key) still reads as its bundles.
#[test]
fn an_npm_attestations_document_reads_as_its_bundles() {
    let ev = read("attestations.json", &format!("{{{NPM_LIST}}}"));
    assert_eq!(ev.info.kind, "sigstore-bundle");
    assert_eq!(ev.info.format_version.as_deref(), Some("npm-attestations"));
    match &ev.signed[..] {
        [SignedItem::Bundle { source, .. }] => {
            assert_eq!(source.pointer.as_deref(), Some("/attestations/0/bundle"));
        }
        other => panic!("{other:?}"),
    }
}

/// Read `text` as a file named `name`, expecting an error; return its message.
fn refused(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs_err::write(&path, text).unwrap();
    let err = read_file(&path, name).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    message
}

// Found by `gate_approvals` (a hand-built hostile input run through the target timed out): the
// YAML parser takes time quadratic in nesting, so 32 KB of `[` took ten seconds and a larger file
// was a hang. A YAML approvals document that could nest deeper than 128 levels is refused before
// it is parsed, at the line where the bound is passed.
#[test]
fn deeply_nested_yaml_approvals_are_refused_at_the_bound() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let depth = 20_000;
        let text = format!(
            "gate-approvals: 1\nchange: {}1{}\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let message = refused("approvals.yaml", &text);
        assert!(message.contains(":2:"), "{message}");
        assert!(
            message.contains("YAML nested deeper than 128 levels"),
            "{message}"
        );
    }
}

// Same family, in TAP's YAML diagnostics blocks: a block too deep to parse cheaply is read line by
// line (as a block that is not valid YAML is), so its message is kept and reading stays linear.
#[test]
fn tap_yaml_blocks_too_deep_to_parse_are_read_line_by_line() {
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let text = format!(
        "TAP version 13\n1..1\nnot ok 1 - t\n  ---\n  message: \"a\\tb\"\n  data: {deep}\n  ...\n"
    );
    let ev = read("deep.tap", &text);
    assert_eq!(ev.facts.tests.len(), 1);
    assert_eq!(ev.facts.tests[0].message.as_deref(), Some("a\\tb"));

    let small = "TAP version 13\n1..1\nnot ok 1 - t\n  ---\n  message: \"a\\tb\"\n  ...\n";
    let ev = read("small.tap", small);
    assert_eq!(ev.facts.tests[0].message.as_deref(), Some("a\tb"));
}
