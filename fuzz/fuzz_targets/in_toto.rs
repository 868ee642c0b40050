//! Fuzz the bare in-toto statement reader (embedded Sigstore root; no network).
#![no_main]

use gate_core::evidence::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gate_fuzz::read_and_verify(Kind::InToto, data);
});
