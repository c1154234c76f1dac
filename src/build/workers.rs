//! Build: the worker threads briefs are typeset on.
//!
//! Policy: not rayon. Typst parallelises inside a compile on rayon's pool, and a rayon worker
//! that waits inside one brief steals other briefs, nesting them on its stack: every brief in
//! flight at once, memory growing with the batch. Plain threads wait instead, so at most
//! `workers` briefs are in flight and memory stays flat.

/// Runs `f` on every item with `workers` threads of our own, results in item order. `f` also
/// learns whether items were still waiting when it took this one.
pub(crate) fn run_workers<T: Send, R: Send>(
    items: Vec<T>,
    workers: usize,
    f: impl Fn(T, bool) -> R + Sync,
) -> Vec<R> {
    let n = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let done = std::sync::Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, n.max(1)) {
            s.spawn(|| loop {
                let (next, more) = {
                    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                    let next = q.next();
                    (next, q.len() > 0)
                };
                let Some((i, item)) = next else { break };
                let r = f(item, more);
                done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order() {
        let out = run_workers((0..50).collect(), 3, |i: u32, _| i * 2);
        assert_eq!(out, (0..50).map(|i| i * 2).collect::<Vec<_>>());
        assert!(run_workers(Vec::<u32>::new(), 2, |i, _| i).is_empty());
    }
}
