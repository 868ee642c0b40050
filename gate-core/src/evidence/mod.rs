//! Evidence: find files, detect their kind by content, parse and normalise them into facts.
//!
//! Every format is a plug-in of the same shape ([`Format`]: a cheap probe, and
//! `read(id, text) -> Result<Parsed, _>`, which parses with source positions and normalises into
//! [`Facts`]) in its own file, listed once in `FORMATS`. Detection looks at content only (the
//! top-level keys of a JSON document, the root element of an XML one, the first line of a TAP
//! stream, a `gate-approvals:` line in YAML), never at file names. Decoding, strict JSON, XML and
//! positions come from `crate::source`; signatures are verified later, by `crate::verify`.

pub(crate) mod approvals;
pub(crate) mod cobertura;
mod common;
mod coverage;
pub(crate) mod cyclonedx;
pub(crate) mod cyclonedx_xml;
pub(crate) mod format;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod go_cover;
pub(crate) mod grype;
pub(crate) mod istanbul;
pub(crate) mod jacoco;
pub(crate) mod junit;
pub(crate) mod lcov;
pub(crate) mod npm_audit;
pub(crate) mod osv;
pub(crate) mod sarif;
pub(crate) mod sbom_graph;
pub(crate) mod sigstore;
pub(crate) mod spdx;
pub(crate) mod tap;
pub(crate) mod trivy;

// Old paths of two `source` modules, kept for callers outside gate-core's reading layers.
#[doc(hidden)]
pub use crate::source::{locate, text};

pub use crate::files::evidence_id;
use crate::files::walk_error;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::diagnostic::{Code, Diagnostic};
use crate::input::{
    Component, Dependency, EvidenceInfo, Finding, Producer, TestCase, TestReport, VexStatement,
};
use crate::source::{json, xml};
use crate::verify::evidence::SignedItem;
use crate::{Error, EvidenceError};
pub use format::{Claim, Format, Probe};

/// The kind of an evidence file, by the name `input.evidence[].kind` gives it (`junit`,
/// `sarif`, `cyclonedx`, …). Each format's file defines its kind's constant (`Kind::Junit`);
/// `FORMATS` lists the formats, so the kinds gate reads are [`Kind::all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kind(&'static str);

impl Kind {
    /// The name used in `input.evidence[].kind`.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The kind of this name, if gate reads it.
    pub fn named(name: &str) -> Option<Kind> {
        Self::all().into_iter().find(|k| k.0 == name)
    }

    /// Every kind gate reads, once each, in detection order.
    pub fn all() -> Vec<Kind> {
        let mut kinds: Vec<Kind> = Vec::new();
        for f in FORMATS {
            if !kinds.contains(&f.kind()) {
                kinds.push(f.kind());
            }
        }
        kinds
    }
}

/// Every format gate reads, in detection priority order: detection takes the first whose probe
/// claims a document, and a kind given without detection is read by the first of its readers
/// that [`Format::reads`] the text. Shapes never overlap (a JSON object's probe never claims an
/// array), so only the order among probes of one shape matters.
pub(crate) static FORMATS: &[&dyn Format] = &[
    &trivy::TrivyListFormat,
    &sarif::SarifFormat,
    &cyclonedx_xml::CycloneDxXmlFormat,
    &cyclonedx::CycloneDxFormat,
    &junit::JunitFormat,
    &cobertura::CoberturaFormat,
    &jacoco::JacocoFormat,
    &grype::GrypeFormat,
    &sigstore::BundleFormat,
    &sigstore::DsseFormat,
    &sigstore::InTotoFormat,
    &trivy::TrivyKubernetesFormat,
    &osv::OsvFormat,
    &npm_audit::NpmAuditFormat,
    &approvals::GateApprovalsFormat,
    &github::PullRequestFormat,
    &github::ReviewsFormat,
    &gitlab::ApprovalsFormat,
    &gitlab::MergeRequestFormat,
    &trivy::TrivyFormat,
    &spdx::SpdxFormat,
    // Claims any object whose every top-level value is an object and that has `total`: last
    // among the JSON object probes.
    &istanbul::IstanbulSummaryFormat,
    &tap::TapFormat,
    &lcov::LcovFormat,
    &go_cover::GoCoverFormat,
];

/// The registered formats, for tests that drive every reader directly.
#[doc(hidden)]
pub fn formats() -> &'static [&'static dyn Format] {
    FORMATS
}

