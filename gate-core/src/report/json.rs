//! The JSON renderer: the canonical, deterministic form of a [`Report`].

use super::Report;

/// Pretty-printed JSON with a trailing newline. Field order is fixed by the types and every list
/// is sorted by the report builder, so the same inputs and `--now` give the same bytes.
pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
