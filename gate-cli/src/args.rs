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
    /// When to colour the output: `auto` (a terminal, unless `NO_COLOR` is set; `CLICOLOR_FORCE`
    /// or `FORCE_COLOR` force it), `always` or `never`. Files written with `-o` never are.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, following `NO_COLOR`, `CLICOLOR_FORCE`, `FORCE_COLOR` and `CLICOLOR`.
    Auto,
    /// Always colour (CI logs that render ANSI).
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge evidence against policies: exit 0 pass, 1 denied, 2 could not evaluate.
    Check(CheckArgs),
    /// Print the normalised `input` document that policies see, as JSON.
    Inspect(InspectArgs),
    /// Run the `test_*` rules (Rego unit tests) of policies: exit 0 all pass, 1 a test failed or
    /// coverage is below `--threshold`, 2 could not run.
    Test(TestArgs),
    /// Verify a Sigstore bundle, DSSE envelope or keyed signature offline (cosign's flag names):
    /// exit 0 verified, 1 not verified, 2 could not evaluate.
    Verify(VerifyArgs),
    /// Print a shell completion script, e.g. `gate completions bash > /etc/bash_completion.d/gate`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `gate man | man -l -`; `gate man check` for one
    /// subcommand's page.
    Man(ManArgs),
    /// Write a commented starter `gate.toml` (never over an existing file).
    Init(InitArgs),
}

/// `gate completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `gate man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (`gate-check(1)`); without it, `gate(1)`.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// `gate init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(value_name = "FILE", default_value = "gate.toml")]
    pub path: PathBuf,
}

/// Which `gate.toml` to read, and its profile (`gate check`, `gate inspect`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// Configuration file. Without it, `gate.toml` in the working folder is read when there is
    /// one (see docs/config.md).
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no `gate.toml`, not even the one in the working folder.
    #[arg(long, conflicts_with_all = ["config", "profile"])]
    pub no_config: bool,
    /// Apply the config's `[profile.NAME]` table.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `gate verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The Sigstore bundle (or DSSE envelope) to verify.
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<std::path::PathBuf>,
    /// A detached signature (base64 or DER) to verify with `--key` instead of a bundle.
    #[arg(long, value_name = "FILE", conflicts_with = "bundle")]
    pub signature: Option<std::path::PathBuf>,
    /// What a signature must establish.
    #[command(flatten)]
    pub expect: VerifyFlags,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "human")]
    pub format: VerifyFormat,
}

/// Output formats of `gate verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// Readable text.
    Human,
    /// `{"verification": {...}, "attestations": [...]}`.
    Json,
}

/// Signature verification expectations, with cosign's flag names (`gate verify`, `gate check`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct VerifyFlags {
    /// The signed artifact.
    #[arg(long, value_name = "FILE", conflicts_with = "digest")]
    pub artifact: Option<std::path::PathBuf>,
    /// The signed artifact's digest, `sha256:<hex>`.
    #[arg(long, value_name = "DIGEST")]
    pub digest: Option<String>,
    /// The expected signer identity (certificate SAN), exactly.
    #[arg(
        long,
        value_name = "ID",
        conflicts_with = "certificate_identity_regexp"
    )]
    pub certificate_identity: Option<String>,
    /// The expected signer identity, as a regular expression.
    #[arg(long, value_name = "REGEX")]
    pub certificate_identity_regexp: Option<String>,
    /// The expected OIDC issuer, exactly.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    pub certificate_oidc_issuer: Option<String>,
    /// The expected OIDC issuer, as a regular expression.
    #[arg(long, value_name = "REGEX")]
    pub certificate_oidc_issuer_regexp: Option<String>,
    /// A PEM public key, for keyed signatures.
    #[arg(long, value_name = "PEM")]
    pub key: Option<std::path::PathBuf>,
    /// The trusted root (`trusted_root.json`); default: the embedded Sigstore public-good root.
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<std::path::PathBuf>,
}