/// Facts normalised from one file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Facts {
    /// Test cases (test reports).
    pub tests: Vec<TestCase>,
    /// The test report's own figures (test reports).
    pub test_report: Option<TestReport>,
    /// The scanner report's account of itself (SARIF, npm audit).
    pub scan_report: Option<crate::input::ScanReport>,
    /// Findings (scanners).
    pub findings: Vec<Finding>,
    /// Components (SBOMs).
    pub components: Vec<Component>,
    /// Dependency graph edges (SBOMs).
    pub dependencies: Vec<Dependency>,
    /// VEX statements (SBOMs).
    pub vex: Vec<VexStatement>,
    /// Reviewers' standing decisions (approvals evidence).
    pub approvals: Vec<crate::input::Approval>,
    /// The change being released (pull request, merge request, ticket).
    pub change: Option<crate::input::Change>,
    /// The kinds of finding this document is a scan for: what a scanner looked for, whether or
    /// not it found anything (a clean scan still counts as that kind of evidence).
    pub scanned: Vec<crate::input::FindingKind>,
    /// A coverage report's files and figures (Cobertura, LCOV, JaCoCo, Go, istanbul).
    pub coverage: Option<crate::input::coverage::CoverageData>,
}

/// What a format reader returns.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Parsed {
    /// The format's version as the document states it.
    pub format_version: Option<String>,
    /// The tool that wrote the document.
    pub producer: Producer,
    /// The normalised facts.
    pub facts: Facts,
    /// Non-fatal notes.
    pub diagnostics: Vec<Diagnostic>,
    /// Signatures and attestations awaiting verification (Sigstore, DSSE, in-toto).
    pub signed: Vec<SignedItem>,
}

/// One evidence file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Its `input.evidence[]` entry.
    pub info: EvidenceInfo,
    /// Its facts.
    pub facts: Facts,
    /// Notes about it.
    pub diagnostics: Vec<Diagnostic>,
    /// Signatures and attestations awaiting verification (see `crate::verify::evidence`).
    pub signed: Vec<SignedItem>,
}

/// The outcome of detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// A kind gate reads.
    Known(Kind),
    /// Well-formed, but no kind gate reads; the reason says what it looks like.
    Unknown(String),
}

/// Detect the kind of a decoded document: the first format in `FORMATS` whose probe claims it.
pub fn detect(text: &str) -> Result<Detected, EvidenceError> {
    let json_probe;
    let root;
    let probe = match text.trim_start().chars().next() {
        Some('{') | Some('[') => {
            json_probe = json::Probe::read(text)?;
            Probe::Json(&json_probe)
        }
        Some('<') => {
            root = xml::root(text)?
                .ok_or_else(|| EvidenceError::new("XML document without a root element"))?;
            Probe::Xml(&root)
        }
        _ => Probe::Text(text),
    };
    for format in FORMATS {
        match format.probe(&probe) {
            Claim::No => {}
            Claim::Yes => return Ok(Detected::Known(format.kind())),
            Claim::Refuse(e) => return Err(e),
            Claim::Unread(reason) => return Ok(Detected::Unknown(reason)),
        }
    }
    Ok(Detected::Unknown(match probe {
        Probe::Json(p) if !p.is_object => {
            "a JSON document whose top level is not an object".to_owned()
        }
        Probe::Json(_) => "a JSON document of no kind gate reads".to_owned(),
        Probe::Xml(root) => format!("an XML document with root element <{}>", root.name),
        Probe::Text(_) => {
            "neither JSON, XML, TAP, an LCOV tracefile nor a Go coverage profile".to_owned()
        }
    }))
}

/// Read one file. `Ok(Err(reason))` means it is well-formed but of no kind gate reads.
pub fn read_file(path: &Path, id: &str) -> Result<Result<Evidence, String>, Error> {
    let bytes = crate::files::read(path, crate::files::Input::Evidence)?;
    let wrap = |problem: EvidenceError| Error::Evidence {
        path: path.to_owned(),
        problem,
    };
    let text = text::decode(&bytes).map_err(wrap)?;
    let kind = match detect(&text).map_err(wrap)? {
        Detected::Known(k) => k,
        Detected::Unknown(reason) => return Ok(Err(reason)),
    };
    read_known(kind, id, &bytes, &text).map(Ok).map_err(wrap)
}

