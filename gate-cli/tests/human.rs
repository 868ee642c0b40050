//! The human output as a person meets it: how long it is on a large SBOM (grouped warnings),
//! `-q` and `--verbose`, and when it is coloured (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`,
//! `FORCE_COLOR`, a terminal or a pipe).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::{Command, Output};

const ESC: &str = "\u{1b}[";

/// `gate check fixtures/demo` with `args` before the subcommand's and exactly the colour
/// variables in `env` (the others removed), stdout a pipe.
fn demo(global: &[&str], args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
    cmd.args(global)
        .args(["check", "fixtures/demo", "--now", common::NOW])
        .args(args)
        .current_dir(common::root());
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "CLICOLOR",
        "TERM",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

/// Each rule of `--color` and the colour variables, on a pipe, end to end (the terminal case is
/// [`auto_colours_a_terminal`]; the full table of rules is a unit test of the decision).
#[test]
fn colour_follows_the_flag_and_the_environment() {
    /// Flags before the subcommand, the environment, colour?
    type Case = (
        &'static [&'static str],
        &'static [(&'static str, &'static str)],
        bool,
    );
    #[rustfmt::skip]
    let cases: &[Case] = &[
        (&[], &[], false),
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("FORCE_COLOR", "1")], true),
        (&[], &[("FORCE_COLOR", "0")], false),
        (&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false),
        (&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false),
        (&["--color", "auto"], &[("CLICOLOR_FORCE", "1")], true),
        (&["--color", "always"], &[], true),
        (&["--color", "always"], &[("NO_COLOR", "1")], true),
        (&["--color=never"], &[("FORCE_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false),
    ];
    for (flags, env, coloured) in cases {
        let out = demo(flags, &[], env);
        assert_eq!(out.status.code(), Some(1));
        let stdout = common::stdout(&out);
        assert_eq!(
            stdout.contains(ESC),
            *coloured,
            "{flags:?} {env:?}:\n{stdout}"
        );
        if !coloured {
            assert!(stdout.contains("gate: FAIL: 1 denied"), "{stdout}");
        }
    }
}

/// `--color` is global: it may come after the subcommand, and it colours errors on stderr too;
/// files written with `-o` never are.
#[test]
fn colour_reaches_errors_but_never_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let spec = format!("human={}", file.display());
    let out = demo(&[], &["--color", "always", "-o", &spec], &[]);
    assert!(common::stdout(&out).contains(ESC));
    let written = fs_err::read_to_string(&file).unwrap();
    assert!(!written.contains(ESC), "{written}");
    assert!(
        written.contains("sbom.missing-license (8 warnings, low)"),
        "{written}"
    );

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
    let err = cmd
        .args(["--color", "always", "check", "no/such/file.json"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    assert!(
        common::stderr(&err).contains(ESC),
        "{}",
        common::stderr(&err)
    );
    let plain = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["check", "no/such/file.json"])
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        !common::stderr(&plain).contains(ESC),
        "{}",
        common::stderr(&plain)
    );
}

/// `--color auto` colours a terminal (run under `script`, which gives gate a pseudo-terminal)
/// unless `NO_COLOR` or `TERM=dumb` says otherwise.
#[test]
fn auto_colours_a_terminal() {
    let gate = env!("CARGO_BIN_EXE_gate");
    let run = |env: &[(&str, &str)]| {
        let mut cmd = Command::new("script");
        cmd.args([
            "-qec",
            &format!("{gate} check fixtures/demo --now {}", common::NOW),
            "/dev/null",
        ])
        .current_dir(common::root())
        .env("TERM", "xterm");
        for var in ["NO_COLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "CLICOLOR"] {
            cmd.env_remove(var);
        }
        let out = cmd.envs(env.iter().copied()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
        common::stdout(&out)
    };
    assert!(run(&[]).contains(ESC));
    assert!(!run(&[("NO_COLOR", "1")]).contains(ESC));
    assert!(!run(&[("TERM", "dumb")]).contains(ESC));
    assert!(!run(&[("CLICOLOR", "0")]).contains(ESC));
}

/// `-q` prints the summary line alone; `--verbose` every result in full (that they exclude each
/// other is a case in tests/cmd).
#[test]
fn quiet_and_verbose() {
    let quiet = demo(&[], &["-q"], &[]);
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(
        common::stdout(&quiet),
        "gate: FAIL: 1 denied, 8 warnings, 0 waived (19 rules over 3 evidence files)\n"
    );
    let verbose = common::stdout(&demo(&[], &["--verbose"], &[]));
    assert_eq!(
        verbose.matches("\nsbom.missing-license\n").count(),
        8,
        "{verbose}"
    );
    assert_eq!(
        verbose.matches("rule gate.sbom.warn").count(),
        8,
        "{verbose}"
    );
    let grouped = common::stdout(&demo(&[], &[], &[]));
    assert_eq!(
        grouped.matches("rule gate.sbom.warn").count(),
        0,
        "{grouped}"
    );
    assert!(grouped.lines().count() < verbose.lines().count() / 4);
}

/// A 6,221-component SBOM (cdxgen on a real npm tree of 10,216 packages) with 78 warnings over two
/// codes fits on a screen: each code's warnings are one group with its first three subjects.
/// Before grouping this printed the first 20 warnings in full and counted the rest.
#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn a_large_sboms_warnings_fit_on_a_screen() {
    let sbom = "../shared/corpus/large/cdxgen-12.8.4_bigapp.spec1.5.cdx.json";
    let out = common::gate(&["check", sbom, "--now", common::NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert_eq!(text.lines().count(), 21, "{text}");
    assert!(text.starts_with(
        "licenses.unknown (13 warnings, medium): A component's license is no SPDX expression\n"
    ));
    assert!(
        text.contains("\nsbom.missing-license (65 warnings, low): A component has no license\n")
    );
    assert!(text.contains("  … and 62 more (`--verbose` shows every one, `-f json` too)\n"));
    assert!(text.ends_with(
        "\ngate: PASS: 0 denied, 78 warnings, 0 waived (19 rules over 1 evidence file)\n"
    ));
    let verbose = common::stdout(&common::gate(&["check", sbom, "--now", common::NOW, "-v"]));
    assert_eq!(verbose.matches("  ⚠ component").count(), 78);
}
