//! Human output through miette: per result the rule, message, evidence location (with the
//! evidence line quoted where the source has a line), remediation; then a one-line summary.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use gate_core::diagnostic::Diagnostic as Note;
use gate_core::files::{self, Input};
use gate_core::policy::RuleLevel;
use gate_core::report::{Report, ResultEntry, Verdict};
use gate_core::source::locate::locate;
use gate_core::source::text::LineStarts;
use gate_core::waiver::{WaiverOutcome, WaiverStatus};
use gate_core::Error;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity, SourceSpan,
};

/// Warnings shown in full before the rest are counted.
const MAX_WARNINGS_SHOWN: usize = 20;

/// Lines quoted before and after the line a result points at.
const CONTEXT_LINES: usize = 2;

/// Evidence lines longer than this (minified JSON, one-line XML) are not quoted.
const MAX_QUOTED_LINE: usize = 240;

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_context_lines(CONTEXT_LINES)
        .with_wrap_lines(false)
}

/// One result as a miette diagnostic.
#[derive(Debug)]
struct ResultDiag {
    text: String,
    code: String,
    level: RuleLevel,
    waived: bool,
    help: Option<String>,
    source: Option<NamedSource<Excerpt>>,
    span: Option<SourceSpan>,
}

impl std::fmt::Display for ResultDiag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for ResultDiag {}

impl miette::Diagnostic for ResultDiag {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<Severity> {
        Some(match self.level {
            _ if self.waived => Severity::Advice,
            RuleLevel::Deny => Severity::Error,
            RuleLevel::Warn => Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".to_owned()),
            span,
        ))))
    }
}

/// An evidence file read for quoting: its text and where its lines start, both built once.
#[derive(Debug)]
struct Quotable {
    text: String,
    lines: LineStarts,
}

/// Evidence files read for quoting, each read and indexed once and shared by every result that
/// quotes it.
#[derive(Default)]
struct Sources {
    files: BTreeMap<String, Option<Arc<Quotable>>>,
    /// How many files were read and indexed (a test counts them).
    indexed: usize,
}

impl Sources {
    fn get(&mut self, path: &str) -> Option<&Arc<Quotable>> {
        if !self.files.contains_key(path) {
            let read = files::read_to_string(Path::new(path), Input::Evidence).ok();
            let quotable = read.map(|text| {
                self.indexed += 1;
                let lines = LineStarts::new(&text);
                Arc::new(Quotable { text, lines })
            });
            self.files.insert(path.to_owned(), quotable);
        }
        self.files.get(path).and_then(Option::as_ref)
    }
}

/// The lines around a quoted place, handed to miette instead of the whole file: miette finds a
/// span's line by scanning its source from the top, which for many results from one large file
/// would be quadratic.
#[derive(Debug)]
struct Excerpt {
    /// Whole lines of the file.
    text: String,
    /// 0-based line number of the first of them.
    first_line: usize,
}

impl Excerpt {
    /// Lines `line - CONTEXT_LINES ..= line + CONTEXT_LINES` (1-based `line`), and the span of
    /// `len` bytes at `offset` (in the file) moved into them.
    fn around(q: &Quotable, line: usize, offset: usize, len: usize) -> Option<(Self, SourceSpan)> {
        let first = line.saturating_sub(CONTEXT_LINES).max(1);
        let start = q.lines.line_range(&q.text, first)?.start;
        let end = (first..=line + CONTEXT_LINES)
            .map_while(|l| q.lines.line_range(&q.text, l))
            .last()
            .map_or(start, |r| r.end);
        let text = q.text.get(start..end)?.to_owned();
        let at = offset.checked_sub(start)?;
        let len = len.min(text.len().saturating_sub(at)).max(1);
        let excerpt = Self {
            text,
            first_line: first - 1,
        };
        Some((excerpt, SourceSpan::from((at, len))))
    }
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count() + self.first_line,
        )))
    }
}

