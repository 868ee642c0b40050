//! Damaged evidence never passes: every real-tool fixture cut short anywhere before its end is
//! refused with the file named. (Byte corruptions of the fixtures, and arbitrary bytes, are
//! property tests in properties.rs.)

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
