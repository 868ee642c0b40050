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

/// Print a non-fatal note to stderr.
pub fn diagnostic(d: &Diagnostic) {
    eprint_text(&human::note(d));
}

#[allow(clippy::print_stderr)]
fn eprint_text(text: &str) {
    eprint!("{text}");
}
