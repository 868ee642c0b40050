//! The `input` document: what every policy sees, versioned by [`SCHEMA_VERSION`].
//!
//! Readers fill these types from evidence; [`Input::to_value`] turns the document into a regorus
//! value directly (no JSON text in between). `gate inspect` prints the same value, so what a user
//! inspects is byte for byte what policies evaluate. The schema is documented in
//! docs/input-schema.md and shipped as JSON Schema in docs/input.schema.json.

pub(crate) mod approval;
pub mod coverage;
mod rego;
mod signature;

pub use approval::{Approval, Change, Decision};
pub use coverage::{Coverage, CoverageReport, CoveredFile, Figure};
pub use signature::{
    Attestation, Provenance, Signer, Subject, TlogInfo, Verification, VerificationSummary,
};

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::severity::Severity;

/// Bumped on every breaking change of the document's shape.
pub const SCHEMA_VERSION: u32 = 1;

/// Where in an evidence file a fact came from.
///
/// `evidence` is the evidence id (the file's path as given, with `/` separators). JSON sources
/// carry a JSON pointer, XML and text sources a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Source {
    /// The evidence id.
    pub evidence: String,
    /// RFC 6901 pointer into a JSON document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Source {
    /// A source at a JSON pointer.
    pub fn pointer(evidence: &str, pointer: String) -> Self {
        Self {
            evidence: evidence.to_owned(),
            pointer: Some(pointer),
            line: None,
            column: None,
        }
    }

    /// A source at a line and column.
    pub fn line(evidence: &str, line: usize, column: usize) -> Self {
        Self {
            evidence: evidence.to_owned(),
            pointer: None,
            line: Some(line),
            column: Some(column),
        }
    }
}

/// The tool that produced an evidence file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Producer {
    /// Tool name as the document states it (`grype`, `Trivy`, `pytest`…), or `unknown`.
    pub name: String,
    /// Tool version, when the document states it.
    pub version: Option<String>,
}

/// One evidence file as listed in `input.evidence[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EvidenceInfo {
    /// Stable id: the path as given, `/`-separated. Sources refer to it.
    pub id: String,
    /// The path as given.
    pub path: String,
    /// The detected kind (`junit`, `sarif`, `grype`, `trivy`, `cyclonedx`).
    pub kind: String,
    /// The format's own version (`2.1.0`, `1.6`, SchemaVersion `2`), when it states one.
    pub format_version: Option<String>,
    /// The tool that wrote it.
    pub producer: Producer,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

/// Test outcome, normalised across report dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    /// Ran and passed (including "flaky": failed, then passed on rerun).
    Passed,
    /// An assertion failed.
    Failed,
    /// The test could not run to an assertion (setup error, crash).
    Errored,
    /// Not run (skip, xfail, TODO).
    Skipped,
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TestCase {
    /// The enclosing suite's name, innermost first is not kept; nested names are joined with `/`.
    pub suite: String,
    /// The class or file the test belongs to (`classname`), may be empty.
    pub classname: String,
    /// The test's name.
    pub name: String,
    /// The outcome.
    pub status: TestStatus,
    /// The failure, error or skip message, if any.
    pub message: Option<String>,
    /// Wall time in seconds, when reported.
    pub duration_s: Option<f64>,
    /// True when the test failed at first and passed on a rerun (Surefire `flakyFailure`).
    pub flaky: bool,
    /// Where the `<testcase>` element starts.
    pub source: Source,
    /// The stable string results about this test name it by (filled when the input is built).
    pub subject: String,
}

impl TestCase {
    /// The test's subject string: `classname::name` (or `name` alone).
    pub fn derive_subject(&self) -> String {
        if self.classname.is_empty() {
            self.name.clone()
        } else {
            format!("{}::{}", self.classname, self.name)
        }
    }
}

/// Counts of test outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TestSummary {
    /// All test cases.
    pub total: u64,
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Errored.
    pub errored: u64,
    /// Skipped.
    pub skipped: u64,
}

impl TestSummary {
    /// Count one more case.
    pub fn add(&mut self, status: TestStatus) {
        self.total += 1;
        match status {
            TestStatus::Passed => self.passed += 1,
            TestStatus::Failed => self.failed += 1,
            TestStatus::Errored => self.errored += 1,
            TestStatus::Skipped => self.skipped += 1,
        }
    }

