//! `gate`: parse flags, call gate-core, render, exit with the documented code.
//!
//! Exit codes are API: 0 pass, 1 denied, 2 could not evaluate.

mod args;
mod cmd;
mod render;

use std::process::ExitCode;

use clap::Parser;

/// gate builds large short-lived trees (the input document and its policy value); mimalloc
/// allocates and frees them markedly faster than the system allocator. Its v2 (see Cargo.toml)
/// returns freed memory to the system within 10 ms, so peak RSS follows the live data.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            render::error(&err);
            ExitCode::from(2)
        }
    }
}