/// Positions of JSON-pointer sources, resolved once per file: `(file, pointer) → (line, column)`.
type Positions = BTreeMap<(String, String), (usize, usize)>;

/// Resolve the pointers of every source of `results` to lines, one pass per evidence file.
fn resolve(results: &[&ResultEntry], sources: &mut Sources) -> Positions {
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in results {
        for ev in &r.evidence {
            let file = ev.get("evidence").and_then(|f| f.as_str());
            let pointer = ev.get("pointer").and_then(|p| p.as_str());
            if let (Some(file), Some(pointer)) = (file, pointer) {
                wanted
                    .entry(file.to_owned())
                    .or_default()
                    .push(pointer.to_owned());
            }
        }
    }
    let mut out = Positions::new();
    for (file, pointers) in wanted {
        let Some(q) = sources.get(&file) else {
            continue;
        };
        let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
        for (pointer, at) in locate(&q.text, &refs) {
            out.insert((file.clone(), pointer), at);
        }
    }
    out
}

/// Where a source points: file, and line/column when known (directly or through its pointer).
struct Where<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    pointer: Option<&'a str>,
}

fn where_of<'a>(ev: &'a serde_json::Value, positions: &Positions) -> Option<Where<'a>> {
    let file = ev.get("evidence")?.as_str()?;
    let pointer = ev.get("pointer").and_then(|p| p.as_str());
    let as_usize = |key: &str| ev.get(key).and_then(|v| v.as_u64()).map(|n| n as usize);
    let (line, column) = match pointer {
        Some(p) => positions
            .get(&(file.to_owned(), p.to_owned()))
            .map_or((None, None), |&(l, c)| (Some(l), Some(c))),
        None => (as_usize("line"), as_usize("column")),
    };
    Some(Where {
        file,
        line,
        column,
        pointer,
    })
}

fn location(w: &Where<'_>) -> String {
    let mut s = match (w.line, w.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", w.file),
        (Some(l), None) => format!("{}:{l}", w.file),
        _ => w.file.to_owned(),
    };
    if let Some(p) = w.pointer {
        s.push_str(&format!(" ({p})"));
    }
    s
}

fn diag(r: &ResultEntry, sources: &mut Sources, positions: &Positions) -> ResultDiag {
    let mut text = r.message.clone();
    let places: Vec<Where<'_>> = r
        .evidence
        .iter()
        .filter_map(|ev| where_of(ev, positions))
        .collect();
    if !places.is_empty() {
        let locs: Vec<String> = places.iter().map(location).collect();
        text.push_str(&format!("\n  at {}", locs.join(", ")));
    }
    text.push_str(&format!("\n  rule {}", r.rule));
    if let (RuleLevel::Warn, Some(from)) = (r.level, &r.effective_on) {
        text.push_str(&format!(
            "\n  phased rule: a warning for now, fails from {from}"
        ));
    }
    if let Some(w) = &r.waived_by {
        let ticket = w
            .ticket
            .as_deref()
            .map(|t| format!(", ticket {t}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n  waived by {} (owner {}, expires {}{ticket}): {}",
            w.id, w.owner, w.expires, w.reason
        ));
    }
    if let Some(w) = &r.waiver_expired {
        text.push_str(&format!(
            "\n  no longer waived: waiver {} (owner {}) expired {}",
            w.id, w.owner, w.expires
        ));
    }
    let mut d = ResultDiag {
        text,
        code: if r.waived_by.is_some() {
            format!("{} (waived)", r.code)
        } else {
            r.code.clone()
        },
        waived: r.waived_by.is_some(),
        level: r.level,
        help: r.remediation.clone(),
        source: None,
        span: None,
    };
    // Quote the evidence line of the first source when it has one and it is short.
    if let Some(Where {
        file,
        line: Some(line),
        column,
        ..
    }) = places.first()
    {
        if let Some(q) = sources.get(file) {
            let text_line = q.lines.line(&q.text, *line).unwrap_or("");
            let short = text_line.chars().count() <= MAX_QUOTED_LINE;
            let at = q.lines.offset(&q.text, *line, column.unwrap_or(1));
            if let Some(at) = at.filter(|_| short) {
                let len = q
                    .text
                    .get(at..)
                    .and_then(|s| s.find(['\n', ' ', '>']))
                    .unwrap_or(0)
                    .max(1);
                if let Some((excerpt, span)) = Excerpt::around(q, *line, at, len) {
                    d.span = Some(span);
                    d.source = Some(NamedSource::new(*file, excerpt));
                }
            }
        }
    }
    d
}

