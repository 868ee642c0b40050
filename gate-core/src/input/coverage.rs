//! `input.coverage`: code coverage from every coverage report of a check, merged per file.
//!
//! A reader turns one report into a [`CoverageData`]: the report's own entry and its files, each
//! with what the format measures per item (a line, a function, a Go block) where it says so, or
//! with bare figures where it gives only those (istanbul's `coverage-summary.json`). [`merge`]
//! joins the reports of a check into [`Coverage`]:
//!
//! - Inside one report, entries naming the same path are the same file (a Java file's classes,
//!   an LCOV file listed twice): their items are united.
//! - Across reports, two entries of the same path are united only when both have per-line data
//!   and measure exactly the same lines: the same source file, measured twice (unit and
//!   integration runs, shards). A line, function or Go block is then covered when either report
//!   covered it; a line's branches count as the larger total and the larger covered number of
//!   the two (at most that total), a lower bound of their union. Otherwise (different lines,
//!   or figures only) the entries stay two files, both counted, and a note says so: two
//!   different files that happen to share a relative path are never mixed up, and counting a
//!   file twice can only pull coverage towards the average of the two measurements, never above
//!   the better one. So merging never claims more coverage than some report measured.
//!
//! The totals are sums over the merged files. A metric no report measures is `null`; so is a
//! percentage of nothing (a total of 0): an empty measurement is not 100%.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::Source;

/// Covered of total, with the percentage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct Figure {
    /// Items covered (lines, branches, functions or statements).
    pub covered: u64,
    /// Items measured.
    pub total: u64,
    /// `100 × covered / total`, unrounded; `null` when `total` is 0 (nothing was measured, which
    /// is not 100%).
    pub percent: Option<f64>,
}

impl Figure {
    /// `covered` of `total` (the caller ensures `covered <= total`).
    pub fn new(covered: u64, total: u64) -> Figure {
        Figure {
            covered,
            total,
            percent: (total > 0).then(|| covered as f64 * 100.0 / total as f64),
        }
    }

    fn plus(self, other: Figure) -> Figure {
        Figure::new(
            self.covered.saturating_add(other.covered),
            self.total.saturating_add(other.total),
        )
    }
}

/// The sum of two optional figures: `None` only when neither measured the metric.
fn add(a: Option<Figure>, b: Option<Figure>) -> Option<Figure> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.plus(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The metrics of coverage, each `None` where it was not measured.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// Lines.
    pub lines: Option<Figure>,
    /// Branches (Cobertura conditions, LCOV `BRDA`, JaCoCo branches, istanbul branches).
    pub branches: Option<Figure>,
    /// Functions or methods.
    pub functions: Option<Figure>,
    /// Statements (Go's own measure; istanbul's).
    pub statements: Option<Figure>,
}

impl Metrics {
    fn plus(self, other: Metrics) -> Metrics {
        Metrics {
            lines: add(self.lines, other.lines),
            branches: add(self.branches, other.branches),
            functions: add(self.functions, other.functions),
            statements: add(self.statements, other.statements),
        }
    }
}

/// `input.coverage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Coverage {
    /// Lines over every file; `null` when no report measured lines.
    pub lines: Option<Figure>,
    /// Branches over every file; `null` when no report measured branches.
    pub branches: Option<Figure>,
    /// Functions over every file; `null` when no report measured functions.
    pub functions: Option<Figure>,
    /// Statements over every file (Go coverprofiles, istanbul summaries); `null` when no report
    /// measured statements.
    pub statements: Option<Figure>,
    /// Every file measured, merged across reports where they measure the same file (see
    /// docs/input-schema.md#coverage), by path.
    pub files: Vec<CoveredFile>,
    /// One entry per coverage report, with its own figures.
    pub reports: Vec<CoverageReport>,
}

/// One file of `input.coverage.files`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CoveredFile {
    /// The path as the report names it (Cobertura: joined to the report's one `<source>`;
    /// JaCoCo: `package/File.java`; Go: the import path and file name), with `\` turned into
    /// `/` and `./` segments dropped.
    pub path: String,
    /// Lines of this file, or `null`.
    pub lines: Option<Figure>,
    /// Branches of this file, or `null`.
    pub branches: Option<Figure>,
    /// Functions of this file, or `null`.
    pub functions: Option<Figure>,
    /// Statements of this file, or `null`.
    pub statements: Option<Figure>,
    /// Where each report that measured it lists it.
    pub sources: Vec<Source>,
}

