//! `with_cancel` and the short-circuiting consumers: cancelled calls stop early, report
//! `Err(Cancelled)`, and lose or leak nothing; found answers stop the other pieces.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cancelpool::prelude::*;
use cancelpool::{CancelSource, CancelToken, Cancelled};

/// Items of the scenarios that also run under miri (fewer there: it interprets).
const N: u32 = if cfg!(miri) { 600 } else { 10_000 };

#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn cancel_from_another_thread_stops_a_long_run() {
    const ITEMS: u64 = 10_000_000;
    let source = CancelSource::new();
    let token = source.token();
    let (started_tx, started_rx) = mpsc::sync_channel::<()>(1);
    let canceller = std::thread::spawn(move || {
        started_rx.recv().expect("the run starts");
        source.cancel();
    });
    let done = AtomicUsize::new(0);
    let signalled = AtomicBool::new(false);
    let start = Instant::now();
    let result = (0..ITEMS)
        .into_par_iter()
        .with_cancel(&token)
        .for_each(|_| {
            if !signalled.swap(true, Ordering::Relaxed) {
                let _ = started_tx.send(());
            }
            std::thread::sleep(Duration::from_micros(1));
            done.fetch_add(1, Ordering::Relaxed);
        });
    let elapsed = start.elapsed();
    canceller.join().unwrap();
    assert_eq!(result, Err(Cancelled));
    assert!(
        elapsed < Duration::from_secs(2),
        "stopped within a generous bound, took {elapsed:?}"
    );
    assert!((done.into_inner() as u64) < ITEMS);
}

/// Every cancellable consumer, on a cancelled token, returns `Err` and runs no item.
#[test]
fn pre_cancelled_calls_run_no_item() {
    let source = CancelSource::new();
    source.cancel();
    let token = source.token();
    let ran = AtomicUsize::new(0);
    let v: Vec<u32> = (0..10_000).collect();
    let it = || {
        v.par_iter().map(|&x| {
            ran.fetch_add(1, Ordering::Relaxed);
            x
        })
    };
    assert_eq!(it().with_cancel(&token).for_each(|_| ()), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).sum::<u32>(), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).product::<u32>(), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).count(), Err(Cancelled));
    assert_eq!(
        it().with_cancel(&token).reduce(|| 0, |a, b| a + b),
        Err(Cancelled)
    );
    assert_eq!(it().with_cancel(&token).min(), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).max(), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).min_by_key(|x| *x), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).max_by_key(|x| *x), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).collect::<Vec<_>>(), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).any(|_| true), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).all(|_| true), Err(Cancelled));
    assert_eq!(it().with_cancel(&token).find_any(|_| true), Err(Cancelled));
    assert_eq!(
        it().with_cancel(&token).position_any(|_| true),
        Err(Cancelled)
    );
    assert_eq!(
        it().with_cancel(&token)
            .filter(|_| true)
            .fold(|| 0, |a, b| a + b)
            .sum::<u32>(),
        Err(Cancelled)
    );
    assert_eq!(ran.into_inner(), 0);
    // Empty inputs too.
    assert_eq!(
        (0..0u8).into_par_iter().with_cancel(&token).count(),
        Err(Cancelled)
    );
}

#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn uncancelled_calls_match_plain_ones() {
    let token = CancelSource::new().token();
    let v: Vec<u64> = (0..100_000).map(|x| x * 7 % 1013).collect();
    let c = || v.par_iter().with_cancel(&token);
    assert_eq!(c().sum::<u64>(), Ok(v.iter().sum()));
    assert_eq!(c().count(), Ok(v.len()));
    assert_eq!(c().min(), Ok(v.iter().min()));
    assert_eq!(c().max(), Ok(v.iter().max()));
    assert_eq!(
        c().min_by_key(|x| **x % 10),
        Ok(v.iter().min_by_key(|x| **x % 10))
    );
    assert_eq!(
        c().max_by_key(|x| **x % 10),
        Ok(v.iter().max_by_key(|x| **x % 10))
    );
    assert_eq!(
        c().map(|x| x * 2).collect::<Vec<_>>(),
        Ok(v.iter().map(|x| x * 2).collect())
    );
    assert_eq!(
        c().filter(|x| **x % 2 == 0).collect::<Vec<_>>(),
        Ok(v.iter().filter(|x| **x % 2 == 0).collect())
    );
    assert_eq!(c().enumerate().map(|(i, _)| i).max(), Ok(Some(v.len() - 1)));
    assert_eq!(c().zip(&v).all(|(a, b)| a == b), Ok(true));
    assert_eq!(c().any(|x| *x == 1012), Ok(v.contains(&1012)));
    assert_eq!(c().find_any(|x| **x == 5000), Ok(None));
    let pos = c().position_any(|x| *x == 7).unwrap().unwrap();
    assert_eq!(v[pos], 7);
    assert_eq!(c().with_min_len(1000).count(), Ok(v.len()));
}

