//! Evaluation under limits: every Rego evaluation gate runs (`gate check`'s packages, each
//! `gate test` test) runs on a thread of its own with a large explicit stack, under one
//! wall-clock deadline and a memory ceiling, and comes back as a value or an [`Error`] — never a
//! panic or an abort.
//!
//! - **Time.** regorus checks its execution timer as it evaluates; gate sets it to what is left
//!   of the deadline before each query. In case a single builtin call runs on without reaching a
//!   check, gate also stops waiting shortly after the deadline and reports the limit; the thread
//!   left behind ends with the process.
//! - **Memory.** regorus' allocator (its `allocator-memory-limits` feature, the process' global
//!   allocator) counts every live byte of the process; while gate evaluates, regorus refuses to
//!   go on once that count passes the limit. The limit is process-wide: it covers the input
//!   document and everything else gate holds at the time.
//! - **Panics** inside regorus are caught on the evaluation thread and reported as errors.

use std::panic::AssertUnwindSafe;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use regorus::Value;

use crate::error::Internal;
use crate::Error;

/// Stack of each evaluation thread. Recursion is refused before evaluation (see `analysis`), so
/// depth is bounded by the policies' nesting; this leaves ample room for deep but finite
/// evaluations. It is address space, committed only as used.
const EVAL_STACK: usize = 256 * 1024 * 1024;

/// How long past the deadline gate waits for regorus to notice it before giving up on it.
const GRACE: Duration = Duration::from_secs(2);

/// The limits of one run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Wall-clock limit on the whole evaluation.
    pub timeout: Duration,
    /// Ceiling on the bytes the process holds while policies are evaluated.
    pub max_memory: u64,
    /// What `time.now_ns()` returns during the evaluation.
    pub now_ns: i64,
}

thread_local! {
    /// The evaluation time of the evaluation running on this thread, set by [`guarded`]. One
    /// compiled engine serves checks at different times, so the time is the evaluation's, not
    /// the engine's.
    static NOW_NS: std::cell::Cell<Option<i64>> = const { std::cell::Cell::new(None) };
}

/// What `time.now_ns()` returns on this thread: the running evaluation's time, `None` outside
/// an evaluation.
pub(crate) fn now_ns() -> Option<i64> {
    NOW_NS.with(std::cell::Cell::get)
}

/// Sets the process-wide memory ceiling for as long as it lives.
#[derive(Debug)]
pub(crate) struct MemoryCeiling(());

impl MemoryCeiling {
    pub(crate) fn set(bytes: u64) -> Self {
        regorus::set_global_memory_limit(Some(bytes));
        Self(())
    }
}

impl Drop for MemoryCeiling {
    fn drop(&mut self) {
        regorus::set_global_memory_limit(None);
    }
}

/// Evaluate `queries` (label, query text) on clones of `engine`, `threads` at a time, each
/// thread taking the next query until none is left or one has failed. Results come back in
/// query order; a query left out after another's error is `Undefined`.
pub(crate) fn evaluate_all(
    engine: &regorus::Engine,
    queries: Vec<(String, String)>,
    threads: usize,
    limits: Limits,
) -> Result<Vec<Result<Value, Error>>, Error> {
    let deadline = Instant::now() + limits.timeout;
    let _ceiling = MemoryCeiling::set(limits.max_memory);
    let queries = Arc::new(queries);
    let evaluate = move |engine: &mut regorus::Engine, (label, query): &(String, String)| {
        guarded(label, limits, || {
            set_deadline(engine, deadline);
            engine.eval_query(query.clone(), false).map(|r| {
                r.result
                    .first()
                    .and_then(|r| r.expressions.first())
                    .map(|e| e.value.clone())
                    .unwrap_or(Value::Undefined)
            })
        })
    };
    let out = crate::pool::run_ordered(
        Arc::clone(&queries),
        threads,
        eval_thread,
        || engine.clone(),
        evaluate,
        Result::is_err,
        Some(deadline + GRACE),
    )
    .map_err(Error::Io)?;
    let slots = out.slots;
    if out.timed_out {
        let pending: Vec<&str> = slots
            .iter()
            .zip(queries.iter())
            .filter(|(s, _)| s.is_none())
            .map(|(_, (label, _))| label.as_str())
            .collect();
        return Err(time_limit(&pending.join(", "), limits.timeout));
    }
    let failed = slots.iter().any(|v| matches!(v, Some(Err(_))));
    Ok(slots
        .into_iter()
        .zip(queries.iter())
        .map(|(v, (label, _))| match v {
            Some(v) => v,
            None if failed => Ok(Value::Undefined),
            None => Err(thread_stopped(label)),
        })
        .collect())
}

