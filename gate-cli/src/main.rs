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
    // The Rego parser builds and discards errors while it reads ordinary policies; under
    // `RUST_BACKTRACE=1` (common in CI) each captured a backtrace, a seventh of a small gate's
    // time. gate's errors are reported without backtraces, so library backtraces are off unless
    // asked for by `RUST_LIB_BACKTRACE`; panics still follow `RUST_BACKTRACE`. Set before any
    // other thread exists.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
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
