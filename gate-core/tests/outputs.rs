//! Every output format against what its consumer accepts: JUnit XML parsed back and validated
//! against the Jenkins xunit plugin's `junit-10.xsd` (tests/schemas/SOURCES.md), SARIF against
//! the official 2.1.0 JSON Schema (from the shared corpus; ignored without it), GitLab Code
//! Quality's required fields and types, GitHub workflow commands through a parser of the
//! runner's grammar, Markdown tables; and every format byte-identical for the same inputs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gate_core::report::{github, gitlab, json, junit, markdown, sarif};
use gate_core::{parse_now, EvidenceSource, FailOn, Gate, Report, Verdict};

const NOW: &str = "2026-11-28T12:00:00Z";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The demo, judged by the standard policies, from the repository root (so evidence ids are
/// `fixtures/demo/...` and pointers resolve to lines).
fn demo(fail_on: FailOn, waivers: Option<&str>) -> Report {
    common_cwd();
    let dir = tempfile::tempdir().unwrap();
    let mut b = Gate::builder()
        .now(parse_now(NOW).unwrap())
        .fail_on(fail_on);
    if let Some(w) = waivers {
        let p = dir.path().join("waivers.toml");
        fs_err::write(&p, w).unwrap();
        b = b.waivers(p);
    }
    b.build()
        .unwrap()
        .check(&[EvidenceSource::Path("fixtures/demo".into())])
        .unwrap()
}

/// The tests run with the repository root as working folder (evidence ids are relative).
fn common_cwd() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_current_dir(root()).unwrap());
}

const WAIVER: &str = "[[waiver]]\nid = \"W-7\"\ncode = \"sbom.missing-license\"\n\
    subject = \"pkg:pypi/certifi@*\"\nowner = \"security@example.com\"\n\
    reason = \"licence confirmed MIT, SBOM tool cannot see it\"\nticket = \"SEC-1\"\n\
    expires = 2027-01-31\n";

/// A policy whose results carry every character the formats must escape.
const HOSTILE: &str = r#"package hostile

# METADATA
# title: Hostile <text> & "quotes"
# description: |
#   Line one
#   line two | pipe
# custom:
#   code: "hostile:code,1"
#   severity: critical
#   remediation: "Do *not* [click](javascript:x) <b>here</b>"
deny contains {
	"code": "hostile:code,1",
	"subject": "s|`x`\n::y,z%0A%25",
	"msg": "a|b\r\nc::d,e=f %3A 100% <&> \"q\" ]]> \u0001 end",
}

warn contains {"code": "hostile.warn", "subject": "w", "msg": "careful\nnow"}
"#;

fn hostile() -> Report {
    Gate::builder()
        .now(parse_now(NOW).unwrap())
        .policy_text("hostile.rego", HOSTILE)
        .build()
        .unwrap()
        .check(&[EvidenceSource::bytes(
            "in memory.json",
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#,
        )])
        .unwrap()
}

fn error_report() -> Report {
    let gate = Gate::builder()
        .now(parse_now(NOW).unwrap())
        .build()
        .unwrap();
    let err = gate
        .check(&[
            EvidenceSource::bytes("a.json", "{\"x\": "),
            EvidenceSource::bytes("b.xml", "<unknown/>"),
            EvidenceSource::bytes("c.json", "[1, 2"),
        ])
        .unwrap_err();
    Report::from_error(&err, parse_now(NOW).unwrap())
}

fn all_reports() -> Vec<(&'static str, Report)> {
    vec![
        ("demo", demo(FailOn::Deny, None)),
        ("demo-fail-on-warn", demo(FailOn::Warn, None)),
        ("demo-waived", demo(FailOn::Deny, Some(WAIVER))),
        ("hostile", hostile()),
        ("error", error_report()),
    ]
}

// ---------------------------------------------------------------------------------------------
// The error report