#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn items_see_the_token_through_checkpoint_and_current_token() {
    let source = CancelSource::new();
    let token = source.token();
    let seen_cancelled = AtomicUsize::new(0);
    let result = (0..100_000u32)
        .into_par_iter()
        .with_cancel(&token)
        .for_each(|i| {
            if i == 500 {
                assert!(cancelpool::checkpoint().is_ok());
                source.cancel();
                // The running item sees the request at once, by either way.
                assert_eq!(cancelpool::checkpoint(), Err(Cancelled));
                assert!(cancelpool::current_token().is_cancelled());
                seen_cancelled.fetch_add(1, Ordering::Relaxed);
            }
        });
    assert_eq!(result, Err(Cancelled));
    assert_eq!(seen_cancelled.into_inner(), 1);
    // Outside the call, the current token is the thread's own again.
    assert!(!cancelpool::current_token().is_cancelled());
}

#[test]
fn a_call_in_a_disabled_section_runs_to_the_end() {
    let source = CancelSource::new();
    let token = source.token();
    source.cancel();
    let _guard = cancelpool::disable_cancel();
    let ran = AtomicUsize::new(0);
    let result = (0..N)
        .into_par_iter()
        .with_cancel(&token)
        .map(|x| {
            ran.fetch_add(1, Ordering::Relaxed);
            assert!(
                !cancelpool::cancel_enabled(),
                "pieces inherit the state (C5)"
            );
            assert!(cancelpool::checkpoint().is_ok());
            x
        })
        .sum::<u32>();
    assert_eq!(result, Ok((0..N).sum()));
    assert_eq!(ran.into_inner(), N as usize);
}

#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn cancelled_collect_drops_what_it_made() {
    #[derive(Debug)]
    struct Tracked<'a>(&'a AtomicUsize);
    impl Drop for Tracked<'_> {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    for stop_at in [0u32, 1, 999, 50_000, 99_000] {
        let source = CancelSource::new();
        let token = source.token();
        let made = AtomicUsize::new(0);
        let drops = AtomicUsize::new(0);
        let result = (0..100_000u32)
            .into_par_iter()
            .with_cancel(&token)
            .map(|i| {
                if i == stop_at {
                    source.cancel();
                }
                made.fetch_add(1, Ordering::Relaxed);
                Tracked(&drops)
            })
            .collect::<Vec<_>>();
        assert_eq!(result.map(|v| v.len()), Err(Cancelled), "stop at {stop_at}");
        assert_eq!(
            drops.load(Ordering::Relaxed),
            made.load(Ordering::Relaxed),
            "stop at {stop_at}"
        );
        assert!(made.load(Ordering::Relaxed) < 100_000);
    }
}

#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn cancelled_short_circuit_without_answer_is_err() {
    let source = CancelSource::new();
    let token = source.token();
    let result = (0..1_000_000u32)
        .into_par_iter()
        .with_cancel(&token)
        .find_any(|&i| {
            if i == 100 {
                source.cancel();
            }
            false
        });
    assert_eq!(result, Err(Cancelled));
    // An answer found before the request is kept.
    let source = CancelSource::new();
    let token = source.token();
    let result = (0..1000u32)
        .into_par_iter()
        .with_cancel(&token)
        .find_any(|&i| {
            if i == 3 {
                source.cancel();
                return true;
            }
            false
        });
    assert_eq!(result, Ok(Some(3)));
}

#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn find_any_stops_the_other_pieces_early() {
    const ITEMS: usize = 4_000_000;
    let processed = AtomicUsize::new(0);
    let found = (0..ITEMS).into_par_iter().find_any(|&i| {
        processed.fetch_add(1, Ordering::Relaxed);
        i == 10
    });
    assert_eq!(found, Some(10));
    let processed = processed.into_inner();
    assert!(
        processed < ITEMS,
        "the match is early: the other pieces stop, processed {processed}"
    );
    let processed = AtomicUsize::new(0);
    assert!(!(0..ITEMS).into_par_iter().all(|i| {
        processed.fetch_add(1, Ordering::Relaxed);
        i != 10
    }));
    assert!(processed.into_inner() < ITEMS);
}

