//! Fuzz evidence of any kind the way `gate check` reads a file: decode, detect the kind by content,
//! then read it with that kind's reader.
#![no_main]

use gate_core::evidence::{detect, Detected};
use gate_core::source::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = text::decode(data) else {
        return;
    };
    let detected = detect(&decoded);
    assert_eq!(detected, detect(&decoded), "detecting twice differed");
    if let Ok(Detected::Known(kind)) = detected {
        gate_fuzz::read(kind, data);
    }
});
