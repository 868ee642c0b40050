//! Fuzz the waivers file reader (`--waivers FILE`) and waiver matching.
#![no_main]

use gate_core::waiver;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = gate_fuzz::scratch_file("waivers.toml", data);
    if let Some(waivers) = gate_fuzz::load_twice(&path, waiver::load) {
        for w in &waivers {
            assert!(w.line >= 1, "waiver {} without a line", w.id);
            assert!(
                w.matches(&w.code, &w.subject) || w.subject.contains(['*', '?', '[', '{', '\\'])
            );
        }
        let _ = waiver::ensure_unique_ids(&waivers);
    }
});
