//! Human output through miette: per result the rule, message, evidence location (with the
//! evidence quoted where the source has a line), remediation; then a one-line summary.
//!
//! How much is shown scales with the report ([`Detail`]): by default denials in full and
//! warnings (and waived results) grouped by code, a few subjects each, so a large SBOM's
//! hundreds of warnings fit on a screen; `--verbose` shows every result in full, `-q` only the
//! summary line. Results are ordered by severity (critical first), then code.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use gate_core::diagnostic::Diagnostic as Note;
use gate_core::files::{self, Input};
use gate_core::policy::RuleLevel;
use gate_core::report::{Report, ResultEntry, Verdict};
use gate_core::source::locate::{locate, value_end};
use gate_core::source::text::LineStarts;
use gate_core::waiver::{WaiverOutcome, WaiverStatus};
use gate_core::Error;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity, SourceSpan,
};

/// How much of a report the human format shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Only the summary line (`-q`).
    Summary,
    /// Denials in full; warnings and waived results grouped by code, with the first few
    /// subjects of each (the default).
    Grouped,
    /// Every result in full (`--verbose`).
    Full,
}

/// Subjects listed for each group of warnings or waived results before the rest are counted.
const SUBJECTS_SHOWN: usize = 3;

/// Lines quoted before and after the line a result points at (sources located by line).
const CONTEXT_LINES: usize = 2;

/// Lines quoted of a JSON value a result points at (sources located by JSON pointer), from the
/// value's first line: the whole value when it is shorter.
const VALUE_LINES: usize = 16;

/// Evidence lines longer than this (minified JSON, one-line XML) are not quoted.
const MAX_QUOTED_LINE: usize = 240;

/// Whether a line is short enough to quote (counting no further than the limit).
fn short(line: &str) -> bool {
    line.chars().take(MAX_QUOTED_LINE + 1).count() <= MAX_QUOTED_LINE
}

fn theme(color: bool) -> GraphicalTheme {
    if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    }
}

fn handler(color: bool) -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(theme(color))
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
    /// Whether miette shows all of `text`, not only its context lines around the span.
    whole: bool,
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
            whole: false,
        };
        Some((excerpt, SourceSpan::from((at, len))))
    }
}