/// The whole report as text.
pub fn render(report: &Report, color: bool) -> String {
    render_with(report, color, &mut Sources::default())
}

fn render_with(report: &Report, color: bool, sources: &mut Sources) -> String {
    let handler = handler(color);
    let mut out = String::new();
    let mut warnings_shown = 0;
    let mut shown: Vec<&ResultEntry> = Vec::new();
    for r in &report.results {
        if r.level == RuleLevel::Warn && r.waived_by.is_none() {
            if warnings_shown >= MAX_WARNINGS_SHOWN {
                continue;
            }
            warnings_shown += 1;
        }
        shown.push(r);
    }
    let positions = resolve(&shown, sources);
    for r in shown {
        let d = diag(r, sources, &positions);
        if !out.is_empty() {
            out.push('\n');
        }
        if handler.render_report(&mut out, &d).is_err() {
            out.push_str(&format!("{}: {}\n", r.code, r.message));
        }
    }
    let hidden = report.summary.warn.saturating_sub(warnings_shown);
    if hidden > 0 {
        out.push_str(&format!(
            "\n… and {hidden} more warnings (see them all with `-f json`)\n"
        ));
    }
    out.push_str(&waivers(&report.waivers));
    let s = &report.summary;
    let verdict = match report.verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Error => "ERROR",
    };
    out.push_str(&format!(
        "\ngate: {verdict}: {} denied, {}, {} waived ({} over {})\n",
        s.deny,
        counted(s.warn, "warning", "warnings"),
        s.waived,
        counted(s.rules_evaluated, "rule", "rules"),
        counted(report.evidence.len(), "evidence file", "evidence files"),
    ));
    out
}

/// `1 rule`, `2 rules`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line per waiver: what became of it.
fn waivers(list: &[WaiverOutcome]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nwaivers:\n");
    for w in list {
        let results = |n: usize| if n == 1 { "result" } else { "results" };
        let what = match w.status {
            WaiverStatus::Active => format!(
                "active: waived {} {} (owner {}, expires {})",
                w.matched,
                results(w.matched),
                w.owner,
                w.expires
            ),
            WaiverStatus::Expired => format!(
                "EXPIRED {}: waives nothing ({} matching {} not waived)",
                w.expires,
                w.matched,
                results(w.matched)
            ),
            WaiverStatus::Unused => "unused: matched no result; remove it".to_owned(),
            WaiverStatus::NotYetActive => format!(
                "not yet active: starts {} ({} matching {} not waived)",
                w.starts.as_deref().unwrap_or("later"),
                w.matched,
                results(w.matched)
            ),
        };
        out.push_str(&format!(
            "  {} [{} on {}] {what}\n    at {}:{}\n",
            w.id, w.code, w.subject, w.file, w.line
        ));
    }
    out
}

/// An error, with its miette code and help; an evidence error quotes the offending line.
pub fn error(err: &Error, color: bool) -> String {
    let mut out = String::new();
    let rendered = match quoted(err) {
        Some(d) => handler(color).render_report(&mut out, &d),
        None => handler(color).render_report(&mut out, err),
    };
    if rendered.is_err() {
        out = format!("error: {err}\n");
    }
    out
}

/// An evidence or configuration error at a known line, with that line of the file attached.
#[derive(Debug)]
struct Quoted<'a> {
    err: &'a Error,
    source: NamedSource<String>,
    span: SourceSpan,
}

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.err.fmt(f)
    }
}

