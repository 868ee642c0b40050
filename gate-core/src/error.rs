//! Errors: the "could not evaluate" channel. Every variant ends a run with exit code 2.
//!
//! Each error has a stable [`ErrorCode`] (the list docs/diagnostics.md is generated from) and
//! plain accessors ([`Error::code`], [`Error::path`], [`Error::line`], [`Error::column`],
//! [`Error::message`]), so a program embedding gate-core can word its own message; `Display` is
//! a plain one-line message naming the file. The [`miette::Diagnostic`] implementation is for
//! rich rendering (the `gate` binary's). Errors of gate itself, not of its input (a worker thread
//! that stopped, a panic in the Rego engine), are [`Error::Internal`] with a `gate::internal::`
//! code. Non-fatal notes are [`crate::diagnostic::Diagnostic`]s; policy outcomes are report
//! results.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use strum::{EnumMessage as _, EnumProperty as _, IntoEnumIterator as _};

/// Why an evidence file could not be read. Carries the position when the parser knows it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EvidenceError {
    /// What is wrong, in words that name the field or construct at fault.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl EvidenceError {
    /// An error without a position.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// An error at a 1-based line and column.
    pub fn at(message: impl Into<String>, line: usize, column: usize) -> Self {
        Self {
            message: message.into(),
            line: Some(line),
            column: Some(column),
        }
    }
}

