//! One function per subcommand: arguments in, gate-core call, rendered output, exit code out.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use gate_core::check::{self, CheckOptions};
use gate_core::report::{FailOn, Verdict};
use gate_core::Error;

use crate::args::{self, CheckArgs, Cli, Command, Format, InspectArgs};
use crate::render;

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Check(a) => check(a),
        Command::Inspect(a) => inspect(a),
    }
}

fn check(a: CheckArgs) -> Result<ExitCode, Error> {
    let outputs = a
        .output
        .iter()
        .map(|o| parse_output(o))
        .collect::<Result<Vec<_>, _>>()?;
    let now = a.now.as_deref().map(check::parse_now).transpose()?;
    let opts = CheckOptions {
        evidence: a.evidence,
        policies: a.policy,
        data: a.data,
        now,
        fail_on: match a.fail_on {
            args::FailOn::Deny => FailOn::Deny,
            args::FailOn::Warn => FailOn::Warn,
        },
        timeout: Some(Duration::from_secs(a.timeout)),
    };
    let report = check::run(&opts)?;
    for d in &report.diagnostics {
        render::diagnostic(d);
    }
    for (format, path) in &outputs {
        fs_err::write(path, render::to_string(&report, *format))?;
    }
    let text = render::to_string(&report, a.format);
    write_stdout(&text)?;
    Ok(match report.verdict {
        Verdict::Pass => ExitCode::SUCCESS,
        Verdict::Fail => ExitCode::from(1),
    })
}

fn inspect(a: InspectArgs) -> Result<ExitCode, Error> {
    let now = a.now.as_deref().map(check::parse_now).transpose()?;
    let (input, collected) = check::inspect(&a.evidence, now)?;
    for d in &collected.diagnostics {
        render::diagnostic(d);
    }
    let value = input.to_value()?;
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| Error::Usage(e.to_string()))?;
    text.push('\n');
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn parse_output(spec: &str) -> Result<(Format, std::path::PathBuf), Error> {
    let (format, path) = spec.split_once('=').ok_or_else(|| {
        Error::Usage(format!(
            "-o `{spec}`: expected FORMAT=PATH, e.g. json=report.json"
        ))
    })?;
    let format = match format {
        "human" => Format::Human,
        "json" => Format::Json,
        other => {
            return Err(Error::Usage(format!(
                "-o `{spec}`: unknown format `{other}` (human, json)"
            )))
        }
    };
    Ok((format, path.into()))
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
