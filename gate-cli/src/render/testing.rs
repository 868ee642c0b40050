//! Renderers of a `gate test` run ([`TestRun`]): human text, JSON, JUnit XML (one `<testcase>`
//! per Rego test, `classname` = its package, one `<testsuite>` per package).

use std::collections::BTreeMap;

use gate_core::policy::testing::{Coverage, TestResult, TestRun, TestStatus};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use serde::Serialize;

/// The run and what the threshold made of it.
#[derive(Debug)]
pub struct Outcome<'a> {
    /// The tests and coverage.
    pub run: &'a TestRun,
    /// `--threshold`, in percent.
    pub threshold: Option<f64>,
    /// Show passing tests too.
    pub verbose: bool,
}

impl Outcome<'_> {
    /// Coverage is below the threshold.
    pub fn below_threshold(&self) -> bool {
        match (&self.run.coverage, self.threshold) {
            (Some(c), Some(t)) => c.percent < t,
            _ => false,
        }
    }

    /// Every test passed and coverage (if required) is met.
    pub fn passed(&self) -> bool {
        self.run.passed() && !self.below_threshold()
    }
}

fn status_word(s: TestStatus) -> &'static str {
    match s {
        TestStatus::Pass => "PASS",
        TestStatus::Fail => "FAIL",
        TestStatus::Error => "ERROR",
    }
}

/// Text for a terminal or a CI log: failures and errors in full (file:line, why, `print`
/// output), passing tests only with `--verbose`, then coverage and a one-line summary.
pub fn human(o: &Outcome<'_>) -> String {
    let mut out = String::new();
    for t in &o.run.tests {
        if t.status == TestStatus::Pass && !o.verbose {
            continue;
        }
        out.push_str(&format!(
            "{:<5} {} ({}:{})\n",
            status_word(t.status),
            t.name,
            t.file,
            t.line
        ));
        if let Some(m) = &t.message {
            for l in m.lines() {
                out.push_str(&format!("      {l}\n"));
            }
        }
        if t.status != TestStatus::Pass {
            for p in &t.output {
                out.push_str(&format!("      print: {p}\n"));
            }
        }
    }
    if let Some(c) = &o.run.coverage {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&coverage_table(c));
    }
    let s = &o.run.summary;
    let verdict = if o.passed() { "PASS" } else { "FAIL" };
    let mut line = format!(
        "gate test: {verdict}: {} passed, {} failed, {} errored ({} {})",
        s.passed,
        s.failed,
        s.errored,
        s.total,
        if s.total == 1 { "test" } else { "tests" }
    );
    if let Some(c) = &o.run.coverage {
        line.push_str(&format!("; coverage {:.2}%", c.percent));
        if let Some(t) = o.threshold {
            let cmp = if o.below_threshold() {
                "below"
            } else {
                "meets"
            };
            line.push_str(&format!(" {cmp} the threshold of {t}%"));
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&line);
    out.push('\n');
    out
}

fn coverage_table(c: &Coverage) -> String {
    let width = c
        .files
        .iter()
        .map(|f| f.file.chars().count())
        .max()
        .unwrap_or(0)
        .max("total".len());
    let mut out = String::from("coverage (lines with an expression reached by a test):\n");
    for f in &c.files {
        let mut row = format!(
            "  {:<width$}  {:>7.2}%  {:>4}/{:<4}",
            f.file, f.percent, f.covered, f.total
        );
        if !f.not_covered.is_empty() {
            row.push_str(&format!("  not covered: {}", ranges(&f.not_covered)));
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    let total = format!(
        "  {:<width$}  {:>7.2}%  {:>4}/{}",
        "total", c.percent, c.covered, c.total
    );
    out.push_str(&total);
    out.push('\n');
    out
}

/// `3-5, 9, 12-13` from ascending line numbers.
fn ranges(lines: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = lines.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
    }
    parts.join(", ")
}

/// The JSON document of a run.
#[derive(Serialize)]
struct JsonRun<'a> {
    schema_version: u32,
    verdict: &'static str,
    #[serde(flatten)]
    run: &'a TestRun,
    threshold: Option<f64>,
}

/// The run as pretty JSON: verdict, summary, every test, coverage (or `null`), threshold.
pub fn json(o: &Outcome<'_>) -> String {
    let doc = JsonRun {
        schema_version: 1,
        verdict: if o.passed() { "pass" } else { "fail" },
        run: o.run,
        threshold: o.threshold,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The run as JUnit XML.
pub fn junit(o: &Outcome<'_>) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    if write_junit(&mut w, o.run).is_err() {
        return String::new();
    }
    let mut s = String::from_utf8(w.into_inner()).unwrap_or_default();
    s.push('\n');
    s
}

fn secs(d: f64) -> String {
    format!("{d:.6}")
}

fn write_junit(w: &mut Writer<Vec<u8>>, run: &TestRun) -> std::io::Result<()> {
    let mut packages: BTreeMap<&str, Vec<&TestResult>> = BTreeMap::new();
    for t in &run.tests {
        packages.entry(t.package.as_str()).or_default().push(t);
    }
    let s = &run.summary;
    let total_time: f64 = run.tests.iter().map(|t| t.duration_s).sum();
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("testsuites")
        .with_attribute(("name", "gate test"))
        .with_attribute(("tests", s.total.to_string().as_str()))
        .with_attribute(("failures", s.failed.to_string().as_str()))
        .with_attribute(("errors", s.errored.to_string().as_str()))
        .with_attribute(("time", secs(total_time).as_str()))
        .write_inner_content(|w| {
            for (package, tests) in &packages {
                let count = |st: TestStatus| tests.iter().filter(|t| t.status == st).count();
                let time: f64 = tests.iter().map(|t| t.duration_s).sum();
                w.create_element("testsuite")
                    .with_attribute(("name", *package))
                    .with_attribute(("tests", tests.len().to_string().as_str()))
                    .with_attribute(("failures", count(TestStatus::Fail).to_string().as_str()))
                    .with_attribute(("errors", count(TestStatus::Error).to_string().as_str()))
                    .with_attribute(("time", secs(time).as_str()))
                    .write_inner_content(|w| {
                        for t in tests {
                            testcase(w, t)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

fn testcase(w: &mut Writer<Vec<u8>>, t: &TestResult) -> std::io::Result<()> {
    let short = t.name.rsplit('.').next().unwrap_or(&t.name);
    let el = w
        .create_element("testcase")
        .with_attribute(("name", short))
        .with_attribute(("classname", t.package.as_str()))
        .with_attribute(("file", t.file.as_str()))
        .with_attribute(("line", t.line.to_string().as_str()))
        .with_attribute(("time", secs(t.duration_s).as_str()));
    if t.status == TestStatus::Pass {
        el.write_empty()?;
        return Ok(());
    }
    el.write_inner_content(|w| {
        let message = t.message.clone().unwrap_or_default();
        let (tag, kind) = match t.status {
            TestStatus::Error => ("error", "error"),
            _ => ("failure", "fail"),
        };
        let body = format!("{}:{}: {} {message}", t.file, t.line, t.name);
        w.create_element(tag)
            .with_attribute(("message", message.lines().next().unwrap_or_default()))
            .with_attribute(("type", kind))
            .write_text_content(BytesText::new(&body))?;
        if !t.output.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&t.output.join("\n")))?;
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_are_compact() {
        assert_eq!(ranges(&[3, 4, 5, 9, 12, 13]), "3-5, 9, 12-13");
        assert_eq!(ranges(&[]), "");
    }
}
