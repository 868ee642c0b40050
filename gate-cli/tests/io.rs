//! Fail closed under attack (issue 9), the file-handling side: bounded reads of every input,
//! walks that follow links, outputs that never clobber inputs or leave a stale verdict, flag and
//! data checks, nesting limits.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{gate, gate_in, json, root, say, stderr, write, NOW};

/// A well-formed digest, so a run gets as far as reading the file under test.
const DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// Run `gate` in `dir` with a watchdog: a run still going after 20 s (a read that never ends) is
/// killed and the test fails, rather than hanging.
fn gate_watched(dir: &Path, args: &[&str]) -> Output {
    let out_dir = tempfile::tempdir().unwrap();
    let (so, se) = (out_dir.path().join("out"), out_dir.path().join("err"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(fs_err::File::create(&so).unwrap().into_parts().0)
        .stderr(fs_err::File::create(&se).unwrap().into_parts().0)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("gate {args:?} still running after 20 s: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: fs_err::read(&so).unwrap(),
        stderr: fs_err::read(&se).unwrap(),
    }
}

/// A FIFO at `path`, or `false` after saying SKIPPED when `mkfifo` is not available.
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        say!("SKIPPED: mkfifo is not available");
    }
    made
}

/// A real, clean test report: with the standard policies, a pass.
fn clean() -> String {
    root()
        .join("fixtures/junit/pytest-clean.xml")
        .to_str()
        .unwrap()
        .to_owned()
}

fn assert_refused(out: &Output, path: &str, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{path}: {err}");
    assert!(err.contains(path), "names {path}: {err}");
    assert!(err.contains(what), "says {what}: {err}");
}

/// Every flag that names a file refuses a device or a FIFO before reading it (issue 9).
#[cfg(unix)]
#[test]
fn every_input_refuses_devices_and_fifos() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    if !mkfifo(&fifo) {
        return;
    }
    let fifo = fifo.to_str().unwrap();
    let clean = &clean();
    let toml = write(&dir, "gate.toml", "[verify]\nartifact = \"/dev/zero\"\n");
    for (bad, what) in [("/dev/zero", "a device"), (fifo, "a named pipe (FIFO)")] {
        let runs: Vec<Vec<&str>> = vec![
            vec!["check", bad],
            vec!["check", clean, "-p", bad],
            vec!["check", clean, "-d", bad],
            vec!["check", clean, "--waivers", bad],
            vec!["check", clean, "-c", bad],
            vec!["check", clean, "--artifact", bad],
            vec!["check", clean, "--digest", DIGEST, "--key", bad],
            vec!["check", clean, "--digest", DIGEST, "--trusted-root", bad],
            vec!["inspect", bad],
            vec!["test", bad],
            vec!["verify", "--bundle", bad, "--digest", DIGEST],
            vec![
                "verify",
                "--signature",
                bad,
                "--key",
                bad,
                "--digest",
                DIGEST,
            ],
        ];
        for args in runs {
            let out = gate_watched(dir.path(), &args);
            assert_refused(&out, bad, what);
        }
    }
    // The artifact named in gate.toml's [verify] section.
    let out = gate_watched(dir.path(), &["check", clean, "-c", &toml]);
    assert_refused(&out, "/dev/zero", "a device");
}

/// A regular file over its kind's limit is refused without being read whole.
#[test]
fn a_key_over_its_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(&dir, "key.pem", &"A".repeat(1024 * 1024 + 1));
    let out = gate(&[
        "verify",
        "--signature",
        &key,
        "--key",
        &key,
        "--digest",
        &format!("sha256:{}", "0".repeat(64)),
    ]);
    assert_refused(
        &out,
        "key.pem",
        "larger than 1 MiB, the limit for a public key",
    );
}

