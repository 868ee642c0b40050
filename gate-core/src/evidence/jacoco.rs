//! JaCoCo XML coverage reports (`jacoco:report`, the Maven and Gradle plugins, the CLI; report
//! DTD 1.1, with `<group>`s for multi-module reports), and the JaCoCo dialect gcovr writes.
//!
//! One file per `<sourcefile>`, named `package/File.java` (the package's `name` uses `/`
//! already): its lines are the `<line nr mi ci mb cb>` elements (covered when `ci`, the covered
//! instructions, is above 0, as JaCoCo's own line counter counts), its branches those lines'
//! `mb`/`cb` (missed and covered branches), its functions the `<method>`s of the package's
//! `<class>`es whose `sourcefilename` it is (covered when the method's `METHOD` counter says
//! so), keyed `Class.method(descriptor)`.
//!
//! gcovr's dialect has no classes and no instruction counts on its lines: there, a source
//! file's lines are its `LINE` counter's figures, and its functions its `METHOD` counter's
//! (nothing in the file can contradict them); its branches are still the lines' `mb`/`cb`.
//!
//! Figures come from the lines and methods. The `LINE`, `BRANCH` and `METHOD` counters the
//! report states — per source file, class, package, group and for the whole report — must
//! equal what the lines and methods below them show: a report whose counters disagree is
//! refused, naming the element and both figures. Refused too: a count or line number gate
//! cannot read, a `<method>` whose `METHOD` counter is not one method, and a source file whose
//! lines have instruction counts and lines that have none.
//!
//! One pass over the events of a [`SafeReader`]; the XML safety rules are that module's (the
//! DTD JaCoCo declares is never loaded).

use std::collections::BTreeMap;

use super::coverage::{
    count, count_words, line_number, not_a, total_disagrees, walk_xml, XmlVisitor,
};
use super::format::{xml_root, xml_root_has, Claim, Format, Probe};
use super::{Facts, Kind, Parsed};
use crate::input::coverage::{normalise_path, CoverageData, FileData, Hits, Item, Measured};
use crate::input::{Producer, Source};
use crate::source::xml::{clip, SafeReader};
use crate::EvidenceError;

impl Kind {
    /// JaCoCo XML coverage.
    #[allow(non_upper_case_globals)]
    pub const Jacoco: Kind = Kind("jacoco");
}

/// JaCoCo XML: a `<report name=…>` root.
pub(crate) struct JacocoFormat;

impl Format for JacocoFormat {
    fn kind(&self) -> Kind {
        Kind::Jacoco
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(xml_root(probe) == Some("report") && xml_root_has(probe, "name"))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Missed and covered of the three counters gate compares.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    line: (u64, u64),
    branch: (u64, u64),
    method: (u64, u64),
}

impl Counts {
    fn add(&mut self, o: Counts) {
        for (a, b) in [
            (&mut self.line, o.line),
            (&mut self.branch, o.branch),
            (&mut self.method, o.method),
        ] {
            a.0 += b.0;
            a.1 += b.1;
        }
    }
}

/// An open element that states counters: what it states, what is found below it.
#[derive(Debug)]
struct Node {
    depth: usize,
    label: String,
    at: (usize, usize),
    stated: BTreeMap<&'static str, (u64, u64)>,
    found: Counts,
    /// Which counters this element's children account for (a class's lines are its source
    /// file's, so a class checks only `METHOD`).
    checks: &'static [&'static str],
}