/// The stable code of a fatal error (exit 2), as miette renders it and docs/diagnostics.md lists
/// it. The doc comment of each variant is its documented meaning.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::EnumProperty,
)]
#[non_exhaustive]
pub enum ErrorCode {
    /// an evidence file is empty, whitespace only, compressed, not UTF-8/UTF-16, not well-formed,
    /// nested too deeply, declares XML entities, or breaks its format's schema (the message names
    /// the field). The message starts with `FILE:LINE:COLUMN` where known.
    #[strum(serialize = "gate::evidence::invalid")]
    EvidenceInvalid,
    /// a file named on the command line is of no kind gate reads
    #[strum(
        serialize = "gate::evidence::unknown_kind",
        props(
            help = "gate reads JUnit XML, TAP, SARIF 2.1.0, Grype, Trivy, OSV-Scanner and npm audit JSON, CycloneDX JSON and XML, SPDX 2.x JSON, Sigstore bundles, DSSE envelopes, in-toto statements, approvals (GitHub, GitLab, gate-approvals) and coverage reports (Cobertura, LCOV, JaCoCo, Go coverprofile, istanbul summary); see docs/evidence.md"
        )
    )]
    EvidenceUnknownKind,
    /// a file or folder could not be read; a file is not a regular file (a FIFO, a device, a
    /// folder where a file is expected), is larger than the limit for its kind, or is not UTF-8
    /// where text is needed (see [files gate reads](cli.md#files-gate-reads)); a symbolic link in
    /// a walked folder loops or leads nowhere
    #[strum(serialize = "gate::io")]
    Io,
    /// a policy does not parse or compile; the message names file, line and column, and the
    /// offending line is quoted with the column marked. Besides Rego syntax and safety, gate
    /// refuses: recursion (`recursion: \`data.p.f\` depends on itself (data.p.f -> data.p.f)`), a
    /// non-hermetic builtin (`http.send`, `net.lookup_ip_addr`, `uuid.rfc4122`, `rand.intn`), an
    /// undefined function (even in a body never reached), and `deny`/`warn`/`violation` declared
    /// as a function
    #[strum(serialize = "gate::policy::compile")]
    PolicyCompile,
    /// `gate test` found no `test_*` rule, or none matching `--run`
    #[strum(
        serialize = "gate::policy::no_tests",
        props(
            help = "a test is a rule whose name starts with `test_`, e.g. in `<name>_test.rego`"
        )
    )]
    PolicyNoTests,
    /// a policy raised an error while being evaluated (conflicting values of a complete rule, a
    /// builtin refusing its arguments, `numbers.range` larger than `--max-memory` allows); the
    /// message names the rule or file and line
    #[strum(serialize = "gate::policy::eval")]
    PolicyEval,
    /// evaluation went past `--timeout` or `--max-memory`; the message names the rules (or the
    /// `gate test` test) being evaluated and the limit
    #[strum(
        serialize = "gate::policy::limit",
        props(
            help = "a policy that needs more may be given it with --timeout or --max-memory; one that loops over a huge range or string is likely a bug"
        )
    )]
    PolicyLimit,
    /// a `# METADATA` block is not valid YAML, has a key OPA does not know, a bad `scope` or
    /// `custom.effective_on`, or annotates nothing; the message names file and line
    #[strum(
        serialize = "gate::policy::metadata",
        props(
            help = "METADATA is YAML in comments (OPA's annotation keys); see docs/policy-authoring.md"
        )
    )]
    PolicyMetadata,
    /// a waivers file or `gate.toml` is not valid TOML, has an unknown field or section, lacks or
    /// blanks `code`/`subject`/`owner`/`reason`/`expires`, or has an unreadable date, an invalid
    /// glob or a duplicate id; a `gate.toml` names an unknown profile or evidence kind; the
    /// message names file, line, column, the waiver and the field
    #[strum(
        serialize = "gate::config::invalid",
        props(
            help = "see docs/config.md and docs/gate-toml.schema.json (waivers: docs/waivers.md)"
        )
    )]
    ConfigInvalid,
    /// a rule returned something that is neither a string nor an object with `msg`
    #[strum(
        serialize = "gate::policy::bad_result",
        props(help = "a deny/warn result is a string or an object with at least `msg`")
    )]
    PolicyBadResult,
    /// the policies define no `deny`, `violation` or `warn` rule
    #[strum(serialize = "gate::policy::no_rules")]
    PolicyNoRules,
    /// a `-d` data document is not a readable JSON object, or repeats a key in an object (the
    /// message names file, line and column)
    #[strum(serialize = "gate::data::invalid")]
    DataInvalid,
    /// evidence of a kind the `require` list of `gate.toml` (or the library's
    /// `GateBuilder::require`) names was not given: the message names each missing kind and
    /// what would cover it. Without that evidence the policies about it would judge nothing, so
    /// gate gives no verdict
    #[strum(
        serialize = "gate::evidence::required_missing",
        props(
            help = "give the evidence (see docs/config.md#required-evidence for what covers each kind), or drop the kind from `require`"
        )
    )]
    EvidenceRequiredMissing,
    /// a policy setting or parameter is not one a loaded policy declares (a typo such as
    /// `blocking_severity`), or its value does not match the declared schema; the message
    /// names the file (with line and column for JSON), the setting and the known names
    #[strum(
        serialize = "gate::settings::invalid",
        props(
            help = "the standard policies' settings are listed in docs/policies/; a policy declares its own under `custom.settings` in its package METADATA (docs/config.md#policy-settings)"
        )
    )]
    SettingsInvalid,
    /// a flag's value is not acceptable (among them an `-o` path that is one of the run's inputs,
    /// or two `-o` options naming one file), or no evidence was found
    #[strum(serialize = "gate::usage")]
    Usage,
    /// internal: a worker thread of gate stopped without a result. Not a fault of the input;
    /// the message names what was being done
    #[strum(
        serialize = "gate::internal::thread",
        props(help = "this is a failure inside gate, not a fault of the input; please report it")
    )]
    InternalThread,
    /// internal: the Rego engine failed (panicked) while evaluating a policy; the message names
    /// the rule and quotes the engine's message. Often a policy can avoid the builtin call that
    /// triggers it
    #[strum(
        serialize = "gate::internal::engine",
        props(
            help = "this is a failure inside the Rego engine, not a fault of the input; please report it with the policy that triggers it"
        )
    )]
    InternalEngine,
}