/// Read bytes as evidence of a given kind, without detection and without touching the file
/// system; errors name `id` as the file. This is the entry point of the fuzz targets (`fuzz/`),
/// which reach every reader through it; it is not part of the supported API.
#[doc(hidden)]
pub fn read_as(kind: Kind, id: &str, bytes: &[u8]) -> Result<Evidence, Error> {
    let wrap = |problem: EvidenceError| Error::Evidence {
        path: PathBuf::from(id),
        problem,
    };
    let text = text::decode(bytes).map_err(wrap)?;
    read_known(kind, id, bytes, &text).map_err(wrap)
}

/// Parse and normalise a decoded document of a known kind.
fn read_known(kind: Kind, id: &str, bytes: &[u8], text: &str) -> Result<Evidence, EvidenceError> {
    let format = FORMATS
        .iter()
        .find(|f| f.kind() == kind && f.reads(text))
        .ok_or_else(|| EvidenceError::new(format!("no reader for `{}`", kind.as_str())))?;
    let parsed = format.read(id, text)?;
    let mut diagnostics = parsed.diagnostics;
    for d in &mut diagnostics {
        d.path.get_or_insert_with(|| id.to_owned());
    }
    Ok(Evidence {
        info: EvidenceInfo {
            id: id.to_owned(),
            path: id.to_owned(),
            kind: kind.as_str().to_owned(),
            format_version: parsed.format_version,
            producer: parsed.producer,
            sha256: hex::encode(Sha256::digest(bytes)),
        },
        facts: parsed.facts,
        diagnostics,
        signed: parsed.signed,
    })
}

/// Everything read from the command line's evidence arguments.
#[derive(Debug, Default)]
pub struct Collected {
    /// The files read, in argument order (folders walked in name order).
    pub evidence: Vec<Evidence>,
    /// Notes: files skipped while walking, and every reader's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

pub use crate::input::UNKNOWN_ID;

/// File name endings considered when walking a folder.
const WALKED_EXTENSIONS: &[&str] = &[
    "json",
    "xml",
    "sarif",
    "tap",
    "yaml",
    "yml",
    "sigstore",
    // LCOV tracefiles (`lcov.info`, `*.lcov`) and Go coverage profiles (`*.coverprofile`).
    "info",
    "lcov",
    "coverprofile",
];

/// File names considered when walking a folder whatever their ending: Go coverage profiles as
/// `go test -coverprofile` is usually told to name them.
const WALKED_NAMES: &[&str] = &["coverage.out", "cover.out", "coverprofile.out"];

/// Read every evidence argument. A file named explicitly must be of a known kind; a file found
/// while walking a folder that is of no known kind is skipped with a note. Anything that looks
/// like evidence but cannot be read is an error: gate fails closed. Every file is read even when
/// another fails, so the error names every problem (an [`Error::Multiple`] when there are
/// several), in argument order.
pub fn collect(args: &[PathBuf]) -> Result<Collected, Error> {
    let (Listed { files, hidden }, mut errors) = list_all(args);
    // Decide what to read (in order), then read in parallel, then assemble in order, so the
    // result and the errors reported do not depend on thread timing.
    let mut plan: Vec<Planned> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (path, explicit) in files {
        let id = evidence_id(&path);
        if !seen.insert(id.clone()) {
            continue;
        }
        if !explicit {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !WALKED_EXTENSIONS.contains(&ext.as_str()) && !WALKED_NAMES.contains(&name.as_str())
            {
                let walked: Vec<String> =
                    WALKED_EXTENSIONS.iter().map(|e| format!(".{e}")).collect();
                plan.push(Planned::Skip(skipped(
                    &id,
                    &format!(
                        "not a {} file, nor named {}",
                        walked.join(", "),
                        WALKED_NAMES.join(", ")
                    ),
                )));
                continue;
            }
        }
        let explicit = explicit || name_claims_kind(&path);
        plan.push(Planned::Read { path, id, explicit });
    }

    let plan = Arc::new(plan);
    let results = read_all(&plan)?;
    let mut out = Collected {
        diagnostics: hidden,
        ..Collected::default()
    };
    for (planned, result) in plan.iter().zip(results) {
        match (planned, result.flatten()) {
            (Planned::Skip(note), _) => out.diagnostics.push(note.clone()),
            (Planned::Read { path, id, explicit }, Some(result)) => match result {
                Ok(Ok(ev)) => {
                    out.diagnostics.extend(ev.diagnostics.iter().cloned());
                    out.evidence.push(ev);
                }
                Ok(Err(reason)) if *explicit => errors.push(Error::UnknownKind {
                    path: path.clone(),
                    reason,
                }),
                Ok(Err(reason)) => out.diagnostics.push(skipped(id, &reason)),
                Err(e) => errors.push(e),
            },
            (Planned::Read { path, .. }, None) => errors.push(Error::Internal {
                kind: crate::error::Internal::ThreadStopped,
                during: format!("reading {}", path.display()),
                message: "the reading thread stopped without a result".to_owned(),
            }),
        }
    }
    match Error::from_all(errors) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The files the evidence arguments name, in order, each with whether it was named explicitly,
/// and a note for each hidden entry (name starting with `.`) left out of a walk.
///
/// Folders are walked in name order following symbolic links, so a linked report counts as
/// much as the same report named on the command line; a link that loops back to a folder above
/// it, or leads nowhere, is an error naming it. Entries that are neither files nor folders
/// (FIFOs, sockets, devices) are listed too, for reading to refuse. Every argument is listed
/// even when another cannot be; the error names each that could not.
pub fn list(args: &[PathBuf]) -> Result<Listed, Error> {
    let (listed, errors) = list_all(args);
    match Error::from_all(errors) {
        Some(e) => Err(e),
        None => Ok(listed),
    }
}

/// What [`list`] does, with the errors beside what could be listed.
fn list_all(args: &[PathBuf]) -> (Listed, Vec<Error>) {
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    let mut hidden = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        let meta = match fs_err::metadata(arg) {
            Ok(meta) => meta,
            Err(e) => {
                errors.push(Error::Io(e));
                continue;
            }
        };
        if !meta.is_dir() {
            files.push((arg.clone(), true));
            continue;
        }
        let walk = walkdir::WalkDir::new(arg)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let is_hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                if is_hidden {
                    hidden.push(skipped(
                        &evidence_id(e.path()),
                        "hidden (its name starts with `.`)",
                    ));
                }
                !is_hidden
            });
        for entry in walk {
            match entry {
                Ok(entry) if entry.file_type().is_dir() => {}
                Ok(entry) => files.push((entry.into_path(), false)),
                Err(e) => errors.push(walk_error(arg)(e)),
            }
        }
    }
    (Listed { files, hidden }, errors)
}

