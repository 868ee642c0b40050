//! Helpers shared by the `gate` binary's integration tests: running the binary, reading its
//! output, the shared corpus (its tests are ignored when it is absent) and temporary input files.
//!
//! Each test file uses only some of them, hence the `#[allow(dead_code)]`s.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixed clock (`--now`) of the tests.
#[allow(dead_code)]
pub const NOW: &str = "2026-11-28T12:00:00Z";

/// Say something that shows even when the test passes (libtest captures `eprintln!` only).
#[allow(unused_macros)]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
#[allow(unused_imports)]
pub(crate) use say;

/// The repository's root, where the tests' relative paths start.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A `gate` command with `args` and colour off.
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
    cmd.args(args).env("NO_COLOR", "1");
    cmd
}

/// Run `gate` in `dir`, so the paths it prints are the relative ones given.
pub fn gate_in(dir: &Path, args: &[&str]) -> Output {
    command(args).current_dir(dir).output().expect("run gate")
}

/// Run `gate` in the repository's root.
#[allow(dead_code)]
pub fn gate(args: &[&str]) -> Output {
    gate_in(&root(), args)
}

/// Run `gate` in the test's own working directory.
#[allow(dead_code)]
pub fn gate_here(args: &[&str]) -> Output {
    command(args).output().expect("run gate")
}

#[allow(dead_code)]
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[allow(dead_code)]
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JSON on stdout; panics showing stdout and stderr when it is not JSON.
#[allow(dead_code)]
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

/// The codes of a JSON report's denials, in report order.
#[allow(dead_code)]
pub fn deny_codes(report: &serde_json::Value) -> Vec<String> {
    report["results"]
        .as_array()
        .expect("a report has results")
        .iter()
        .filter(|r| r["level"] == "deny")
        .map(|r| r["code"].as_str().expect("a result has a code").to_owned())
        .collect()
}

/// Write `text` to `name` in `dir`; its path.
#[allow(dead_code)]
pub fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    fs_err::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Where the shared corpus is (`../shared/corpus` next to the repository), present or not.
#[allow(dead_code)]
pub fn corpus_dir() -> PathBuf {
    root().join("../shared/corpus")
}

/// The shared corpus. Tests that call this carry `#[cfg_attr(not(gate_corpus), ignore = ...)]`,
/// so they are listed as ignored without it; when the build saw it, it must still be there.
#[allow(dead_code)]
pub fn corpus() -> PathBuf {
    let dir = corpus_dir();
    assert!(
        dir.is_dir(),
        "{} is missing although the build found the shared corpus; \
         touch gate-cli/build.rs to look again",
        dir.display()
    );
    dir
}

/// The file `rel` of the shared corpus, which must be there (see [`corpus`]).
#[allow(dead_code)]
pub fn corpus_file(rel: &str) -> PathBuf {
    let path = corpus().join(rel);
    assert!(
        path.is_file(),
        "../shared/corpus/{rel} is missing from the shared corpus"
    );
    path
}