impl ErrorCode {
    /// Every code, in documentation order.
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        ErrorCode::iter()
    }

    /// The code as rendered: `gate::evidence::invalid`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the code means, in one paragraph (the variant's documentation).
    pub fn description(self) -> String {
        one_paragraph(self.get_documentation())
    }

    /// The hint shown under the error, when there is one.
    pub fn help(self) -> Option<&'static str> {
        self.get_str("help")
    }

    /// Whether the code is a failure of gate itself rather than of its input.
    pub fn is_internal(self) -> bool {
        matches!(self, ErrorCode::InternalThread | ErrorCode::InternalEngine)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A variant's documentation (lines joined by `\n`) as one line.
pub(crate) fn one_paragraph(doc: Option<&str>) -> String {
    doc.unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which failure of gate itself an [`Error::Internal`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Internal {
    /// A worker thread stopped without a result (`gate::internal::thread`).
    ThreadStopped,
    /// The Rego engine panicked (`gate::internal::engine`).
    EnginePanic,
}

/// Everything that stops gate from reaching a verdict.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An evidence file could not be read, is not well-formed, or breaks its format's schema.
    #[error("{}: {}", display_location(path, problem.line, problem.column), problem.message)]
    Evidence {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong and where.
        problem: EvidenceError,
    },

    /// A file named on the command line is of no kind gate reads.
    #[error("{}: unknown evidence kind: {reason}", path.display())]
    UnknownKind {
        /// The file at fault.
        path: PathBuf,
        /// What gate saw instead.
        reason: String,
    },

    /// A file or folder could not be read at all.
    #[error("{0}")]
    Io(#[from] std::io::Error),

    /// A file gate was given is not one it reads: not a regular file (a FIFO, a device, a
    /// folder where a file is needed), larger than the limit for its kind, or not UTF-8 text.
    #[error("{}: {}", display_location(path, problem.line, problem.column), problem.message)]
    File {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong.
        problem: EvidenceError,
    },

    /// A policy file failed to parse or compile.
    #[error("policy does not compile: {message}")]
    PolicyCompile {
        /// regorus' message, which names the file, line and column.
        message: String,
    },

    /// A policy file failed to parse or compile at a known line and column; the policy's source
    /// rides along so the line can be quoted with a caret under the column.
    #[error("policy does not compile: {0}")]
    PolicyCompileAt(Box<PolicyAt>),

    /// `gate test` found no `test_*` rule to run (none at all, or none matching `--run`).
    #[error("no tests to run: {0}")]
    NoTests(String),

    /// A `# METADATA` annotation block in a policy cannot be read.
    #[error("{file}:{line}: {message}")]
    PolicyMetadata {
        /// The policy file.
        file: String,
        /// 1-based line of the block (or of the bad YAML inside it).
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// A waiver file or `gate.toml` is not well-formed, breaks its schema, or a waiver lacks a
    /// required field.
    #[error("{}: {}", display_location(path, problem.line, problem.column), problem.message)]
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong and where (the field, the waiver).
        problem: EvidenceError,
    },

    /// A policy raised an error while being evaluated.
    #[error("policy evaluation failed in `{rule}`: {message}")]
    PolicyEval {
        /// The rule path being evaluated.
        rule: String,
        /// regorus' message.
        message: String,
    },

    /// A policy raised an error at a known line and column while being evaluated (a function
    /// that does not exist, conflicting rule values); the policy's source rides along so the
    /// line can be quoted with a caret under the column.
    #[error("policy evaluation failed: {0}")]
    PolicyEvalAt(Box<PolicyAt>),

    /// Evaluating a policy went past a limit: the time limit (`--timeout`) or the memory limit
    /// (`--max-memory`).
    #[error("policy evaluation stopped in `{rule}`: {message}")]
    PolicyLimit {
        /// The rules (or the test) being evaluated.
        rule: String,
        /// Which limit, and its value.
        message: String,
    },

    /// A policy produced a result gate cannot understand.
    #[error("`{rule}` produced a result gate cannot read: {message}")]
    PolicyResult {
        /// The rule path.
        rule: String,
        /// What is wrong with the value.
        message: String,
    },

    /// No deny/warn/violation rule was found in the loaded policies.
    #[error("no rules to evaluate: the policies define no `deny`, `violation` or `warn` rule")]
    NoRules,

    /// A data document (`-d`) could not be read.
    #[error("{}: {}", display_location(path, problem.line, problem.column), problem.message)]
    Data {
        /// The data file.
        path: PathBuf,
        /// What is wrong and where.
        problem: EvidenceError,
    },

    /// A command-line or configuration value is not acceptable.
    #[error("{0}")]
    Usage(String),

    /// Evidence of a required kind was not given.
    #[error("{message}")]
    RequiredEvidence {
        /// The kinds missing, as users name them (`tests`, `sbom`).
        missing: Vec<String>,
        /// The whole message: which kinds, required by what, and what covers each.
        message: String,
    },

    /// A policy setting or parameter is unknown or invalid.
    #[error("{}{}", path.as_deref().map(|p| format!("{}: ", display_location(p, problem.line, problem.column))).unwrap_or_default(), problem.message)]
    Settings {
        /// The file that gave it (a data document, a `gate.toml`); none for a document handed
        /// to the library or a `--param`.
        path: Option<PathBuf>,
        /// What is wrong and where.
        problem: EvidenceError,
    },
    /// Several problems, each of which alone stops the run: every evidence file that cannot be
    /// read, not only the first. Always two or more, in argument order; [`Error::code`],
    /// [`Error::path`], [`Error::line`], [`Error::column`] and [`Error::message`] are the
    /// first's, and [`Error::problems`] lists them all.
    #[error("{} (and {} more)", .0.first().map(ToString::to_string).unwrap_or_default(), .0.len().saturating_sub(1))]
    Multiple(Vec<Error>),

    /// gate itself failed, not its input: a worker thread stopped without a result, or the Rego
    /// engine panicked. Still exit 2 (no verdict); worth a bug report.
    #[error("{during}: {message}")]
    Internal {
        /// Which failure.
        kind: Internal,
        /// What gate was doing (`policy evaluation failed in `data.p.deny``).
        during: String,
        /// What happened.
        message: String,
    },
}

impl Error {
    /// One error for `errors`: `None` when there are none, the error itself when there is one,
    /// [`Error::Multiple`] (flattened) when there are more.
    pub fn from_all(errors: Vec<Error>) -> Option<Error> {
        let mut flat: Vec<Error> = Vec::with_capacity(errors.len());
        for e in errors {
            match e {
                Error::Multiple(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() > 1 {
            return Some(Error::Multiple(flat));
        }
        flat.pop()
    }

    /// Every problem this error stands for: the errors of an [`Error::Multiple`], else itself.
    pub fn problems(&self) -> Vec<&Error> {
        match self {
            Error::Multiple(all) => all.iter().flat_map(Error::problems).collect(),
            other => vec![other],
        }
    }

    /// The first problem: for [`Error::Multiple`] its first error, else itself.
    fn first(&self) -> &Error {
        match self {
            Error::Multiple(all) => all.first().map_or(self, Error::first),
            other => other,
        }
    }

    /// The first of several problems, when this is an [`Error::Multiple`] that has one.
    fn first_of_many(&self) -> Option<&Error> {
        match self.first() {
            Error::Multiple(_) => None,
            first if !std::ptr::eq(first, self) => Some(first),
            _ => None,
        }
    }

    /// The stable code (see docs/diagnostics.md).
    pub fn code(&self) -> ErrorCode {
        if let Some(first) = self.first_of_many() {
            return first.code();
        }
        match self {
            Error::Evidence { .. } => ErrorCode::EvidenceInvalid,
            Error::UnknownKind { .. } => ErrorCode::EvidenceUnknownKind,
            Error::Io(_) | Error::File { .. } => ErrorCode::Io,
            Error::PolicyCompile { .. } | Error::PolicyCompileAt(_) => ErrorCode::PolicyCompile,
            Error::NoTests(_) => ErrorCode::PolicyNoTests,
            Error::PolicyMetadata { .. } => ErrorCode::PolicyMetadata,
            Error::Config { .. } => ErrorCode::ConfigInvalid,
            Error::PolicyEval { .. } | Error::PolicyEvalAt(_) => ErrorCode::PolicyEval,
            Error::PolicyLimit { .. } => ErrorCode::PolicyLimit,
            Error::PolicyResult { .. } => ErrorCode::PolicyBadResult,
            Error::NoRules => ErrorCode::PolicyNoRules,
            Error::Data { .. } => ErrorCode::DataInvalid,
            Error::Usage(_) | Error::Multiple(_) => ErrorCode::Usage,
            Error::RequiredEvidence { .. } => ErrorCode::EvidenceRequiredMissing,
            Error::Settings { .. } => ErrorCode::SettingsInvalid,
            Error::Internal { kind, .. } => match kind {
                Internal::ThreadStopped => ErrorCode::InternalThread,
                Internal::EnginePanic => ErrorCode::InternalEngine,
            },
        }
    }

    /// Whether this is a failure of gate itself rather than of its input.
    pub fn is_internal(&self) -> bool {
        self.code().is_internal()
    }

    /// The file at fault, when the error is about one.
    pub fn path(&self) -> Option<&Path> {
        if let Some(first) = self.first_of_many() {
            return first.path();
        }
        match self {
            Error::Evidence { path, .. }
            | Error::UnknownKind { path, .. }
            | Error::File { path, .. }
            | Error::Config { path, .. }
            | Error::Data { path, .. } => Some(path),
            Error::Settings { path, .. } => path.as_deref(),
            Error::PolicyMetadata { file, .. } => Some(Path::new(file)),
            Error::PolicyCompileAt(at) | Error::PolicyEvalAt(at) => Some(Path::new(&at.file)),
            _ => None,
        }
    }

    /// The 1-based line in [`Error::path`], when known.
    pub fn line(&self) -> Option<usize> {
        if let Some(first) = self.first_of_many() {
            return first.line();
        }
        match self {
            Error::Evidence { problem, .. }
            | Error::File { problem, .. }
            | Error::Config { problem, .. }
            | Error::Settings { problem, .. }
            | Error::Data { problem, .. } => problem.line,
            Error::PolicyMetadata { line, .. } => Some(*line),
            Error::PolicyCompileAt(at) | Error::PolicyEvalAt(at) => Some(at.line),
            _ => None,
        }
    }

    /// The 1-based column in [`Error::path`], when known.
    pub fn column(&self) -> Option<usize> {
        if let Some(first) = self.first_of_many() {
            return first.column();
        }
        match self {
            Error::Evidence { problem, .. }
            | Error::File { problem, .. }
            | Error::Config { problem, .. }
            | Error::Settings { problem, .. }
            | Error::Data { problem, .. } => problem.column,
            Error::PolicyCompileAt(at) | Error::PolicyEvalAt(at) => Some(at.column),
            _ => None,
        }
    }

    /// What is wrong, without the file and position that [`Error::path`], [`Error::line`] and
    /// [`Error::column`] give; for an error about no file, the whole message.
    pub fn message(&self) -> Cow<'_, str> {
        if let Some(first) = self.first_of_many() {
            return first.message();
        }
        match self {
            Error::Evidence { problem, .. }
            | Error::File { problem, .. }
            | Error::Config { problem, .. }
            | Error::Settings { problem, .. }
            | Error::Data { problem, .. } => Cow::Borrowed(&problem.message),
            Error::UnknownKind { reason, .. } => {
                Cow::Owned(format!("unknown evidence kind: {reason}"))
            }
            Error::PolicyMetadata { message, .. } => Cow::Borrowed(message),
            Error::PolicyCompileAt(at) | Error::PolicyEvalAt(at) => Cow::Borrowed(&at.message),
            other => Cow::Owned(other.to_string()),
        }
    }

    fn located(&self) -> Option<&PolicyAt> {
        match self {
            Error::PolicyCompileAt(at) | Error::PolicyEvalAt(at) => Some(at),
            _ => None,
        }
    }
}

/// Rich rendering: the code and help come from [`ErrorCode`], a policy error at a known place
/// quotes its line.
impl miette::Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code().as_str()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.code()
            .help()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.located()
            .map(|at| &at.source_code as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let at = self.located()?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(at.message.clone()), at.span),
        )))
    }
}