/// One coverage report file of `input.coverage.reports`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CoverageReport {
    /// The evidence id.
    pub evidence: String,
    /// The report format: `cobertura`, `lcov`, `jacoco`, `go-coverprofile` or
    /// `istanbul-summary`.
    pub format: String,
    /// The tool that wrote it, when the report says (`coverage.py`, `gcovr`, `JaCoCo`), else
    /// the format's name.
    pub tool: String,
    /// Lines over the report's files (computed from its entries, never taken from its own
    /// totals), or `null`.
    pub lines: Option<Figure>,
    /// Branches over the report's files, or `null`.
    pub branches: Option<Figure>,
    /// Functions over the report's files, or `null`.
    pub functions: Option<Figure>,
    /// Statements over the report's files, or `null`.
    pub statements: Option<Figure>,
    /// How many files the report measures.
    pub files: u64,
    /// Where the report starts (its root element, first record or `total` entry).
    pub source: Source,
}

/// What a report measures of one item: `total` things, `covered` of them (a line is 1 of 1 or
/// 0 of 1; a line's branches n of m).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    /// Things measured.
    pub total: u64,
    /// Things covered, at most `total`.
    pub covered: u64,
}

impl Hits {
    /// One thing, covered or not (a line, a function).
    pub fn one(covered: bool) -> Hits {
        Hits {
            total: 1,
            covered: u64::from(covered),
        }
    }

    /// The union of two measurements of one item: the larger total, the larger covered number
    /// (at most that total).
    fn union(self, other: Hits) -> Hits {
        let total = self.total.max(other.total);
        Hits {
            total,
            covered: self.covered.max(other.covered).min(total),
        }
    }
}

/// The key of an item within a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    /// A line number.
    Line(u64),
    /// A named item: a function, a Go block (`12.3,15.2`).
    Name(String),
}

/// One metric of one file as a report gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// Per item: lines (by [`Item::Line`]), a line's branches, functions, Go blocks.
    Items(BTreeMap<Item, Hits>),
    /// Only covered of total (istanbul's summary, LCOV's `LF`/`LH` without `DA` records).
    Figure(Hits),
}

impl Measured {
    /// Record one item, uniting it with what is there already.
    pub fn record(items: &mut BTreeMap<Item, Hits>, item: Item, hits: Hits) {
        items
            .entry(item)
            .and_modify(|h| *h = h.union(hits))
            .or_insert(hits);
    }

    fn figure(&self) -> Figure {
        match self {
            Measured::Items(items) => {
                let (mut covered, mut total) = (0u64, 0u64);
                for h in items.values() {
                    covered = covered.saturating_add(h.covered);
                    total = total.saturating_add(h.total);
                }
                Figure::new(covered, total)
            }
            Measured::Figure(h) => Figure::new(h.covered, h.total),
        }
    }

    /// The union of two measurements of the same file (items of both; figures cannot be united,
    /// so a side with figures only keeps the other side's).
    fn union(self, other: Measured) -> Measured {
        match (self, other) {
            (Measured::Items(mut a), Measured::Items(b)) => {
                for (k, h) in b {
                    Measured::record(&mut a, k, h);
                }
                Measured::Items(a)
            }
            (a @ Measured::Items(_), Measured::Figure(_)) => a,
            (_, b) => b,
        }
    }
}

/// Join two optional measurements of the same file.
fn union(a: Option<Measured>, b: Option<Measured>) -> Option<Measured> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.union(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// One file of one report, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct FileData {
    /// The file's path (see [`CoveredFile::path`]).
    pub path: String,
    /// Where the report lists it.
    pub source: Source,
    /// Lines, by line number.
    pub lines: Option<Measured>,
    /// Branches, by line number.
    pub branches: Option<Measured>,
    /// Functions, by name.
    pub functions: Option<Measured>,
    /// Statements, by Go block.
    pub statements: Option<Measured>,
}

impl FileData {
    /// A file with nothing measured yet.
    pub fn new(path: String, source: Source) -> FileData {
        FileData {
            path,
            source,
            lines: None,
            branches: None,
            functions: None,
            statements: None,
        }
    }

    fn metrics(&self) -> Metrics {
        Metrics {
            lines: self.lines.as_ref().map(Measured::figure),
            branches: self.branches.as_ref().map(Measured::figure),
            functions: self.functions.as_ref().map(Measured::figure),
            statements: self.statements.as_ref().map(Measured::figure),
        }
    }

    /// Whether two entries measure the same file: both give per-line data for exactly the same
    /// lines.
    fn same_lines(&self, other: &FileData) -> bool {
        match (&self.lines, &other.lines) {
            (Some(Measured::Items(a)), Some(Measured::Items(b))) => {
                !a.is_empty() && a.keys().eq(b.keys())
            }
            _ => false,
        }
    }

    /// Unite `other` (the same file) into this entry.
    fn absorb(&mut self, other: FileData) {
        self.lines = union(self.lines.take(), other.lines);
        self.branches = union(self.branches.take(), other.branches);
        self.functions = union(self.functions.take(), other.functions);
        self.statements = union(self.statements.take(), other.statements);
    }
}

