//! Errors: the "could not evaluate" channel. Every variant ends a run with exit code 2.
//!
//! Non-fatal notes are [`crate::diagnostic::Diagnostic`]s; policy outcomes are report results.

use std::path::PathBuf;

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

/// Everything that stops gate from reaching a verdict.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// An evidence file could not be read, is not well-formed, or breaks its format's schema.
    #[error("{}: {}", display_location(path, problem.line, problem.column), problem.message)]
    #[diagnostic(code(gate::evidence::invalid))]
    Evidence {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong and where.
        problem: EvidenceError,
    },

    /// A file named on the command line is of no kind gate reads.
    #[error("{}: unknown evidence kind: {reason}", path.display())]
    #[diagnostic(
        code(gate::evidence::unknown_kind),
        help("gate reads JUnit XML, TAP, SARIF 2.1.0, Grype, Trivy, OSV-Scanner and npm audit JSON, CycloneDX JSON and XML, SPDX 2.x JSON, Sigstore bundles, DSSE envelopes, in-toto statements and approvals (GitHub, GitLab, gate-approvals); see docs/evidence.md")
    )]
    UnknownKind {
        /// The file at fault.
        path: PathBuf,
        /// What gate saw instead.
        reason: String,
    },

    /// A file or folder could not be read at all.
    #[error("{0}")]
    #[diagnostic(code(gate::io))]
    Io(#[from] std::io::Error),

    /// A file gate was given is not one it reads: not a regular file (a FIFO, a device, a
    /// folder where a file is needed), larger than the limit for its kind, or not UTF-8 text.
    #[error("{}: {}", display_location(path, problem.line, problem.column), problem.message)]
    #[diagnostic(code(gate::io))]
    File {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong.
        problem: EvidenceError,
    },

    /// A policy file failed to parse or compile.
    #[error("policy does not compile: {message}")]
    #[diagnostic(code(gate::policy::compile))]
    PolicyCompile {
        /// regorus' message, which names the file, line and column.
        message: String,
    },

    /// A policy file failed to parse or compile at a known line and column; the policy's source
    /// rides along so the line can be quoted with a caret under the column.
    #[error(transparent)]
    #[diagnostic(transparent)]
    PolicyCompileAt(Box<PolicyCompileAt>),

    /// `gate test` found no `test_*` rule to run (none at all, or none matching `--run`).
    #[error("no tests to run: {0}")]
    #[diagnostic(
        code(gate::policy::no_tests),
        help("a test is a rule whose name starts with `test_`, e.g. in `<name>_test.rego`")
    )]
    NoTests(String),

    /// A `# METADATA` annotation block in a policy cannot be read.
    #[error("{file}:{line}: {message}")]
    #[diagnostic(
        code(gate::policy::metadata),
        help("METADATA is YAML in comments (OPA's annotation keys); see docs/policy-authoring.md")
    )]
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
    #[diagnostic(
        code(gate::config::invalid),
        help("see docs/waivers.md and docs/waivers.schema.json")
    )]
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong and where (the field, the waiver).
        problem: EvidenceError,
    },

    /// A policy raised an error while being evaluated.
    #[error("policy evaluation failed in `{rule}`: {message}")]
    #[diagnostic(code(gate::policy::eval))]
    PolicyEval {
        /// The rule path being evaluated.
        rule: String,
        /// regorus' message.
        message: String,
    },

    /// A policy raised an error at a known line and column while being evaluated (a function
    /// that does not exist, conflicting rule values); the policy's source rides along so the
    /// line can be quoted with a caret under the column.
    #[error(transparent)]
    #[diagnostic(transparent)]
    PolicyEvalAt(Box<PolicyEvalAt>),

    /// Evaluating a policy went past a limit: the time limit (`--timeout`) or the memory limit
    /// (`--max-memory`).
    #[error("policy evaluation stopped in `{rule}`: {message}")]
    #[diagnostic(
        code(gate::policy::limit),
        help("a policy that needs more may be given it with --timeout or --max-memory; one that loops over a huge range or string is likely a bug")
    )]
    PolicyLimit {
        /// The rules (or the test) being evaluated.
        rule: String,
        /// Which limit, and its value.
        message: String,
    },

    /// A policy produced a result gate cannot understand.
    #[error("`{rule}` produced a result gate cannot read: {message}")]
    #[diagnostic(
        code(gate::policy::bad_result),
        help("a deny/warn result is a string or an object with at least `msg`")
    )]
    PolicyResult {
        /// The rule path.
        rule: String,
        /// What is wrong with the value.
        message: String,
    },

    /// No deny/warn/violation rule was found in the loaded policies.
    #[error("no rules to evaluate: the policies define no `deny`, `violation` or `warn` rule")]
    #[diagnostic(code(gate::policy::no_rules))]
    NoRules,

    /// A data document (`-d`) could not be read.
    #[error("{}: {}", display_location(path, problem.line, problem.column), problem.message)]
    #[diagnostic(code(gate::data::invalid))]
    Data {
        /// The data file.
        path: PathBuf,
        /// What is wrong and where.
        problem: EvidenceError,
    },

    /// A command-line or configuration value is not acceptable.
    #[error("{0}")]
    #[diagnostic(code(gate::usage))]
    Usage(String),
}

fn display_location(path: &std::path::Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", path.display()),
        (Some(l), None) => format!("{}:{l}", path.display()),
        _ => path.display().to_string(),
    }
}

/// A policy compile error at a known place in a policy file (see [`Error::PolicyCompileAt`]).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("policy does not compile: {file}:{line}:{column}: {message}")]
#[diagnostic(code(gate::policy::compile))]
pub struct PolicyCompileAt {
    /// The policy file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, without the source excerpt.
    pub message: String,
    /// The policy's text, named by its path.
    #[source_code]
    pub source_code: miette::NamedSource<String>,
    /// Where in it.
    #[label("{message}")]
    pub span: miette::SourceSpan,
}

/// A policy evaluation error at a known place in a policy file (see [`Error::PolicyEvalAt`]).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("policy evaluation failed: {file}:{line}:{column}: {message}")]
#[diagnostic(code(gate::policy::eval))]
pub struct PolicyEvalAt {
    /// The policy file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, without the source excerpt.
    pub message: String,
    /// The policy's text, named by its path.
    #[source_code]
    pub source_code: miette::NamedSource<String>,
    /// Where in it.
    #[label("{message}")]
    pub span: miette::SourceSpan,
}