fn display_location(path: &std::path::Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", path.display()),
        (Some(l), None) => format!("{}:{l}", path.display()),
        _ => path.display().to_string(),
    }
}

/// A policy error at a known place in a policy file ([`Error::PolicyCompileAt`],
/// [`Error::PolicyEvalAt`]): `FILE:LINE:COLUMN: MESSAGE`.
#[derive(Debug)]
pub struct PolicyAt {
    /// The policy file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, without the source excerpt.
    pub message: String,
    /// The policy's text, named by its path.
    pub source_code: miette::NamedSource<String>,
    /// Where in it.
    pub span: miette::SourceSpan,
}

impl std::fmt::Display for PolicyAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem() -> EvidenceError {
        EvidenceError::at("bad", 3, 7)
    }

    fn at() -> Box<PolicyAt> {
        Box::new(PolicyAt {
            file: "p.rego".into(),
            line: 2,
            column: 5,
            message: "m".into(),
            source_code: miette::NamedSource::new("p.rego", "package p\nx := y\n".to_owned()),
            span: (14, 1).into(),
        })
    }

    /// One error of every variant. The match in `variant` has no wildcard, so a new variant
    /// does not compile until it is added here, and so to the checks below.
    fn samples() -> Vec<Error> {
        let path = || PathBuf::from("f.json");
        let s = |x: &str| x.to_owned();
        vec![
            Error::Evidence {
                path: path(),
                problem: problem(),
            },
            Error::UnknownKind {
                path: path(),
                reason: s("r"),
            },
            Error::Io(std::io::Error::other("x")),
            Error::File {
                path: path(),
                problem: problem(),
            },
            Error::PolicyCompile { message: s("m") },
            Error::PolicyCompileAt(at()),
            Error::NoTests(s("m")),
            Error::PolicyMetadata {
                file: s("p.rego"),
                line: 4,
                message: s("m"),
            },
            Error::Config {
                path: path(),
                problem: problem(),
            },
            Error::PolicyEval {
                rule: s("r"),
                message: s("m"),
            },
            Error::PolicyEvalAt(at()),
            Error::PolicyLimit {
                rule: s("r"),
                message: s("m"),
            },
            Error::PolicyResult {
                rule: s("r"),
                message: s("m"),
            },
            Error::NoRules,
            Error::Data {
                path: path(),
                problem: problem(),
            },
            Error::Usage(s("m")),
            Error::RequiredEvidence {
                missing: vec![s("tests")],
                message: s("m"),
            },
            Error::Settings {
                path: Some(path()),
                problem: problem(),
            },
            Error::Multiple(vec![Error::NoRules, Error::Usage(s("m"))]),
            Error::Internal {
                kind: Internal::ThreadStopped,
                during: s("d"),
                message: s("m"),
            },
            Error::Internal {
                kind: Internal::EnginePanic,
                during: s("d"),
                message: s("m"),
            },
        ]
    }

    fn variant(e: &Error) -> &'static str {
        match e {
            Error::Evidence { .. } => "Evidence",
            Error::UnknownKind { .. } => "UnknownKind",
            Error::Io(_) => "Io",
            Error::File { .. } => "File",
            Error::PolicyCompile { .. } => "PolicyCompile",
            Error::PolicyCompileAt(_) => "PolicyCompileAt",
            Error::NoTests(_) => "NoTests",
            Error::PolicyMetadata { .. } => "PolicyMetadata",
            Error::Config { .. } => "Config",
            Error::PolicyEval { .. } => "PolicyEval",
            Error::PolicyEvalAt(_) => "PolicyEvalAt",
            Error::PolicyLimit { .. } => "PolicyLimit",
            Error::PolicyResult { .. } => "PolicyResult",
            Error::NoRules => "NoRules",
            Error::Data { .. } => "Data",
            Error::Usage(_) => "Usage",
            Error::RequiredEvidence { .. } => "RequiredEvidence",
            Error::Settings { .. } => "Settings",
            Error::Multiple(_) => "Multiple",
            Error::Internal {
                kind: Internal::ThreadStopped,
                ..
            } => "Internal::ThreadStopped",
            Error::Internal {
                kind: Internal::EnginePanic,
                ..
            } => "Internal::EnginePanic",
        }
    }

    #[test]
    fn every_variant_maps_to_a_listed_code_and_every_code_is_used() {
        let samples = samples();
        let mut seen: Vec<&str> = samples.iter().map(variant).collect();
        seen.sort_unstable();
        let n = seen.len();
        seen.dedup();
        assert_eq!(seen.len(), n, "a variant is sampled twice");
        let listed: Vec<ErrorCode> = ErrorCode::all().collect();
        for e in &samples {
            let code = e.code();
            assert!(listed.contains(&code), "{} -> {code}", variant(e));
            let rendered = miette::Diagnostic::code(e).map(|c| c.to_string());
            assert_eq!(rendered.as_deref(), Some(code.as_str()), "{}", variant(e));
            assert_eq!(
                miette::Diagnostic::help(e)
                    .map(|h| h.to_string())
                    .as_deref(),
                code.help()
            );
            assert_eq!(
                e.is_internal(),
                variant(e).starts_with("Internal"),
                "{}",
                variant(e)
            );
        }
        for code in listed {
            assert!(
                samples.iter().any(|e| e.code() == code),
                "{code} is listed but no error has it"
            );
        }
    }

    #[test]
    fn codes_are_unique_namespaced_and_described() {
        let mut names: Vec<&str> = ErrorCode::all().map(ErrorCode::as_str).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate error code");
        for c in ErrorCode::all() {
            let name = c.as_str();
            assert!(name.starts_with("gate::"), "{name}");
            assert!(
                name.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == ':' || ch == '_'),
                "{name}"
            );
            assert_eq!(
                c.is_internal(),
                name.starts_with("gate::internal::"),
                "{name}"
            );
            assert!(!c.description().is_empty(), "{name} has no description");
            assert!(!c.description().contains('\n'), "{name}");
        }
    }

    #[test]
    fn accessors_give_the_file_position_and_bare_message() {
        let e = Error::Evidence {
            path: PathBuf::from("dir/r.xml"),
            problem: problem(),
        };
        assert_eq!(e.to_string(), "dir/r.xml:3:7: bad");
        assert_eq!(e.path(), Some(Path::new("dir/r.xml")));
        assert_eq!((e.line(), e.column()), (Some(3), Some(7)));
        assert_eq!(e.message(), "bad");
        assert_eq!(e.code(), ErrorCode::EvidenceInvalid);

        let e = Error::PolicyEvalAt(at());
        assert_eq!(e.to_string(), "policy evaluation failed: p.rego:2:5: m");
        assert_eq!(
            (e.path(), e.line(), e.column()),
            (Some(Path::new("p.rego")), Some(2), Some(5))
        );
        assert_eq!(e.message(), "m");
        assert!(miette::Diagnostic::source_code(&e).is_some());
        let labels: Vec<_> = miette::Diagnostic::labels(&e).unwrap().collect();
        assert_eq!(labels[0].label(), Some("m"));
        assert_eq!(labels[0].offset(), 14);

        let e = Error::Internal {
            kind: Internal::EnginePanic,
            during: "policy evaluation failed in `data.p.deny`".into(),
            message: "the Rego engine failed: boom".into(),
        };
        assert_eq!(
            e.to_string(),
            "policy evaluation failed in `data.p.deny`: the Rego engine failed: boom"
        );
        assert_eq!(
            (e.path(), e.line(), e.code()),
            (None, None, ErrorCode::InternalEngine)
        );
        assert!(e.is_internal());
    }

    #[test]
    fn several_errors_are_one_error_that_lists_them_all() {
        assert!(Error::from_all(vec![]).is_none());
        let one = Error::from_all(vec![Error::NoRules]).unwrap();
        assert!(matches!(one, Error::NoRules));
        let e = |p: &str| Error::Evidence {
            path: PathBuf::from(p),
            problem: problem(),
        };
        let inner = Error::from_all(vec![e("b.json"), e("c.json")]).unwrap();
        let all = Error::from_all(vec![e("a.json"), inner]).unwrap();
        let paths: Vec<_> = all.problems().iter().filter_map(|p| p.path()).collect();
        assert_eq!(
            paths,
            [
                Path::new("a.json"),
                Path::new("b.json"),
                Path::new("c.json")
            ]
        );
        assert_eq!(all.to_string(), "a.json:3:7: bad (and 2 more)");
        assert_eq!(
            (all.code(), all.path(), all.line(), all.message()),
            (
                ErrorCode::EvidenceInvalid,
                Some(Path::new("a.json")),
                Some(3),
                Cow::Borrowed("bad")
            )
        );
    }

    #[test]
    fn errors_are_plain_std_errors_that_cross_threads() {
        fn std_error<E: std::error::Error + Send + Sync + 'static>() {}
        std_error::<Error>();
    }
}
