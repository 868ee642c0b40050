//! The Markdown renderer: a summary fit for a pull-request comment or a GitHub step summary.
//!
//! The verdict and counts, a table of the results that fail the verdict (code, subject,
//! message, where), the number of results per code, and the waivers with what became of them;
//! for a check that could not be evaluated, a table of every problem. Every cell is escaped so
//! that text from evidence or policies cannot break the table or inject markup: `|`, `\`,
//! backticks, emphasis and link brackets are backslash-escaped, `<`, `>` and `&` become
//! entities, and line breaks become `<br>`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::places::Places;
use super::{level_name, summary_line, Report, Verdict};

/// The report as GitHub-flavoured Markdown, ending with a newline.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let icon = match report.verdict {
        Verdict::Pass => "✅",
        Verdict::Fail => "❌",
        Verdict::Error => "⚠️",
    };
    let _ = writeln!(
        out,
        "## {icon} gate: {}\n",
        report.verdict.as_str().to_ascii_uppercase()
    );
    let line = summary_line(report);
    // The line without its `gate: VERDICT: ` head, which the heading says.
    let counts = line.splitn(3, ": ").last().unwrap_or(&line);
    let _ = writeln!(out, "{}, judged at {}.\n", cell(counts), cell(&report.now));
    if report.verdict == Verdict::Error {
        out.push_str(
            "gate could not reach a verdict:\n\n| code | where | problem |\n|---|---|---|\n",
        );
        for p in &report.errors {
            let at = super::places::Place {
                path: p.path.clone().unwrap_or_default(),
                line: p.line,
                column: p.column,
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(&p.code),
                code(&at.display()),
                cell(&p.message)
            );
        }
        return out;
    }

    let places = Places::resolve(report);
    let failing: Vec<usize> = (0..report.results.len())
        .filter(|&i| report.results.get(i).is_some_and(|r| report.fails(r)))
        .collect();
    if !failing.is_empty() {
        let what = if report.summary.deny > 0
            && report.summary.warn > 0
            && report.fail_on == super::FailOn::Warn
        {
            "Denials and warnings"
        } else if report.summary.deny > 0 {
            "Denials"
        } else {
            "Warnings"
        };
        let _ = writeln!(out, "### {what}\n");
        out.push_str("| code | subject | message | where |\n|---|---|---|---|\n");
        for i in failing {
            let Some(r) = report.results.get(i) else {
                continue;
            };
            let at: Vec<String> = places.all(i).iter().map(|p| code(&p.display())).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&r.code),
                code(&r.subject),
                cell(&r.message),
                at.join("<br>")
            );
        }
        out.push('\n');
    }

    if !report.results.is_empty() {
        // (code, level) → (open, waived)
        let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
        for r in &report.results {
            let c = counts.entry((&r.code, level_name(r.level))).or_default();
            if r.waived_by.is_some() {
                c.1 += 1;
            } else {
                c.0 += 1;
            }
        }
        out.push_str(
            "### Results per code\n\n| code | level | open | waived |\n|---|---|---:|---:|\n",
        );
        for ((c, level), (open, waived)) in counts {
            let _ = writeln!(out, "| {} | {level} | {open} | {waived} |", code(c));
        }
        out.push('\n');
    }

    if !report.waivers.is_empty() {
        out.push_str("### Waivers\n\n| id | code | subject | owner | expires | status | matched |\n|---|---|---|---|---|---|---:|\n");
        for w in &report.waivers {
            let status = serde_json::to_value(w.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&w.id),
                code(&w.code),
                code(&w.subject),
                cell(&w.owner),
                cell(&w.expires),
                status,
                w.matched
            );
        }
        out.push('\n');
    }
    out
}

/// Text in a table cell, rendered literally.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text in a table cell as inline code: a backtick fence longer than any run of backticks in
/// it, `|` escaped (tables split on it even inside code), line breaks as spaces.
fn code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let body: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_markup() {
        assert_eq!(cell("a|b\nc\r\nd"), "a\\|b<br>c<br>d");
        assert_eq!(
            cell("<img src=x> [l](u) *e*"),
            "&lt;img src=x&gt; \\[l\\](u) \\*e\\*"
        );
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y``"), "``` x`y`` ```");
        assert_eq!(code("l1\nl2"), "`l1 l2`");
    }
}
