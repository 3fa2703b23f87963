//! `find_any` over a huge space, cancelled by a timeout.
//!
//! Looks for a 64-bit nonce whose mixed hash starts with `BITS` zero bits. Each extra
//! bit doubles the expected work, so with a short deadline the search is cancelled: the
//! parallel iterator returns `Err(Cancelled)` within one item's work of the deadline, and
//! no thread keeps running.
//!
//! Run with `cargo run --release --example search -- [BITS] [TIMEOUT_MS]`
//! (defaults: 30 bits, 500 ms).

use std::time::{Duration, Instant};

use cancelpool::CancelSource;
use cancelpool::prelude::*;

/// A strong 64-bit mixer (splitmix64's finaliser).
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let bits: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let timeout_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);

    let deadline = CancelSource::with_timeout(Duration::from_millis(timeout_ms));
    let started = Instant::now();
    let result = (1..u64::MAX)
        .into_par_iter()
        .with_cancel(&deadline.token())
        .find_any(|&nonce| mix(nonce).leading_zeros() >= bits);
    let elapsed = started.elapsed();
    match result {
        Ok(Some(nonce)) => println!(
            "found nonce {nonce} (hash {:#018x}, {} leading zero bits) in {elapsed:.1?}",
            mix(nonce),
            mix(nonce).leading_zeros()
        ),
        Ok(None) => {
            println!("searched the whole space in {elapsed:.1?}: no nonce with {bits} zero bits")
        }
        Err(cancelled) => println!(
            "{cancelled}: no nonce with {bits} zero bits within {timeout_ms} ms; \
             the search stopped {:.2} ms after the deadline",
            (elapsed.as_secs_f64() * 1e3 - timeout_ms as f64).max(0.0)
        ),
    }
}