    /// Sum two summaries.
    pub fn merge(&mut self, other: &TestSummary) {
        self.total += other.total;
        self.passed += other.passed;
        self.failed += other.failed;
        self.errored += other.errored;
        self.skipped += other.skipped;
    }
}

/// One test report file's own figures, including what its suite attributes claim.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TestReport {
    /// The evidence id.
    pub evidence: String,
    /// Counts over the test cases found in the file.
    pub summary: TestSummary,
    /// Suites whose attributes claim more failures or errors than their test cases show.
    pub mismatches: Vec<CountMismatch>,
}

/// A report that claims more than it shows: a JUnit suite whose `failures`/`errors` attributes
/// claim more than its test cases show, a TAP stream whose plan disagrees with its test points
/// (or that has no plan at all), or whose test points repeat or skip numbers (`suite:
/// "numbering"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CountMismatch {
    /// The suite's name.
    pub suite: String,
    /// Failures the attribute claims.
    pub claimed_failures: u64,
    /// Errors the attribute claims.
    pub claimed_errors: u64,
    /// Failed test cases found.
    pub found_failures: u64,
    /// Errored test cases found.
    pub found_errors: u64,
    /// Tests the report announces (a TAP plan's `N`); `null` where the report has no plan or
    /// the mismatch is about failure counts only.
    pub claimed_tests: Option<u64>,
    /// Test points found, when the mismatch is about the number of tests (TAP); else `null`.
    pub found_tests: Option<u64>,
    /// TAP point numbers given by more than one test point (at most 10, smallest first).
    pub duplicate_points: Vec<u64>,
    /// TAP point numbers up to the plan's `N` (or the highest number) that no test point gives
    /// (at most 10, smallest first).
    pub missing_points: Vec<u64>,
    /// Where the suite element (or TAP plan) starts.
    pub source: Source,
}

/// One scanner report file's account of itself (`input.scans[]`): runs that did not complete,
/// and totals the report states that its entries do not bear out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ScanReport {
    /// The evidence id.
    pub evidence: String,
    /// The tool that wrote it, as the report names it.
    pub tool: String,
    /// Runs the report itself says did not complete (a SARIF invocation with
    /// `executionSuccessful: false`, a SARIF run without `results`).
    pub incomplete: Vec<IncompleteRun>,
    /// Totals the report states that are more than its entries show.
    pub mismatches: Vec<TotalMismatch>,
}

/// A run of a scanner that did not complete: its findings are not the whole story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct IncompleteRun {
    /// Which run (`runs[0]`).
    pub run: String,
    /// The tool of that run.
    pub tool: String,
    /// Why the run counts as incomplete, in words.
    pub reason: String,
    /// Where the run (or its failed invocation) is.
    pub source: Source,
}

/// A total a scanner report states (`metadata.vulnerabilities.critical: 3`) that is more than
/// its entries show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TotalMismatch {
    /// What is counted: a severity (`critical`) or `total`.
    pub total: String,
    /// What the report's totals claim.
    pub claimed: u64,
    /// What its entries show.
    pub found: u64,
    /// Where the total is stated.
    pub source: Source,
}

/// `input.tests`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Tests {
    /// Counts over every test case of every report.
    pub summary: TestSummary,
    /// Every test case.
    pub cases: Vec<TestCase>,
    /// One entry per test report file.
    pub reports: Vec<TestReport>,
}

/// The package a finding is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Installed version.
    pub version: Option<String>,
    /// Package URL, when known.
    pub purl: Option<String>,
    /// Ecosystem or package type (`npm`, `deb`, `python`…), when known.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A place in source code or an image a finding points at.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Location {
    /// File path (or URI as the tool gave it).
    pub path: Option<String>,
    /// 1-based start line.
    pub line: Option<u64>,
    /// 1-based start column.
    pub column: Option<u64>,
    /// 1-based end line, when the tool gives a range (Trivy secrets and misconfigurations).
    pub end_line: Option<u64>,
}

/// What kind of thing a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// A known vulnerability in a package (CVE, GHSA…).
    Vulnerability,
    /// A static-analysis result on source code (SARIF).
    Code,
    /// A leaked secret.
    Secret,
    /// A configuration problem.
    Misconfiguration,
    /// A license problem reported by a scanner.
    License,
}

/// Whether a fix exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FixState {
    /// A fixed version exists (`fixed_in` lists it).
    Fixed,
    /// No fix is available yet.
    NotFixed,
    /// The maintainers will not fix it.
    WontFix,
    /// The tool does not say.
    Unknown,
}

