//! Damaged evidence never passes and never panics: every real-tool fixture cut short anywhere
//! before its end is refused with the file named, and every single-byte corruption either reads
//! or is refused — without a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use gate_core::evidence::read_file;
use gate_core::Error;

#[test]
fn truncated_fixtures_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for file in common::fixtures() {
        let bytes = fs_err::read(&file).unwrap();
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .unwrap();
        let target = dir.path().join(file.file_name().unwrap());
        for k in 0..40 {
            let cut = end * k / 40;
            fs_err::write(&target, &bytes[..cut]).unwrap();
            match read_file(&target, "cut") {
                Err(Error::Evidence { path, .. }) => assert_eq!(path, target),
                Err(other) => panic!("{} cut at {cut}: unexpected error {other}", file.display()),
                Ok(Ok(ev)) => panic!(
                    "{} cut at {cut} was read as {}",
                    file.display(),
                    ev.info.kind
                ),
                Ok(Err(reason)) => {
                    // Only an empty prefix may look like "no kind" rather than broken.
                    panic!(
                        "{} cut at {cut} was taken for unknown kind: {reason}",
                        file.display()
                    )
                }
            }
        }
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut refused = 0;
    let mut total = 0;
    for file in common::fixtures() {
        let bytes = fs_err::read(&file).unwrap();
        let target = dir.path().join(file.file_name().unwrap());
        for k in 1..40 {
            let at = bytes.len() * k / 40;
            for replacement in [b'"', b'<', b'{', 0u8, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] = replacement;
                fs_err::write(&target, &damaged).unwrap();
                total += 1;
                if read_file(&target, "damaged").is_err() {
                    refused += 1;
                }
            }
        }
    }
    // Most corruptions break the syntax; all of them must come back as a value, not a panic.
    assert!(
        refused * 2 > total,
        "only {refused} of {total} corruptions refused"
    );
}