impl Node {
    fn check(&self) -> Result<(), EvidenceError> {
        for &kind in self.checks {
            let Some(&(missed, covered)) = self.stated.get(kind) else {
                continue;
            };
            let found = match kind {
                "LINE" => self.found.line,
                "BRANCH" => self.found.branch,
                _ => self.found.method,
            };
            if (missed, covered) != found {
                return Err(total_disagrees(
                    &format!("the {kind} counter of {}", self.label),
                    &format!("{covered} covered and {missed} missed"),
                    &format!("{} covered and {} missed", found.1, found.0),
                    Some(self.at),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug)]
struct OpenFile {
    path: String,
    at: (usize, usize),
    lines: BTreeMap<Item, Hits>,
    branches: BTreeMap<Item, Hits>,
    /// `<line>`s with instruction counts (`mi`, `ci`), and without (gcovr writes none).
    counted: bool,
    uncounted: bool,
}

#[derive(Debug, Default)]
struct OpenPackage {
    name: String,
    /// Methods by the source file their class names.
    methods: BTreeMap<String, BTreeMap<Item, Hits>>,
    files: Vec<FileData>,
}

#[derive(Debug)]
struct State<'i> {
    id: &'i str,
    nodes: Vec<Node>,
    report_at: Option<(usize, usize)>,
    package: Option<OpenPackage>,
    class: Option<(String, Option<String>)>,
    method: Option<String>,
    file: Option<OpenFile>,
    files: Vec<FileData>,
}

/// Read a JaCoCo XML report.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mut state = State {
        id,
        nodes: Vec::new(),
        report_at: None,
        package: None,
        class: None,
        method: None,
        file: None,
        files: Vec::new(),
    };
    walk_xml(text, &mut state)?;
    let Some((line, column)) = state.report_at else {
        return Err(EvidenceError::new(
            "not a JaCoCo report: the document holds no element",
        ));
    };
    let mut data = CoverageData::new(
        id,
        Kind::Jacoco.as_str(),
        "jacoco",
        Source::line(id, line, column),
    );
    data.files = state.files;
    Ok(Parsed {
        format_version: None,
        producer: Producer {
            name: "jacoco".to_owned(),
            version: None,
        },
        facts: Facts {
            coverage: Some(data),
            ..Facts::default()
        },
        ..Parsed::default()
    })
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
        let at = reader.position();
        let name = || {
            reader
                .attr("name")
                .map(|n| n.into_owned())
                .unwrap_or_default()
        };
        let node = |label: String, checks: &'static [&'static str]| Node {
            depth,
            label,
            at,
            stated: BTreeMap::new(),
            found: Counts::default(),
            checks,
        };
        const ALL: &[&str] = &["LINE", "BRANCH", "METHOD"];
        match (local, parent) {
            ("report", None) => {
                self.report_at = Some(at);
                self.nodes.push(node("<report>".to_owned(), ALL));
            }
            (_, None) => {
                return Err(EvidenceError::at(
                    format!(
                        "not a JaCoCo report: the root element is <{}>, expected <report>",
                        clip(local, 60)
                    ),
                    at.0,
                    at.1,
                ))
            }
            ("group", Some("report" | "group")) => {
                let label = format!("<group name=\"{}\">", clip(&name(), 80));
                self.nodes.push(node(label, ALL));
            }
            ("package", Some("report" | "group")) => {
                let name = name();
                self.nodes
                    .push(node(format!("<package name=\"{}\">", clip(&name, 80)), ALL));
                self.package = Some(OpenPackage {
                    name,
                    ..OpenPackage::default()
                });
            }
            ("class", Some("package")) => {
                let name = name();
                let source = reader.attr("sourcefilename").map(|s| s.into_owned());
                self.nodes.push(node(
                    format!("<class name=\"{}\">", clip(&name, 80)),
                    &["METHOD"],
                ));
                self.class = Some((name, source));
            }
            ("method", Some("class")) => {
                let key = format!(
                    "{}.{}{}",
                    self.class.as_ref().map_or("", |(c, _)| c.as_str()),
                    name(),
                    reader.attr("desc").unwrap_or_default()
                );
                self.nodes.push(node(
                    format!("<method name=\"{}\">", clip(&name(), 80)),
                    &[],
                ));
                self.method = Some(key);
            }
            ("sourcefile", Some("package")) => {
                let name = name();
                let package = self.package.as_ref().map_or("", |p| p.name.as_str());
                self.nodes.push(node(
                    format!("<sourcefile name=\"{}\">", clip(&name, 80)),
                    &["LINE", "BRANCH"],
                ));
                self.file = Some(OpenFile {
                    path: package_path(package, &name),
                    at,
                    lines: BTreeMap::new(),
                    branches: BTreeMap::new(),
                    counted: false,
                    uncounted: false,
                });
            }
            ("line", Some("sourcefile")) => self.line(reader, at)?,
            ("counter", Some(_)) => self.counter(reader, at, open.len())?,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, local: &str, open: &[String]) -> Result<(), EvidenceError> {
        self.close(local, open.len() + 1)
    }
}

