//! End-to-end: policies that would crash, hang, eat the machine or silently do nothing (issue 9,
//! "Fail closed under attack") end `gate check` and `gate test` with exit 2 and a message naming
//! the file or rule. Each run is a child process under a watchdog: should a fix regress, the test
//! kills it after 30 s and fails instead of hanging, and the limits given are small.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{root, NOW};

/// Run `gate` in `dir` with `args`; kill it and fail the test past 30 s.
fn gate_watched(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gate");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for gate").is_some() {
            return child.wait_with_output().expect("gate's output");
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("gate's output");
            panic!(
                "gate {args:?} ran for more than 30 s and was killed; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `gate check` of a small JUnit file under `policy` (file name `p.rego`) with `extra` flags.
fn check(policy: &str, extra: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("p.rego"), policy).unwrap();
    let evidence = root().join("fixtures/junit/jest-junit.xml");
    let mut args = vec![
        "check",
        evidence.to_str().unwrap(),
        "-p",
        "p.rego",
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    let out = gate_watched(dir.path(), &args);
    (out.status.code(), common::stderr(&out))
}

/// `gate test` of `p.rego` and `p_test.rego` with `extra` flags.
fn test(policy: &str, tests: &str, extra: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("p.rego"), policy).unwrap();
    fs_err::write(dir.path().join("p_test.rego"), tests).unwrap();
    let mut args = vec!["test", ".", "--now", NOW];
    args.extend_from_slice(extra);
    let out = gate_watched(dir.path(), &args);
    (out.status.code(), common::stderr(&out))
}

const RECURSIVE: &str = "package rec\n\nf(x) := y if { y := f(x + 1) }\n\n\
                         deny contains \"x\" if { f(1) }\n";

#[test]
fn a_recursive_function_is_a_compile_error_not_a_stack_overflow() {
    // Before: "thread 'main' has overflowed its stack", exit 134, in check and test alike.
    let (code, err) = check(RECURSIVE, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("p.rego:3:"), "{err}");
    assert!(
        err.contains("recursion: `data.rec.f` depends on itself"),
        "{err}"
    );
    let (code, err) = test(
        RECURSIVE,
        "package rec_test\n\ntest_f if { data.rec.f(1) }\n",
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("recursion: `data.rec.f`"), "{err}");
}

const HUGE_RANGE: &str =
    "package r\n\ndeny contains \"big\" if {\n\tcount(numbers.range(1, 1000000000)) > 0\n}\n";

#[test]
fn one_huge_builtin_call_is_refused_before_it_allocates() {
    // Before: --timeout 2 did not stop it and it took more than 8 GB.
    let (code, err) = check(HUGE_RANGE, &["--timeout", "2"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("p.rego:4:"), "{err}");
    assert!(
        err.contains("numbers.range(1, 1000000000) would build 1000000000 numbers"),
        "{err}"
    );
}

#[test]
fn evaluation_stops_at_the_memory_limit() {
    let policy = "package m\n\ndeny contains \"big\" if {\n\t\
                  xs := [x | some i in numbers.range(1, 2000000); x := sprintf(\"%d-abcdefghijkl\", [i])]\n\t\
                  count(xs) > 0\n}\n";
    let (code, err) = check(policy, &["--max-memory", "64MiB"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("policy evaluation stopped in `data.m.deny`: it needed more memory than the limit of 64 MiB (--max-memory)"),
        "{err}"
    );
    let (code, err) = check(policy, &["--max-memory", "lots"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a size"), "{err}");
}

const SLOW: &str = "package s\n\ndeny contains \"slow\" if {\n\t\
                    n := count([x | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000); x := i * j])\n\t\
                    n > 0\n}\n";

#[test]
fn evaluation_stops_at_the_time_limit_in_check_and_test() {
    let started = Instant::now();
    let (code, err) = check(SLOW, &["--timeout", "1"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("policy evaluation stopped in `data.s.deny`: it ran past the time limit of 1 s (--timeout)"),
        "{err}"
    );
    // A test past the limit stops the run (exit 2, not a failed test), naming the test.
    let (code, err) = test(
        SLOW,
        "package s_test\n\ntest_slow if { count(data.s.deny) == 1 }\n\ntest_fast if { true }\n",
        &["--timeout", "1"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("stopped in `data.s_test.test_slow`: it ran past the time limit of 1 s"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn network_and_random_builtins_are_compile_errors() {
    // Before: `http.send` was silently undefined, so this rule never denied (exit 0).
    let policy = "package h\n\ndeny contains msg if {\n\t\
                  r := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n\t\
                  r.status_code != 200\n\tmsg := \"down\"\n}\n";
    let (code, err) = check(policy, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("p.rego:4:"), "{err}");
    assert!(
        err.contains("`http.send` is not available: it reaches the network, and gate evaluates policies hermetically"),
        "{err}"
    );
    let (code, err) = check("package u\n\ndeny contains uuid.rfc4122(\"x\")\n", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("`uuid.rfc4122` is not available"), "{err}");
}

#[test]
fn a_deny_function_is_a_compile_error_not_a_rule() {
    // Before: it counted as a rule (`rules_evaluated: 1`) and the check passed.
    let (code, err) = check("package f\n\ndeny(x) := msg if { msg := x }\n", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("p.rego:3:1"), "{err}");
    assert!(err.contains("`deny` is declared as a function"), "{err}");
}

#[test]
fn a_panic_in_the_rego_engine_is_exit_2_naming_the_rule() {
    // regorus' sprintf panics on a non-ASCII digit in a width; before, that ended the process
    // with exit 101 (or a result silently missing when the package ran on another thread).
    let (code, err) = check(
        "package sp\n\ndeny contains sprintf(\"%\u{0663}d\", [1])\n",
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("policy evaluation failed in `data.sp.deny`: the Rego engine failed"),
        "{err}"
    );
    // A failure of the engine, not of the input: its own code, and a help line saying so.
    assert!(err.contains("gate::internal::engine"), "{err}");
    assert!(err.contains("not a fault of the input"), "{err}");
}

#[test]
fn runtime_errors_and_conflicts_name_the_rule_and_fail_the_whole_check() {
    // One package's error is the check's: exit 2 even though another package denies.
    let policy = "package c\n\nx := 1 if { true }\nx := 2 if { true }\n\n\
                  deny contains \"conflict\" if { x > 0 }\n";
    let (code, err) = check(policy, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("p.rego:4:1: rule conflicts with rule at p.rego:3:1"),
        "{err}"
    );
}
