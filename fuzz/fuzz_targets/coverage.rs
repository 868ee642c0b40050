//! Fuzz the five coverage readers (Cobertura, JaCoCo, LCOV, Go coverprofile, istanbul summary;
//! all read the same bytes), and the merge of what they read: every figure covers at most its
//! total, and a percentage is between 0 and 100.
#![no_main]

use gate_core::evidence::Kind;
use gate_core::input::coverage::{merge, Figure};
use libfuzzer_sys::fuzz_target;

fn sound(f: Option<Figure>) {
    if let Some(f) = f {
        assert!(f.covered <= f.total, "{f:?}");
        assert_eq!(f.percent.is_some(), f.total > 0, "{f:?}");
        assert!(f.percent.is_none_or(|p| (0.0..=100.0).contains(&p)), "{f:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut reports = Vec::new();
    for kind in [
        Kind::Cobertura,
        Kind::Jacoco,
        Kind::Lcov,
        Kind::GoCoverprofile,
        Kind::IstanbulSummary,
    ] {
        if let Some(ev) = gate_fuzz::read(kind, data) {
            reports.extend(ev.facts.coverage);
        }
    }
    // Read twice, as a check with the report given twice would.
    let twice: Vec<_> = reports.iter().chain(reports.iter()).cloned().collect();
    for (coverage, _) in [merge(reports), merge(twice)] {
        for f in [coverage.lines, coverage.branches, coverage.functions, coverage.statements] {
            sound(f);
        }
        for file in &coverage.files {
            for f in [file.lines, file.branches, file.functions, file.statements] {
                sound(f);
            }
        }
    }
});