/// The id of a scanner finding whose tool gave none (every scanner reader uses it, and merging
/// never joins findings on it).
pub const UNKNOWN_ID: &str = "unknown";

/// One scan result, from any tool.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// Vulnerability id (`CVE-…`, `GHSA-…`) or rule id for code findings.
    pub id: String,
    /// Other ids of the same vulnerability.
    pub aliases: Vec<String>,
    /// The tool that reported it.
    pub tool: String,
    /// What kind of finding.
    pub kind: FindingKind,
    /// Normalised severity.
    pub severity: Severity,
    /// The tool's own severity word or level, verbatim.
    pub severity_source: Option<String>,
    /// CVSS base score or SARIF security-severity, when given.
    pub score: Option<f64>,
    /// The affected package, for vulnerabilities.
    pub package: Option<Package>,
    /// Whether a fix exists.
    pub fix_state: FixState,
    /// Versions that fix it.
    pub fixed_in: Vec<String>,
    /// Where, for code findings (and for image paths of package findings).
    pub location: Option<Location>,
    /// The rule that produced it (SARIF rule id; scanners' data source).
    pub rule: Option<String>,
    /// Short human description.
    pub message: String,
    /// What the tool says to do about it (Trivy's misconfiguration `Resolution`, npm audit's
    /// `recommendation`), when it says.
    pub remediation: Option<String>,
    /// True when the tool marks it suppressed (SARIF `suppressions`).
    pub suppressed: bool,
    /// SARIF `baselineState` (`new`, `unchanged`, `updated`, `absent`), when given.
    pub baseline_state: Option<String>,
    /// Where in the evidence.
    pub source: Source,
    /// Every tool that reported it, sorted (more than one when findings of several tools were
    /// merged into this one; filled when the input is built).
    pub tools: Vec<String>,
    /// Where every report of it is, `source` first (filled when the input is built).
    pub sources: Vec<Source>,
    /// The stable string results about this finding name it by (filled when the input is built).
    pub subject: String,
}

impl Finding {
    /// A finding of `tool` about `id`, read at `source`: severity unknown, no package, location,
    /// fix or message yet. Readers set what their tool states with struct update syntax
    /// (`Finding { severity, message, ..Finding::new(…) }`); merging fills `tools`, `sources`
    /// and `subject`.
    pub fn new(tool: &str, kind: FindingKind, id: String, source: Source) -> Self {
        Finding {
            id,
            aliases: Vec::new(),
            tool: tool.to_owned(),
            kind,
            severity: Severity::Unknown,
            severity_source: None,
            score: None,
            package: None,
            fix_state: FixState::Unknown,
            fixed_in: Vec::new(),
            location: None,
            rule: None,
            message: String::new(),
            remediation: None,
            suppressed: false,
            baseline_state: None,
            source,
            tools: Vec::new(),
            sources: Vec::new(),
            subject: String::new(),
        }
    }
}

impl Finding {
    /// The finding's subject: `ID@purl`, `ID@name@version`, or `ID@path:line` for code.
    pub fn derive_subject(&self) -> String {
        if let Some(p) = &self.package {
            if let Some(purl) = &p.purl {
                return format!("{}@{purl}", self.id);
            }
            return match &p.version {
                Some(v) => format!("{}@{}@{v}", self.id, p.name),
                None => format!("{}@{}", self.id, p.name),
            };
        }
        match &self.location {
            Some(Location {
                path: Some(path),
                line: Some(line),
                ..
            }) => {
                format!("{}@{path}:{line}", self.id)
            }
            Some(Location {
                path: Some(path), ..
            }) => format!("{}@{path}", self.id),
            _ => self.id.clone(),
        }
    }
}