/// One coverage report as a reader gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageData {
    /// The report's entry; its figures are filled by [`merge`].
    pub report: CoverageReport,
    /// Its files, in the report's order (the same path may repeat: it is one file).
    pub files: Vec<FileData>,
}

impl CoverageData {
    /// A report of `format` by `tool` in evidence `id`, starting at `source`, with no files.
    pub fn new(id: &str, format: &str, tool: &str, source: Source) -> CoverageData {
        CoverageData {
            report: CoverageReport {
                evidence: id.to_owned(),
                format: format.to_owned(),
                tool: tool.to_owned(),
                lines: None,
                branches: None,
                functions: None,
                statements: None,
                files: 0,
                source,
            },
            files: Vec::new(),
        }
    }

    /// The report's files with repeated paths united, in order of first appearance.
    fn united_files(files: Vec<FileData>) -> Vec<FileData> {
        let mut at: BTreeMap<String, usize> = BTreeMap::new();
        let mut out: Vec<FileData> = Vec::with_capacity(files.len());
        for f in files {
            match at.get(&f.path).and_then(|&i| out.get_mut(i)) {
                Some(existing) => existing.absorb(f),
                None => {
                    at.insert(f.path.clone(), out.len());
                    out.push(f);
                }
            }
        }
        out
    }
}

/// A file measured by two reports that could not be united: the path, the two evidence ids and
/// why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotMerged {
    /// The path both reports give.
    pub path: String,
    /// The report counted first.
    pub first: String,
    /// The report whose entry was counted as well.
    pub second: String,
    /// Why they were not united.
    pub reason: &'static str,
}

/// Merge every report of a check into `input.coverage` (see the module documentation for the
/// rule), with a [`NotMerged`] for each file counted twice.
pub fn merge(reports: Vec<CoverageData>) -> (Coverage, Vec<NotMerged>) {
    let mut coverage = Coverage::default();
    let mut not_merged = Vec::new();
    // Merged entries by path: each with the evidence ids it came from.
    let mut by_path: BTreeMap<String, Vec<(FileData, Vec<Source>, String)>> = BTreeMap::new();
    for data in reports {
        let mut report = data.report;
        let files = CoverageData::united_files(data.files);
        let mut metrics = Metrics::default();
        report.files = files.len() as u64;
        for file in files {
            metrics = metrics.plus(file.metrics());
            let entries = by_path.entry(file.path.clone()).or_default();
            let source = file.source.clone();
            match entries.iter_mut().find(|(f, _, _)| f.same_lines(&file)) {
                Some((merged, sources, _)) => {
                    merged.absorb(file);
                    sources.push(source);
                }
                None => {
                    if let Some((first, _, first_id)) = entries.first() {
                        not_merged.push(NotMerged {
                            path: file.path.clone(),
                            first: first_id.clone(),
                            second: report.evidence.clone(),
                            reason: if matches!(first.lines, Some(Measured::Items(_)))
                                && matches!(file.lines, Some(Measured::Items(_)))
                            {
                                "they measure different lines, so they may be different files"
                            } else {
                                "one of them gives figures only, not the lines it measured"
                            },
                        });
                    }
                    entries.push((file, vec![source], report.evidence.clone()));
                }
            }
        }
        report.lines = metrics.lines;
        report.branches = metrics.branches;
        report.functions = metrics.functions;
        report.statements = metrics.statements;
        coverage.reports.push(report);
    }
    let mut totals = Metrics::default();
    for (path, entries) in by_path {
        for (file, sources, _) in entries {
            let m = file.metrics();
            totals = totals.plus(m);
            coverage.files.push(CoveredFile {
                path: path.clone(),
                lines: m.lines,
                branches: m.branches,
                functions: m.functions,
                statements: m.statements,
                sources,
            });
        }
    }
    coverage.lines = totals.lines;
    coverage.branches = totals.branches;
    coverage.functions = totals.functions;
    coverage.statements = totals.statements;
    (coverage, not_merged)
}