/// Output formats of `gate check` (docs/outputs.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text for a terminal or a CI log.
    Human,
    /// The canonical JSON report.
    Json,
    /// JUnit XML for CI test tabs: a suite per policy package, a test case per result.
    Junit,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations); also appends the Markdown summary to
    /// `$GITHUB_STEP_SUMMARY` under GitHub Actions.
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// A Markdown summary for a pull-request comment or step summary.
    Markdown,
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
    /// Data merged under `data` (repeatable): a JSON or YAML file, or a folder of them. Policy
    /// settings under `gate.config` must be ones the policies declare.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Evaluation time (RFC 3339), also what `time.now_ns()` returns. Defaults to now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Output format on stdout.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write FORMAT to PATH (repeatable, any formats), e.g. `-o sarif=gate.sarif`. Written
    /// even when gate exits 2 (as a report with verdict `error`).
    #[arg(short = 'o', long = "output", value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    /// Human output: only the summary line.
    #[arg(short = 'q', long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Human output: every result in full (by default warnings are grouped by code, with the
    /// first few subjects of each).
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// What fails the verdict: denials only (the default, unless gate.toml says `fail_on`), or
    /// warnings too.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// An evidence kind the check must have (repeatable; adds to gate.toml `require`), e.g.
    /// `tests`, `sbom`, `vulnerabilities`. A missing kind exits 2 naming it.
    #[arg(long = "require", value_name = "KIND")]
    pub require: Vec<String>,
    /// Evaluate only the policy packages matching this glob (repeatable), e.g. `gate.tests`.
    #[arg(long = "namespace", value_name = "GLOB")]
    pub namespace: Vec<String>,
    /// Leave out the policy packages or result codes matching this glob (repeatable), e.g.
    /// `gate.sbom` or `licenses.*`; the report lists what was left out.
    #[arg(long = "skip", value_name = "GLOB")]
    pub skip: Vec<String>,
    /// Limit on policy evaluation time, in seconds (at least 1).
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = timeout_seconds())]
    pub timeout: u64,
    /// Limit on the memory gate holds while policies are evaluated: bytes, or with a unit
    /// (`512MiB`, `2GiB`; K, M, G are binary too). Default 2GiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// A parameter for policies, in `input.context.params` (repeatable). `commit=SHA` names the
    /// commit being released, `author=LOGIN` the change's author when no PR/MR file says.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub param: Vec<String>,
    /// Waivers file (TOML `[[waiver]]` tables; repeatable). See docs/waivers.md.
    #[arg(long = "waivers", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,
    /// Which `gate.toml` to read.
    #[command(flatten, next_help_heading = "Configuration")]
    pub config: ConfigArgs,
    /// Signature verification expectations for bundles and envelopes among the evidence
    /// (override `gate.toml` `[verify]`).
    #[command(flatten, next_help_heading = "Verification")]
    pub verify: VerifyFlags,
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
    /// A parameter, as for `gate check --param` (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub param: Vec<String>,
    /// Which `gate.toml` to take parameters and `[verify]` from, as for `gate check`.
    #[command(flatten, next_help_heading = "Configuration")]
    pub config: ConfigArgs,
    /// Signature verification expectations, as for `gate check`.
    #[command(flatten, next_help_heading = "Verification")]
    pub verify: VerifyFlags,
}

/// Output formats of `gate test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// Failures in full, then coverage and a summary line.
    Human,
    /// Every test, the summary and coverage as JSON.
    Json,
    /// JUnit XML: one testcase per test, classname = package.
    Junit,
}

/// `gate test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Policy files or folders (walked for `*.rego`). Without it, the embedded standard library
    /// and its tests.
    #[arg(value_name = "POLICY")]
    pub policy: Vec<PathBuf>,
    /// Run only the tests whose name (`data.pkg.test_x`) matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,
    /// Report line coverage of the policy (non-test) files.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when line coverage is below N percent; implies `--coverage`.
    #[arg(long, value_name = "N")]
    pub threshold: Option<f64>,
    /// Data merged under `data` (repeatable): a JSON or YAML file, or a folder of them.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// What `time.now_ns()` returns (RFC 3339). Defaults to now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Output format on stdout.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// List passing tests too (human format).
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Limit on each test's evaluation time, in seconds (at least 1).
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = timeout_seconds())]
    pub timeout: u64,
    /// Limit on the memory gate holds while a test is evaluated, as for `gate check`.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
}

/// `--max-memory`: a byte count, optionally with a binary unit (`K`/`KiB`, `M`/`MiB`, `G`/`GiB`).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size: expected e.g. 512MiB or 2GiB"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}`: use K/KiB, M/MiB or G/GiB"
            ))
        }
    };
    match n.checked_mul(factor) {
        Some(0) => Err("the memory limit must be more than zero".to_owned()),
        Some(v) => Ok(v),
        None => Err(format!("`{text}` is too large")),
    }
}

/// `--timeout`: whole seconds, at least 1 (zero would end every evaluation before it starts).
fn timeout_seconds() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..)
}