/// One SBOM component.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Component {
    /// Component name.
    pub name: Option<String>,
    /// Component version.
    pub version: Option<String>,
    /// Group / namespace (CycloneDX `group`).
    pub group: Option<String>,
    /// Package URL.
    pub purl: Option<String>,
    /// Component type (`library`, `application`, `container`…).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// License ids, expressions or names, as written.
    pub licenses: Vec<String>,
    /// Hashes by algorithm (`SHA-256` → hex).
    pub hashes: BTreeMap<String, String>,
    /// Supplier or publisher name.
    pub supplier: Option<String>,
    /// The document-local reference (CycloneDX `bom-ref`, SPDX `SPDXID`).
    pub bom_ref: Option<String>,
    /// True when the SBOM's subject (CycloneDX `metadata.component`, the package an SPDX
    /// document `DESCRIBES`) depends on it directly, false when only transitively or not at all,
    /// null when the SBOM states no dependencies of its subject.
    pub direct: Option<bool>,
    /// The SPDX license expression of the component (its SPDX `licenses` entries normalised,
    /// joined with `AND`), or null when none is a valid SPDX expression (filled when the input is
    /// built).
    pub license_expression: Option<String>,
    /// Every SPDX license id (and `LicenseRef-…`) in `license_expression`, sorted, unique.
    pub license_ids: Vec<String>,
    /// `licenses` entries that are no SPDX expression, kept verbatim.
    pub license_unknown: Vec<String>,
    /// Where in the evidence.
    pub source: Source,
    /// The stable string results about this component name it by (filled when the input is built).
    pub subject: String,
}

impl Component {
    /// The component's subject: its purl, else `name@version`, else its name, else where it is
    /// (`sbom.json/components/3`).
    pub fn derive_subject(&self) -> String {
        if let Some(p) = &self.purl {
            return p.clone();
        }
        match (&self.name, &self.version) {
            (Some(n), Some(v)) => format!("{n}@{v}"),
            (Some(n), None) => n.clone(),
            _ => format!(
                "{}{}",
                self.source.evidence,
                self.source.pointer.as_deref().unwrap_or_default()
            ),
        }
    }
}

/// `input.sbom`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Sbom {
    /// Every component of every SBOM (nested ones included, `metadata.component` excluded).
    pub components: Vec<Component>,
    /// The dependency graph of every SBOM: one entry per component that states its dependencies.
    pub dependencies: Vec<Dependency>,
    /// VEX statements (CycloneDX `vulnerabilities[]` with an `analysis`) of every SBOM.
    pub vex: Vec<VexStatement>,
}

/// One node of an SBOM's dependency graph and the nodes it depends on, by document-local
/// reference (CycloneDX `bom-ref`, SPDX `SPDXID`), which components carry as `bom_ref`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Dependency {
    /// The evidence id of the SBOM (references are local to it).
    pub evidence: String,
    /// The depending component's reference.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The references it depends on directly, in document order.
    pub depends_on: Vec<String>,
}

/// A VEX statement: what a CycloneDX document says about one vulnerability's impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct VexStatement {
    /// The vulnerability id (`CVE-…`, `GHSA-…`).
    pub id: String,
    /// Other ids of the same vulnerability (`references[].id`).
    pub aliases: Vec<String>,
    /// `analysis.state`: `resolved`, `resolved_with_pedigree`, `exploitable`, `in_triage`,
    /// `false_positive`, `not_affected`; null when not given.
    pub state: Option<String>,
    /// `analysis.justification` (`code_not_reachable`, …), when given.
    pub justification: Option<String>,
    /// `analysis.response` (`update`, `will_not_fix`, …).
    pub response: Vec<String>,
    /// `analysis.detail`, when given.
    pub detail: Option<String>,
    /// `affects[].ref` as written (a bom-ref, a BOM-Link or a purl).
    pub refs: Vec<String>,
    /// The purls of the affected components: the purl of the component a ref names in the same
    /// document, or the ref itself when it is a purl.
    pub purls: Vec<String>,
    /// Where in the evidence.
    pub source: Source,
}

/// `input.release`: what is being released.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Release {
    /// Release name.
    pub name: Option<String>,
    /// Release version.
    pub version: Option<String>,
    /// Artifact digests by algorithm.
    pub digests: BTreeMap<String, String>,
    /// The commit being released: `--param commit=SHA`, else the change's head commit.
    pub commit: Option<String>,
}

/// `input.context`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Context {
    /// Evaluation time, RFC 3339 (UTC).
    pub now: String,
    /// Evaluation time in nanoseconds since the epoch (what `time.now_ns()` returns).
    pub now_ns: i64,
    /// Deployment environment, when given.
    pub environment: Option<String>,
    /// Free-form parameters from the command line or config.
    pub params: BTreeMap<String, String>,
}