impl std::error::Error for Quoted<'_> {}

impl miette::Diagnostic for Quoted<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        miette::Diagnostic::code(self.err)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        miette::Diagnostic::help(self.err)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".to_owned()),
            self.span,
        ))))
    }
}

fn quoted(err: &Error) -> Option<Quoted<'_>> {
    let (Error::Evidence { path, problem } | Error::Config { path, problem }) = err else {
        return None;
    };
    let (line, column) = (problem.line?, problem.column.unwrap_or(1));
    let text = files::read_to_string(path, Input::Evidence).ok()?;
    let lines = LineStarts::new(&text);
    let text_line = lines.line(&text, line)?;
    if text_line.chars().count() > MAX_QUOTED_LINE {
        return None;
    }
    let at = lines.offset(&text, line, column)?;
    Some(Quoted {
        err,
        source: NamedSource::new(path.display().to_string(), text),
        span: SourceSpan::from((at, 1)),
    })
}

/// A non-fatal note.
pub fn note(d: &Note) -> String {
    match (&d.path, d.line) {
        (Some(p), Some(l)) => format!("note[{}]: {p}:{l}: {}\n", d.code.as_str(), d.message),
        (Some(p), None) => format!("note[{}]: {p}: {}\n", d.code.as_str(), d.message),
        _ => format!("note[{}]: {}\n", d.code.as_str(), d.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gate_core::report::Summary;

    fn result(file: &str, line: usize) -> ResultEntry {
        ResultEntry {
            level: RuleLevel::Deny,
            code: "tests.failed".into(),
            subject: format!("case{line}"),
            rule: "gate.tests.deny".into(),
            message: format!("case {line} failed"),
            severity: None,
            title: None,
            remediation: None,
            evidence: vec![serde_json::json!({"evidence": file, "line": line, "column": 3})],
            effective_on: None,
            waived_by: None,
            waiver_expired: None,
        }
    }

    /// Rendering many results from one large file reads and indexes the file once and hands
    /// miette only the lines around each place, so the work grows with the results shown, not
    /// with results times file size.
    #[test]
    fn each_quoted_file_is_indexed_once_and_quoted_by_excerpt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.tap");
        let text: String = (1..=20_000).map(|i| format!("  line {i}\n")).collect();
        fs_err::write(&path, &text).unwrap();
        let file = path.to_str().unwrap();
        let lines = [19_990, 3, 10_000, 1, 20_000];
        let report = Report {
            schema_version: 1,
            gate_version: gate_core::report::GATE_VERSION.into(),
            verdict: Verdict::Fail,
            summary: Summary {
                deny: lines.len(),
                ..Summary::default()
            },
            results: lines.iter().map(|&l| result(file, l)).collect(),
            waivers: vec![],
            evidence: vec![],
            policies: vec![],
            diagnostics: vec![],
            errors: vec![],
            now: "2026-11-28T12:00:00Z".into(),
            absent_evidence: vec![],
            config: None,
            profile: None,
            selection: None,
            checks: vec![],
            fail_on: gate_core::FailOn::Deny,
        };
        let mut sources = Sources::default();
        let out = render_with(&report, false, &mut sources);
        assert_eq!(sources.indexed, 1, "the file is read and indexed once");
        for l in lines {
            assert!(
                out.contains(&format!("{l} │   line {l}")),
                "line {l} quoted:\n{out}"
            );
        }
        // What miette is given for one result: the five lines around it, not the whole file.
        let d = diag(&report.results[0], &mut sources, &Positions::new());
        let excerpt = d.source.as_ref().unwrap().inner();
        assert_eq!(excerpt.text.lines().count(), 5, "{}", excerpt.text);
        assert_eq!(excerpt.first_line, 19_987);
        let span = d.span.unwrap();
        assert_eq!(
            excerpt.text.get(span.offset()..span.offset() + span.len()),
            Some("line")
        );
        assert_eq!(sources.indexed, 1);
    }
}
