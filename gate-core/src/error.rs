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
        help("gate reads JUnit XML, SARIF 2.1.0, Grype JSON, Trivy JSON and CycloneDX JSON; see docs/evidence.md")
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

    /// A policy file failed to parse or compile.
    #[error("policy does not compile: {message}")]
    #[diagnostic(code(gate::policy::compile))]
    PolicyCompile {
        /// regorus' message, which names the file, line and column.
        message: String,
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
