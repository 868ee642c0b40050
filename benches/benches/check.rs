//! The big gate, in process: a full `gate check` over the generated big evidence set (10k SBOM
//! components, 5k Grype matches, 20k test cases) with the embedded policies, and each of its
//! stages alone, so a regression can be located.
//!
//! The evidence is generated once per process into a temporary folder. Every routine takes a
//! few hundred milliseconds at most, so the group samples flat with a small sample size.
#![allow(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop at once, loudly"
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use gate_benches::{generate, Sizes};
use gate_core::evidence;
use gate_core::policy::{EngineOptions, PolicyEngine, PolicySet};
use gate_core::report::{self, FailOn};
use gate_core::{EvidenceSource, Gate};

/// The evaluation time of every run (the big-gate harness's default `--now`).
const NOW: &str = "2026-12-01T00:00:00Z";

fn big_gate(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files = generate(dir.path(), Sizes::BIG).expect("the big evidence set is written");
    let now = gate_core::parse_now(NOW).expect("NOW is RFC 3339");

    let mut group = c.benchmark_group("big_gate");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));

    // (a) The whole check, as `gate check --now NOW FILES…` runs it, minus process start and
    // rendering: compile the embedded policies, read the evidence, build the input, evaluate,
    // decide.
    let sources = EvidenceSource::paths(&files);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("full_check_big", |b| {
        b.iter(|| {
            Gate::builder()
                .now(now)
                .build()
                .and_then(|gate| gate.check(black_box(&sources)))
                .expect("the check runs")
        })
    });
    group.measurement_time(Duration::from_secs(5));

    // (b) The stages. Reading: every file, then each file alone.
    group.bench_function("evidence_collect_big", |b| {
        b.iter_with_large_drop(|| evidence::collect(black_box(&files)).expect("evidence reads"))
    });
    for (kind, file) in ["cyclonedx", "grype", "junit"].iter().zip(&files) {
        let one: Vec<PathBuf> = vec![file.clone()];
        group.bench_function(format!("evidence_collect_big/{kind}"), |b| {
            b.iter_with_large_drop(|| evidence::collect(black_box(&one)).expect("evidence reads"))
        });
    }

    // Reading and normalising into the `input` document (collect plus assembling the input).
    group.bench_function("inspect_big", |b| {
        b.iter_with_large_drop(|| {
            Gate::builder()
                .now(now)
                .inspect(black_box(&sources))
                .expect("inspect")
        })
    });

    // The input document as a regorus value (no JSON text in between).
    let (input, _collected) = Gate::builder().now(now).inspect(&sources).expect("inspect");
    group.bench_function("input_to_value", |b| {
        b.iter_with_large_drop(|| black_box(&input).to_value().expect("to_value"))
    });

    // Compiling the embedded policies (done once per check).
    let set = PolicySet::embedded(false);
    let engine_opts = EngineOptions {
        now_ns: now.timestamp_nanos_opt().unwrap_or(i64::MAX),
        timeout: gate_core::policy::DEFAULT_TIMEOUT,
        max_memory: gate_core::policy::DEFAULT_MAX_MEMORY,
    };
    group.bench_function("policy_compile", |b| {
        b.iter_with_large_drop(|| {
            PolicyEngine::new(black_box(&set), Vec::new(), &engine_opts).expect("policies compile")
        })
    });

    // Evaluating every deny/warn rule over the prepared input value, with compiled policies.
    let value = input.to_value().expect("to_value");
    let mut engine = PolicyEngine::new(&set, Vec::new(), &engine_opts).expect("policies compile");
    group.bench_function("policy_eval", |b| {
        b.iter_with_large_drop(|| {
            engine
                .evaluate(black_box(value.clone()))
                .expect("evaluates")
        })
    });
    // The same, one policy module at a time, to find the rule that got slower.
    for file in &set.files {
        let one = PolicySet {
            files: vec![file.clone()],
        };
        let name = file
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&file.path)
            .trim_end_matches(".rego");
        let mut engine =
            PolicyEngine::new(&one, Vec::new(), &engine_opts).expect("policies compile");
        group.bench_function(format!("policy_eval/{name}"), |b| {
            b.iter_with_large_drop(|| {
                engine
                    .evaluate(black_box(value.clone()))
                    .expect("evaluates")
            })
        });
    }

    // Turning raw rule results into sorted, de-duplicated decisions and a verdict.
    let raw = engine.evaluate(value.clone()).expect("evaluates");
    let rules = engine.rules().len();
    group.bench_function("decisions", |b| {
        b.iter_batched(
            || raw.clone(),
            |raw| {
                let results = report::decisions(raw);
                let verdict = report::verdict(&results, rules, FailOn::Deny);
                (results, verdict)
            },
            BatchSize::LargeInput,
        )
    });

    // Freeing what a check builds: `full_check_big` pays for it, the stage benches above do not.
    group.bench_function("drop_input", |b| {
        b.iter_batched(|| input.clone(), drop, BatchSize::LargeInput)
    });
    group.bench_function("drop_value", |b| {
        b.iter_batched(
            || input.to_value().expect("to_value"),
            drop,
            BatchSize::LargeInput,
        )
    });

    group.finish();
    drop(dir);
}

criterion_group!(benches, big_gate);
criterion_main!(benches);
