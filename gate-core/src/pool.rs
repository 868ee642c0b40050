//! An ordered work queue on a few threads: reading evidence files and evaluating policy packages
//! both hand items to threads that each take the next one, and want the results back in item
//! order whatever the timing, so the outcome (and the first error reported) does not depend on
//! which thread was faster.
//!
//! Threads are detached, so a caller with a deadline can stop waiting for a runaway item; the
//! thread left behind ends with the process. Not a general executor: no priorities, no reuse of
//! threads across runs.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::Builder;
use std::time::Instant;

/// What one run gave.
#[derive(Debug)]
pub(crate) struct Ordered<R> {
    /// One slot per item, in item order: `None` for an item not done (never taken after a
    /// result that stopped the run, lost with a thread that panicked, or still running at the
    /// deadline).
    pub slots: Vec<Option<R>>,
    /// The deadline passed before every taken item was done.
    pub timed_out: bool,
}

/// Run `work` on every item, on up to `threads` threads (at most one per item, at least one),
/// each with its own state from `state` (made on the calling thread) and started from
/// `builder`. A thread takes the next item until none is left or a result for which `stop`
/// holds has been produced. Waits for results until `deadline`, if any.
pub(crate) fn run_ordered<T, S, R>(
    items: Arc<Vec<T>>,
    threads: usize,
    builder: impl Fn() -> Builder,
    mut state: impl FnMut() -> S,
    work: impl Fn(&mut S, &T) -> R + Send + Sync + 'static,
    stop: impl Fn(&R) -> bool + Send + Sync + 'static,
    deadline: Option<Instant>,
) -> std::io::Result<Ordered<R>>
where
    T: Send + Sync + 'static,
    S: Send + 'static,
    R: Send + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicBool::new(false));
    let work = Arc::new(work);
    let stop = Arc::new(stop);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    for _ in 0..threads.clamp(1, items.len().max(1)) {
        let mut own = state();
        let (items, next, stopped, work, stop, tx) = (
            Arc::clone(&items),
            Arc::clone(&next),
            Arc::clone(&stopped),
            Arc::clone(&work),
            Arc::clone(&stop),
            tx.clone(),
        );
        builder().spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    break;
                };
                let result = work(&mut own, item);
                if stop(&result) {
                    stopped.store(true, Ordering::Relaxed);
                }
                if tx.send((i, result)).is_err() {
                    break;
                }
            }
        })?;
    }
    drop(tx);
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    loop {
        let received = match deadline {
            Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match received {
            Ok((i, r)) => {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some(r);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return Ok(Ordered {
                    slots,
                    timed_out: true,
                })
            }
        }
    }
    Ok(Ordered {
        slots,
        timed_out: false,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::time::Duration;

    fn run(
        n: usize,
        threads: usize,
        stop_at: Option<usize>,
        deadline: Option<Instant>,
    ) -> Ordered<usize> {
        let items: Arc<Vec<usize>> = Arc::new((0..n).collect());
        run_ordered(
            items,
            threads,
            Builder::new,
            || (),
            move |_, &i| {
                // Later items finish first: order must not follow timing.
                std::thread::sleep(Duration::from_millis(((n - i) % 3) as u64));
                if i == 7 && deadline.is_some() {
                    std::thread::sleep(Duration::from_secs(5));
                }
                i * 10
            },
            move |&r| Some(r / 10) == stop_at,
            deadline,
        )
        .unwrap()
    }

    #[test]
    fn results_come_back_in_item_order() {
        for threads in [0, 1, 3, 64] {
            let out = run(20, threads, None, None);
            assert!(!out.timed_out);
            let got: Vec<usize> = out.slots.into_iter().map(Option::unwrap).collect();
            assert_eq!(got, (0..20).map(|i| i * 10).collect::<Vec<_>>());
        }
        assert!(run(0, 4, None, None).slots.is_empty());
    }

    #[test]
    fn a_stopping_result_ends_the_run() {
        let out = run(200, 1, Some(3), None);
        assert_eq!(out.slots[3], Some(30));
        assert!(out.slots[4..].iter().all(Option::is_none));
    }

    #[test]
    fn waiting_ends_at_the_deadline() {
        let started = Instant::now();
        let out = run(
            10,
            2,
            None,
            Some(Instant::now() + Duration::from_millis(300)),
        );
        assert!(out.timed_out);
        assert!(out.slots[7].is_none());
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