/// A path as reports write it, made comparable: `\` becomes `/`, `./` segments and repeated
/// `/` are dropped. `..` is kept (resolving it needs the file system).
pub fn normalise_path(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(id: &str, line: usize) -> Source {
        Source::line(id, line, 1)
    }

    fn file(path: &str, id: &str, lines: &[(u64, bool)]) -> FileData {
        let mut f = FileData::new(path.into(), src(id, 1));
        let mut items = BTreeMap::new();
        for &(n, covered) in lines {
            Measured::record(&mut items, Item::Line(n), Hits::one(covered));
        }
        f.lines = Some(Measured::Items(items));
        f
    }

    fn report(id: &str, files: Vec<FileData>) -> CoverageData {
        let mut d = CoverageData::new(id, "lcov", "lcov", src(id, 1));
        d.files = files;
        d
    }

    #[test]
    fn figures_have_no_percent_of_nothing() {
        assert_eq!(Figure::new(0, 0).percent, None);
        assert_eq!(Figure::new(1, 4).percent, Some(25.0));
        assert_eq!(Figure::new(3, 3).percent, Some(100.0));
    }

    #[test]
    fn the_same_file_in_two_reports_is_united_line_by_line() {
        let a = report(
            "a.info",
            vec![file(
                "src/x.c",
                "a.info",
                &[(1, true), (2, false), (3, false)],
            )],
        );
        let b = report(
            "b.info",
            vec![file(
                "src/x.c",
                "b.info",
                &[(1, false), (2, true), (3, false)],
            )],
        );
        let (c, notes) = merge(vec![a, b]);
        assert!(notes.is_empty());
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.lines, Some(Figure::new(2, 3)));
        assert_eq!(c.files[0].sources.len(), 2);
        // Each report keeps its own figures.
        assert_eq!(c.reports[0].lines, Some(Figure::new(1, 3)));
        assert_eq!(c.reports[1].lines, Some(Figure::new(1, 3)));
    }

    #[test]
    fn different_files_of_one_relative_path_are_both_counted_not_united() {
        // Two packages' `__init__.py`: uniting them would claim 2 of 2.
        let a = report(
            "a.xml",
            vec![file("__init__.py", "a.xml", &[(1, true), (2, true)])],
        );
        let b = report(
            "b.xml",
            vec![file("__init__.py", "b.xml", &[(1, false), (5, false)])],
        );
        let (c, notes) = merge(vec![a, b]);
        assert_eq!(c.files.len(), 2);
        assert_eq!(c.lines, Some(Figure::new(2, 4)));
        assert_eq!(notes.len(), 1);
        assert_eq!(
            (notes[0].first.as_str(), notes[0].second.as_str()),
            ("a.xml", "b.xml")
        );
    }

    #[test]
    fn figures_only_are_never_united() {
        let a = report(
            "a.xml",
            vec![file("x.js", "a.xml", &[(1, true), (2, false)])],
        );
        let mut summary = FileData::new("x.js".into(), src("s.json", 2));
        summary.lines = Some(Measured::Figure(Hits {
            total: 2,
            covered: 1,
        }));
        let b = report("s.json", vec![summary]);
        let (c, notes) = merge(vec![a, b]);
        assert_eq!(c.files.len(), 2);
        assert_eq!(c.lines, Some(Figure::new(2, 4)));
        assert!(notes[0].reason.contains("figures only"), "{notes:?}");
    }

    #[test]
    fn repeated_paths_in_one_report_are_one_file() {
        let r = report(
            "j.xml",
            vec![
                file("a/Outer.java", "j.xml", &[(3, true)]),
                file("a/Outer.java", "j.xml", &[(9, false)]),
            ],
        );
        let (c, notes) = merge(vec![r]);
        assert!(notes.is_empty());
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.reports[0].files, 1);
        assert_eq!(c.lines, Some(Figure::new(1, 2)));
    }

    #[test]
    fn branch_union_never_exceeds_the_larger_total() {
        let mut items = BTreeMap::new();
        Measured::record(
            &mut items,
            Item::Line(4),
            Hits {
                total: 2,
                covered: 2,
            },
        );
        Measured::record(
            &mut items,
            Item::Line(4),
            Hits {
                total: 4,
                covered: 1,
            },
        );
        assert_eq!(
            items[&Item::Line(4)],
            Hits {
                total: 4,
                covered: 2
            }
        );
        Measured::record(
            &mut items,
            Item::Line(5),
            Hits {
                total: 1,
                covered: 1,
            },
        );
        Measured::record(
            &mut items,
            Item::Line(5),
            Hits {
                total: 3,
                covered: 0,
            },
        );
        assert_eq!(
            items[&Item::Line(5)],
            Hits {
                total: 3,
                covered: 1
            }
        );
    }

    #[test]
    fn unmeasured_metrics_stay_null() {
        let (c, _) = merge(vec![]);
        assert_eq!(c.lines, None);
        assert!(c.files.is_empty() && c.reports.is_empty());
        let (c, _) = merge(vec![report("a.info", vec![file("x", "a.info", &[])])]);
        assert_eq!(c.lines, Some(Figure::new(0, 0)));
        assert_eq!(c.lines.and_then(|f| f.percent), None);
        assert_eq!(c.branches, None);
    }

    #[test]
    fn paths_are_made_comparable() {
        assert_eq!(normalise_path("./src//a.py"), "src/a.py");
        assert_eq!(normalise_path("src\\win\\a.cs"), "src/win/a.cs");
        assert_eq!(normalise_path("/abs/./x/../y.go"), "/abs/x/../y.go");
    }
}