/// What [`list`] found.
#[derive(Debug, Default)]
pub struct Listed {
    /// Each file, with whether it was named on the command line (not found while walking).
    pub files: Vec<(PathBuf, bool)>,
    /// A `skipped-unknown-file` note for each hidden entry left out of a walk.
    pub hidden: Vec<Diagnostic>,
}

enum Planned {
    Skip(Diagnostic),
    Read {
        path: PathBuf,
        id: String,
        explicit: bool,
    },
}

type ReadResult = Result<Result<Evidence, String>, Error>;

/// Read every planned file, on as many threads as there are cores (at most one per file); a
/// skipped entry's slot is `Some(None)`, a file whose reading stopped (a thread that failed)
/// `None`.
fn read_all(plan: &Arc<Vec<Planned>>) -> Result<Vec<Option<Option<ReadResult>>>, Error> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let read = |_: &mut (), item: &Planned| match item {
        Planned::Read { path, id, .. } => Some(read_file(path, id)),
        Planned::Skip(_) => None,
    };
    let out = crate::pool::run_ordered(
        Arc::clone(plan),
        threads,
        std::thread::Builder::new,
        || (),
        read,
        |_| false,
        None,
    )?;
    Ok(out.slots)
}

/// File names that claim an evidence kind: such a file found while walking must be readable.
fn name_claims_kind(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    [
        ".sarif",
        ".sarif.json",
        ".cdx.json",
        ".cdx.xml",
        ".bom.json",
        ".spdx.json",
        ".intoto.json",
        ".sigstore.json",
        ".sigstore",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

fn skipped(id: &str, reason: &str) -> Diagnostic {
    Diagnostic {
        code: Code::SkippedUnknownFile,
        path: Some(id.to_owned()),
        line: None,
        message: format!("skipped: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content_not_name() {
        let k = |t: &str| detect(t).unwrap();
        assert_eq!(
            k(r#"{"version":"2.1.0","runs":[]}"#),
            Detected::Known(Kind::Sarif)
        );
        assert_eq!(
            k(r#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#),
            Detected::Known(Kind::CycloneDx)
        );
        assert_eq!(
            k(r#"{"matches":[],"descriptor":{}}"#),
            Detected::Known(Kind::Grype)
        );
        assert_eq!(
            k(r#"{"SchemaVersion":2,"Results":[]}"#),
            Detected::Known(Kind::Trivy)
        );
        assert!(matches!(k(r#"{"name":"x"}"#), Detected::Unknown(_)));
        assert!(matches!(k("hello"), Detected::Unknown(_)));
    }

    #[test]
    fn trivy_list_form_and_bare_grype_are_detected() {
        let k = |t: &str| detect(t).unwrap();
        assert_eq!(
            k(r#"[{"Target":"a","Vulnerabilities":[]}]"#),
            Detected::Known(Kind::Trivy)
        );
        assert_eq!(k(r#"{"matches":[]}"#), Detected::Known(Kind::Grype));
        assert!(matches!(k(r#"[{"name":"x"}]"#), Detected::Unknown(_)));
    }

    #[test]
    fn names_that_claim_a_kind() {
        assert!(name_claims_kind(Path::new("a/b.sarif")));
        assert!(name_claims_kind(Path::new("sbom.CDX.json")));
        assert!(!name_claims_kind(Path::new("package.json")));
    }

    #[test]
    fn sboms_are_detected_by_content() {
        let k = |t: &str| detect(t).unwrap();
        assert_eq!(
            k(r#"<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>"#),
            Detected::Known(Kind::CycloneDx)
        );
        assert_eq!(
            k(r#"{"SPDXID":"SPDXRef-DOCUMENT","spdxVersion":"SPDX-2.3"}"#),
            Detected::Known(Kind::Spdx)
        );
        let Detected::Unknown(why) =
            k(r#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}"#)
        else {
            panic!("SPDX 3 is not read")
        };
        assert!(why.contains("SPDX 3"), "{why}");
    }

    #[test]
    fn coverage_reports_are_detected_and_steal_no_other_format() {
        let k = |t: &str| detect(t).unwrap();
        assert_eq!(
            k("<?xml version=\"1.0\" ?>\n<coverage version=\"7.17.5\" lines-valid=\"0\"/>"),
            Detected::Known(Kind::Cobertura)
        );
        assert_eq!(
            k("<!DOCTYPE report PUBLIC \"-//JACOCO//DTD Report 1.1//EN\" \"report.dtd\"><report name=\"x\"/>"),
            Detected::Known(Kind::Jacoco)
        );
        assert_eq!(k("TN:\nSF:/src/a.js\n"), Detected::Known(Kind::Lcov));
        assert_eq!(k("SF:a.c\nDA:1,1\n"), Detected::Known(Kind::Lcov));
        assert_eq!(
            k("mode: count\na.go:1.1,2.2 1 1\n"),
            Detected::Known(Kind::GoCoverprofile)
        );
        assert_eq!(
            k(r#"{"total": {"lines": {}}, "/src/a.js": {"lines": {}}}"#),
            Detected::Known(Kind::IstanbulSummary)
        );
        // What other formats write stays theirs.
        assert_eq!(
            k("<testsuites><testsuite name=\"coverage\"/></testsuites>"),
            Detected::Known(Kind::Junit)
        );
        assert_eq!(
            k("TAP version 13\n1..1\nok 1 - SF:x\n"),
            Detected::Known(Kind::Tap)
        );
        assert_eq!(
            k(r#"{"version":"2.1.0","runs":[],"total":{}}"#),
            Detected::Known(Kind::Sarif)
        );
        assert_eq!(
            k(r#"{"matches":[],"total":{}}"#),
            Detected::Known(Kind::Grype)
        );
        assert_eq!(
            k(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>"#),
            Detected::Known(Kind::CycloneDx)
        );
        // Look-alikes are not claimed.
        for text in [
            r#"{"total": 3, "files": {}}"#,
            r#"{"total": {"lines": 1}, "name": "x"}"#,
            r#"{"summary": {}}"#,
            "<report/>",
            "<coverage-report/>",
            "modes: set\n",
            "TNT:\n",
        ] {
            assert!(matches!(k(text), Detected::Unknown(_)), "{text}");
        }
        // Clover shares the root element and is recognised, not read.
        let Detected::Unknown(why) =
            k("<coverage generated=\"1591172462\" clover=\"4.4.1\"><project/></coverage>")
        else {
            panic!("Clover is not read")
        };
        assert!(why.contains("Clover"), "{why}");
    }

    #[test]
    fn coverage_files_are_walked_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("lcov.info", "TN:\nSF:a.c\nDA:1,1\nend_of_record\n"),
            ("coverage.out", "mode: set\na.go:1.1,2.2 1 1\n"),
            ("unit.coverprofile", "mode: set\nb.go:1.1,2.2 1 0\n"),
            ("notes.out", "mode: set\n"),
        ] {
            fs_err::write(dir.path().join(name), text).unwrap();
        }
        let c = collect(&[dir.path().to_owned()]).unwrap();
        let kinds: Vec<&str> = c.evidence.iter().map(|e| e.info.kind.as_str()).collect();
        assert_eq!(kinds, ["go-coverprofile", "lcov", "go-coverprofile"]);
        assert_eq!(c.diagnostics.len(), 1, "{:?}", c.diagnostics);
        assert!(
            c.diagnostics[0].message.contains("nor named coverage.out"),
            "{:?}",
            c.diagnostics
        );
    }

    #[test]
    fn cyclonedx_without_bom_format_is_refused() {
        let e = detect(r#"{"specVersion":1.5,"components":[]}"#).unwrap_err();
        assert!(e.message.contains("bomFormat"), "{e:?}");
    }

    /// Every fact of real-tool fixtures: its pointer resolves to the start of an object.
    #[test]
    fn resolves_every_fact_of_real_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        for rel in [
            "sbom/environment-1.6.cdx.json",
            "sarif/ruff.sarif",
            "sarif/bandit-deploy-helper.sarif",
        ] {
            let path = root.join(rel);
            let ev = read_file(&path, rel).unwrap().unwrap();
            let pointers: Vec<String> = ev
                .facts
                .components
                .iter()
                .map(|c| &c.source)
                .chain(ev.facts.findings.iter().map(|f| &f.source))
                .filter_map(|s| s.pointer.clone())
                .collect();
            assert!(!pointers.is_empty(), "{rel}");
            let text = fs_err::read_to_string(&path).unwrap();
            let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
            let found = locate::locate(&text, &refs);
            assert_eq!(
                found.len(),
                pointers.len(),
                "{rel}: not every pointer resolved"
            );
            for (p, (line, col)) in found {
                let l = text.lines().nth(line - 1).unwrap();
                let at: String = l.chars().skip(col - 1).take(1).collect();
                assert_eq!(at, "{", "{rel}{p} at {line}:{col}");
            }
        }
    }

    /// Every kind the registry reads has a row in docs/evidence.md naming it and linking its
    /// page, and that page exists: a format added to `FORMATS` without docs fails here.
    #[test]
    fn every_kind_has_a_documented_page() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        let index = fs_err::read_to_string(docs.join("evidence.md")).unwrap();
        for kind in Kind::all() {
            let name = format!("`{}`", kind.as_str());
            let row = index
                .lines()
                .find(|l| l.starts_with("| ") && l.contains(&name))
                .unwrap_or_else(|| panic!("docs/evidence.md has no row for {name}"));
            let page = row
                .split("](")
                .nth(1)
                .and_then(|rest| rest.split(')').next())
                .unwrap_or_else(|| panic!("the row for {name} links no page"));
            assert!(docs.join(page).is_file(), "{name}: docs/{page} is missing");
        }
    }

    /// Every kind is readable without detection (`read_as`): some reader of it accepts the
    /// text, and kinds and their names map one to one.
    #[test]
    fn every_kind_has_a_reader_and_a_unique_name() {
        let kinds = Kind::all();
        assert_eq!(kinds.len(), 22, "{kinds:?}");
        for kind in &kinds {
            assert_eq!(Kind::named(kind.as_str()), Some(*kind));
            for text in ["{}", "[]", "<a/>", "x"] {
                assert!(
                    FORMATS.iter().any(|f| f.kind() == *kind && f.reads(text)),
                    "{kind:?} has no reader for {text}"
                );
            }
        }
        assert_eq!(Kind::named("nope"), None);
    }
}
