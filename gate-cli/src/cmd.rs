//! One function per subcommand: arguments in, gate-core call, rendered output, exit code out.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use gate_core::files;
use gate_core::{parse_now, Error, EvidenceSource, FailOn, Gate, GateBuilder, Report, Verdict};

use crate::args::{self, CheckArgs, Cli, Command, Format, InspectArgs, TestArgs, TestFormat};
use crate::render::{self, Detail};

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Check(a) => check(a),
        Command::Inspect(a) => inspect(a),
        Command::Test(a) => test(a),
        Command::Verify(a) => verify(a),
        Command::Completions(a) => completions(&a),
        Command::Man(a) => man(&a),
        Command::Init(a) => init(a),
    }
}

/// `gate completions SHELL`: the script clap_complete generates from the command's definition.
fn completions(a: &args::CompletionsArgs) -> Result<ExitCode, Error> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut command, "gate", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))?;
    Ok(ExitCode::SUCCESS)
}

/// `gate man [SUBCOMMAND]`: `gate(1)`, or `gate-SUBCOMMAND(1)`, as roff.
fn man(a: &args::ManArgs) -> Result<ExitCode, Error> {
    // Built, so that the global flags (`--color`) reach each subcommand as in parsing; clap's
    // `help` subcommand has no page.
    let mut command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    command.build();
    let page = match a.subcommand.as_deref() {
        None => command,
        Some(name) => {
            let known: Vec<String> = command
                .get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect();
            let Some(sub) = command.find_subcommand(name) else {
                return Err(Error::Usage(format!(
                    "`gate man {name}`: no such subcommand ({})",
                    known.join(", ")
                )));
            };
            // The page of `gate check` is named `gate-check`, and its usage line says `gate check`.
            sub.clone()
                .name(format!("gate-{name}"))
                .bin_name(format!("gate {name}"))
                .version(command.get_version().unwrap_or_default().to_owned())
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    write_stdout(&String::from_utf8_lossy(&roff))?;
    Ok(ExitCode::SUCCESS)
}

/// The builder with the chosen `gate.toml`: `-c`, else the working folder's (unless
/// `--no-config`), and `--profile`.
fn with_config(mut builder: GateBuilder, c: args::ConfigArgs) -> GateBuilder {
    if let Some(path) = c.config {
        builder = builder.config(path);
    } else if !c.no_config {
        builder = builder.find_config(".");
    }
    if let Some(p) = c.profile {
        builder = builder.profile(p);
    }
    builder
}

fn init(a: args::InitArgs) -> Result<ExitCode, Error> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&a.path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage(format!(
                "`{}` exists: gate init never overwrites a file (remove it, or name another)",
                a.path.display()
            )))
        }
        Err(e) => {
            return Err(Error::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", a.path.display()),
            )))
        }
    };
    file.write_all(gate_core::config::STARTER.as_bytes())
        .map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", a.path.display()),
            ))
        })?;
    render::notice(&format!(
        "wrote `{}`: a starter configuration with profiles `dev` and `release` (see docs/config.md)",
        a.path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

fn verify_settings(f: args::VerifyFlags) -> gate_core::verify::Settings {
    gate_core::verify::Settings {
        trusted_root: f.trusted_root,
        certificate_identity: f.certificate_identity,
        certificate_identity_regexp: f.certificate_identity_regexp,
        certificate_oidc_issuer: f.certificate_oidc_issuer,
        certificate_oidc_issuer_regexp: f.certificate_oidc_issuer_regexp,
        key: f.key,
        artifact: f.artifact,
        digest: f.digest,
    }
}

fn verify(a: args::VerifyArgs) -> Result<ExitCode, Error> {
    let builder = Gate::builder().verify(verify_settings(a.expect));
    let (v, atts) = builder.verify_signature(a.bundle.as_deref(), a.signature.as_deref())?;
    let text = if a.format == args::VerifyFormat::Json {
        let doc = serde_json::json!({"verification": v, "attestations": atts});
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    } else {
        render::verification(&v, &atts)
    };
    write_stdout(&text)?;
    Ok(if v.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn check(a: CheckArgs) -> Result<ExitCode, Error> {
    let outputs = a
        .output
        .iter()
        .map(|o| parse_output(o))
        .collect::<Result<Vec<_>, _>>()?;
    let detail = if a.quiet {
        Detail::Summary
    } else if a.verbose {
        Detail::Full
    } else {
        Detail::Grouped
    };
    let mut builder = Gate::builder()
        .policies(a.policy)
        .namespaces(a.namespace)
        .skip(a.skip)
        .timeout(Duration::from_secs(a.timeout))
        .verify(verify_settings(a.verify))
        // The process exits after this one check: freeing its input would only delay the exit.
        .free_in_background(true);
    if let Some(f) = a.fail_on {
        builder = builder.fail_on(match f {
            args::FailOn::Deny => FailOn::Deny,
            args::FailOn::Warn => FailOn::Warn,
        });
    }
    if let Some(bytes) = a.max_memory {
        builder = builder.max_memory(bytes);
    }
    for d in a.data {
        builder = builder.data_file(d);
    }
    for w in a.waivers {
        builder = builder.waivers(w);
    }
    builder = with_config(builder, a.config);
    let inputs = builder.input_files(&a.evidence);
    if let Err(e) = refuse_output_conflicts(&outputs, &inputs) {
        remove_stale_reports(&outputs, &inputs);
        return Err(e);
    }
    let now = a.now.as_deref().map(parse_now).transpose();
    let report_now = now.as_ref().ok().copied().flatten();
    let result = (|| {
        if let Some(now) = now? {
            builder = builder.clone().now(now);
        }
        for (k, v) in parse_params(&a.param)? {
            builder = builder.clone().param(k, v);
        }
        let kinds = a
            .require
            .iter()
            .map(|k| {
                gate_core::kinds::EvidenceKind::parse(k)
                    .map_err(|e| Error::Usage(format!("--require: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        builder = builder.clone().require(kinds);
        let evidence: Vec<EvidenceSource> =
            a.evidence.into_iter().map(EvidenceSource::Path).collect();
        builder.build()?.check(&evidence)
    })();
    let report = match result {
        Ok(report) => report,
        Err(err) => {
            let now = report_now.unwrap_or_else(chrono::Utc::now);
            write_error_outputs(&err, now, a.format, &outputs);
            return Err(err);
        }
    };
    for d in &report.diagnostics {
        render::diagnostic(d);
    }
    let mut failed = Vec::new();
    for out in &outputs {
        if let Err(e) = fs_err::write(
            &out.path,
            render::to_file_string(&report, out.format, detail),
        ) {
            failed.push(Error::Io(e));
        }
    }
    if let Some(err) = Error::from_all(failed) {
        // The verdict cannot be delivered as asked: no output may claim one.
        let now = parse_now(&report.now).unwrap_or_else(|_| chrono::Utc::now());
        write_error_outputs(&err, now, a.format, &outputs);
        return Err(err);
    }
    github_step_summary(&report, a.format, &outputs);
    write_stdout(&render::to_string(&report, a.format, detail))?;
    Ok(match report.verdict {
        Verdict::Pass => ExitCode::SUCCESS,
        Verdict::Fail => ExitCode::from(1),
        Verdict::Error => ExitCode::from(2),
    })
}

/// Refuse outputs that name one file twice or name one of the check's inputs.
fn refuse_output_conflicts(outputs: &[Output], inputs: &[PathBuf]) -> Result<(), Error> {
    for (i, out) in outputs.iter().enumerate() {
        let place = files::place(&out.path);
        if let Some(other) = outputs
            .iter()
            .take(i)
            .find(|o| files::place(&o.path) == place || files::same_file(&o.path, &out.path))
        {
            return Err(Error::Usage(format!(
                "-o `{}` and -o `{}` write the same file: give each output its own path",
                other.spec, out.spec
            )));
        }
        if let Some(input) = inputs.iter().find(|i| files::same_file(&out.path, i)) {
            return Err(Error::Usage(format!(
                "-o `{}` would overwrite `{}`, one of this check's inputs: write the report \
                 elsewhere",
                out.spec,
                input.display()
            )));
        }
    }
    Ok(())
}

/// A check that reached no verdict (exit 2) still writes every requested output, as a report
/// with verdict `error` and every problem found, so that CI steps that upload or read them find
/// them; stdout gets it too, except in the human format (the error is on stderr). An output that
/// cannot be written is named on stderr.
fn write_error_outputs(
    err: &Error,
    now: chrono::DateTime<chrono::Utc>,
    format: Format,
    outputs: &[Output],
) {
    let report = Report::from_error(err, now);
    for out in outputs {
        let text = match out.format {
            Format::Human => render::error_text(err, &report),
            f => render::to_file_string(&report, f, Detail::Full),
        };
        if let Err(e) = fs_err::write(&out.path, text) {
            render::notice(&format!("could not write the error report: {e}"));
        }
    }
    github_step_summary(&report, format, outputs);
    if format != Format::Human {
        // Nothing more can be done about a stdout that cannot be written.
        let _ = write_stdout(&render::to_string(&report, format, Detail::Full));
    }
}

/// Under GitHub Actions (`GITHUB_ACTIONS=true`), when the `github` format is asked for, append
/// the Markdown summary to the file `GITHUB_STEP_SUMMARY` names.
fn github_step_summary(report: &Report, format: Format, outputs: &[Output]) {
    let wanted = format == Format::Github || outputs.iter().any(|o| o.format == Format::Github);
    if !wanted || std::env::var_os("GITHUB_ACTIONS").is_none_or(|v| v != "true") {
        return;
    }
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let text = render::to_file_string(report, Format::Markdown, Detail::Full);
    let appended = fs_err::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = appended {
        render::notice(&format!("could not append the step summary: {e}"));
    }
}

/// When the `-o` options themselves are refused, nothing is written; a report an earlier run left
/// at an `-o` path is removed, so that no earlier verdict is taken for this run's. Only a regular
/// file gate recognises as its own report of that format is removed, and never one of the inputs.
fn remove_stale_reports(outputs: &[Output], inputs: &[PathBuf]) {
    for out in outputs {
        if inputs.iter().any(|i| files::same_file(&out.path, i)) {
            continue;
        }
        let Ok(text) = files::read_to_string(&out.path, files::Input::Evidence) else {
            continue;
        };
        if render::is_report(&text, out.format) {
            match fs_err::remove_file(&out.path) {
                Ok(()) => render::notice(&format!(
                    "removed `{}`, a report of an earlier run: this run reached no verdict",
                    out.path.display()
                )),
                Err(e) => render::notice(&format!(
                    "could not remove `{}`, a report of an earlier run: {e}",
                    out.path.display()
                )),
            }
        }
    }
}

fn inspect(a: InspectArgs) -> Result<ExitCode, Error> {
    let mut builder = with_config(Gate::builder().verify(verify_settings(a.verify)), a.config);
    if let Some(now) = a.now.as_deref() {
        builder = builder.now(parse_now(now)?);
    }
    for (k, v) in parse_params(&a.param)? {
        builder = builder.param(k, v);
    }
    let evidence: Vec<EvidenceSource> = a.evidence.into_iter().map(EvidenceSource::Path).collect();
    let (input, collected) = builder.inspect(&evidence)?;
    for d in &collected.diagnostics {
        render::diagnostic(d);
    }
    let value = input.to_value()?;
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| Error::Usage(e.to_string()))?;
    text.push('\n');
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn test(a: TestArgs) -> Result<ExitCode, Error> {
    let run = a
        .run
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| Error::Usage(format!("--run: not a regular expression: {e}")))?;
    if let Some(t) = a.threshold.filter(|t| !(0.0..=100.0).contains(t)) {
        return Err(Error::Usage(format!(
            "--threshold {t}: expected a percentage from 0 to 100"
        )));
    }
    let mut builder = Gate::builder()
        .policies(a.policy)
        .timeout(Duration::from_secs(a.timeout));
    if let Some(now) = a.now.as_deref() {
        builder = builder.now(parse_now(now)?);
    }
    if let Some(bytes) = a.max_memory {
        builder = builder.max_memory(bytes);
    }
    for d in a.data {
        builder = builder.data_file(d);
    }
    let result = builder.test(run, a.coverage || a.threshold.is_some())?;
    let outcome = render::testing::Outcome {
        run: &result,
        threshold: a.threshold,
        verbose: a.verbose,
    };
    let text = match a.format {
        TestFormat::Human => render::testing::human(&outcome),
        TestFormat::Json => render::testing::json(&outcome),
        TestFormat::Junit => render::testing::junit(&outcome),
    };
    write_stdout(&text)?;
    Ok(if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--param KEY=VALUE` pairs; a key given twice is an error.
fn parse_params(specs: &[String]) -> Result<std::collections::BTreeMap<String, String>, Error> {
    let mut out = std::collections::BTreeMap::new();
    for spec in specs {
        let (key, value) = spec
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--param `{spec}`: expected KEY=VALUE, e.g. commit=0123abc…"
                ))
            })?;
        if out
            .insert(key.trim().to_owned(), value.to_owned())
            .is_some()
        {
            return Err(Error::Usage(format!(
                "--param `{}` given twice",
                key.trim()
            )));
        }
    }
    Ok(out)
}

/// One `-o FORMAT=PATH`.
#[derive(Debug)]
struct Output {
    spec: String,
    format: Format,
    path: PathBuf,
}

fn parse_output(spec: &str) -> Result<Output, Error> {
    let (format, path) = spec.split_once('=').ok_or_else(|| {
        Error::Usage(format!(
            "-o `{spec}`: expected FORMAT=PATH, e.g. json=report.json"
        ))
    })?;
    let format = <Format as clap::ValueEnum>::from_str(format, false).map_err(|_| {
        let known: Vec<String> = <Format as clap::ValueEnum>::value_variants()
            .iter()
            .filter_map(|v| clap::ValueEnum::to_possible_value(v).map(|p| p.get_name().to_owned()))
            .collect();
        Error::Usage(format!(
            "-o `{spec}`: unknown format `{format}` ({})",
            known.join(", ")
        ))
    })?;
    if path.is_empty() {
        return Err(Error::Usage(format!("-o `{spec}`: the path is empty")));
    }
    Ok(Output {
        spec: spec.to_owned(),
        format,
        path: path.into(),
    })
}

fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`gate check | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io(e)),
    }
}
