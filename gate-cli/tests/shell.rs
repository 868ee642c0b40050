//! `gate completions SHELL` and `gate man`: the completion scripts are generated from the
//! command's definition (bash's is loaded into bash and asked to complete), and the manual pages
//! are roff that groff formats without a warning, with the usual sections.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Command;

const SUBCOMMANDS: [&str; 6] = ["check", "inspect", "test", "verify", "completions", "man"];

fn generated(args: &[&str]) -> String {
    let out = common::gate(args);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(common::stderr(&out).is_empty(), "{}", common::stderr(&out));
    common::stdout(&out)
}

/// What bash offers after `words` (the last one being completed), with gate's completion
/// script loaded, as a shell does on TAB.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gate.bash");
    fs_err::write(&file, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let probe = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _gate gate '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        file.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words.last().unwrap(),
        words.get(words.len().wrapping_sub(2)).unwrap_or(&""),
    );
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(&probe)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out).lines().map(str::to_owned).collect()
}

/// bash's script is valid bash, and completing in bash offers the subcommands, a subcommand's
/// flags, and the values of `--color` and `-f`.
#[test]
fn bash_completion_offers_subcommands_flags_and_values() {
    let script = generated(&["completions", "bash"]);
    let syntax = Command::new("bash")
        .arg("-n")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(syntax.status.success(), "{}", common::stderr(&syntax));
    for sub in SUBCOMMANDS {
        assert!(
            script.contains(sub),
            "bash completion does not mention `{sub}`"
        );
    }
    let offered = bash_completes(&script, &["gate", ""]);
    for sub in SUBCOMMANDS {
        assert!(
            offered.iter().any(|o| o == sub),
            "`gate <TAB>` lacks `{sub}`: {offered:?}"
        );
    }
    assert_eq!(bash_completes(&script, &["gate", "ins"]), ["inspect"]);
    let flags = bash_completes(&script, &["gate", "check", "--"]);
    for flag in [
        "--policy",
        "--format",
        "--output",
        "--quiet",
        "--verbose",
        "--color",
        "--fail-on",
    ] {
        assert!(
            flags.iter().any(|f| f == flag),
            "`gate check --<TAB>` lacks {flag}: {flags:?}"
        );
    }
    assert_eq!(
        bash_completes(&script, &["gate", "check", "--color", ""]),
        ["auto", "always", "never"]
    );
    let shells = bash_completes(&script, &["gate", "completions", ""]);
    assert!(shells.iter().any(|s| s == "zsh"), "{shells:?}");
}

/// Every shell clap_complete knows gets a script that names gate's subcommands in that shell's
/// own completion idiom.
#[test]
fn every_shell_gets_its_own_script() {
    for (shell, idiom) in [
        ("zsh", "#compdef gate"),
        ("fish", "complete -c gate"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "set edit:completion:arg-completer[gate]"),
    ] {
        let script = generated(&["completions", shell]);
        assert!(script.contains(idiom), "{shell}: no `{idiom}`");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: does not mention `{sub}`");
        }
    }
}

/// The sections a page has (`.SH NAME` …), in order.
fn sections(roff: &str) -> Vec<String> {
    roff.lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .map(|s| s.trim_matches('"').to_owned())
        .collect()
}

/// Format a page with groff's man macros, every warning on, and return the warnings (stderr).
#[cfg(gate_groff)]
fn groff_warnings(roff: &str) -> String {
    use std::io::Write as _;
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(roff.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    common::stderr(&out)
}

/// `gate man` is gate(1): a title line, the usual sections, every subcommand listed; `gate man
/// check` is gate-check(1) with its options.
#[test]
fn man_pages_are_roff_with_the_usual_sections() {
    let page = generated(&["man"]);
    assert!(page.lines().any(|l| l.starts_with(".TH gate 1 ")), "{page}");
    assert_eq!(
        sections(&page),
        [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "SUBCOMMANDS",
            "VERSION"
        ]
    );
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("gate\\-{sub}(1)")),
            "gate(1) lists `{sub}`"
        );
    }
    let check = generated(&["man", "check"]);
    assert!(
        check.lines().any(|l| l.starts_with(".TH gate-check 1 ")),
        "{check}"
    );
    assert!(check.contains("gate\\-check \\- Judge evidence"), "{check}");
    let check_sections = sections(&check);
    for s in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"] {
        assert!(
            check_sections.iter().any(|c| c == s),
            "gate-check(1) lacks {s}: {check_sections:?}"
        );
    }
    for flag in [
        "\\-\\-policy",
        "\\-\\-fail\\-on",
        "\\-\\-color",
        "\\-\\-quiet",
    ] {
        assert!(check.contains(flag), "gate-check(1) lacks {flag}");
    }
}

/// groff, the consumer of roff, formats every page (gate(1) and each subcommand's) without a
/// warning (`-ww`: all of them on).
#[test]
#[cfg_attr(not(gate_groff), ignore = "needs groff (Debian: groff-base)")]
fn groff_formats_every_man_page_without_a_warning() {
    #[cfg(gate_groff)]
    {
        let mut pages = vec![("gate(1)".to_owned(), generated(&["man"]))];
        for sub in SUBCOMMANDS {
            pages.push((format!("gate-{sub}(1)"), generated(&["man", sub])));
        }
        for (name, roff) in pages {
            let warnings = groff_warnings(&roff);
            assert!(warnings.is_empty(), "{name}: groff warns:\n{warnings}");
        }
    }
}
