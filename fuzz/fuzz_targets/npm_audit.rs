//! Fuzz the npm audit JSON (npm 6 and 7+) reader.
#![no_main]

use gate_core::evidence::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gate_fuzz::read(Kind::NpmAudit, data);
});
