//! When gate writes ANSI colour. `--color always|never` decides outright; `--color auto` (the
//! default) follows the environment conventions, in this order:
//!
//! 1. `NO_COLOR` set and not empty: no colour (no-color.org).
//! 2. `FORCE_COLOR` set and not empty: colour, unless it is `0` or `false` (then none).
//! 3. `CLICOLOR_FORCE` set, not empty and not `0`: colour.
//! 4. `CLICOLOR=0`: no colour.
//! 5. Otherwise colour when the stream is a terminal and `TERM` is not `dumb`.
//!
//! Decided per stream (stdout, stderr). Files written with `-o` are never coloured; that is the
//! caller's choice, not this module's.

use std::io::IsTerminal;
use std::sync::OnceLock;

use crate::args::ColorChoice;

/// The `--color` of this run, set once by `main`.
static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Record the run's `--color` (the first call wins).
pub fn set(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

fn choice() -> ColorChoice {
    CHOICE.get().copied().unwrap_or(ColorChoice::Auto)
}

/// Whether to colour stdout.
pub fn stdout() -> bool {
    wants(choice(), &env, std::io::stdout().is_terminal())
}

/// Whether to colour stderr.
pub fn stderr() -> bool {
    wants(choice(), &env, std::io::stderr().is_terminal())
}

fn env(key: &str) -> Option<String> {
    std::env::var_os(key).map(|v| v.to_string_lossy().into_owned())
}

/// The decision, given `--color`, a way to read the environment, and whether the stream is a
/// terminal.
pub fn wants(choice: ColorChoice, env: &dyn Fn(&str) -> Option<String>, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |key: &str| env(key).filter(|v| !v.is_empty());
            if set("NO_COLOR").is_some() {
                return false;
            }
            if let Some(v) = set("FORCE_COLOR") {
                return !matches!(v.as_str(), "0" | "false");
            }
            if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                return true;
            }
            if set("CLICOLOR").is_some_and(|v| v == "0") {
                return false;
            }
            terminal && set("TERM").as_deref() != Some("dumb")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(choice: ColorChoice, vars: &[(&str, &str)], terminal: bool) -> bool {
        let lookup = |key: &str| {
            vars.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        };
        wants(choice, &lookup, terminal)
    }

    /// Every documented rule, each on a terminal and on a pipe.
    #[test]
    fn each_environment_combination() {
        use ColorChoice::{Always, Auto, Never};
        /// `--color`, the environment, whether the stream is a terminal, colour?
        type Case = (
            ColorChoice,
            &'static [(&'static str, &'static str)],
            bool,
            bool,
        );
        #[rustfmt::skip]
        let cases: &[Case] = &[
            (Auto, &[], true, true),
            (Auto, &[], false, false),
            (Auto, &[("TERM", "dumb")], true, false),
            (Auto, &[("TERM", "xterm-256color")], true, true),
            (Auto, &[("NO_COLOR", "1")], true, false),
            (Auto, &[("NO_COLOR", "")], true, true),
            (Auto, &[("NO_COLOR", "0")], true, false),
            (Auto, &[("CLICOLOR_FORCE", "1")], false, true),
            (Auto, &[("CLICOLOR_FORCE", "0")], false, false),
            (Auto, &[("CLICOLOR_FORCE", "")], false, false),
            (Auto, &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], false, true),
            (Auto, &[("FORCE_COLOR", "1")], false, true),
            (Auto, &[("FORCE_COLOR", "3")], false, true),
            (Auto, &[("FORCE_COLOR", "true")], false, true),
            (Auto, &[("FORCE_COLOR", "0")], true, false),
            (Auto, &[("FORCE_COLOR", "false")], true, false),
            (Auto, &[("FORCE_COLOR", "")], false, false),
            (Auto, &[("FORCE_COLOR", "0"), ("CLICOLOR_FORCE", "1")], false, false),
            (Auto, &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false, false),
            (Auto, &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], true, false),
            (Auto, &[("CLICOLOR", "0")], true, false),
            (Auto, &[("CLICOLOR", "1")], false, false),
            (Auto, &[("CLICOLOR", "1")], true, true),
            (Auto, &[("CLICOLOR", "0"), ("CLICOLOR_FORCE", "1")], false, true),
            (Always, &[], false, true),
            (Always, &[("NO_COLOR", "1")], false, true),
            (Always, &[("FORCE_COLOR", "0"), ("TERM", "dumb")], false, true),
            (Never, &[], true, false),
            (Never, &[("CLICOLOR_FORCE", "1"), ("FORCE_COLOR", "1")], true, false),
        ];
        for (choice, vars, terminal, expected) in cases {
            assert_eq!(
                decide(*choice, vars, *terminal),
                *expected,
                "--color {choice:?} with {vars:?}, terminal: {terminal}"
            );
        }
    }
}