impl State<'_> {
    fn line(&mut self, reader: &SafeReader<'_>, at: (usize, usize)) -> Result<(), EvidenceError> {
        // `nr` must be there; the counts may not (gcovr writes no `mi`/`ci`, and `mb`/`cb`
        // only on lines with branches), and an absent count is 0.
        let get = |key: &str, line: bool| -> Result<Option<u64>, EvidenceError> {
            let Some(v) = reader.attr(key) else {
                return Ok(None);
            };
            let parsed = if line { line_number(&v) } else { count(&v) };
            parsed.map(Some).ok_or_else(|| {
                let expected = if line {
                    "a line number".to_owned()
                } else {
                    count_words()
                };
                not_a(&format!("<line> `{key}`"), &v, &expected, Some(at))
            })
        };
        let nr =
            get("nr", true)?.ok_or_else(|| EvidenceError::at("<line> without `nr`", at.0, at.1))?;
        let (mi, ci) = (get("mi", false)?, get("ci", false)?);
        let (mb, cb) = (
            get("mb", false)?.unwrap_or(0),
            get("cb", false)?.unwrap_or(0),
        );
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        let mut found = Counts::default();
        if mi.is_none() && ci.is_none() {
            file.uncounted = true;
        } else {
            file.counted = true;
            let (mi, ci) = (mi.unwrap_or(0), ci.unwrap_or(0));
            if mi + ci > 0 {
                Measured::record(&mut file.lines, Item::Line(nr), Hits::one(ci > 0));
                found.line = (u64::from(ci == 0), u64::from(ci > 0));
            }
        }
        if mb + cb > 0 {
            Measured::record(
                &mut file.branches,
                Item::Line(nr),
                Hits {
                    total: mb + cb,
                    covered: cb,
                },
            );
            found.branch = (mb, cb);
        }
        if let Some(node) = self.nodes.last_mut() {
            node.found.add(found);
        }
        Ok(())
    }

    /// A `<counter>` of the element at `parent_depth`.
    fn counter(
        &mut self,
        reader: &SafeReader<'_>,
        at: (usize, usize),
        parent_depth: usize,
    ) -> Result<(), EvidenceError> {
        let kind = reader.attr("type").unwrap_or_default();
        let get = |key: &str| -> Result<u64, EvidenceError> {
            let v = reader.attr(key).ok_or_else(|| {
                EvidenceError::at(format!("<counter> without `{key}`"), at.0, at.1)
            })?;
            count(&v).ok_or_else(|| {
                not_a(
                    &format!("<counter type=\"{}\"> `{key}`", clip(&kind, 20)),
                    &v,
                    &count_words(),
                    Some(at),
                )
            })
        };
        let (missed, covered) = (get("missed")?, get("covered")?);
        let kind: &'static str = match kind.as_ref() {
            "LINE" => "LINE",
            "BRANCH" => "BRANCH",
            "METHOD" => "METHOD",
            _ => return Ok(()),
        };
        // The counter belongs to the innermost open element that states counters.
        if let Some(node) = self.nodes.last_mut().filter(|n| n.depth == parent_depth) {
            node.stated.insert(kind, (missed, covered));
        }
        Ok(())
    }

    /// An element at `depth` ends.
    fn close(&mut self, local: &str, depth: usize) -> Result<(), EvidenceError> {
        if self.nodes.last().is_none_or(|n| n.depth != depth) {
            return Ok(());
        }
        let Some(mut node) = self.nodes.pop() else {
            return Ok(());
        };
        match local {
            "method" => {
                // One method: its METHOD counter says whether it ran.
                let covered = match node.stated.get("METHOD") {
                    Some(&(missed, covered)) if missed + covered == 1 => covered == 1,
                    Some(&(missed, covered)) => {
                        return Err(EvidenceError::at(
                            format!(
                                "the METHOD counter of {} counts {} methods ({covered} covered, \
                                 {missed} missed), not one",
                                node.label,
                                missed + covered
                            ),
                            node.at.0,
                            node.at.1,
                        ))
                    }
                    // Without one (gcovr writes none), a method ran when any of its lines did.
                    None => node.stated.get("LINE").is_some_and(|&(_, c)| c > 0),
                };
                node.found.method = (u64::from(!covered), u64::from(covered));
                let key = self.method.take().unwrap_or_default();
                if let (Some(package), Some((_, Some(source)))) = (&mut self.package, &self.class) {
                    Measured::record(
                        package.methods.entry(source.clone()).or_default(),
                        Item::Name(key),
                        Hits::one(covered),
                    );
                }
            }
            "class" => {
                self.class = None;
            }
            "sourcefile" => {
                if let (Some(file), Some(package)) = (self.file.take(), &mut self.package) {
                    let (line, column) = file.at;
                    if file.counted && file.uncounted {
                        return Err(EvidenceError::at(
                            format!(
                                "{} has <line>s with instruction counts (`mi`, `ci`) and <line>s without: \
                                 which lines ran cannot be told",
                                node.label
                            ),
                            line,
                            column,
                        ));
                    }
                    let name = file.path.rsplit('/').next().unwrap_or("").to_owned();
                    let mut data = FileData::new(file.path, Source::line(self.id, line, column));
                    let counter = |kind: &str| {
                        node.stated.get(kind).map(|&(missed, covered)| Hits {
                            total: missed + covered,
                            covered,
                        })
                    };
                    // Lines without counts (gcovr): the file's LINE counter is all there is.
                    data.lines = if file.uncounted {
                        let h = counter("LINE");
                        node.found.line = h.map_or((0, 0), |h| (h.total - h.covered, h.covered));
                        h.map(Measured::Figure)
                    } else {
                        Some(Measured::Items(file.lines))
                    };
                    data.branches =
                        (!file.branches.is_empty()).then_some(Measured::Items(file.branches));
                    // No class names this file (gcovr writes none): its METHOD counter counts
                    // its functions.
                    if !package.methods.contains_key(&name) {
                        if let Some(h) = counter("METHOD") {
                            node.found.method = (h.total - h.covered, h.covered);
                            data.functions = Some(Measured::Figure(h));
                        }
                    }
                    package.files.push(data);
                }
            }
            "package" => {
                if let Some(mut package) = self.package.take() {
                    self.close_package(&mut package);
                }
            }
            _ => {}
        }
        node.check()?;
        if let Some(parent) = self.nodes.last_mut() {
            parent.found.add(node.found);
        }
        Ok(())
    }

    /// A package's methods join its files (by the source file their class names).
    fn close_package(&mut self, package: &mut OpenPackage) {
        let mut methods = std::mem::take(&mut package.methods);
        for file in &mut package.files {
            let name = file.path.rsplit('/').next().unwrap_or("").to_owned();
            if let Some(m) = methods.remove(&name) {
                file.functions = Some(Measured::Items(m));
            }
        }
        // Classes whose source file has no <sourcefile> entry: their methods still count.
        for (name, m) in methods {
            let path = package_path(&package.name, &name);
            let mut data = FileData::new(path, self.report_source());
            data.functions = Some(Measured::Items(m));
            package.files.push(data);
        }
        self.files.append(&mut package.files);
    }

    fn report_source(&self) -> Source {
        let (line, column) = self.report_at.unwrap_or((1, 1));
        Source::line(self.id, line, column)
    }
}