#[test]
fn an_error_report_lists_every_problem_in_order() {
    let r = error_report();
    assert_eq!(r.verdict, Verdict::Error);
    let got: Vec<(&str, Option<&str>)> = r
        .errors
        .iter()
        .map(|p| (p.code.as_str(), p.path.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("gate::evidence::invalid", Some("a.json")),
            ("gate::evidence::unknown_kind", Some("b.xml")),
            ("gate::evidence::invalid", Some("c.json")),
        ]
    );
    let json = json::render(&r);
    assert!(json.contains("\"verdict\": \"error\""), "{json}");
    assert!(json.contains("\"gate_version\""), "{json}");
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// A parsed XML element.
#[derive(Debug, Clone)]
struct Node {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Node>,
    text: String,
}

/// Parse a document with quick-xml into a tree (the root element).
fn parse_xml(text: &str) -> Node {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node {
        name: "#document".into(),
        attrs: BTreeMap::new(),
        children: vec![],
        text: String::new(),
    }];
    let open = |e: &quick_xml::events::BytesStart<'_>| Node {
        name: e.name().0.to_owned(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    a.key.0.to_owned(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect(),
        children: vec![],
        text: String::new(),
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(open(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text += &t.xml10_content(),
            Event::CData(t) => stack.last_mut().unwrap().text += &t.xml10_content(),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match &*r.xml10_content() {
                        "amp" => "&".to_owned(),
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "quot" => "\"".to_owned(),
                        "apos" => "'".to_owned(),
                        n => panic!("unknown entity {n}"),
                    },
                };
                stack.last_mut().unwrap().text += &c;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap()
}

/// An XML Schema, for the constructs `junit-10.xsd` uses: global and local elements (`ref`,
/// `name` + `type`, inline `complexType`), named complex and simple types, `sequence` and
/// `choice` with `minOccurs`/`maxOccurs`, `mixed`, attributes with `use="required"` and
/// `xs:string` or pattern-restricted simple types. Anything else in the schema fails the test
/// rather than being skipped.
struct Xsd {
    elements: BTreeMap<String, Node>,
    complex: BTreeMap<String, Node>,
    simple: BTreeMap<String, regex::Regex>,
}

impl Xsd {
    fn load(path: &Path) -> Self {
        let schema = parse_xml(&fs_err::read_to_string(path).unwrap());
        assert_eq!(schema.name, "xs:schema");
        let mut xsd = Xsd {
            elements: BTreeMap::new(),
            complex: BTreeMap::new(),
            simple: BTreeMap::new(),
        };
        for def in schema.children {
            let name = def.attrs["name"].clone();
            match def.name.as_str() {
                "xs:element" => {
                    xsd.elements.insert(name, def);
                }
                "xs:complexType" => {
                    xsd.complex.insert(name, def);
                }
                "xs:simpleType" => {
                    let [restriction] = &def.children[..] else {
                        panic!("simpleType {name}: expected one restriction")
                    };
                    assert_eq!(restriction.name, "xs:restriction");
                    assert_eq!(restriction.attrs["base"], "xs:string");
                    let [pattern] = &restriction.children[..] else {
                        panic!("simpleType {name}: expected one pattern")
                    };
                    assert_eq!(pattern.name, "xs:pattern");
                    // XSD patterns match the whole value.
                    let re = format!("^(?:{})$", pattern.attrs["value"]);
                    xsd.simple.insert(name, regex::Regex::new(&re).unwrap());
                }
                other => panic!("unsupported top-level XSD construct {other}"),
            }
        }
        xsd
    }

    /// Validate a document: its root must be a global element.
    fn validate(&self, doc: &Node) -> Vec<String> {
        let mut problems = Vec::new();
        match self.elements.get(&doc.name) {
            Some(decl) => self.element(doc, decl, &doc.name, &mut problems),
            None => problems.push(format!("root <{}> is not declared", doc.name)),
        }
        problems
    }

    /// The declaration a particle `xs:element` stands for.
    fn resolve<'a>(&'a self, particle: &'a Node) -> &'a Node {
        match particle.attrs.get("ref") {
            Some(r) => &self.elements[r],
            None => particle,
        }
    }

    fn element(&self, node: &Node, decl: &Node, path: &str, problems: &mut Vec<String>) {
        let complex = match (decl.attrs.get("type"), decl.children.first()) {
            (Some(t), _) if t == "xs:string" => None,
            (Some(t), _) => Some(
                self.complex
                    .get(t)
                    .unwrap_or_else(|| panic!("unknown type {t}")),
            ),
            (None, Some(c)) if c.name == "xs:complexType" => Some(c),
            (None, None) => None,
            (None, Some(other)) => panic!("unsupported element content {}", other.name),
        };
        let Some(ct) = complex else {
            // Simple content: text only.
            if !node.attrs.is_empty() || !node.children.is_empty() {
                problems.push(format!(
                    "{path}: a text-only element has attributes or children"
                ));
            }
            return;
        };
        let mut declared: BTreeMap<&str, &Node> = BTreeMap::new();
        let mut model: Option<&Node> = None;
        for part in &ct.children {
            match part.name.as_str() {
                "xs:attribute" => {
                    declared.insert(&part.attrs["name"], part);
                }
                "xs:sequence" | "xs:choice" => model = Some(part),
                other => panic!("unsupported complexType content {other}"),
            }
        }
        for (name, value) in &node.attrs {
            match declared.get(name.as_str()) {
                None => problems.push(format!("{path}: attribute `{name}` is not declared")),
                Some(a) => {
                    let t = a.attrs.get("type").map_or("xs:string", String::as_str);
                    if t != "xs:string" {
                        let re = self
                            .simple
                            .get(t)
                            .unwrap_or_else(|| panic!("unknown simple type {t}"));
                        if !re.is_match(value) {
                            problems.push(format!("{path}: `{name}`=`{value}` is not a {t}"));
                        }
                    }
                }
            }
        }
        for (name, a) in &declared {
            if a.attrs.get("use").is_some_and(|u| u == "required")
                && !node.attrs.contains_key(*name)
            {
                problems.push(format!("{path}: required attribute `{name}` is missing"));
            }
        }
        let mixed = ct.attrs.get("mixed").is_some_and(|m| m == "true");
        if !mixed && !node.text.trim().is_empty() {
            problems.push(format!("{path}: text in an element that is not mixed"));
        }
        let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
        let fits = match model {
            Some(m) => self.ends(m, &names, 0).contains(&names.len()),
            None => names.is_empty(),
        };
        if !fits {
            problems.push(format!(
                "{path}: children {names:?} do not fit the content model"
            ));
            return;
        }
        for child in &node.children {
            let decl = model
                .and_then(|m| self.local(m, &child.name))
                .unwrap_or_else(|| panic!("{path}: no declaration for <{}>", child.name));
            self.element(child, decl, &format!("{path}/{}", child.name), problems);
        }
    }

    /// The declaration of a child named `name` within a content model.
    fn local<'a>(&'a self, model: &'a Node, name: &str) -> Option<&'a Node> {
        for p in &model.children {
            match p.name.as_str() {
                "xs:element" => {
                    let d = self.resolve(p);
                    if d.attrs.get("name").is_some_and(|n| n == name) {
                        return Some(d);
                    }
                }
                _ => {
                    if let Some(d) = self.local(p, name) {
                        return Some(d);
                    }
                }
            }
        }
        None
    }

    /// Where a particle (with its occurrences) can end when it starts at `start`.
    fn ends(&self, p: &Node, names: &[&str], start: usize) -> BTreeSet<usize> {
        let min: usize = p.attrs.get("minOccurs").map_or(1, |m| m.parse().unwrap());
        let max: usize = match p.attrs.get("maxOccurs").map(String::as_str) {
            Some("unbounded") => names.len() + 1,
            Some(m) => m.parse().unwrap(),
            None => 1,
        };
        let mut reached = BTreeSet::new();
        let mut frontier = BTreeSet::from([start]);
        if min == 0 {
            reached.insert(start);
        }
        for k in 1..=max {
            let next: BTreeSet<usize> = frontier
                .iter()
                .flat_map(|&s| self.once(p, names, s))
                .collect();
            if next.is_empty() || (next == frontier && k > min) {
                break;
            }
            if k >= min {
                reached.extend(next.iter().copied());
            }
            frontier = next;
        }
        reached
    }

    fn once(&self, p: &Node, names: &[&str], start: usize) -> BTreeSet<usize> {
        match p.name.as_str() {
            "xs:element" => {
                let d = self.resolve(p);
                match names.get(start) {
                    Some(n) if d.attrs.get("name").is_some_and(|x| x == n) => {
                        BTreeSet::from([start + 1])
                    }
                    _ => BTreeSet::new(),
                }
            }
            "xs:sequence" => p.children.iter().fold(BTreeSet::from([start]), |at, c| {
                at.iter().flat_map(|&s| self.ends(c, names, s)).collect()
            }),
            "xs:choice" => p
                .children
                .iter()
                .flat_map(|c| self.ends(c, names, start))
                .collect(),
            other => panic!("unsupported particle {other}"),
        }
    }
}

fn junit_xsd() -> Xsd {
    Xsd::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/junit-10.xsd"))
}

/// The validator itself rejects what the schema forbids (so a pass means something).
#[test]
fn the_xsd_validator_rejects_invalid_junit() {
    let xsd = junit_xsd();
    let ok = r#"<testsuites><testsuite name="s" tests="1" failures="0" errors="0" time="1.5"><testcase name="t"><failure message="m">x</failure><system-out>o</system-out></testcase></testsuite></testsuites>"#;
    assert_eq!(xsd.validate(&parse_xml(ok)), Vec::<String>::new());
    for bad in [
        // a testsuite without its required `errors`
        r#"<testsuites><testsuite name="s" tests="1" failures="0"/></testsuites>"#,
        // `file` is not a testcase attribute in this schema
        r#"<testsuite name="s" tests="1" failures="0" errors="0"><testcase name="t" file="f"/></testsuite>"#,
        // a time that is not a SUREFIRE_TIME
        r#"<testsuite name="s" tests="1" failures="0" errors="0" time="1s"/>"#,
        // a testcase directly under testsuites
        r#"<testsuites><testcase name="t"/></testsuites>"#,
        // text where the content is not mixed
        r#"<testsuites>text</testsuites>"#,
        // a testcase without a name
        r#"<testsuite name="s" tests="1" failures="0" errors="0"><testcase/></testsuite>"#,
    ] {
        assert!(!xsd.validate(&parse_xml(bad)).is_empty(), "accepted: {bad}");
    }
}

#[test]
fn junit_is_valid_against_the_jenkins_schema_and_counts_add_up() {
    let xsd = junit_xsd();
    for (name, report) in all_reports() {
        let text = junit::render(&report);
        let doc = parse_xml(&text);
        assert_eq!(xsd.validate(&doc), Vec::<String>::new(), "{name}:\n{text}");
        assert_eq!(doc.name, "testsuites", "{name}");
        let mut totals = [0usize; 3];
        let mut packages = Vec::new();
        for suite in &doc.children {
            let cases = &suite.children;
            let count = |el: &str| {
                cases
                    .iter()
                    .filter(|c| c.children.iter().any(|x| x.name == el))
                    .count()
            };
            assert_eq!(suite.attrs["tests"], cases.len().to_string(), "{name}");
            assert_eq!(suite.attrs["failures"], count("failure").to_string());
            assert_eq!(suite.attrs["errors"], count("error").to_string());
            assert_eq!(suite.attrs["skipped"], count("skipped").to_string());
            assert_eq!(suite.attrs["timestamp"], NOW);
            totals[0] += cases.len();
            totals[1] += count("failure");
            totals[2] += count("error");
            packages.push(suite.attrs["name"].clone());
        }
        assert_eq!(doc.attrs["tests"], totals[0].to_string(), "{name}");
        assert_eq!(doc.attrs["failures"], totals[1].to_string(), "{name}");
        assert_eq!(doc.attrs["errors"], totals[2].to_string(), "{name}");
        let fails = report.results.iter().filter(|r| report.fails(r)).count();
        assert_eq!(totals[1], fails, "{name}: a failure per result that fails");
        if report.verdict == Verdict::Error {
            assert_eq!(
                (packages.as_slice(), totals[2]),
                (&["gate".to_owned()][..], 3)
            );
        } else {
            // One suite per policy package, in order.
            let mut want: Vec<String> = report.checks.iter().map(|c| c.package.clone()).collect();
            want.dedup();
            assert_eq!(packages, want, "{name}");
        }
    }
}

#[test]
fn junit_names_each_finding_and_carries_message_place_and_remediation() {
    let report = demo(FailOn::Deny, Some(WAIVER));
    let doc = parse_xml(&junit::render(&report));
    let case = |classname: &str, name: &str| -> Node {
        doc.children
            .iter()
            .flat_map(|s| &s.children)
            .find(|c| c.attrs["classname"] == classname && c.attrs["name"] == name)
            .unwrap_or_else(|| panic!("no testcase {classname} / {name}"))
            .clone()
    };
    let failed = case(
        "tests.failed",
        "tests.test_verparse::test_prerelease_sorts_before_release",
    );
    let failure = &failed.children[0];
    assert_eq!(failure.name, "failure");
    assert!(failure.attrs["message"].contains("AssertionError: assert 1 == -1"));
    assert!(
        failure
            .text
            .contains("at fixtures/demo/pytest-junit.xml:1:690"),
        "{}",
        failure.text
    );
    assert!(failure.text.contains("help: Fix the failing test"));
    let waived = case("sbom.missing-license", "pkg:pypi/certifi@2020.12.5");
    let skipped = &waived.children[0];
    assert_eq!(skipped.name, "skipped");
    assert_eq!(
        skipped.attrs["message"],
        "waived by W-7 (owner security@example.com, expires 2027-01-31, ticket SEC-1): licence \
         confirmed MIT, SBOM tool cannot see it"
    );
    // A warning passes, with its text and its place (a JSON pointer resolved to a line).
    let warned = case("sbom.missing-license", "pkg:pypi/chardet@3.0.4");
    assert_eq!(warned.children[0].name, "system-out");
    assert!(warned.children[0].text.contains("sbom.cdx.json:18:5"));
    // A check that found nothing is one passing test case.
    let clean = case("tests.errored", "no findings");
    assert!(clean.children.is_empty());
    // Under --fail-on warn the warnings fail.
    let strict = parse_xml(&junit::render(&demo(FailOn::Warn, None)));
    assert_eq!(strict.attrs["failures"], "9");
}

// ---------------------------------------------------------------------------------------------
// SARIF

#[test]
#[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
fn sarif_is_valid_against_the_official_schema() {
    let path = common::corpus().join("sarif/sarif-spec/sarif-2.1/schema/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    for (name, report) in all_reports() {
        let text = sarif::render(&report);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let problems: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
    // The validator is not a rubber stamp.
    let mut broken: serde_json::Value =
        serde_json::from_str(&sarif::render(&demo(FailOn::Deny, None))).unwrap();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_rules_results_levels_suppressions_and_fingerprints() {
    let report = demo(FailOn::Deny, Some(WAIVER));
    let log: serde_json::Value = serde_json::from_str(&sarif::render(&report)).unwrap();
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "gate");
    assert_eq!(
        run["tool"]["driver"]["version"],
        gate_core::report::GATE_VERSION
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), report.checks.len());
    let rule = rules.iter().find(|r| r["id"] == "tests.failed").unwrap();
    assert_eq!(rule["shortDescription"]["text"], "A test failed");
    assert!(rule["help"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Fix the failing test"));
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.results.len());
    for (r, entry) in results.iter().zip(&report.results) {
        assert_eq!(r["ruleId"], entry.code.as_str());
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            r["ruleId"]
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("fixtures/demo/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1, "{r}");
        let fp = r["partialFingerprints"][sarif::FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 64);
    }
    let failed = results
        .iter()
        .find(|r| r["ruleId"] == "tests.failed")
        .unwrap();
    assert_eq!(failed["level"], "error");
    assert_eq!(
        failed["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1, "startColumn": 690})
    );
    let warned = results
        .iter()
        .find(|r| r["properties"]["subject"] == "pkg:pypi/chardet@3.0.4")
        .unwrap();
    assert_eq!(warned["level"], "warning");
    assert_eq!(
        warned["locations"][0]["physicalLocation"]["region"]["startLine"],
        18
    );
    let waived = results
        .iter()
        .find(|r| r["properties"]["subject"] == "pkg:pypi/certifi@2020.12.5")
        .unwrap();
    let s = &waived["suppressions"][0];
    assert_eq!(
        (s["kind"].as_str(), s["status"].as_str()),
        (Some("external"), Some("accepted"))
    );
    assert!(s["justification"].as_str().unwrap().contains("W-7"));
    assert!(results
        .iter()
        .filter(|r| r != &waived)
        .all(|r| r.get("suppressions").is_none()));

    // Fingerprints key on code and subject: the same finding keeps its print in another run
    // (another clock, waivers), and every print of a run is unique.
    let other = demo(FailOn::Warn, None);
    let other: serde_json::Value = serde_json::from_str(&sarif::render(&other)).unwrap();
    let prints = |log: &serde_json::Value| -> BTreeMap<String, String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["properties"]["subject"].as_str().unwrap().to_owned(),
                    r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(prints(&log), prints(&other));
    let unique: BTreeSet<_> = prints(&log).into_values().collect();
    assert_eq!(unique.len(), report.results.len());

    // No verdict: the run says so and names every problem.
    let err: serde_json::Value = serde_json::from_str(&sarif::render(&error_report())).unwrap();
    let inv = &err["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(
        inv["toolExecutionNotifications"].as_array().unwrap().len(),
        3
    );
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality

/// GitLab's required fields and their types: `description`, `check_name`, `fingerprint`
/// strings, `severity` one of info/minor/major/critical/blocker, `location.path` a string and
/// `location.lines.begin` a positive integer; fingerprints unique.
#[test]
fn gitlab_code_quality_has_the_required_fields_and_types() {
    for (name, report) in all_reports() {
        let text = gitlab::render(&report);
        let issues: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let mut prints = BTreeSet::new();
        for i in &issues {
            for key in ["description", "check_name", "fingerprint"] {
                assert!(
                    i[key].as_str().is_some_and(|s| !s.is_empty()),
                    "{name}: {key} in {i}"
                );
            }
            assert!(
                ["info", "minor", "major", "critical", "blocker"]
                    .contains(&i["severity"].as_str().unwrap()),
                "{name}: {i}"
            );
            assert!(
                i["location"]["path"]
                    .as_str()
                    .is_some_and(|p| !p.is_empty()),
                "{i}"
            );
            assert!(
                i["location"]["lines"]["begin"].as_u64().unwrap() >= 1,
                "{i}"
            );
            assert!(
                prints.insert(i["fingerprint"].as_str().unwrap().to_owned()),
                "{name}: duplicate fingerprint"
            );
        }
        let open = report
            .results
            .iter()
            .filter(|r| r.waived_by.is_none())
            .count();
        assert_eq!(issues.len(), open + report.errors.len(), "{name}");
    }
    let demo = demo(FailOn::Deny, None);
    let issues: Vec<serde_json::Value> = serde_json::from_str(&gitlab::render(&demo)).unwrap();
    let failed = issues
        .iter()
        .find(|i| i["check_name"] == "tests.failed")
        .unwrap();
    assert_eq!(failed["severity"], "critical");
    assert_eq!(failed["location"]["path"], "fixtures/demo/pytest-junit.xml");
    let warned = issues
        .iter()
        .find(|i| i["description"] == "component `pkg:pypi/chardet@3.0.4` has no license")
        .unwrap();
    assert_eq!(
        (
            warned["severity"].as_str(),
            warned["location"]["lines"]["begin"].as_u64()
        ),
        (Some("info"), Some(18))
    );
    let hostile: Vec<serde_json::Value> =
        serde_json::from_str(&gitlab::render(&hostile())).unwrap();
    let h = hostile
        .iter()
        .find(|i| i["check_name"] == "hostile:code,1")
        .unwrap();
    assert_eq!(h["severity"], "blocker", "a critical denial blocks");
    // No evidence: the rule's policy file.
    assert_eq!(h["location"]["path"], "hostile.rego");
}

// ---------------------------------------------------------------------------------------------
// GitHub workflow commands

/// One workflow command as the runner reads a line: `::NAME PROPS::DATA`, PROPS being
/// `key=value` pairs split on `,`, each value and the data unescaped (`%0D`, `%0A`, then `%25`;
/// properties also `%3A` and `%2C`). `None` for a line that is not a command.
fn parse_command(line: &str) -> Option<(String, BTreeMap<String, String>, String)> {
    let rest = line.strip_prefix("::")?;
    let end = rest.find("::")?;
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    let unescape_data = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let unescape_prop = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let mut map = BTreeMap::new();
    for pair in props.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=')?;
        assert!(
            map.insert(k.to_owned(), unescape_prop(v)).is_none(),
            "{line}: {k} twice"
        );
    }
    Some((name.to_owned(), map, unescape_data(data)))
}

#[test]
fn github_commands_parse_back_to_what_the_report_says() {
    for (name, report) in all_reports() {
        let text = github::render(&report);
        let lines: Vec<&str> = text.lines().collect();
        let (last, commands) = lines.split_last().unwrap();
        assert_eq!(*last, gate_core::report::summary_line(&report), "{name}");
        let mut parsed = Vec::new();
        for line in commands {
            let (cmd, props, data) =
                parse_command(line).unwrap_or_else(|| panic!("{name}: not a command: {line}"));
            assert!(
                ["error", "warning", "notice"].contains(&cmd.as_str()),
                "{line}"
            );
            for k in props.keys() {
                assert!(
                    ["file", "line", "col", "title"].contains(&k.as_str()),
                    "{line}"
                );
            }
            for k in ["line", "col"] {
                if let Some(v) = props.get(k) {
                    assert!(v.parse::<usize>().unwrap() >= 1, "{line}");
                }
            }
            parsed.push((cmd, props, data));
        }
        let mut want = Vec::new();
        for p in &report.errors {
            want.push(("error".to_owned(), p.code.clone(), p.message.clone()));
        }
        for r in report.results.iter().filter(|r| r.waived_by.is_none()) {
            let kind = if report.fails(r) { "error" } else { "warning" };
            let mut message = r.message.clone();
            if let Some(h) = &r.remediation {
                message = format!("{message}\nhelp: {h}");
            }
            want.push((kind.to_owned(), r.code.clone(), message));
        }
        for d in &report.diagnostics {
            want.push((
                "notice".to_owned(),
                d.code.as_str().to_owned(),
                d.message.clone(),
            ));
        }
        let got: Vec<(String, String, String)> = parsed
            .iter()
            .map(|(c, p, d)| (c.clone(), p["title"].clone(), d.clone()))
            .collect();
        assert_eq!(got, want, "{name}");
    }
    let demo = github::render(&demo(FailOn::Deny, None));
    assert!(
        demo.lines().next().unwrap().starts_with(
            "::error file=fixtures/demo/pytest-junit.xml,line=1,col=690,title=tests.failed::test `"
        ),
        "{demo}"
    );
    // Hostile text stays inside its command: one line per command, nothing unescaped.
    let hostile = github::render(&hostile());
    assert!(
        hostile.contains("title=hostile%3Acode%2C1::a|b%0D%0Ac::d,e=f %253A 100%25"),
        "{hostile}"
    );
}

// ---------------------------------------------------------------------------------------------
// Markdown

#[test]
fn markdown_tables_keep_their_shape_whatever_the_text() {
    for (name, report) in all_reports() {
        let text = markdown::render(&report);
        assert!(text.starts_with(&format!(
            "## {} gate: {}",
            match report.verdict {
                Verdict::Pass => "✅",
                Verdict::Fail => "❌",
                Verdict::Error => "⚠️",
            },
            report.verdict.as_str().to_ascii_uppercase()
        )));
        // Every table row has as many cells as its header (unescaped `|` split cells).
        let mut columns = None;
        for line in text.lines() {
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            let cells = split_row(line);
            match columns {
                None => columns = Some(cells),
                Some(n) => assert_eq!(cells, n, "{name}: {line}"),
            }
        }
    }
    let demo = markdown::render(&demo(FailOn::Deny, Some(WAIVER)));
    assert!(demo.contains("| `tests.failed` | `tests.test_verparse::test_prerelease_sorts_before_release` | test \\`tests.test\\_verparse::test\\_prerelease\\_sorts\\_before\\_release\\` failed: AssertionError: assert 1 == -1 | `fixtures/demo/pytest-junit.xml:1:690` |"), "{demo}");
    assert!(
        demo.contains("| `sbom.missing-license` | warn | 7 | 1 |"),
        "{demo}"
    );
    assert!(demo.contains("| W-7 | `sbom.missing-license` | `pkg:pypi/certifi@*` | security@example.com | 2027-01-31 | active | 1 |"), "{demo}");
    let hostile = markdown::render(&hostile());
    assert!(
        !hostile.contains("<b>") && !hostile.contains("\r"),
        "{hostile}"
    );
    let error = markdown::render(&error_report());
    assert!(
        error.contains("| `gate::evidence::unknown_kind` | `b.xml` |"),
        "{error}"
    );
}

/// The cells of a GFM table row: split on `|` not preceded by a backslash.
fn split_row(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n
}

// ---------------------------------------------------------------------------------------------
// Determinism

#[test]
fn every_format_is_byte_identical_for_the_same_inputs() {
    type Render = fn(&Report) -> String;
    let formats: [(&str, Render); 6] = [
        ("json", json::render),
        ("junit", junit::render),
        ("sarif", sarif::render),
        ("github", github::render),
        ("gitlab", gitlab::render),
        ("markdown", markdown::render),
    ];
    common_cwd();
    let judge = |paths: &[&str]| {
        Gate::builder()
            .now(parse_now(NOW).unwrap())
            .threads(3)
            .build()
            .unwrap()
            .check(&EvidenceSource::paths(paths.iter().map(PathBuf::from)))
            .unwrap()
    };
    let a = judge(&[
        "fixtures/demo/sbom.cdx.json",
        "fixtures/demo/pytest-junit.xml",
        "fixtures/demo/bandit.sarif",
    ]);
    let b = judge(&[
        "fixtures/demo/bandit.sarif",
        "fixtures/demo/sbom.cdx.json",
        "fixtures/demo/pytest-junit.xml",
    ]);
    for (name, render) in formats {
        assert_eq!(render(&a), render(&b), "{name}");
        assert_eq!(render(&error_report()), render(&error_report()), "{name}");
    }
}
