//! `gate`: parse flags, call gate-core, render, exit with the documented code.
//!
//! Exit codes are API: 0 pass, 1 denied, 2 could not evaluate.

mod args;
mod cmd;
mod render;

use std::process::ExitCode;

use clap::Parser;

// The global allocator is regorus' mimalloc (v2), installed by regorus' `allocator-memory-limits`
// feature (see the workspace Cargo.toml): it counts live bytes, which is how `--max-memory` is
// enforced, and like the `mimalloc` crate's v2 it allocates and frees gate's large short-lived
// trees faster than the system allocator and returns freed memory within 10 ms.

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    render::color::set(cli.color);
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            render::error(&err);
            ExitCode::from(2)
        }
    }
}
