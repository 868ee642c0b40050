//! Cobertura XML coverage reports, as coverage.py (`coverage xml`, pytest-cov), istanbul's
//! `cobertura` reporter (c8, nyc, jest), gcovr and Cobertura itself write them.
//!
//! One file per `<class filename>` (several classes of one file are one file): its lines are the
//! class's `<lines><line number hits>` (covered when `hits` is above 0); its branches those
//! lines' `condition-coverage="50% (1/2)"`, per line; its functions the class's `<method>`s,
//! covered when the method's `hits` is above 0 or, without `hits`, when one of its lines is. A
//! class without `<method>`s (coverage.py) measures no functions. A relative `filename` is
//! joined to the report's `<source>` when it names exactly one, so reports of two packages
//! that both have an `__init__.py` do not name the same file.
//!
//! Figures come from the `<line>`s alone. The totals the report states — the root's
//! `lines-valid`, `lines-covered`, `branches-valid`, `branches-covered`, and the `line-rate` and
//! `branch-rate` of the root, each package and each class — must agree with them (rates within
//! rounding): a report whose totals disagree is refused, naming the element and both figures.
//! Refused too: a count, line number or rate gate cannot read, a `condition-coverage` that is
//! not `N% (covered/total)` or covers more than it has, a `<class>` without `filename`, and a
//! Clover report (root `<coverage generated=…>`), which is not Cobertura.
//!
//! One pass over the events of a [`SafeReader`]; the XML safety rules are that module's.

use std::collections::BTreeMap;

use super::coverage::{
    count, count_words, hits, hits_of, line_number, not_a, rate, rate_agrees, total_disagrees,
    walk_xml, XmlVisitor,
};
use super::format::{xml_root, xml_root_has, Claim, Format, Probe};
use super::{Facts, Kind, Parsed};
use crate::input::coverage::{normalise_path, CoverageData, FileData, Hits, Item, Measured};
use crate::input::{Producer, Source};
use crate::source::xml::{clip, SafeReader};
use crate::EvidenceError;

impl Kind {
    /// Cobertura XML coverage.
    #[allow(non_upper_case_globals)]
    pub const Cobertura: Kind = Kind("cobertura");
}

/// Cobertura XML: a `<coverage>` root that is not Clover's.
pub(crate) struct CoberturaFormat;