/// `package/File.java`, or `File.java` in the default package.
fn package_path(package: &str, name: &str) -> String {
    if package.is_empty() {
        normalise_path(name)
    } else {
        normalise_path(&format!("{package}/{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::coverage::testing::refused_each;
    use crate::input::coverage::{merge, Coverage, Figure};

    fn figures(text: &str) -> Coverage {
        merge(vec![read("j.xml", text).unwrap().facts.coverage.unwrap()]).0
    }

    const REPORT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="money">
<sessioninfo id="s" start="1" dump="2"/>
<package name="example">
<class name="example/Money" sourcefilename="Money.java">
<method name="parse" desc="(Ljava/lang/String;)Lexample/Money;" line="16"><counter type="INSTRUCTION" missed="0" covered="9"/><counter type="LINE" missed="0" covered="2"/><counter type="METHOD" missed="0" covered="1"/></method>
<method name="share" desc="(I)Lexample/Money;" line="30"><counter type="LINE" missed="1" covered="0"/><counter type="METHOD" missed="1" covered="0"/></method>
<counter type="LINE" missed="1" covered="2"/><counter type="METHOD" missed="1" covered="1"/><counter type="CLASS" missed="0" covered="1"/>
</class>
<sourcefile name="Money.java">
<line nr="16" mi="0" ci="5" mb="1" cb="1"/>
<line nr="17" mi="0" ci="4" mb="0" cb="0"/>
<line nr="30" mi="3" ci="0" mb="0" cb="0"/>
<counter type="INSTRUCTION" missed="3" covered="9"/><counter type="BRANCH" missed="1" covered="1"/><counter type="LINE" missed="1" covered="2"/><counter type="METHOD" missed="1" covered="1"/>
</sourcefile>
<counter type="BRANCH" missed="1" covered="1"/><counter type="LINE" missed="1" covered="2"/><counter type="METHOD" missed="1" covered="1"/>
</package>
<counter type="BRANCH" missed="1" covered="1"/><counter type="LINE" missed="1" covered="2"/><counter type="METHOD" missed="1" covered="1"/>
</report>"#;

    #[test]
    fn reads_lines_branches_and_methods_with_positions() {
        let p = read("j.xml", REPORT).unwrap();
        let d = p.facts.coverage.unwrap();
        assert_eq!(d.report.source.line, Some(1));
        assert_eq!(d.files.len(), 1);
        assert_eq!(d.files[0].path, "example/Money.java");
        assert_eq!(d.files[0].source, Source::line("j.xml", 9, 1));
        let c = merge(vec![d]).0;
        assert_eq!(c.lines, Some(Figure::new(2, 3)));
        assert_eq!(c.branches, Some(Figure::new(1, 2)));
        assert_eq!(c.functions, Some(Figure::new(1, 2)));
    }

    /// gcovr's JaCoCo: no classes, no instruction counts; the counters give lines and functions.
    #[test]
    fn gcovr_dialect_takes_lines_and_functions_from_the_counters() {
        let doc = "<report name=\"GCOVR report\"><package name=\"\"><sourcefile name=\"ring.c\"><line nr=\"4\"/><line nr=\"10\" mb=\"1\" cb=\"1\"/><line nr=\"11\"/>\
<counter type=\"LINE\" missed=\"1\" covered=\"2\"/><counter type=\"BRANCH\" missed=\"1\" covered=\"1\"/><counter type=\"METHOD\" missed=\"1\" covered=\"3\"/></sourcefile>\
<counter type=\"LINE\" missed=\"1\" covered=\"2\"/><counter type=\"BRANCH\" missed=\"1\" covered=\"1\"/><counter type=\"METHOD\" missed=\"1\" covered=\"3\"/></package></report>";
        let d = read("g.xml", doc).unwrap().facts.coverage.unwrap();
        assert_eq!(d.files[0].path, "ring.c");
        let c = merge(vec![d]).0;
        assert_eq!(c.lines, Some(Figure::new(2, 3)));
        assert_eq!(c.branches, Some(Figure::new(1, 2)));
        assert_eq!(c.functions, Some(Figure::new(3, 4)));
        // The package's counters are still checked against its files'.
        let bad = doc.replace(
            "</sourcefile><counter type=\"LINE\" missed=\"1\"",
            "</sourcefile><counter type=\"LINE\" missed=\"0\"",
        );
        assert_ne!(bad, doc);
        let e = read("g.xml", &bad).unwrap_err();
        assert!(
            e.message
                .contains("the LINE counter of <package name=\"\">"),
            "{}",
            e.message
        );
    }

    #[test]
    fn groups_nest_and_add_up() {
        let body =
            &REPORT[REPORT.find("<package").unwrap()..REPORT.find("</package>").unwrap() + 10];
        let doc = format!(
            "<report name=\"all\"><group name=\"m1\">{body}<counter type=\"LINE\" missed=\"1\" covered=\"2\"/></group><counter type=\"LINE\" missed=\"1\" covered=\"2\"/></report>"
        );
        assert_eq!(figures(&doc).lines, Some(Figure::new(2, 3)));
        let bad = doc.replace(
            "</package><counter type=\"LINE\" missed=\"1\" covered=\"2\"/></group>",
            "</package><counter type=\"LINE\" missed=\"0\" covered=\"3\"/></group>",
        );
        let e = read("j.xml", &bad).unwrap_err();
        assert!(e.message.contains("the LINE counter of <group name=\"m1\"> states 3 covered and 0 missed, but its entries show 2 covered and 1 missed"), "{}", e.message);
    }

    #[test]
    fn counters_that_disagree_are_refused() {
        for (from, to, needle, line) in [
            (
                "<counter type=\"BRANCH\" missed=\"1\" covered=\"1\"/><counter type=\"LINE\" missed=\"1\" covered=\"2\"/><counter type=\"METHOD\" missed=\"1\" covered=\"1\"/>\n</sourcefile>",
                "<counter type=\"BRANCH\" missed=\"1\" covered=\"1\"/><counter type=\"LINE\" missed=\"0\" covered=\"3\"/><counter type=\"METHOD\" missed=\"1\" covered=\"1\"/>\n</sourcefile>",
                "the LINE counter of <sourcefile name=\"Money.java\"> states 3 covered and 0 missed",
                9,
            ),
            (
                "<counter type=\"LINE\" missed=\"1\" covered=\"2\"/><counter type=\"METHOD\" missed=\"1\" covered=\"1\"/><counter type=\"CLASS\"",
                "<counter type=\"LINE\" missed=\"1\" covered=\"2\"/><counter type=\"METHOD\" missed=\"0\" covered=\"2\"/><counter type=\"CLASS\"",
                "the METHOD counter of <class name=\"example/Money\">",
                4,
            ),
            (
                "<counter type=\"BRANCH\" missed=\"1\" covered=\"1\"/><counter type=\"LINE\" missed=\"1\" covered=\"2\"/><counter type=\"METHOD\" missed=\"1\" covered=\"1\"/>\n</report>",
                "<counter type=\"BRANCH\" missed=\"0\" covered=\"2\"/><counter type=\"LINE\" missed=\"1\" covered=\"2\"/><counter type=\"METHOD\" missed=\"1\" covered=\"1\"/>\n</report>",
                "the BRANCH counter of <report> states 2 covered and 0 missed",
                1,
            ),
            (
                "<line nr=\"30\" mi=\"3\" ci=\"0\" mb=\"0\" cb=\"0\"/>\n",
                "",
                "the LINE counter of <sourcefile name=\"Money.java\"> states 2 covered and 1 missed, but its entries show 2 covered and 0 missed",
                9,
            ),
        ] {
            let doc = REPORT.replace(from, to);
            assert_ne!(doc, REPORT, "{from}");
            let e = read("j.xml", &doc).unwrap_err();
            assert!(e.message.contains(needle), "{}", e.message);
            assert!(e.message.contains("is not believed"), "{}", e.message);
            assert_eq!(e.line, Some(line), "{}", e.message);
        }
    }

    #[test]
    fn bad_counts_are_refused() {
        for e in refused_each(
            read,
            REPORT,
            &[
                (
                    "nr=\"17\" mi=\"0\"",
                    "nr=\"17\" mi=\"-2\"",
                    "<line> `mi` `-2` is not a count",
                ),
                (
                    "nr=\"17\"",
                    "nr=\"x\"",
                    "<line> `nr` `x` is not a line number",
                ),
                ("<line nr=\"17\" ", "<line ", "<line> without `nr`"),
                (
                    "nr=\"17\" mi=\"0\" ci=\"4\" ",
                    "nr=\"17\" ",
                    "has <line>s with instruction counts (`mi`, `ci`) and <line>s without",
                ),
                (
                    "<counter type=\"INSTRUCTION\" missed=\"0\"",
                    "<counter type=\"INSTRUCTION\" missed=\"1e9\"",
                    "<counter type=\"INSTRUCTION\"> `missed` `1e9` is not a count",
                ),
                (
                    "<counter type=\"METHOD\" missed=\"0\" covered=\"1\"/></method>",
                    "<counter type=\"METHOD\" missed=\"1\" covered=\"1\"/></method>",
                    "counts 2 methods",
                ),
            ],
        ) {
            assert!(!e.message.is_empty());
        }
        let e = read("j.xml", "<coverage/>").unwrap_err();
        assert!(e.message.contains("expected <report>"), "{e:?}");
        let e = read("j.xml", &REPORT[..REPORT.rfind("</report>").unwrap()]).unwrap_err();
        assert!(e.message.contains("truncated"), "{e:?}");
        let e = read("j.xml", &REPORT[..REPORT.len() - 30]).unwrap_err();
        assert!(e.message.contains("not well-formed XML"), "{e:?}");
    }
}
