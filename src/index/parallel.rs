//! Passes over every task split across the machine's cores, for the first request of a page at
//! national scale: at 1,000,000 tasks a search matching half of them is ranked in two halves at
//! once. Small inputs stay on the calling thread (a thread costs more than it saves).

/// Below this many items a pass runs on the calling thread.
const PARALLEL_FROM: usize = 100_000;

fn threads_for(n: usize) -> usize {
    if n < PARALLEL_FROM {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// `f` over `0..n` in order, in up to one contiguous part per core.
pub fn map_range<T: Send>(n: usize, f: impl Fn(std::ops::Range<usize>) -> Vec<T> + Sync) -> Vec<T> {
    let threads = threads_for(n);
    if threads < 2 {
        return f(0..n);
    }
    let per = n.div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let parts: Vec<_> = (0..threads)
            .map(|t| scope.spawn(move || f(t * per..((t + 1) * per).min(n))))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| {
                part.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The indices in `0..n` that `keep`, in order.
pub fn filter(n: usize, keep: impl Fn(usize) -> bool + Sync) -> Vec<usize> {
    map_range(n, |range| range.filter(|&i| keep(i)).collect())
}

/// `f` of every item, in order.
pub fn map<T: Send>(items: &[usize], f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    map_range(items.len(), |range| {
        items[range].iter().map(|&i| f(i)).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_come_back_in_order_for_small_and_large_inputs() {
        for n in [0, 7, PARALLEL_FROM + 3] {
            let evens = filter(n, |i| i % 2 == 0);
            assert_eq!(evens, (0..n).filter(|i| i % 2 == 0).collect::<Vec<_>>());
            assert_eq!(
                map(&evens, |i| i * 10),
                evens.iter().map(|i| i * 10).collect::<Vec<_>>()
            );
        }
    }
}
