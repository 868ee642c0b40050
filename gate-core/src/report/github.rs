//! The GitHub Actions renderer: workflow commands that the runner turns into annotations on the
//! run and on the pull request's files.
//!
//! `::error file=F,line=L,col=C,title=CODE::MESSAGE` for each result that fails the verdict,
//! `::warning …` for each other unwaived result, `::notice …` for each note, `::error …` for each
//! problem of a check that could not be evaluated, then the summary line as plain log text.
//! Waived results are left out (the Markdown summary lists them). Data and property values are
//! escaped as the runner unescapes them: `%`, CR and LF in both, and `:` and `,` in properties,
//! so no message can end its command early or start another.

use std::fmt::Write as _;

use super::places::Places;
use super::{summary_line, Report};

/// The report as workflow commands, one per line, and the summary line.
pub fn render(report: &Report) -> String {
    let places = Places::resolve(report);
    let mut out = String::new();
    for p in &report.errors {
        let title = p.code.as_str();
        command(
            &mut out,
            "error",
            p.path.as_deref(),
            p.line,
            p.column,
            title,
            &p.message,
        );
    }
    for (i, r) in report.results.iter().enumerate() {
        if r.waived_by.is_some() {
            continue;
        }
        let kind = if report.fails(r) { "error" } else { "warning" };
        let place = places.first(i);
        let mut message = r.message.clone();
        if let Some(h) = &r.remediation {
            let _ = write!(message, "\nhelp: {h}");
        }
        command(
            &mut out,
            kind,
            place.map(|p| p.path.as_str()),
            place.and_then(|p| p.line),
            place.and_then(|p| p.column),
            &r.code,
            &message,
        );
    }
    for d in &report.diagnostics {
        command(
            &mut out,
            "notice",
            d.path.as_deref(),
            d.line,
            None,
            d.code.as_str(),
            &d.message,
        );
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

fn command(
    out: &mut String,
    kind: &str,
    file: Option<&str>,
    line: Option<usize>,
    col: Option<usize>,
    title: &str,
    message: &str,
) {
    let mut props: Vec<String> = Vec::new();
    if let Some(f) = file {
        props.push(format!("file={}", property(f)));
        if let Some(l) = line {
            props.push(format!("line={l}"));
            if let Some(c) = col {
                props.push(format!("col={c}"));
            }
        }
    }
    props.push(format!("title={}", property(title)));
    let _ = writeln!(out, "::{kind} {}::{}", props.join(","), data(message));
}

/// A command's data (after the second `::`), escaped as the runner unescapes it.
pub(crate) fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value, escaped as the runner unescapes it.
pub(crate) fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_unescapes() {
        assert_eq!(data("50% a\r\nb::c"), "50%25 a%0D%0Ab::c");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