/// A failing report linked into an evidence folder is judged, not skipped (issue 9).
#[cfg(unix)]
#[test]
fn linked_evidence_in_a_folder_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs_err::create_dir(&reports).unwrap();
    std::os::unix::fs::symlink(
        root().join("fixtures/demo/pytest-junit.xml"),
        reports.join("junit.xml"),
    )
    .unwrap();
    fs_err::copy(
        root().join("fixtures/junit/pytest-clean.xml"),
        reports.join("clean.xml"),
    )
    .unwrap();
    let out = gate_in(
        dir.path(),
        &["check", "reports", "--now", NOW, "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let ids: Vec<&str> = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["reports/clean.xml", "reports/junit.xml"]);
    assert!(report["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == "tests.failed"));

    // A linked folder is walked too; a link looping back up is an error naming it.
    std::os::unix::fs::symlink(root().join("fixtures/demo"), reports.join("demo")).unwrap();
    let out = gate_in(dir.path(), &["inspect", "reports"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(json(&out)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["path"] == "reports/demo/bandit.sarif"));
    std::os::unix::fs::symlink("..", reports.join("up")).unwrap();
    let out = gate_watched(dir.path(), &["inspect", "reports"]);
    assert_refused(&out, "reports/up", "loops back");
}

/// Hidden entries of a walked folder are skipped with a note, never silently.
#[test]
fn hidden_entries_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::create_dir(dir.path().join("r")).unwrap();
    fs_err::copy(
        root().join("fixtures/demo/pytest-junit.xml"),
        dir.path().join("r/.junit.xml"),
    )
    .unwrap();
    fs_err::copy(
        root().join("fixtures/junit/pytest-clean.xml"),
        dir.path().join("r/clean.xml"),
    )
    .unwrap();
    let out = gate_in(dir.path(), &["check", "r", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note[skipped-unknown-file]: r/.junit.xml: skipped: hidden"),
        "{}",
        stderr(&out)
    );
}

/// A policy linked into a policy folder is loaded (issue 9: the same rule as evidence folders).
#[cfg(unix)]
#[test]
fn linked_policies_in_a_folder_are_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let real = write(
        &dir,
        "deny.rego",
        "package linked\n\ndeny contains \"always\" if { true }\n",
    );
    fs_err::create_dir(dir.path().join("policies")).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("policies/deny.rego")).unwrap();
    let out = gate_in(
        dir.path(),
        &["check", &clean(), "-p", "policies", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json(&out)["policies"][0]["path"], "policies/deny.rego");
}

/// `-o` naming an input is refused and the input is left as it was (issue 9), whichever input.
#[test]
fn outputs_never_overwrite_inputs() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::create_dir(dir.path().join("reports")).unwrap();
    let evidence = dir.path().join("reports/junit.xml");
    fs_err::copy(root().join("fixtures/demo/pytest-junit.xml"), &evidence).unwrap();
    let before = fs_err::read(&evidence).unwrap();
    let data = write(&dir, "data.json", "{\"x\": 1}");
    let policy = write(
        &dir,
        "p.rego",
        "package p\n\ndeny contains \"x\" if { false }\n",
    );
    let waivers = write(&dir, "waivers.toml", "");
    for (args, victim) in [
        (
            vec!["check", "reports/junit.xml", "-o", "json=reports/junit.xml"],
            "reports/junit.xml",
        ),
        (
            vec!["check", "reports", "-o", "json=./reports/junit.xml"],
            "reports/junit.xml",
        ),
        (
            vec![
                "check",
                "reports",
                "-o",
                "human=reports/../reports/junit.xml",
            ],
            "reports/junit.xml",
        ),
        (
            vec!["check", "reports", "-d", &data, "-o", "json=data.json"],
            "data.json",
        ),
        (
            vec!["check", "reports", "-p", &policy, "-o", "json=p.rego"],
            "p.rego",
        ),
        (
            vec![
                "check",
                "reports",
                "--waivers",
                &waivers,
                "-o",
                "json=waivers.toml",
            ],
            "waivers.toml",
        ),
    ] {
        let victim_before = fs_err::read(dir.path().join(victim)).unwrap();
        let out = gate_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("one of this check's inputs"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            fs_err::read(dir.path().join(victim)).unwrap(),
            victim_before,
            "{args:?}"
        );
    }
    assert_eq!(fs_err::read(&evidence).unwrap(), before);
}

/// Two outputs to one file are refused, however the path is spelled (issue 9).
#[test]
fn two_outputs_to_one_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let clean = &clean();
    for second in ["human=r.txt", "json=./r.txt"] {
        let out = gate_in(
            dir.path(),
            &["check", clean, "-o", "json=r.txt", "-o", second],
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("write the same file"),
            "{}",
            stderr(&out)
        );
        assert!(!dir.path().join("r.txt").exists());
    }
}

/// When a check cannot reach a verdict, every `-o` output is still written, as a report with
/// verdict `error` naming every problem (issue 11), so an earlier run's verdict never survives
/// at an `-o` path (issue 9) and CI upload steps find their files.
#[test]
fn a_failed_run_writes_every_output_as_an_error_report() {
    let dir = tempfile::tempdir().unwrap();
    let clean = &clean();
    let formats = [
        "json", "human", "junit", "sarif", "github", "gitlab", "markdown",
    ];
    let mut args: Vec<String> = ["check", clean, "--now", NOW].map(str::to_owned).to_vec();
    for f in formats {
        args.extend(["-o".to_owned(), format!("{f}=r.{f}")]);
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = gate_in(dir.path(), &argv);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs_err::read_to_string(dir.path().join("r.json"))
        .unwrap()
        .contains("\"pass\""));
    let broken = write(&dir, "broken.xml", "<testsuite><testcase name=\"a\">");
    let unknown = write(&dir, "unknown.json", "{\"name\": \"x\"}");
    let mut args = args.clone();
    args[1] = broken;
    args.insert(2, unknown);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = gate_in(dir.path(), &argv);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("broken.xml") && err.contains("unknown.json"),
        "{err}"
    );
    let read = |f: &str| fs_err::read_to_string(dir.path().join(format!("r.{f}"))).unwrap();
    let report: serde_json::Value = serde_json::from_str(&read("json")).unwrap();
    assert_eq!(report["verdict"], "error");
    let codes: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["gate::evidence::invalid", "gate::evidence::unknown_kind"]
    );
    assert!(read("human").ends_with("gate: ERROR: 2 problems, no verdict\n"));
    assert!(read("human").contains("unknown.json"));
    assert!(read("junit").contains("<error type=\"gate::evidence::unknown_kind\""));
    assert!(read("sarif").contains("\"executionSuccessful\": false"));
    assert_eq!(
        read("github")
            .lines()
            .filter(|l| l.starts_with("::error "))
            .count(),
        2
    );
    assert!(read("gitlab").contains("\"severity\": \"blocker\""));
    assert!(read("markdown").starts_with("## ⚠️ gate: ERROR"));
    // stdout carries the error report too, unless it is human.
    let out = gate_in(dir.path(), &["check", &args[1], "-f", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    let out = gate_in(dir.path(), &["check", &args[1]]);
    assert_eq!(
        (out.status.code(), common::stdout(&out).as_str()),
        (Some(2), "")
    );
}

/// When the `-o` options themselves are refused, nothing is written, and a report an earlier run
/// left at an `-o` path is removed; a file that is not a gate report stays.
#[test]
fn refused_outputs_write_nothing_and_leave_no_stale_report() {
    let dir = tempfile::tempdir().unwrap();
    let clean = &clean();
    let out = gate_in(
        dir.path(),
        &[
            "check",
            clean,
            "--now",
            NOW,
            "-o",
            "sarif=r.sarif",
            "-o",
            "human=r.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    write(&dir, "notes.txt", "my own notes\n");
    let out = gate_in(
        dir.path(),
        &[
            "check",
            clean,
            "-o",
            "sarif=r.sarif",
            "-o",
            "human=r.txt",
            "-o",
            "json=notes.txt",
            "-o",
            "junit=./r.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("write the same file"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("r.sarif").exists(),
        "stale SARIF report left behind"
    );
    assert!(
        !dir.path().join("r.txt").exists(),
        "stale human report left behind"
    );
    assert!(stderr(&out).contains("removed `r.sarif`, a report of an earlier run"));
    assert_eq!(
        fs_err::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "my own notes\n"
    );
}

/// Under GitHub Actions, the `github` format appends the Markdown summary to the step summary
/// file, keeping what earlier steps wrote; outside it, or without `github`, nothing is written.
#[test]
fn github_step_summary_is_appended_under_github_actions() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let demo = root().join("fixtures/demo");
    let demo = demo.to_str().unwrap();
    let run = |env: &[(&str, &str)], format: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
        cmd.args(["check", demo, "--now", NOW, "-f", format])
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .current_dir(dir.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    fs_err::write(&summary, "earlier step\n").unwrap();
    let out = run(&[], "github");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs_err::read_to_string(&summary).unwrap(), "earlier step\n");
    let out = run(&[("GITHUB_ACTIONS", "true")], "json");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs_err::read_to_string(&summary).unwrap(), "earlier step\n");
    let out = run(&[("GITHUB_ACTIONS", "true")], "github");
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stdout(&out).starts_with("::error file="));
    let text = fs_err::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n## ❌ gate: FAIL"), "{text}");
    assert!(text.contains("| `tests.failed` |"), "{text}");
}

/// `--timeout 0` is refused (issue 9), for `gate check` and `gate test`.
#[test]
fn a_zero_timeout_is_refused() {
    let out = gate(&["check", "fixtures/junit/pytest-clean.xml", "--timeout", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
    let out = gate(&["test", "--timeout", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = gate(&["check", "fixtures/junit/pytest-clean.xml", "--timeout", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A key repeated in a `-d` data document is refused with file, line and column (issue 9).
#[test]
fn duplicate_keys_in_data_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        &dir,
        "params.json",
        "{\"gate\": {\"max_critical\": 0,\n  \"max_critical\": 99}}",
    );
    let out = gate(&["check", "fixtures/junit/pytest-clean.xml", "-d", &data]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("params.json:2:16: duplicate JSON key `max_critical`"),
        "{}",
        stderr(&out)
    );
    let out = gate(&["test", "-d", &data]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// YAML approvals nested 100,000 deep are refused at once with a position, not parsed for
/// half a minute (issue 9); so is a policy's METADATA block.
#[test]
fn deeply_nested_yaml_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "gate-approvals: 1\nchange:\n  id: x\napprovals: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let path = write(&dir, "approvals.yaml", &deep);
    let started = Instant::now();
    let out = gate_watched(dir.path(), &["inspect", &path]);
    assert_refused(
        &out,
        "approvals.yaml:4:",
        "YAML nested deeper than 128 levels",
    );
    say!("deep YAML approvals refused in {:?}", started.elapsed());

    let dashes = format!("gate-approvals: 1\napprovals:\n{}x\n", "- ".repeat(100_000));
    let path = write(&dir, "dashes.yaml", &dashes);
    let out = gate_watched(dir.path(), &["inspect", &path]);
    assert_refused(&out, "dashes.yaml:3:", "YAML nested deeper than 128 levels");

    let policy = write(
        &dir,
        "deep.rego",
        &format!(
            "package deep\n\n# METADATA\n# title: {}\ndeny contains \"x\" if {{ false }}\n",
            "[".repeat(50_000)
        ),
    );
    let out = gate_watched(dir.path(), &["check", &clean(), "-p", &policy]);
    assert_refused(&out, "deep.rego", "nested deeper than 128 levels");
}