impl Excerpt {
    /// The JSON value at `offset` (on 1-based `line`), from its first line to its last, at
    /// most [`VALUE_LINES`] lines and none longer than [`MAX_QUOTED_LINE`]; the span is its
    /// first line from the value's start. Reads no more of the file than it quotes.
    fn value(q: &Quotable, line: usize, offset: usize) -> Option<(Self, SourceSpan)> {
        let start = q.lines.line_range(&q.text, line)?.start;
        let mut end = q.lines.line_range(&q.text, line)?.end;
        for l in line + 1..line + VALUE_LINES {
            match q.lines.line_range(&q.text, l) {
                Some(r) if short(q.text.get(r.clone())?) => end = r.end,
                _ => break,
            }
        }
        if let Some(value_end) = value_end(&q.text, offset, end) {
            end = q
                .lines
                .line_range(&q.text, q.lines.line_of(value_end.saturating_sub(1)))
                .map_or(end, |r| r.end);
        }
        let text = q.text.get(start..end)?.to_owned();
        let at = offset.checked_sub(start)?;
        let first_line_end = text.find('\n').unwrap_or(text.len());
        let len = first_line_end.saturating_sub(at).max(1);
        let excerpt = Self {
            text,
            first_line: line - 1,
            whole: true,
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
        // A value excerpt has no lines before the span's: all of it is shown (when context is
        // asked for at all: miette asks for none to name the span's line and column).
        let after = if self.whole && after > 0 {
            self.text.lines().count()
        } else {
            after
        };
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

/// What a waiver did to a result: waived it, or no longer does (expired).
fn waiver_notes(r: &ResultEntry) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(w) = &r.waived_by {
        let ticket = w
            .ticket
            .as_deref()
            .map(|t| format!(", ticket {t}"))
            .unwrap_or_default();
        notes.push(format!(
            "waived by {} (owner {}, expires {}{ticket}): {}",
            w.id, w.owner, w.expires, w.reason
        ));
    }
    if let Some(w) = &r.waiver_expired {
        notes.push(format!(
            "no longer waived: waiver {} (owner {}) expired {}",
            w.id, w.owner, w.expires
        ));
    }
    notes
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
    for note in waiver_notes(r) {
        text.push_str(&format!("\n  {note}"));
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
    // Quote the evidence of the first source when it has a line and that line is short: for a
    // JSON pointer the value it designates, from its start; otherwise the lines around it.
    if let Some(Where {
        file,
        line: Some(line),
        column,
        pointer,
    }) = places.first()
    {
        if let Some(q) = sources.get(file) {
            let text_line = q.lines.line(&q.text, *line).unwrap_or("");
            let at = q.lines.offset(&q.text, *line, column.unwrap_or(1));
            let quoted = at.filter(|_| short(text_line)).and_then(|at| {
                if pointer.is_some() {
                    return Excerpt::value(q, *line, at);
                }
                let len = q
                    .text
                    .get(at..)
                    .and_then(|s| s.find(['\n', ' ', '>']))
                    .unwrap_or(0)
                    .max(1);
                Excerpt::around(q, *line, at, len)
            });
            if let Some((excerpt, span)) = quoted {
                d.span = Some(span);
                d.source = Some(NamedSource::new(*file, excerpt));
            }
        }
    }
    d
}

/// The whole report as text.
pub fn render(report: &Report, color: bool, detail: Detail) -> String {
    render_with(report, color, detail, &mut Sources::default())
}

fn render_with(report: &Report, color: bool, detail: Detail, sources: &mut Sources) -> String {
    let summary = summary(report);
    if detail == Detail::Summary {
        return summary;
    }
    let unwaived = |level: RuleLevel| {
        by_severity(
            report
                .results
                .iter()
                .filter(|r| r.level == level && r.waived_by.is_none())
                .collect(),
        )
    };
    let denials = unwaived(RuleLevel::Deny);
    let warnings = unwaived(RuleLevel::Warn);
    let waived = by_severity(
        report
            .results
            .iter()
            .filter(|r| r.waived_by.is_some())
            .collect(),
    );
    let handler = handler(color);
    let mut out = String::new();
    if detail == Detail::Full {
        let all: Vec<&ResultEntry> = denials.into_iter().chain(warnings).chain(waived).collect();
        let positions = resolve(&all, sources);
        full(&mut out, &all, &handler, sources, &positions);
    } else {
        let warnings = groups(warnings);
        let waived = groups(waived);
        let listed = warnings
            .iter()
            .chain(&waived)
            .flat_map(|g| g.results.iter().take(g.listed()).copied());
        let shown: Vec<&ResultEntry> = denials.iter().copied().chain(listed).collect();
        let positions = resolve(&shown, sources);
        full(&mut out, &denials, &handler, sources, &positions);
        // miette's symbols and styles, so that groups look like its own output.
        let theme = theme(color);
        for g in warnings.iter().chain(&waived) {
            if !out.is_empty() {
                out.push('\n');
            }
            g.render(&mut out, &theme, &positions);
        }
    }
    out.push_str(&waivers(&report.waivers));
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary);
    out
}

/// Each result in full, through miette.
fn full(
    out: &mut String,
    results: &[&ResultEntry],
    handler: &GraphicalReportHandler,
    sources: &mut Sources,
    positions: &Positions,
) {
    for r in results {
        let d = diag(r, sources, positions);
        if !out.is_empty() {
            out.push('\n');
        }
        if handler.render_report(out, &d).is_err() {
            out.push_str(&format!("{}: {}\n", r.code, r.message));
        }
    }
}

/// The last line: verdict and counts.
fn summary(report: &Report) -> String {
    let s = &report.summary;
    let verdict = match report.verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Error => "ERROR",
    };
    format!(
        "gate: {verdict}: {} denied, {}, {} waived ({} over {})\n",
        s.deny,
        counted(s.warn, "warning", "warnings"),
        s.waived,
        counted(s.rules_evaluated, "rule", "rules"),
        counted(report.evidence.len(), "evidence file", "evidence files"),
    )
}

/// Rank of a normalised severity: critical first, no severity last.
fn severity_rank(severity: Option<&str>) -> usize {
    const ORDER: [&str; 6] = ["critical", "high", "medium", "low", "info", "unknown"];
    severity
        .and_then(|s| ORDER.iter().position(|o| o.eq_ignore_ascii_case(s)))
        .unwrap_or(ORDER.len())
}

/// Results by severity, then code; within one code, in the report's order.
fn by_severity(mut results: Vec<&ResultEntry>) -> Vec<&ResultEntry> {
    results.sort_by(|a, b| {
        (severity_rank(a.severity.as_deref()), &a.code)
            .cmp(&(severity_rank(b.severity.as_deref()), &b.code))
    });
    results
}

/// The results of one code, shown as a few subjects and a count.
struct Group<'a> {
    code: &'a str,
    results: Vec<&'a ResultEntry>,
}