/// Run `f` (one evaluation on `engine`, which it gets back) on an evaluation thread under
/// `limits`, starting now.
pub(crate) fn evaluate_one<T: Send + 'static>(
    label: &str,
    mut engine: regorus::Engine,
    limits: Limits,
    f: impl FnOnce(&mut regorus::Engine) -> anyhow::Result<T> + Send + 'static,
) -> Result<(regorus::Engine, Result<T, Error>), Error> {
    let deadline = Instant::now() + limits.timeout;
    let _ceiling = MemoryCeiling::set(limits.max_memory);
    let (tx, rx) = mpsc::channel();
    let owned = label.to_owned();
    spawn(move || {
        let r = guarded(&owned, limits, || {
            set_deadline(&mut engine, deadline);
            f(&mut engine)
        });
        let _ = tx.send((engine, r));
    })?;
    match rx.recv_timeout((deadline + GRACE).saturating_duration_since(Instant::now())) {
        Ok(done) => Ok(done),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(time_limit(label, limits.timeout)),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(thread_stopped(label)),
    }
}

/// The evaluation thread ended without sending a result: gate's failure, not the policy's.
fn thread_stopped(label: &str) -> Error {
    Error::Internal {
        kind: Internal::ThreadStopped,
        during: format!("policy evaluation failed in `{label}`"),
        message: "the evaluation thread stopped without a result".to_owned(),
    }
}

/// How an evaluation thread is started: named, with [`EVAL_STACK`].
fn eval_thread() -> std::thread::Builder {
    std::thread::Builder::new()
        .name("gate-eval".to_owned())
        .stack_size(EVAL_STACK)
}

fn spawn(f: impl FnOnce() + Send + 'static) -> Result<(), Error> {
    eval_thread().spawn(f).map(drop).map_err(Error::Io)
}

fn set_deadline(engine: &mut regorus::Engine, deadline: Instant) {
    let left = deadline.saturating_duration_since(Instant::now());
    if let Some(interval) = std::num::NonZeroU32::new(1000) {
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            // Zero would mean the limit is hit before evaluation starts: it is, correctly.
            limit: left,
            check_interval: interval,
        });
    }
}

/// Run one evaluation, turning a limit error or a panic into gate's error.
fn guarded<T>(
    label: &str,
    limits: Limits,
    f: impl FnOnce() -> anyhow::Result<T>,
) -> Result<T, Error> {
    NOW_NS.with(|n| n.set(Some(limits.now_ns)));
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(classify(label, &e, limits)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            Err(Error::Internal {
                kind: Internal::EnginePanic,
                during: format!("policy evaluation failed in `{label}`"),
                message: format!("the Rego engine failed: {what}"),
            })
        }
    }
}

/// A regorus error as gate's: a limit error names the limit, anything else is an evaluation
/// error of `label`.
pub(crate) fn classify(label: &str, e: &anyhow::Error, limits: Limits) -> Error {
    let limit = e
        .chain()
        .find_map(|c| c.downcast_ref::<regorus::LimitError>().copied());
    match limit {
        Some(regorus::LimitError::TimeLimitExceeded { .. }) => time_limit(label, limits.timeout),
        Some(regorus::LimitError::MemoryLimitExceeded { .. }) => Error::PolicyLimit {
            rule: label.to_owned(),
            message: format!(
                "it needed more memory than the limit of {} (--max-memory)",
                bytes(limits.max_memory)
            ),
        },
        Some(other) => Error::PolicyLimit {
            rule: label.to_owned(),
            message: other.to_string(),
        },
        None => Error::PolicyEval {
            rule: label.to_owned(),
            message: format!("{e:#}"),
        },
    }
}

fn time_limit(label: &str, timeout: Duration) -> Error {
    Error::PolicyLimit {
        rule: label.to_owned(),
        message: format!(
            "it ran past the time limit of {} s (--timeout)",
            timeout.as_secs_f64()
        ),
    }
}

/// `64 MiB`, `2 GiB`, `1500 bytes`.
pub(crate) fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * MIB;
    if n >= GIB && n % GIB == 0 {
        format!("{} GiB", n / GIB)
    } else if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}