/// The whole document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Input {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Every evidence file read.
    pub evidence: Vec<EvidenceInfo>,
    /// The release.
    pub release: Release,
    /// Test results.
    pub tests: Tests,
    /// Findings from every scanner.
    pub findings: Vec<Finding>,
    /// One entry per scanner report that states facts about its own completeness (SARIF,
    /// npm audit).
    pub scans: Vec<ScanReport>,
    /// SBOM contents.
    pub sbom: Sbom,
    /// Signature verification outcomes (filled by the verification step; empty until then).
    pub signatures: Vec<Verification>,
    /// Attestation verification outcomes (filled by the verification step; empty until then).
    pub attestations: Vec<Attestation>,
    /// Every reviewer's standing decision on the change, from every approvals file.
    pub approvals: Vec<Approval>,
    /// The change being released (pull request, merge request, ticket), when evidence names it.
    pub change: Option<Change>,
    /// Code coverage from every coverage report, merged per file.
    pub coverage: Coverage,
    /// Evaluation context.
    pub context: Context,
}

impl Input {
    /// The document as a regorus value, built without JSON text.
    pub fn to_value(&self) -> Result<regorus::Value, crate::Error> {
        rego::to_value(self)
    }

    /// The same value as [`Input::to_value`], built part by part while the typed facts are
    /// dropped (each test case, finding, component and dependency as soon as it is converted, so
    /// the typed facts and their value never both exist in full), the three large parts — tests,
    /// findings, SBOM — on threads of their own.
    pub fn into_value(self) -> Result<regorus::Value, crate::Error> {
        let Input {
            schema_version,
            evidence,
            release,
            tests,
            findings,
            scans,
            sbom,
            signatures,
            attestations,
            approvals,
            change,
            coverage,
            context,
        } = self;
        let (tests, findings, sbom) = std::thread::scope(|scope| {
            let t = scope.spawn(move || tests.into_value());
            let f = scope.spawn(move || rego::consume(findings, &rego::Interner::default()));
            let s = sbom.into_value();
            let join =
                |h: std::thread::ScopedJoinHandle<'_, Result<regorus::Value, crate::Error>>| {
                    h.join().unwrap_or_else(|_| {
                        Err(crate::Error::Internal {
                            kind: crate::error::Internal::ThreadStopped,
                            during: "building the input document".to_owned(),
                            message: "a worker thread stopped without a result".to_owned(),
                        })
                    })
                };
            (join(t), join(f), s)
        });
        let cache = rego::Interner::default();
        Ok(rego::object(
            [
                (
                    "schema_version",
                    rego::to_value_with(&schema_version, &cache)?,
                ),
                ("evidence", rego::to_value_with(&evidence, &cache)?),
                ("release", rego::to_value_with(&release, &cache)?),
                ("tests", tests?),
                ("findings", findings?),
                ("scans", rego::to_value_with(&scans, &cache)?),
                ("sbom", sbom?),
                ("signatures", rego::to_value_with(&signatures, &cache)?),
                ("attestations", rego::to_value_with(&attestations, &cache)?),
                ("approvals", rego::to_value_with(&approvals, &cache)?),
                ("change", rego::to_value_with(&change, &cache)?),
                ("coverage", rego::to_value_with(&coverage, &cache)?),
                ("context", rego::to_value_with(&context, &cache)?),
            ],
            &cache,
        ))
    }
}

impl Tests {
    /// `input.tests` as a value, each test case dropped once converted.
    fn into_value(self) -> Result<regorus::Value, crate::Error> {
        let Tests {
            summary,
            cases,
            reports,
        } = self;
        let cache = rego::Interner::default();
        Ok(rego::object(
            [
                ("summary", rego::to_value_with(&summary, &cache)?),
                ("cases", rego::consume(cases, &cache)?),
                ("reports", rego::consume(reports, &cache)?),
            ],
            &cache,
        ))
    }
}

impl Sbom {
    /// `input.sbom` as a value, each component and dependency dropped once converted. One
    /// interner for the whole SBOM, so the dependency graph shares the components' references.
    fn into_value(self) -> Result<regorus::Value, crate::Error> {
        let Sbom {
            components,
            dependencies,
            vex,
        } = self;
        let cache = rego::Interner::default();
        Ok(rego::object(
            [
                ("components", rego::consume(components, &cache)?),
                ("dependencies", rego::consume(dependencies, &cache)?),
                ("vex", rego::consume(vex, &cache)?),
            ],
            &cache,
        ))
    }
}

