//! The `gate` command's contract as data: each `cmd/<case>.toml` runs `gate` with its `args` in
//! `fs.cwd` (the repository's root, `../../..`, or a folder of `data/cli/` when the paths it
//! prints should be short) and pins the exit code (`status.code`, else 0), stdout
//! (`<case>.stdout`) and stderr (`<case>.stderr`) byte for byte (`binary = true`: in text mode
//! trycmd would turn every `\` into `/` on both sides, hiding a JSON escaping change). Only the
//! `gate test` cases that print measured durations use text mode, where `[..]` in an expected
//! output matches anything on that line. Inputs that are not fixtures live in `data/cli/`. Tests
//! that build inputs, compare two runs or watch a process stay in Rust (`cli.rs`, `io.rs`,
//! `runaway.rs`, `hostile.rs`, ...). The cases in `cmd-corpus/` read the shared corpus by its
//! path from the repository's root (`../shared/corpus/...`) and are ignored without it.
//!
//! After a deliberate change to an output, regenerate the expected files and review the diff
//! (overwriting keeps `[..]` where it still matches; check that it did):
//!
//! ```text
//! TRYCMD=overwrite cargo test -p gate-cli --test cmd
//! git diff gate-cli/tests/cmd gate-cli/tests/cmd-corpus
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;

/// The case files, relative to the crate.
const CASES: &str = "tests/cmd";

/// The cases that read the shared corpus (`../shared/corpus` beside the repository, named so in
/// their `args`), relative to the crate.
const CORPUS_CASES: &str = "tests/cmd-corpus";

fn run_cases(dir: &str) {
    trycmd::TestCases::new()
        .register_bin("gate", Path::new(env!("CARGO_BIN_EXE_gate")))
        .env("NO_COLOR", "1")
        .case(format!("{dir}/*.toml"));
}

#[test]
fn cli_cases() {
    run_cases(CASES);
}

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn corpus_cli_cases() {
    common::corpus();
    run_cases(CORPUS_CASES);
}

/// trycmd checks only the outputs that have a file: every case must pin both, byte for byte, and
/// name its working folder, so that the paths it prints are the relative ones given.
#[test]
fn every_case_pins_stdout_and_stderr() {
    let mut cases = 0;
    let mut problems = Vec::new();
    for dir in [CASES, CORPUS_CASES] {
        check_cases(dir, &mut cases, &mut problems);
    }
    assert!(cases > 0, "no cases in {CASES}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn check_cases(dir: &str, cases: &mut usize, problems: &mut Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    for entry in fs_err::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => {
                *cases += 1;
                for ext in ["stdout", "stderr"] {
                    if !path.with_extension(ext).is_file() {
                        problems.push(format!("{name}: no .{ext} file"));
                    }
                }
                let text = fs_err::read_to_string(&path).unwrap();
                if !text.contains("fs.cwd = \"") {
                    problems.push(format!("{name}: names no working folder (fs.cwd)"));
                }
                // Text mode only where `[..]` must stand for something measured, and only for
                // outputs without a `\` (which text mode would not tell from `/`).
                let text_mode = text.contains("binary = false") && text.contains("# Text mode");
                if !text.contains("binary = true") && !text_mode {
                    problems.push(format!(
                        "{name}: compares text, not bytes: set `binary = true`, or say why not \
                         in a `# Text mode` comment"
                    ));
                }
                if text_mode {
                    for ext in ["stdout", "stderr"] {
                        let expected =
                            fs_err::read_to_string(path.with_extension(ext)).unwrap_or_default();
                        if expected.contains('\\') {
                            problems.push(format!("{name}: a `\\` in .{ext} needs binary = true"));
                        }
                    }
                }
            }
            Some("stdout" | "stderr") if !path.with_extension("toml").is_file() => {
                problems.push(format!("{name}: no case file beside it"));
            }
            _ => {}
        }
    }
}
