//! A program embedding gate-core gets errors it can use without rendering anything: a plain
//! `std::error::Error` whose message names the file, and accessors for its code and place.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use gate_core::{Error, ErrorCode};

#[test]
fn a_malformed_evidence_file_is_an_error_naming_the_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    fs_err::write(
        &path,
        "<testsuites>\n  <testsuite name=\"s\">\n    <testcase\n",
    )
    .unwrap();
    let e = gate_core::Gate::builder()
        .inspect(&gate_core::EvidenceSource::paths([&path]))
        .unwrap_err();

    // The plain message, as `Display` and through `dyn std::error::Error`.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    let text = boxed.to_string();
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    let e = boxed.downcast::<Error>().unwrap();

    assert_eq!(e.code(), ErrorCode::EvidenceInvalid);
    assert_eq!(e.code().as_str(), "gate::evidence::invalid");
    assert!(!e.is_internal());
    assert_eq!(e.path(), Some(path.as_path()));
    let (line, column) = (e.line().unwrap(), e.column().unwrap());
    assert!(line >= 3, "{line}");
    assert!(column >= 1);
    assert_eq!(
        text,
        format!("{}:{line}:{column}: {}", path.display(), e.message())
    );
}

#[test]
fn a_bad_waivers_file_names_the_waiver_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waivers.toml");
    fs_err::write(
        &path,
        "[[waiver]]\nid = \"W-1\"\ncode = \"c\"\nsubject = \"s\"\nowner = \" \"\nreason = \"r\"\nexpires = 2030-01-01\n",
    )
    .unwrap();
    let e = gate_core::waiver::load(&path).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConfigInvalid);
    assert_eq!(e.path(), Some(path.as_path()));
    assert_eq!((e.line(), e.column()), (Some(5), Some(9)));
    assert_eq!(e.message(), "waiver 1 (`W-1`): `owner` is blank");
    assert_eq!(
        e.to_string(),
        format!("{}:5:9: waiver 1 (`W-1`): `owner` is blank", path.display())
    );
}
