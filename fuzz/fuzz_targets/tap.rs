//! Fuzz the TAP reader.
#![no_main]

use gate_core::evidence::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gate_fuzz::read(Kind::Tap, data);
});