/// Group results (already in severity order) by code, keeping the order of each code's first.
fn groups(results: Vec<&ResultEntry>) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for r in results {
        match out.iter_mut().find(|g| g.code == r.code) {
            Some(g) => g.results.push(r),
            None => out.push(Group {
                code: &r.code,
                results: vec![r],
            }),
        }
    }
    out
}

impl Group<'_> {
    /// Subjects listed: [`SUBJECTS_SHOWN`], or all when only one more would be left.
    fn listed(&self) -> usize {
        if self.results.len() <= SUBJECTS_SHOWN + 1 {
            self.results.len()
        } else {
            SUBJECTS_SHOWN
        }
    }

    /// `, medium`, or `, high to low` when the group's results differ; empty without any.
    fn severities(&self) -> String {
        let mut known: Vec<&str> = self
            .results
            .iter()
            .filter_map(|r| r.severity.as_deref())
            .collect();
        known.sort_by_key(|s| severity_rank(Some(s)));
        known.dedup();
        match (known.first(), known.last()) {
            (Some(high), Some(low)) if high != low => format!(", {high} to {low}"),
            (Some(one), _) => format!(", {one}"),
            _ => String::new(),
        }
    }

    fn render(&self, out: &mut String, theme: &GraphicalTheme, positions: &Positions) {
        let Some(first) = self.results.first() else {
            return;
        };
        let n = self.results.len();
        let waived = first.waived_by.is_some();
        let (symbol, style, what) = if waived {
            let what = counted(n, "waived result", "waived results");
            (&theme.characters.advice, theme.styles.advice, what)
        } else {
            let what = counted(n, "warning", "warnings");
            (&theme.characters.warning, theme.styles.warning, what)
        };
        let mut head = format!("{} ({what}", self.code);
        head.push_str(&self.severities());
        head.push(')');
        if let Some(title) = &first.title {
            head.push_str(&format!(": {title}"));
        }
        out.push_str(&format!("{}\n", style.style(head)));
        if let (RuleLevel::Warn, Some(from)) = (first.level, &first.effective_on) {
            out.push_str(&format!(
                "  phased rule: a warning for now, fails from {from}\n"
            ));
        }
        let bar = style.style(theme.characters.vbar);
        for r in self.results.iter().take(self.listed()) {
            out.push_str(&format!("  {} {}\n", style.style(symbol), r.message));
            let places: Vec<String> = r
                .evidence
                .iter()
                .filter_map(|ev| where_of(ev, positions))
                .map(|w| location(&w))
                .collect();
            if !places.is_empty() {
                out.push_str(&format!("  {bar}   at {}\n", places.join(", ")));
            }
            for note in waiver_notes(r) {
                out.push_str(&format!("  {bar}   {note}\n"));
            }
        }
        let rest = n - self.listed();
        if rest > 0 {
            out.push_str(&format!(
                "  … and {rest} more (`--verbose` shows every one, `-f json` too)\n"
            ));
        }
        if let Some(help) = &first.remediation {
            out.push_str(&format!("  {} {help}\n", theme.styles.help.style("help:")));
        }
    }
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
    if !short(lines.line(&text, line)?) {
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

    fn report_of(results: Vec<ResultEntry>) -> Report {
        let count = |level: RuleLevel| {
            results
                .iter()
                .filter(|r| r.level == level && r.waived_by.is_none())
                .count()
        };
        Report {
            schema_version: 1,
            gate_version: gate_core::report::GATE_VERSION.into(),
            verdict: if count(RuleLevel::Deny) > 0 {
                Verdict::Fail
            } else {
                Verdict::Pass
            },
            summary: Summary {
                deny: count(RuleLevel::Deny),
                warn: count(RuleLevel::Warn),
                waived: results.iter().filter(|r| r.waived_by.is_some()).count(),
                rules_evaluated: 3,
            },
            results,
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
        }
    }

    fn warning(code: &str, severity: &str, n: usize) -> ResultEntry {
        ResultEntry {
            level: RuleLevel::Warn,
            code: code.into(),
            subject: format!("pkg:npm/c{n}@1.0.0"),
            rule: format!("gate.{code}.warn"),
            message: format!("component `pkg:npm/c{n}@1.0.0` is flagged by {code}"),
            severity: Some(severity.into()),
            title: Some(format!("Title of {code}")),
            remediation: Some(format!("Fix {code}.")),
            evidence: vec![],
            effective_on: None,
            waived_by: None,
            waiver_expired: None,
        }
    }

    /// The default shows denials in full and each code's warnings as one group: a header with
    /// the count, severity and title, the first few subjects, a count of the rest, the help.
    /// Groups come by severity, then code; `-q` keeps only the summary, `--verbose` all.
    #[test]
    fn warnings_are_grouped_by_code_in_severity_order() {
        let mut results: Vec<ResultEntry> = (0..65)
            .map(|n| warning("sbom.missing-license", "low", n))
            .collect();
        results.extend((0..13).map(|n| warning("licenses.unknown", "medium", n)));
        results.push(warning("a.first-by-code", "low", 0));
        results.push(warning("z.unrated", "low", 0));
        results.last_mut().unwrap().severity = None;
        results.push(result("x.tap", 1));
        let report = report_of(results);
        let out = render(&report, false, Detail::Grouped);
        let heads: Vec<&str> = out
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.is_empty())
            .collect();
        assert_eq!(
            heads,
            [
                "tests.failed",
                "licenses.unknown (13 warnings, medium): Title of licenses.unknown",
                "a.first-by-code (1 warning, low): Title of a.first-by-code",
                "sbom.missing-license (65 warnings, low): Title of sbom.missing-license",
                "z.unrated (1 warning): Title of z.unrated",
                "gate: FAIL: 1 denied, 80 warnings, 0 waived (3 rules over 0 evidence files)",
            ],
            "{out}"
        );
        assert!(out.contains("  ⚠ component `pkg:npm/c2@1.0.0` is flagged by sbom.missing-license\n  … and 62 more (`--verbose` shows every one, `-f json` too)\n  help: Fix sbom.missing-license.\n"), "{out}");
        assert!(
            !out.contains("pkg:npm/c3@1.0.0` is flagged by sbom"),
            "{out}"
        );
        assert!(
            out.lines().count() < 40,
            "{} lines:\n{out}",
            out.lines().count()
        );

        let quiet = render(&report, false, Detail::Summary);
        assert_eq!(
            quiet,
            "gate: FAIL: 1 denied, 80 warnings, 0 waived (3 rules over 0 evidence files)\n"
        );
        let all = render(&report, false, Detail::Full);
        assert_eq!(all.matches("  ⚠ component").count(), 80, "{all}");
        assert!(
            all.find("c12@1.0.0` is flagged by licenses").unwrap()
                < all.find("c0@1.0.0` is flagged by sbom").unwrap()
        );
    }

    /// A group of four lists all four rather than three and "1 more"; waived results are grouped
    /// apart from warnings, each naming its waiver.
    #[test]
    fn small_groups_list_everything_and_waived_results_name_their_waiver() {
        let mut results: Vec<ResultEntry> = (0..4)
            .map(|n| warning("sbom.missing-license", "low", n))
            .collect();
        let mut waived = warning("sbom.missing-license", "low", 9);
        waived.waived_by = Some(gate_core::waiver::WaivedBy {
            id: "W-1".into(),
            owner: "sec@example.com".into(),
            reason: "vendored".into(),
            ticket: None,
            expires: "2027-01-01".into(),
        });
        results.push(waived);
        let out = render(&report_of(results), false, Detail::Grouped);
        assert!(!out.contains("more ("), "{out}");
        assert_eq!(out.matches("is flagged by").count(), 5, "{out}");
        assert!(
            out.contains("sbom.missing-license (1 waived result, low)"),
            "{out}"
        );
        assert!(
            out.contains(
                "  │   waived by W-1 (owner sec@example.com, expires 2027-01-01): vendored\n"
            ),
            "{out}"
        );
    }

    /// A result located by a JSON pointer quotes the value the pointer designates, from its first
    /// line (not the lines of the value before it) to its last, at most `VALUE_LINES` lines.
    #[test]
    fn a_json_fact_quotes_its_own_object() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bom.json");
        let big: String = (0..40)
            .map(|i| format!("        \"k{i}\": {i},\n"))
            .collect();
        let text = format!(
            "{{\n  \"components\": [\n    {{\n      \"name\": \"before\",\n      \"version\": \"1\"\n    }},\n    {{\n      \"name\": \"target\",\n      \"version\": \"2\"\n    }},\n    {{\n{big}        \"end\": 0\n    }}\n  ]\n}}\n"
        );
        fs_err::write(&path, &text).unwrap();
        let file = path.to_str().unwrap();
        let at = |pointer: &str| {
            let mut r = result(file, 1);
            r.evidence = vec![serde_json::json!({"evidence": file, "pointer": pointer})];
            r
        };
        let report = report_of(vec![at("/components/1"), at("/components/2")]);
        let out = render(&report, false, Detail::Full);
        let first = out.split("tests.failed").nth(1).unwrap();
        assert!(
            first.contains("at ") && first.contains("bom.json:7:5 (/components/1)"),
            "{first}"
        );
        assert!(first.contains(" 7 │     {\n"), "{first}");
        assert!(
            first.contains(" 8 │       \"name\": \"target\","),
            "{first}"
        );
        assert!(
            first.contains("10 │     },"),
            "the object to its end: {first}"
        );
        assert!(
            !first.contains("\"before\"") && !first.contains(" 6 │"),
            "nothing of the object before: {first}"
        );
        assert!(!first.contains("11 │"), "nothing after: {first}");
        let second = out.split("tests.failed").nth(2).unwrap();
        assert!(second.contains("11 │     {"), "{second}");
        let last = 11 + VALUE_LINES - 1;
        assert!(second.contains(&format!("{last} │ ")), "{second}");
        assert!(
            !second.contains(&format!("{} │ ", last + 1)),
            "at most VALUE_LINES lines: {second}"
        );
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
        let report = report_of(lines.iter().map(|&l| result(file, l)).collect());
        let mut sources = Sources::default();
        let out = render_with(&report, false, Detail::Full, &mut sources);
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

    /// The same for JSON facts: many pointers into one large file resolve in one pass, and each
    /// quotes at most `VALUE_LINES` lines of its value, however large the value (here the whole
    /// document, pointer ``), so rendering stays linear in the file's size.
    #[test]
    fn json_values_are_quoted_by_bounded_excerpts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let items: Vec<String> = (0..20_000)
            .map(|i| format!("    {{\n      \"i\": {i}\n    }}"))
            .collect();
        let text = format!("{{\n  \"items\": [\n{}\n  ]\n}}\n", items.join(",\n"));
        fs_err::write(&path, &text).unwrap();
        let file = path.to_str().unwrap();
        let mut results: Vec<ResultEntry> = [19_999, 3, 10_000]
            .iter()
            .map(|i| {
                let mut r = result(file, 1);
                r.evidence =
                    vec![serde_json::json!({"evidence": file, "pointer": format!("/items/{i}")})];
                r
            })
            .collect();
        let mut whole = result(file, 1);
        whole.evidence = vec![serde_json::json!({"evidence": file, "pointer": ""})];
        results.extend(std::iter::repeat_n(whole, 50));
        let report = report_of(results);
        let mut sources = Sources::default();
        let out = render_with(&report, false, Detail::Full, &mut sources);
        assert_eq!(sources.indexed, 1);
        for i in [19_999, 3, 10_000] {
            assert!(out.contains(&format!("\"i\": {i}\n")), "item {i} quoted");
        }
        let shown: Vec<&ResultEntry> = report.results.iter().collect();
        let positions = resolve(&shown, &mut sources);
        for r in &report.results {
            let d = diag(r, &mut sources, &positions);
            let excerpt = d.source.as_ref().unwrap().inner();
            assert!(excerpt.text.lines().count() <= VALUE_LINES);
            assert!(excerpt.text.len() <= VALUE_LINES * (MAX_QUOTED_LINE + 1));
        }
    }
}
