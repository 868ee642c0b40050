//! Renderers of gate-core's data for the terminal and files. Data to stdout, notes to stderr.

pub mod color;
mod human;
pub mod testing;
mod verify;

pub use human::Detail;
pub use verify::verification;

use gate_core::diagnostic::Diagnostic;
use gate_core::report::{github, gitlab, json, junit, markdown, sarif, summary_line, Report};
use gate_core::Error;

use crate::args::Format;

/// Render a report in `format` for stdout; `detail` is how much the human format shows.
pub fn to_string(report: &Report, format: Format, detail: Detail) -> String {
    match format {
        Format::Human => human::render(report, color::stdout(), detail),
        other => to_file_string(report, other, detail),
    }
}

/// Render a report in `format` for a file (`-o`): never in colour.
pub fn to_file_string(report: &Report, format: Format, detail: Detail) -> String {
    match format {
        Format::Human => human::render(report, false, detail),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Markdown => markdown::render(report),
    }
}

/// The human form of a check that reached no verdict (for `-o human=…`): every problem as stderr
/// shows it, and the summary line.
pub fn error_text(err: &Error, report: &Report) -> String {
    let mut out: String = err
        .problems()
        .into_iter()
        .map(|e| human::error(e, false))
        .collect::<Vec<_>>()
        .join("\n");
    out.push_str(&format!("\n{}\n", summary_line(report)));
    out
}

/// Whether `text` is a report gate wrote in `format`: JSON with `schema_version`, `verdict` and
/// `results`; human text or workflow commands ending with a `gate: PASS|FAIL|ERROR: …` line;
/// JUnit whose root is `<testsuites name="gate"`; SARIF whose driver is `gate`; a Code Quality
/// array of issues that all carry `check_name` and `fingerprint`; Markdown opening with gate's
/// heading.
pub fn is_report(text: &str, format: Format) -> bool {
    let json = || serde_json::from_str::<serde_json::Value>(text).ok();
    match format {
        Format::Json => json().is_some_and(|v| {
            ["schema_version", "verdict", "results"]
                .iter()
                .all(|k| v.get(k).is_some())
        }),
        Format::Human | Format::Github => text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| {
                ["gate: PASS: ", "gate: FAIL: ", "gate: ERROR: "]
                    .iter()
                    .any(|p| l.starts_with(p))
            }),
        Format::Junit => text
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("<testsuites name=\"gate\" ")),
        Format::Sarif => json().is_some_and(|v| {
            v.pointer("/runs/0/tool/driver/name")
                .is_some_and(|n| n == "gate")
        }),
        Format::Gitlab => json().is_some_and(|v| {
            v.as_array().is_some_and(|issues| {
                issues
                    .iter()
                    .all(|i| i.get("check_name").is_some() && i.get("fingerprint").is_some())
            })
        }),
        Format::Markdown => text
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("## ") && l.contains(" gate: ")),
    }
}

/// Print an error (exit 2) to stderr: every problem it stands for, in order.
pub fn error(err: &Error) {
    let color = color::stderr();
    let text: Vec<String> = err
        .problems()
        .into_iter()
        .map(|e| human::error(e, color))
        .collect();
    eprint_text(&text.join("\n"));
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