impl Format for CoberturaFormat {
    fn kind(&self) -> Kind {
        Kind::Cobertura
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        if xml_root(probe) != Some("coverage") {
            return Claim::No;
        }
        if xml_root_has(probe, "clover") || xml_root_has(probe, "generated") {
            return Claim::Unread(
                "a Clover XML coverage report (gate reads Cobertura, LCOV, JaCoCo, Go \
                 coverprofiles and istanbul summaries)"
                    .to_owned(),
            );
        }
        Claim::Yes
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Lines and branches found under an element, against what it states.
#[derive(Debug, Default, Clone, Copy)]
struct Found {
    lines: u64,
    lines_covered: u64,
    branches: u64,
    branches_covered: u64,
}

impl Found {
    fn add(&mut self, other: Found) {
        self.lines += other.lines;
        self.lines_covered += other.lines_covered;
        self.branches += other.branches;
        self.branches_covered += other.branches_covered;
    }
}

/// The `line-rate` and `branch-rate` an element states, and where it starts.
#[derive(Debug, Clone)]
struct Stated {
    label: String,
    line_rate: Option<f64>,
    branch_rate: Option<f64>,
    at: (usize, usize),
}

impl Stated {
    /// Read the rates of the element the reader is on.
    fn read(reader: &mut SafeReader<'_>, label: String) -> Result<Stated, EvidenceError> {
        let at = reader.position();
        let mut stated = Stated {
            label,
            line_rate: None,
            branch_rate: None,
            at,
        };
        for (key, value) in reader.attributes() {
            let slot = match key {
                "line-rate" => &mut stated.line_rate,
                "branch-rate" => &mut stated.branch_rate,
                _ => continue,
            };
            *slot = Some(rate(&value).ok_or_else(|| {
                not_a(
                    &format!("{} `{key}`", stated.label),
                    &value,
                    "a rate from 0 to 1",
                    Some(at),
                )
            })?);
        }
        Ok(stated)
    }

    /// Both rates agree with what was found under the element.
    fn check(&self, found: Found) -> Result<(), EvidenceError> {
        let pairs = [
            (
                "line-rate",
                self.line_rate,
                found.lines_covered,
                found.lines,
            ),
            (
                "branch-rate",
                self.branch_rate,
                found.branches_covered,
                found.branches,
            ),
        ];
        for (name, stated, covered, total) in pairs {
            if let Some(r) = stated {
                if !rate_agrees(r, covered, total) {
                    return Err(total_disagrees(
                        &format!("{} `{name}`", self.label),
                        &format!("{r}"),
                        &format!(
                            "{covered} of {total} ({:.4})",
                            covered as f64 / total as f64
                        ),
                        Some(self.at),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug)]
struct OpenClass {
    depth: usize,
    filename: String,
    stated: Stated,
    lines: BTreeMap<Item, Hits>,
    branches: BTreeMap<Item, Hits>,
    functions: Option<BTreeMap<Item, Hits>>,
}

impl OpenClass {
    fn found(&self) -> Found {
        let mut f = Found::default();
        for h in self.lines.values() {
            f.lines += h.total;
            f.lines_covered += h.covered;
        }
        for h in self.branches.values() {
            f.branches += h.total;
            f.branches_covered += h.covered;
        }
        f
    }
}

/// The element whose `<lines>` hold a `<line>`.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Class,
    Method,
    Other,
}

#[derive(Debug)]
struct OpenMethod {
    depth: usize,
    key: String,
    stated_hits: Option<u64>,
    any_line_hit: bool,
}

#[derive(Debug)]
struct OpenPackage {
    depth: usize,
    stated: Stated,
    found: Found,
}

/// The root's stated totals.
#[derive(Debug, Default)]
struct RootTotals {
    lines_valid: Option<(u64, String)>,
    lines_covered: Option<(u64, String)>,
    branches_valid: Option<(u64, String)>,
    branches_covered: Option<(u64, String)>,
}

#[derive(Debug)]
struct State<'i> {
    id: &'i str,
    root: Option<(Stated, RootTotals)>,
    version: Option<String>,
    sources: Vec<String>,
    /// The `<source>` whose text is being collected.
    source_text: Option<String>,
    package: Option<OpenPackage>,
    class: Option<OpenClass>,
    method: Option<OpenMethod>,
    found: Found,
    files: Vec<FileData>,
}

/// Read a Cobertura XML report.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mut state = State {
        id,
        root: None,
        version: None,
        sources: Vec::new(),
        source_text: None,
        package: None,
        class: None,
        method: None,
        found: Found::default(),
        files: Vec::new(),
    };
    walk_xml(text, &mut state)?;
    state.finish(text)
}

impl XmlVisitor for State<'_> {
    fn start(
        &mut self,
        reader: &mut SafeReader<'_>,
        local: &str,
        open: &[String],
    ) -> Result<(), EvidenceError> {
        let depth = open.len() + 1;
        let parent = open.last().map(String::as_str);
        // Whose `<lines>` a `<line>` is in.
        let owner = match open
            .len()
            .checked_sub(2)
            .and_then(|i| open.get(i))
            .map(String::as_str)
        {
            Some("class") => Owner::Class,
            Some("method") => Owner::Method,
            _ => Owner::Other,
        };
        match (local, parent) {
            (_, None) => {
                if local != "coverage" {
                    let (line, column) = reader.position();
                    return Err(EvidenceError::at(
                        format!(
                            "not a Cobertura report: the root element is <{}>, expected <coverage>",
                            clip(local, 60)
                        ),
                        line,
                        column,
                    ));
                }
                self.start_root(reader)?;
            }
            ("source", Some("sources")) => self.source_text = Some(String::new()),
            ("package", Some("packages")) => {
                let name = reader.attr("name").unwrap_or_default();
                let label = format!("<package name=\"{}\">", clip(&name, 80));
                self.package = Some(OpenPackage {
                    depth,
                    stated: Stated::read(reader, label)?,
                    found: Found::default(),
                });
            }
            ("class", Some("classes")) => {
                let (line, column) = reader.position();
                let filename = reader
                    .attr("filename")
                    .filter(|f| !f.trim().is_empty())
                    .ok_or_else(|| {
                        EvidenceError::at(
                            "<class> without a `filename`: its lines belong to no file",
                            line,
                            column,
                        )
                    })?
                    .into_owned();
                let label = format!("<class filename=\"{}\">", clip(&filename, 80));
                self.class = Some(OpenClass {
                    depth,
                    filename,
                    stated: Stated::read(reader, label)?,
                    lines: BTreeMap::new(),
                    branches: BTreeMap::new(),
                    functions: None,
                });
            }
            ("method", Some("methods")) if self.class.is_some() => {
                let at = reader.position();
                let name = reader.attr("name").unwrap_or_default();
                let signature = reader.attr("signature").unwrap_or_default();
                let stated_hits = match reader.attr("hits") {
                    Some(v) => Some(hits(&v).ok_or_else(|| {
                        not_a("<method> `hits`", &v, "an execution count", Some(at))
                    })?),
                    None => None,
                };
                self.method = Some(OpenMethod {
                    depth,
                    key: format!("{name}{signature}"),
                    stated_hits,
                    any_line_hit: false,
                });
            }
            ("line", Some("lines")) => self.line(reader, owner)?,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, local: &str, open: &[String]) -> Result<(), EvidenceError> {
        self.close(local, open.len() + 1)
    }

    fn text(&mut self, piece: &str) {
        if let Some(s) = &mut self.source_text {
            if s.len() < 4096 {
                s.push_str(piece);
            }
        }
    }
}

impl State<'_> {
    fn start_root(&mut self, reader: &mut SafeReader<'_>) -> Result<(), EvidenceError> {
        let stated = Stated::read(reader, "<coverage>".to_owned())?;
        let mut totals = RootTotals::default();
        for (key, value) in reader.attributes() {
            let slot = match key {
                "lines-valid" => &mut totals.lines_valid,
                "lines-covered" => &mut totals.lines_covered,
                "branches-valid" => &mut totals.branches_valid,
                "branches-covered" => &mut totals.branches_covered,
                "version" => {
                    self.version = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
                    continue;
                }
                _ => continue,
            };
            let n = count(&value).ok_or_else(|| {
                not_a(
                    &format!("<coverage> `{key}`"),
                    &value,
                    &count_words(),
                    Some(stated.at),
                )
            })?;
            *slot = Some((n, key.to_owned()));
        }
        self.root = Some((stated, totals));
        Ok(())
    }

    /// A `<line>` of a class (its lines and branches) or of a method (whether it ran).
    fn line(&mut self, reader: &mut SafeReader<'_>, owner: Owner) -> Result<(), EvidenceError> {
        let at = reader.position();
        let (mut number, mut hit_count, mut branch, mut condition) = (None, None, false, None);
        for (key, value) in reader.attributes() {
            match key {
                "number" => {
                    number = Some(line_number(&value).ok_or_else(|| {
                        not_a("<line> `number`", &value, "a line number", Some(at))
                    })?)
                }
                "hits" => {
                    hit_count = Some(hits(&value).ok_or_else(|| {
                        not_a("<line> `hits`", &value, "an execution count", Some(at))
                    })?)
                }
                "branch" => branch = value.trim() == "true",
                "condition-coverage" => condition = Some(value.into_owned()),
                _ => {}
            }
        }
        let missing =
            |what: &str| EvidenceError::at(format!("<line> without `{what}`"), at.0, at.1);
        let number = number.ok_or_else(|| missing("number"))?;
        let hit_count = hit_count.ok_or_else(|| missing("hits"))?;
        match owner {
            Owner::Method => {
                if let Some(m) = &mut self.method {
                    m.any_line_hit |= hit_count > 0;
                }
            }
            Owner::Class => {
                let Some(class) = &mut self.class else {
                    return Ok(());
                };
                Measured::record(
                    &mut class.lines,
                    Item::Line(number),
                    Hits::one(hit_count > 0),
                );
                if branch {
                    let condition = condition.ok_or_else(|| {
                        EvidenceError::at(
                            format!(
                                "<line number=\"{number}\"> has `branch=\"true\"` but no \
                                 `condition-coverage`"
                            ),
                            at.0,
                            at.1,
                        )
                    })?;
                    let h = condition_coverage(&condition).ok_or_else(|| {
                        not_a(
                            &format!("<line number=\"{number}\"> `condition-coverage`"),
                            &condition,
                            "`N% (covered/total)` with covered at most total",
                            Some(at),
                        )
                    })?;
                    Measured::record(&mut class.branches, Item::Line(number), h);
                }
            }
            Owner::Other => {}
        }
        Ok(())
    }

    /// An element at `depth` ends.
    fn close(&mut self, local: &str, depth: usize) -> Result<(), EvidenceError> {
        match local {
            "source" if self.source_text.is_some() => {
                if let Some(s) = self.source_text.take() {
                    self.sources.push(s.trim().to_owned());
                }
            }
            "method" if self.method.as_ref().is_some_and(|m| m.depth == depth) => {
                if let (Some(m), Some(class)) = (self.method.take(), &mut self.class) {
                    let covered = m.stated_hits.map_or(m.any_line_hit, |h| h > 0);
                    let functions = class.functions.get_or_insert_with(BTreeMap::new);
                    Measured::record(functions, Item::Name(m.key), Hits::one(covered));
                }
            }
            "class" if self.class.as_ref().is_some_and(|c| c.depth == depth) => {
                if let Some(class) = self.class.take() {
                    self.close_class(class)?;
                }
            }
            "package" if self.package.as_ref().is_some_and(|p| p.depth == depth) => {
                if let Some(package) = self.package.take() {
                    package.stated.check(package.found)?;
                    self.found.add(package.found);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close_class(&mut self, class: OpenClass) -> Result<(), EvidenceError> {
        let found = class.found();
        class.stated.check(found)?;
        match &mut self.package {
            Some(p) => p.found.add(found),
            // A class outside any package still counts towards the root's totals.
            None => self.found.add(found),
        }
        let (line, column) = class.stated.at;
        let mut file = FileData::new(class.filename, Source::line(self.id, line, column));
        file.lines = Some(Measured::Items(class.lines));
        file.branches = (!class.branches.is_empty()).then_some(Measured::Items(class.branches));
        file.functions = class.functions.map(Measured::Items);
        self.files.push(file);
        Ok(())
    }

    fn finish(self, text: &str) -> Result<Parsed, EvidenceError> {
        let Some((stated, totals)) = self.root else {
            return Err(EvidenceError::new(
                "not a Cobertura report: the document holds no element",
            ));
        };
        let found = self.found;
        stated.check(found)?;
        let checks = [
            (&totals.lines_valid, found.lines),
            (&totals.lines_covered, found.lines_covered),
            (&totals.branches_valid, found.branches),
            (&totals.branches_covered, found.branches_covered),
        ];
        for (claim, actual) in checks {
            if let Some((n, key)) = claim {
                if *n != actual {
                    return Err(total_disagrees(
                        &format!("<coverage> `{key}`"),
                        &n.to_string(),
                        &actual.to_string(),
                        Some(stated.at),
                    ));
                }
            }
        }
        let sources: Vec<&String> = self.sources.iter().filter(|s| !s.is_empty()).collect();
        let root_dir = match sources.as_slice() {
            [only] => Some(only.trim_end_matches(['/', '\\'])),
            _ => None,
        };
        let (line, column) = stated.at;
        let (tool, version) = producer(text, self.version);
        let mut data = CoverageData::new(
            self.id,
            Kind::Cobertura.as_str(),
            tool,
            Source::line(self.id, line, column),
        );
        data.files = self
            .files
            .into_iter()
            .map(|mut f| {
                f.path = resolve(root_dir, &f.path);
                f
            })
            .collect();
        Ok(Parsed {
            format_version: None,
            producer: Producer {
                name: tool.to_owned(),
                version,
            },
            facts: Facts {
                coverage: Some(data),
                ..Facts::default()
            },
            ..Parsed::default()
        })
    }
}

/// A class's path: absolute as written, else joined to the report's one `<source>`.
fn resolve(root_dir: Option<&str>, filename: &str) -> String {
    let absolute = filename.starts_with('/')
        || filename.starts_with('\\')
        || filename.as_bytes().get(1) == Some(&b':');
    match root_dir {
        Some(dir) if !absolute && !dir.is_empty() => normalise_path(&format!("{dir}/{filename}")),
        _ => normalise_path(filename),
    }
}

/// The writer and its version: gcovr says so in `version` (`gcovr 8.8`), coverage.py in a
/// comment near the top (its `version` is its own); otherwise `cobertura` and no version (c8's
/// `0.1` is the format's, not the tool's).
fn producer(text: &str, version: Option<String>) -> (&'static str, Option<String>) {
    let Some(v) = version else {
        return ("cobertura", None);
    };
    if let Some(gcovr) = v.strip_prefix("gcovr ") {
        ("gcovr", Some(gcovr.to_owned()))
    } else if clip(text, 1024).contains("Generated by coverage.py") {
        ("coverage.py", Some(v))
    } else {
        ("cobertura", None)
    }
}

/// `50% (1/2)` → 1 of 2. The percentage must agree with the fraction (within a point, for
/// rounding; 0% or 100% of nothing); `None` for anything else.
fn condition_coverage(s: &str) -> Option<Hits> {
    let (percent, rest) = s.trim().split_once('%')?;
    let percent: f64 = percent.trim().parse().ok()?;
    let fraction = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    let (covered, total) = fraction.split_once('/')?;
    let (covered, total) = (count(covered)?, count(total)?);
    let h = hits_of(covered, total, String::new).ok()?;
    let agrees = if total == 0 {
        // Nothing to cover: writers say 0% or 100%.
        percent == 0.0 || percent == 100.0
    } else {
        (percent - covered as f64 * 100.0 / total as f64).abs() <= 1.0
    };
    agrees.then_some(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::coverage::testing::refused_each;
    use crate::input::coverage::{merge, Figure};

    fn read_ok(text: &str) -> CoverageData {
        read("c.xml", text).unwrap().facts.coverage.unwrap()
    }

    fn figures(d: CoverageData) -> crate::input::coverage::Coverage {
        merge(vec![d]).0
    }

    const PY: &str = r#"<?xml version="1.0" ?>
<coverage version="7.17.5" lines-valid="4" lines-covered="3" line-rate="0.75" branches-valid="2" branches-covered="1" branch-rate="0.5" complexity="0">
	<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/7.17.5 -->
	<sources>
		<source>/src/app</source>
	</sources>
	<packages>
		<package name="." line-rate="0.75" branch-rate="0.5" complexity="0">
			<classes>
				<class name="m.py" filename="m.py" complexity="0" line-rate="0.75" branch-rate="0.5">
					<methods/>
					<lines>
						<line number="1" hits="1"/>
						<line number="2" hits="1" branch="true" condition-coverage="50% (1/2)" missing-branches="4"/>
						<line number="3" hits="5"/>
						<line number="4" hits="0"/>
					</lines>
				</class>
			</classes>
		</package>
	</packages>
</coverage>"#;

    #[test]
    fn reads_coverage_py_with_positions_and_the_source_joined() {
        let p = read("c.xml", PY).unwrap();
        assert_eq!(p.producer.name, "coverage.py");
        assert_eq!(p.producer.version.as_deref(), Some("7.17.5"));
        let d = p.facts.coverage.unwrap();
        assert_eq!(d.report.source, Source::line("c.xml", 2, 1));
        assert_eq!(d.files.len(), 1);
        assert_eq!(d.files[0].path, "/src/app/m.py");
        assert_eq!(d.files[0].source, Source::line("c.xml", 10, 5));
        assert_eq!(d.files[0].functions, None);
        let c = figures(d);
        assert_eq!(c.lines, Some(Figure::new(3, 4)));
        assert_eq!(c.branches, Some(Figure::new(1, 2)));
        assert_eq!(c.functions, None);
    }

    #[test]
    fn methods_count_as_functions_by_hits_or_by_their_lines() {
        let doc = r#"<coverage><packages><package name="p"><classes>
<class name="a.js" filename="a.js"><methods>
  <method name="f" hits="1" signature="()V"><lines><line number="1" hits="1"/></lines></method>
  <method name="g" hits="0" signature="()V"><lines><line number="3" hits="0"/></lines></method>
  <method name="h" signature="()V"><lines><line number="5" hits="2"/></lines></method>
</methods><lines><line number="1" hits="1"/><line number="3" hits="0"/><line number="5" hits="2"/></lines></class>
</classes></package></packages></coverage>"#;
        let d = read_ok(doc);
        assert_eq!(d.files[0].path, "a.js");
        let c = figures(d);
        assert_eq!(c.functions, Some(Figure::new(2, 3)));
        // Method lines are not counted again as the class's.
        assert_eq!(c.lines, Some(Figure::new(2, 3)));
    }

    #[test]
    fn several_sources_leave_paths_as_written() {
        let doc = PY.replace(
            "<source>/src/app</source>",
            "<source>/src/app</source><source>/src/lib</source>",
        );
        assert_eq!(read_ok(&doc).files[0].path, "m.py");
        let doc = PY.replace("filename=\"m.py\"", "filename=\"/abs/m.py\"");
        assert_eq!(read_ok(&doc).files[0].path, "/abs/m.py");
    }

    #[test]
    fn totals_that_disagree_with_the_lines_are_refused() {
        for e in refused_each(
            read,
            PY,
            &[
            ("lines-valid=\"4\"", "lines-valid=\"5\"", "<coverage> `lines-valid` states 5, but its entries show 4"),
            ("lines-covered=\"3\"", "lines-covered=\"4\"", "`lines-covered` states 4, but its entries show 3"),
            ("branches-covered=\"1\"", "branches-covered=\"2\"", "`branches-covered` states 2"),
            ("branch-rate=\"0.5\" complexity=\"0\">\n\t<!--", "branch-rate=\"0.9\" complexity=\"0\">\n\t<!--", "<coverage> `branch-rate` states 0.9"),
            ("<class name=\"m.py\" filename=\"m.py\" complexity=\"0\" line-rate=\"0.75\"", "<class name=\"m.py\" filename=\"m.py\" complexity=\"0\" line-rate=\"0.95\"", "<class filename=\"m.py\"> `line-rate` states 0.95, but its entries show 3 of 4 (0.7500)"),
            ("<package name=\".\" line-rate=\"0.75\"", "<package name=\".\" line-rate=\"1\"", "<package name=\".\"> `line-rate` states 1"),
            ],
        ) {
            assert!(e.message.contains("is not believed"), "{}", e.message);
        }
        // A line removed: every stated total now disagrees; the class's rate is checked first.
        let doc = PY.replace("<line number=\"4\" hits=\"0\"/>", "");
        let e = read("c.xml", &doc).unwrap_err();
        assert!(
            e.message
                .starts_with("<class filename=\"m.py\"> `line-rate` states 0.75"),
            "{}",
            e.message
        );
        assert_eq!(e.line, Some(10));
    }

    #[test]
    fn bad_counts_are_refused_with_their_position() {
        for e in refused_each(
            read,
            PY,
            &[
                (
                    "hits=\"5\"",
                    "hits=\"-1\"",
                    "<line> `hits` `-1` is not an execution count",
                ),
                ("hits=\"5\"", "hits=\"1.5\"", "<line> `hits` `1.5` is not"),
                (
                    "hits=\"5\"",
                    "hits=\"99999999999999999999999\"",
                    "is not an execution count",
                ),
                (
                    "number=\"3\"",
                    "number=\"x\"",
                    "<line> `number` `x` is not a line number",
                ),
                (
                    "lines-valid=\"4\"",
                    "lines-valid=\"four\"",
                    "<coverage> `lines-valid` `four` is not a count",
                ),
                (
                    "lines-valid=\"4\"",
                    "lines-valid=\"1e30\"",
                    "is not a count",
                ),
                (
                    "condition-coverage=\"50% (1/2)\"",
                    "condition-coverage=\"150% (3/2)\"",
                    "`condition-coverage` `150% (3/2)` is not",
                ),
                (
                    "condition-coverage=\"50% (1/2)\"",
                    "condition-coverage=\"90% (1/2)\"",
                    "is not `N% (covered/total)`",
                ),
                (
                    "condition-coverage=\"50% (1/2)\" ",
                    "",
                    "has `branch=\"true\"` but no `condition-coverage`",
                ),
                (
                    "line-rate=\"0.75\" branch-rate=\"0.5\" complexity=\"0\">\n\t\t\t<classes>",
                    "line-rate=\"NaN\" branch-rate=\"0.5\" complexity=\"0\">\n\t\t\t<classes>",
                    "`line-rate` `NaN` is not a rate",
                ),
                ("filename=\"m.py\" ", "", "<class> without a `filename`"),
                (
                    "<line number=\"3\" hits=\"5\"/>",
                    "<line number=\"3\"/>",
                    "<line> without `hits`",
                ),
            ],
        ) {
            assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn other_roots_clover_truncation_and_unsafe_documents_are_refused() {
        let e = read("c.xml", "<testsuites/>").unwrap_err();
        assert!(e.message.contains("root element is <testsuites>"), "{e:?}");
        let cut = &PY[..PY.len() / 2];
        assert!(read("c.xml", cut)
            .unwrap_err()
            .message
            .contains("truncated"));
        let deep = format!("<coverage>{}", "<packages>".repeat(600));
        assert_eq!(
            read("c.xml", &deep).unwrap_err().message,
            "XML nested deeper than 512 elements"
        );
        let xxe = "<!DOCTYPE coverage [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><coverage/>";
        assert!(read("c.xml", xxe).is_err());
        let root = crate::source::xml::root("<coverage generated=\"1\" clover=\"4.4.1\"/>")
            .unwrap()
            .unwrap();
        assert!(matches!(
            CoberturaFormat.probe(&Probe::Xml(&root)),
            Claim::Unread(r) if r.contains("Clover")
        ));
    }

    #[test]
    fn an_empty_report_measures_nothing() {
        let c = figures(read_ok(
            "<coverage lines-valid=\"0\" line-rate=\"1\"><packages/></coverage>",
        ));
        assert_eq!(c.lines, None);
        assert!(c.files.is_empty());
        assert_eq!(c.reports[0].files, 0);
    }

    #[test]
    fn condition_coverage_forms() {
        assert_eq!(
            condition_coverage("50% (1/2)"),
            Some(Hits {
                total: 2,
                covered: 1
            })
        );
        assert_eq!(
            condition_coverage("33% (1/3)"),
            Some(Hits {
                total: 3,
                covered: 1
            })
        );
        assert_eq!(
            condition_coverage(" 100% (4/4) "),
            Some(Hits {
                total: 4,
                covered: 4
            })
        );
        assert_eq!(condition_coverage("50%"), None);
        assert_eq!(condition_coverage("50% (1/x)"), None);
        assert_eq!(
            condition_coverage("100% (0/0)"),
            Some(Hits {
                total: 0,
                covered: 0
            })
        );
        assert_eq!(condition_coverage("50% (0/0)"), None);
        assert_eq!(condition_coverage("NaN% (1/2)"), None);
    }
}
