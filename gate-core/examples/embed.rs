//! Embedding gate-core: judge the evidence files named on the command line, read into memory by
//! this program, with the embedded standard policies; print the verdict and each denial's code.
//!
//! ```sh
//! cargo run -p gate-core --example embed -- fixtures/demo/junit.xml
//! ```

// A program that prints is this example's point; the library itself prints nothing.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use gate_core::{EvidenceSource, Gate, Verdict};

fn main() -> ExitCode {
    match judge(std::env::args().skip(1).collect()) {
        Ok(Verdict::Pass) => ExitCode::SUCCESS,
        Ok(Verdict::Fail) => ExitCode::from(1),
        // `check` gives a verdict or an error; `error` is the verdict of `Report::from_error`.
        Ok(Verdict::Error) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn judge(paths: Vec<String>) -> Result<Verdict, Box<dyn std::error::Error>> {
    if paths.is_empty() {
        return Err("name the evidence files to judge".into());
    }
    let mut evidence = Vec::new();
    for path in paths {
        let bytes = fs_err::read(&path)?;
        evidence.push(EvidenceSource::bytes(path, bytes));
    }
    // Compiled once; a service would keep `gate` and call `check` for each release.
    let gate = Gate::builder().build()?;
    let report = gate.check(&evidence)?;
    println!("{}", report.verdict.as_str());
    for denial in report.denials() {
        println!("{}\t{}", denial.code, denial.subject);
    }
    Ok(report.verdict)
}