/// Rayon issue 1067: items that take long can poll `checkpoint()` and give up once
/// another piece found the answer.
#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn running_items_see_the_answer_through_checkpoint() {
    const ITEMS: u32 = 64;
    let deadline = Instant::now() + Duration::from_secs(20);
    let others_started = AtomicUsize::new(0);
    let gave_up = AtomicUsize::new(0);
    let timed_out = AtomicUsize::new(0);
    let found = (0..ITEMS).into_par_iter().with_max_len(1).find_any(|&i| {
        if i == 0 {
            // The answer, once some other item is running (bounded, in case no other
            // thread comes).
            let give_others = Instant::now() + Duration::from_secs(2);
            while others_started.load(Ordering::SeqCst) == 0 && Instant::now() < give_others {
                std::thread::yield_now();
            }
            return true;
        }
        others_started.fetch_add(1, Ordering::SeqCst);
        // A long item: works until told to stop.
        while Instant::now() < deadline {
            if cancelpool::checkpoint().is_err() {
                gave_up.fetch_add(1, Ordering::Relaxed);
                return false;
            }
            std::thread::yield_now();
        }
        timed_out.fetch_add(1, Ordering::Relaxed);
        false
    });
    assert_eq!(found, Some(0));
    assert_eq!(
        timed_out.into_inner(),
        0,
        "every running item saw the answer"
    );
    if cancelpool::current_num_threads() > 1 {
        assert!(
            gave_up.into_inner() >= 1,
            "an item was running when the answer came"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore)] // long: millions of items or real time
fn plain_short_circuit_ignores_an_outer_disable_and_stays_correct() {
    // Inside a disabled section the answer still stops the pieces (it is not a cancel of
    // the job), while checkpoints of the items stay quiet.
    let _guard = cancelpool::disable_cancel();
    let processed = AtomicUsize::new(0);
    let found = (0..4_000_000usize).into_par_iter().position_any(|i| {
        processed.fetch_add(1, Ordering::Relaxed);
        assert!(cancelpool::checkpoint().is_ok());
        i == 5
    });
    assert_eq!(found, Some(5));
    assert!(processed.into_inner() < 4_000_000);
}

#[test]
fn never_token_never_cancels() {
    let token = CancelToken::never();
    let r = (0..u64::from(N))
        .into_par_iter()
        .with_cancel(&token)
        .filter(|x| x % 3 == 0)
        .map(|x| x * 2)
        .sum::<u64>();
    assert_eq!(
        r,
        Ok((0..u64::from(N))
            .filter(|x| x % 3 == 0)
            .map(|x| x * 2)
            .sum())
    );
}

#[test]
fn panics_in_cancellable_calls_propagate() {
    let token = CancelSource::new().token();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (0..1000u32)
            .into_par_iter()
            .with_cancel(&token)
            .for_each(|i| assert_ne!(i, 500, "item 500 fails"))
    }));
    assert!(result.is_err(), "a panic is not turned into Cancelled");
    let result = std::panic::catch_unwind(|| {
        (0..1000u32).into_par_iter().find_any(|&i| {
            assert_ne!(i, 999);
            false
        })
    });
    assert!(result.is_err());
}

/// `with_cancel` may stand anywhere in a chain, and the consumer at its end returns a
/// `Result` whatever adapters follow it.
#[test]
fn with_cancel_anywhere_in_the_chain() {
    let never = CancelToken::never();
    let v: Vec<u64> = (0..u64::from(N)).collect();
    let expected: u64 = v.iter().map(|x| x * 3).filter(|x| x % 2 == 0).sum();

    let early: Result<u64, Cancelled> = v
        .par_iter()
        .with_cancel(&never)
        .map(|x| x * 3)
        .filter(|x| x % 2 == 0)
        .sum();
    let middle: Result<u64, Cancelled> = v
        .par_iter()
        .map(|x| x * 3)
        .with_cancel(&never)
        .filter(|x| x % 2 == 0)
        .sum();
    let late: Result<u64, Cancelled> = v
        .par_iter()
        .map(|x| x * 3)
        .filter(|x| x % 2 == 0)
        .with_cancel(&never)
        .sum();
    assert_eq!(
        (early, middle, late),
        (Ok(expected), Ok(expected), Ok(expected))
    );

    // Indexed adapters after it keep the chain indexed.
    let zipped: Result<Vec<(u64, usize)>, Cancelled> = v
        .par_iter()
        .map(|&x| x)
        .with_cancel(&never)
        .zip(0..v.len())
        .enumerate()
        .map(|(_, pair)| pair)
        .collect();
    assert_eq!(zipped.map(|z| z.len()), Ok(v.len()));

    let source = CancelSource::new();
    source.cancel();
    let cancelled = v
        .par_iter()
        .map(|x| x + 1)
        .with_cancel(&source.token())
        .fold(|| 0u64, |a, x| a + x)
        .reduce(|| 0, |a, b| a + b);
    assert_eq!(cancelled, Err(Cancelled));
}

