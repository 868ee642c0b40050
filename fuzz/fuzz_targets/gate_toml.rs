//! Fuzz the `gate.toml` reader (`-c FILE`): every table, with no profile chosen. The settings are
//! not turned into expectations: that reads the files they name, and a fuzzed path can be anything.
#![no_main]

use gate_core::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = gate_fuzz::scratch_file("gate.toml", data);
    if let Some(cfg) = gate_fuzz::load_twice(&path, |p| Config::load(p, None)) {
        assert_eq!(cfg.path, path);
    }
});