/// The JSON Schema of the `input` document (draft 2020-12), as shipped in docs/input.schema.json.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Input).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://gate.invalid/schemas/input-v1.json".into(),
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/input.schema.json is generated from these types; regenerate with
    /// `UPDATE_SCHEMA=1 cargo test -p gate-core input::tests`.
    #[test]
    fn published_schema_is_current() {
        crate::published::assert_current("input.schema.json", &json_schema(), "input");
    }

    #[test]
    fn into_value_equals_to_value() {
        let mut input = Input {
            schema_version: SCHEMA_VERSION,
            ..Input::default()
        };
        input.tests.summary.add(TestStatus::Failed);
        input.release.name = Some("app".into());
        input.context.params.insert("k".into(), "v".into());
        // Facts of every large part, with the strings the conversion shares (evidence ids,
        // licenses, references, map keys) repeated.
        let src = |i: usize| Source::pointer("sbom.json", format!("/components/{i}"));
        for i in 0..3 {
            input.sbom.components.push(Component {
                name: Some(format!("c{i}")),
                version: Some("1.0".into()),
                group: None,
                purl: Some(format!("pkg:npm/c{i}@1.0")),
                kind: Some("library".into()),
                licenses: vec!["MIT".into()],
                hashes: BTreeMap::from([("SHA-256".to_owned(), format!("{i:064}"))]),
                supplier: None,
                bom_ref: Some(format!("ref-{i}")),
                direct: Some(i == 0),
                license_expression: Some("MIT".into()),
                license_ids: vec!["MIT".into()],
                license_unknown: vec![],
                source: src(i),
                subject: format!("pkg:npm/c{i}@1.0"),
            });
            input.sbom.dependencies.push(Dependency {
                evidence: "sbom.json".into(),
                reference: format!("ref-{i}"),
                depends_on: vec!["ref-1".into(), "ref-2".into()],
            });
            input.tests.cases.push(TestCase {
                suite: "pytest".into(),
                classname: "tests.test_x".into(),
                name: format!("test_{i}"),
                status: TestStatus::Passed,
                message: None,
                duration_s: Some(0.5),
                flaky: false,
                source: Source::line("junit.xml", 1, i + 1),
                subject: format!("tests.test_x::test_{i}"),
            });
            input.findings.push(Finding {
                id: format!("CVE-2026-{i}"),
                aliases: vec![],
                tool: "grype".into(),
                kind: FindingKind::Vulnerability,
                severity: Severity::High,
                severity_source: Some("High".into()),
                score: None,
                package: None,
                fix_state: FixState::Unknown,
                fixed_in: vec![],
                location: None,
                rule: None,
                message: String::new(),
                remediation: None,
                suppressed: false,
                baseline_state: None,
                source: src(i),
                tools: vec!["grype".into()],
                sources: vec![src(i)],
                subject: format!("CVE-2026-{i}"),
            });
        }
        let a = input.to_value().unwrap();
        let b = input.clone().into_value().unwrap();
        assert_eq!(a, b);
        // And both are what the JSON text of the document gives.
        let text = serde_json::to_string(&input).unwrap();
        assert_eq!(b, regorus::Value::from_json_str(&text).unwrap());
        // Every top-level field of the document is present (none forgotten in into_value).
        let json = serde_json::to_value(&input).unwrap();
        assert_eq!(
            b.as_object().unwrap().len(),
            json.as_object().unwrap().len()
        );
    }

    #[test]
    fn subjects_follow_the_design() {
        let src = Source::line("j.xml", 1, 1);
        let f = Finding {
            id: "CVE-2021-44228".into(),
            aliases: vec![],
            tool: "grype".into(),
            kind: FindingKind::Vulnerability,
            severity: Severity::Critical,
            severity_source: None,
            score: None,
            package: Some(Package {
                name: "log4j-core".into(),
                version: Some("2.14.1".into()),
                purl: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into()),
                kind: None,
            }),
            fix_state: FixState::Fixed,
            fixed_in: vec![],
            location: None,
            rule: None,
            message: String::new(),
            remediation: None,
            suppressed: false,
            baseline_state: None,
            source: src.clone(),
            tools: vec![],
            sources: vec![],
            subject: String::new(),
        };
        assert_eq!(
            f.derive_subject(),
            "CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        let t = TestCase {
            suite: "s".into(),
            classname: "tests.test_x".into(),
            name: "test_y".into(),
            status: TestStatus::Failed,
            message: None,
            duration_s: None,
            flaky: false,
            source: src,
            subject: String::new(),
        };
        assert_eq!(t.derive_subject(), "tests.test_x::test_y");
    }
}