/// Generic code that only knows `ParallelIterator` can take a cancellable chain; its
/// plain consumer cannot report a cancellation, so it runs every item (nothing is lost).
#[test]
fn generic_code_takes_a_cancellable_chain_and_loses_nothing() {
    fn total<I: ParallelIterator<Item = u64>>(iter: I) -> u64 {
        iter.sum()
    }
    let source = CancelSource::new();
    let token = source.token();
    let ran = AtomicUsize::new(0);
    let sum = total(
        (0..u64::from(N))
            .into_par_iter()
            .with_cancel(&token)
            .map(|x| {
                if x == 10 {
                    source.cancel();
                }
                ran.fetch_add(1, Ordering::Relaxed);
                x
            }),
    );
    assert_eq!(sum, (0..u64::from(N)).sum::<u64>());
    assert_eq!(ran.into_inner(), N as usize);
}

/// Items see the chain's token as the current token, so `checkpoint()` inside an item
/// fails once the chain is cancelled, and the chain reports the cancellation.
#[test]
fn items_see_the_chain_token_at_checkpoint() {
    let source = CancelSource::new();
    let token = source.token();
    let saw_cancel = AtomicBool::new(false);
    let result = (0..N)
        .into_par_iter()
        .with_cancel(&token)
        .try_for_each(|i| {
            if i == 5 {
                source.cancel();
            }
            let r = cancelpool::checkpoint();
            if r.is_err() {
                saw_cancel.store(true, Ordering::Relaxed);
            }
            r
        });
    // Either an item returned its `Err(Cancelled)` (a decisive failure, kept) or the pieces
    // stopped first; both say the run was cancelled.
    assert!(
        matches!(result, Err(Cancelled) | Ok(Err(Cancelled))),
        "{result:?}"
    );
    assert!(saw_cancel.into_inner() || result == Err(Cancelled));
}

/// Expensive items: the chain stops within a few items of the request, because blocks
/// shrink to one item when items are slow (blocks adapt to time, not to a count).
#[test]
#[cfg_attr(miri, ignore)] // real time
fn slow_items_stop_within_a_few_items() {
    const ITEMS: usize = 100_000;
    let source = CancelSource::new();
    let token = source.token();
    let done = AtomicUsize::new(0);
    let result = (0..ITEMS)
        .into_par_iter()
        .with_cancel(&token)
        .for_each(|i| {
            // About 50 µs of work per item: far longer than a block's target.
            let start = Instant::now();
            while start.elapsed() < Duration::from_micros(50) {
                std::hint::spin_loop();
            }
            if i == 0 || i == ITEMS / 2 {
                source.cancel();
            }
            done.fetch_add(1, Ordering::Relaxed);
        });
    assert_eq!(result, Err(Cancelled));
    let done = done.into_inner();
    // Each piece finishes at most the item it is in and one more block of one or two
    // items; with a handful of pieces that is far below the 100k items.
    assert!(
        done < 1_000,
        "{done} items ran after a request at the first items"
    );
}

/// A cancellable chain driven through an unindexed source checks per item and stops.
#[test]
fn unindexed_chains_stop_too() {
    let source = CancelSource::new();
    let token = source.token();
    let done = AtomicUsize::new(0);
    let result = (0..1_000_000u32)
        .into_par_iter()
        .filter(|x| x % 3 != 0)
        .with_cancel(&token)
        .map(|x| {
            if done.fetch_add(1, Ordering::Relaxed) == 100 {
                source.cancel();
            }
            x
        })
        .count();
    assert_eq!(result, Err(Cancelled));
    assert!(done.into_inner() < 666_667);
}

/// A request made inside a disabled section does not stop a chain started in it.
#[test]
fn chain_started_while_disabled_runs_every_item() {
    let source = CancelSource::new();
    let token = source.token();
    let _guard = cancelpool::disable_cancel();
    source.cancel();
    let sum = (0..N)
        .into_par_iter()
        .with_cancel(&token)
        .map(u64::from)
        .sum::<u64>();
    assert_eq!(sum, Ok((0..u64::from(N)).sum()));
}

/// Cloning a cancellable chain keeps the token; each clone runs on its own.
#[test]
fn cloned_chains_are_independent() {
    let never = CancelToken::never();
    let chain = (0..N).into_par_iter().with_cancel(&never).map(|x| x * 2);
    let a = chain.clone().count();
    let b = chain.sum::<u32>();
    assert_eq!(a, Ok(N as usize));
    assert_eq!(b, Ok((0..N).map(|x| x * 2).sum()));
}
