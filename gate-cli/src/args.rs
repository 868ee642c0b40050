//! Command-line arguments (clap derive). Names follow conftest and cosign where they overlap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// A policy-as-code release gate: judge a release's evidence against Rego policies.
#[derive(Debug, Parser)]
#[command(name = "gate", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge evidence against policies: exit 0 pass, 1 denied, 2 could not evaluate.
    Check(CheckArgs),
    /// Print the normalised `input` document that policies see, as JSON.
    Inspect(InspectArgs),
}

/// Output formats of `gate check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text for a terminal or a CI log.
    Human,
    /// The canonical JSON report.
    Json,
}

/// What makes the verdict fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Unwaived denials (default).
    Deny,
    /// Unwaived denials and warnings.
    Warn,
}

/// `gate check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Evidence files or folders (folders are walked; files of unknown kind found there are skipped).
    #[arg(required = true, value_name = "EVIDENCE")]
    pub evidence: Vec<PathBuf>,
    /// Policy file or folder (repeatable). Without it, the embedded standard policies are used.
    #[arg(short = 'p', long = "policy", value_name = "POLICY")]
    pub policy: Vec<PathBuf>,
    /// JSON data document merged under `data` (repeatable), e.g. policy parameters.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Evaluation time (RFC 3339), also what `time.now_ns()` returns. Defaults to now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Output format on stdout.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write FORMAT to PATH (repeatable), e.g. `-o json=gate-report.json`.
    #[arg(short = 'o', long = "output", value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    /// What fails the verdict: denials only, or warnings too.
    #[arg(long, value_enum, default_value_t = FailOn::Deny)]
    pub fail_on: FailOn,
    /// Limit on policy evaluation time, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
}

/// `gate inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Evidence files or folders.
    #[arg(required = true, value_name = "EVIDENCE")]
    pub evidence: Vec<PathBuf>,
    /// Evaluation time (RFC 3339) recorded in `input.context`. Defaults to now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}
