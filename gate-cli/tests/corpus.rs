//! The shared corpus through the binary: every file under `reject` in `EXPECTED.json` makes
//! `gate check` exit 2 with a message naming the file, without a crash or a hang.
//!
//! Ignored (listed as skipped) when the build did not find `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{corpus, gate_here};

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn every_rejected_file_exits_2_naming_the_file() {
    let dir = corpus();
    let text = fs_err::read_to_string(dir.join("EXPECTED.json")).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rel in expected["reject"].as_object().unwrap().keys() {
        let path = dir.join(rel);
        assert!(
            path.exists(),
            "{rel} is listed but missing from the shared corpus"
        );
        checked += 1;
        let out = gate_here(&["check", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = path.file_name().unwrap().to_string_lossy();
        if out.status.code() != Some(2) {
            failures.push(format!("{rel}: exit {:?}", out.status.code()));
        } else if !stderr.contains(name.as_ref()) {
            failures.push(format!("{rel}: message does not name the file: {stderr}"));
        } else if stderr.contains("panicked") {
            failures.push(format!("{rel}: panicked: {stderr}"));
        }
    }
    assert!(checked > 50, "only {checked} rejected files found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
