//! Renderers of gate-core's data for the terminal and files. Data to stdout, notes to stderr.

pub mod color;
mod human;
pub mod testing;
mod verify;

pub use human::Detail;
pub use verify::verification;

use gate_core::diagnostic::Diagnostic;
use gate_core::report::{json, Report};
use gate_core::Error;

use crate::args::Format;

/// Render a report in `format` for stdout; `detail` is how much the human format shows.
pub fn to_string(report: &Report, format: Format, detail: Detail) -> String {
    match format {
        Format::Json => json::render(report),
        Format::Human => human::render(report, color::stdout(), detail),
    }
}

/// Render a report in `format` for a file (`-o`): never in colour.
pub fn to_file_string(report: &Report, format: Format, detail: Detail) -> String {
    match format {
        Format::Json => json::render(report),
        Format::Human => human::render(report, false, detail),
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

/// Print an error (exit 2) to stderr.
pub fn error(err: &Error) {
    let text = human::error(err, color::stderr());
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
