//! Renderers of gate-core's data for the terminal and files. Data to stdout, notes to stderr.

mod human;
pub mod testing;
mod verify;

pub use verify::verification;

use std::io::IsTerminal;

use gate_core::diagnostic::Diagnostic;
use gate_core::report::{json, Report};
use gate_core::Error;

use crate::args::Format;

/// Render a report in `format`.
pub fn to_string(report: &Report, format: Format) -> String {
    match format {
        Format::Json => json::render(report),
        Format::Human => human::render(report, color_stdout()),
    }
}

/// Render a report in `format` for a file (`-o`): never in colour.
pub fn to_file_string(report: &Report, format: Format) -> String {
    match format {
        Format::Json => json::render(report),
        Format::Human => human::render(report, false),
    }
}

/// Whether `text` is a report gate wrote in `format` (JSON: an object with `schema_version`,
/// `verdict` and `results`; human: a last line `gate: PASS: …` or `gate: FAIL: …`).
pub fn is_report(text: &str, format: Format) -> bool {
    match format {
        Format::Json => serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| {
            ["schema_version", "verdict", "results"]
                .iter()
                .all(|k| v.get(k).is_some())
        }),
        Format::Human => text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("gate: PASS: ") || l.starts_with("gate: FAIL: ")),
    }
}

/// Whether stdout wants colour: a terminal, and `NO_COLOR` unset.
fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Print an error (exit 2) to stderr.
pub fn error(err: &Error) {
    let text = human::error(err, color_stderr());
    eprint_text(&text);
}

/// Print a line about what gate did to stderr (`gate: …`).
pub fn notice(text: &str) {
    eprint_text(&format!("gate: {text}\n"));
}

/// Print a non-fatal note to stderr.
pub fn diagnostic(d: &Diagnostic) {
    eprint_text(&human::note(d));
}

#[allow(clippy::print_stderr)]
fn eprint_text(text: &str) {
    eprint!("{text}");
}
