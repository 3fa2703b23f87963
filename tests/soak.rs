//! A bounded soak: random mixes of every pool operation on several pools from several
//! threads, checking the pool's promises after every round.
//!
//! ```text
//! cargo test --release --test soak -- --ignored soak     # the long runs (minutes)
//! cargo test --test soak                                  # the short run CI does
//! SOAK_SEED=0x1234 SOAK_ROUNDS=50 SOAK_SECS=60 cargo test --release --test soak -- --ignored soak_mixed
//! ```
//!
//! Each round builds 2–3 pools (1–3 workers each) and runs 2–3 driver threads, each
//! doing a seeded random sequence of `join`, nested `join`, `scope` (with and without
//! `s.cancel()`), `submit` (joined at once, kept, cancelled, dropped, detached,
//! `join_timeout`, submitted from inside a worker), `spawn`/`try_spawn`,
//! `disable_cancel` sections, `isolate`, parallel iterators (plain and `with_cancel`),
//! `cancel_all`, `stats`, `shutdown` and `shutdown_now`. After the round every pool is
//! shut down and the test checks:
//!
//! - every `join`/`scope`/`par_iter` result is the sequential one (a scope job may skip
//!   its work only if the scope's token was cancelled; a `with_cancel` call may fail only
//!   if its token was cancelled);
//! - every submitted job's outcome is consistent with what its closure did (`Ok` only
//!   with the right value; `Cancelled` only if the token was cancelled and the closure
//!   either never started or returned `Err(Cancelled)` itself; `Rejected` only from a
//!   shut-down pool, with the closure never started);
//! - a job reported cancelled before start (or rejected) never started later — its
//!   start flag is read again after the pool's workers were joined;
//! - the stats identity `submitted == finished + cancelled_before_start + rejected +
//!   in_flight` at random moments and after shutdown, with `in_flight == 0` and
//!   `queued == 0` then, `submitted` equal to the number of spawn/submit calls made and
//!   `finished` equal to the number of closures that started;
//! - nothing hangs: a watchdog thread aborts the process, naming the round and seed, if a
//!   round takes longer than a generous limit.

mod common;

use common::Rng;

use std::any::Any;
use std::io::Write;
use std::panic;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use cancelpool::prelude::*;
use cancelpool::{
    CancelSource, CancelToken, Cancelled, JobError, JobHandle, PoolStats, ThreadPool,
    ThreadPoolBuilder,
};

/// How hard a soak pushes, and for how long.
#[derive(Clone, Copy, Debug)]
struct Profile {
    seed: u64,
    rounds: usize,
    /// No new round starts after this.
    time_cap: Duration,
    ops_per_driver: u64,
    /// One op in `shutdown_one_in` (per driver) shuts a random pool down mid-round.
    shutdown_one_in: u64,
    /// A round that takes longer than this aborts the process (a hang).
    round_limit: Duration,
}

impl Profile {
    /// Overrides from `SOAK_SEED` (decimal or 0x-hex), `SOAK_ROUNDS`, `SOAK_SECS`.
    fn with_env_overrides(mut self) -> Profile {
        if let Ok(s) = std::env::var("SOAK_SEED") {
            let s = s.trim();
            self.seed = match s.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => s.parse(),
            }
            .expect("SOAK_SEED is a number");
        }
        if let Ok(r) = std::env::var("SOAK_ROUNDS") {
            self.rounds = r.trim().parse().expect("SOAK_ROUNDS is a number");
        }
        if let Ok(t) = std::env::var("SOAK_SECS") {
            self.time_cap = Duration::from_secs(t.trim().parse().expect("SOAK_SECS is a number"));
        }
        self
    }
}

/// The panic message of the jobs that panic on purpose; the hook stays quiet for them.
const DELIBERATE: &str = "soak: deliberate panic";

fn quiet_deliberate_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if panic_message(info.payload()) != DELIBERATE {
                previous(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// A pool of the round with the counts the drivers keep for it.
struct PoolUnderTest {
    pool: ThreadPool,
    /// spawn/try_spawn/submit calls made on this pool.
    calls: AtomicUsize,
    /// Detached closures (spawn or submit) that started.
    started: Arc<AtomicUsize>,
}

/// What one submitted job's closure did.
#[derive(Default)]
struct JobRecord {
    started: AtomicBool,
    returned_cancelled: AtomicBool,
}

/// What a submitted job does.
#[derive(Clone, Copy, Debug)]
enum JobKind {
    /// A loop of checkpoints and arithmetic.
    Busy(u64),
    /// A few short cancellable sleeps.
    Sleepy(u64),
    /// Work inside a `disable_cancel` section; a request seen inside must be delivered
    /// at the first checkpoint after.
    Disabled(u64),
    /// Panics with [`DELIBERATE`].
    Panics,
}

impl JobKind {
    fn random(rng: &mut Rng) -> JobKind {
        match rng.below(16) {
            0..=6 => JobKind::Busy(rng.range(1, 2000)),
            7..=10 => JobKind::Sleepy(rng.range(1, 4)),
            11..=14 => JobKind::Disabled(rng.range(1, 500)),
            _ => JobKind::Panics,
        }
    }

    /// The value an uncancelled run returns.
    fn expected(self, id: u64) -> u64 {
        match self {
            JobKind::Busy(n) | JobKind::Disabled(n) => id ^ (n * (n - 1) / 2),
            JobKind::Sleepy(n) => id ^ n,
            JobKind::Panics => 0,
        }
    }

    fn run(self, id: u64, token: &CancelToken) -> Result<u64, Cancelled> {
        match self {
            JobKind::Busy(n) => {
                let mut sum = 0u64;
                for i in 0..n {
                    token.checkpoint()?;
                    sum += std::hint::black_box(i);
                }
                Ok(id ^ sum)
            }
            JobKind::Sleepy(n) => {
                for i in 0..n {
                    token.sleep(Duration::from_micros(50 * (i + 1)))?;
                }
                Ok(id ^ n)
            }
            JobKind::Disabled(n) => {
                let guard = cancelpool::disable_cancel();
                let mut sum = 0u64;
                let mut saw_request = false;
                for i in 0..n {
                    assert_eq!(token.checkpoint(), Ok(()), "a checkpoint under a guard");
                    assert_eq!(cancelpool::checkpoint(), Ok(()), "the ambient checkpoint");
                    saw_request |= token.is_cancelled();
                    sum += std::hint::black_box(i);
                }
                assert!(!cancelpool::cancel_enabled());
                drop(guard);
                if saw_request {
                    assert_eq!(
                        token.checkpoint(),
                        Err(Cancelled),
                        "a request seen while disabled is delivered after"
                    );
                }
                token.checkpoint()?;
                Ok(id ^ sum)
            }
            JobKind::Panics => panic!("soak: deliberate panic"),
        }
    }
}

/// What the checks need to know about a submitted job besides its result.
struct JobInfo {
    record: Arc<JobRecord>,
    token: CancelToken,
    kind: JobKind,
    id: u64,
    pool: usize,
}

/// A submitted job and its handle.
struct Pending {
    handle: JobHandle<u64>,
    info: JobInfo,
}

impl Pending {
    /// Joins the job and checks its result.
    fn join_and_check(self, out: &mut Outcome, pools: &[PoolUnderTest]) {
        let result = self.handle.join();
        out.check_job(&self.info, result, pools);
    }
}

/// Failures and the records to re-check after shutdown, per driver.
#[derive(Default)]
struct Outcome {
    failures: Vec<String>,
    /// Jobs whose handle said "never started" (cancelled before start, or rejected).
    never_started: Vec<(u64, Arc<JobRecord>)>,
    ops: u64,
    jobs_checked: u64,
}

impl Outcome {
    fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    /// Checks a job's result against what its closure did.
    fn check_job(&mut self, job: &JobInfo, result: Result<u64, JobError>, pools: &[PoolUnderTest]) {
        self.jobs_checked += 1;
        let started = job.record.started.load(Ordering::SeqCst);
        let id = job.id;
        let kind = job.kind;
        match result {
            Ok(v) => {
                if !started {
                    self.fail(format!("job {id}: Ok without its closure starting"));
                }
                let want = kind.expected(id);
                if matches!(kind, JobKind::Panics) || v != want {
                    self.fail(format!("job {id} ({kind:?}): Ok({v}), want {want}"));
                }
            }
            Err(JobError::Cancelled) => {
                if !job.token.is_cancelled() {
                    self.fail(format!("job {id}: Cancelled but its token is not"));
                }
                if !started {
                    self.never_started.push((id, Arc::clone(&job.record)));
                } else if !job.record.returned_cancelled.load(Ordering::SeqCst) {
                    self.fail(format!(
                        "job {id} ({kind:?}): Cancelled, but its closure ran and did not \
                         return Err(Cancelled)"
                    ));
                }
            }
            Err(JobError::Rejected) => {
                if !pools[job.pool].pool.is_shut_down() {
                    self.fail(format!(
                        "job {id}: Rejected by a pool that is not shut down"
                    ));
                }
                if started {
                    self.fail(format!("job {id}: Rejected but its closure started"));
                }
                self.never_started.push((id, Arc::clone(&job.record)));
            }
            Err(JobError::Panicked(payload)) => {
                let msg = payload.message().unwrap_or("<non-string payload>");
                if !matches!(kind, JobKind::Panics) || msg != DELIBERATE {
                    self.fail(format!("job {id} ({kind:?}) panicked: {msg}"));
                }
            }
            Err(e) => self.fail(format!("job {id}: unexpected {e:?}")),
        }
    }
}

fn identity(s: &PoolStats) -> bool {
    s.submitted == s.finished + s.cancelled_before_start + s.rejected + s.in_flight
}

fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let (a, b) = cancelpool::join(|| fib(n - 1), || fib(n - 2));
    a + b
}

fn fib_seq(n: u64) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    a
}

/// A fresh job id, unique within the process.
fn next_id() -> u64 {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) as u64
}

/// Submits a job of `kind` to `pools[i]` from the calling thread (which may be one of
/// the pool's workers: then the job goes to its local deque).
fn submit_job(pools: &[PoolUnderTest], i: usize, kind: JobKind) -> Pending {
    let id = next_id();
    let record = Arc::new(JobRecord::default());
    let r = Arc::clone(&record);
    let started = Arc::clone(&pools[i].started);
    pools[i].calls.fetch_add(1, Ordering::SeqCst);
    let handle = pools[i].pool.submit(move |token| {
        r.started.store(true, Ordering::SeqCst);
        started.fetch_add(1, Ordering::SeqCst);
        let result = kind.run(id, token);
        if result.is_err() {
            r.returned_cancelled.store(true, Ordering::SeqCst);
        }
        Ok(result?)
    });
    let token = handle.token();
    Pending {
        handle,
        info: JobInfo {
            record,
            token,
            kind,
            id,
            pool: i,
        },
    }
}

/// One driver thread's random sequence of operations.
fn drive(pools: &[PoolUnderTest], mut rng: Rng, ops: u64, shutdown_one_in: u64) -> Outcome {
    let mut out = Outcome::default();
    let mut kept: Vec<Pending> = Vec::new();
    for _ in 0..ops {
        out.ops += 1;
        let i = rng.below(pools.len() as u64) as usize;
        let pool = &pools[i].pool;
        match rng.below(20) {
            // join: two independent computations.
            0 | 1 => {
                let n = rng.range(0, 500);
                let m = rng.range(0, 500);
                let r = pool.try_install(|| {
                    cancelpool::join(
                        || (0..n).sum::<u64>(),
                        || (0..m).map(|x| x * 2).sum::<u64>(),
                    )
                });
                if let Ok((a, b)) = r {
                    if a != n * n.saturating_sub(1) / 2 || b != m * m.saturating_sub(1) {
                        out.fail(format!("join({n}, {m}) = ({a}, {b})"));
                    }
                }
            }
            // Nested joins.
            2 => {
                let n = rng.range(0, 14);
                if let Ok(v) = pool.try_install(|| fib(n)) {
                    if v != fib_seq(n) {
                        out.fail(format!("fib({n}) = {v}"));
                    }
                }
            }
            // scope, sometimes cancelled from its body: a job may skip its work only if
            // the scope's token was cancelled (by the body, or by the pool's cancel).
            3 | 4 => {
                let k = rng.range(1, 8) as usize;
                let cancel = rng.chance(3);
                let mut slots = vec![0u64; k];
                let r = pool.try_install(|| {
                    cancelpool::scope(|s| {
                        for (j, slot) in slots.iter_mut().enumerate() {
                            s.spawn(move |_| {
                                *slot = match cancelpool::checkpoint() {
                                    Ok(()) => j as u64 + 1,
                                    Err(Cancelled) => u64::MAX,
                                };
                            });
                        }
                        if cancel {
                            s.cancel();
                        }
                        s.token()
                    })
                });
                if let Ok(token) = r {
                    for (j, &v) in slots.iter().enumerate() {
                        if !(v == j as u64 + 1 || (v == u64::MAX && token.is_cancelled())) {
                            out.fail(format!(
                                "scope slot {j} = {v} (cancelled: {})",
                                token.is_cancelled()
                            ));
                        }
                    }
                }
            }
            // submit, then one of a handle's fates.
            5..=9 => {
                let p = submit_job(pools, i, JobKind::random(&mut rng));
                match rng.below(6) {
                    0 => p.join_and_check(&mut out, pools),
                    1 => {
                        p.handle.cancel();
                        kept.push(p);
                    }
                    // RAII cancel; the end-of-round stats still account for the job.
                    2 => drop(p),
                    3 => p.handle.detach(),
                    4 => {
                        let wait = Duration::from_micros(rng.range(0, 300));
                        let Pending { handle, info } = p;
                        match handle.join_timeout(wait) {
                            Err(handle) => kept.push(Pending { handle, info }),
                            Ok(result) => out.check_job(&info, result, pools),
                        }
                    }
                    _ => kept.push(p),
                }
            }
            // submit from inside a worker (its local deque); the handle is kept.
            10 => {
                let kind = JobKind::random(&mut rng);
                if let Ok(p) = pool.try_install(|| submit_job(pools, i, kind)) {
                    kept.push(p);
                }
            }
            // spawn / try_spawn.
            11 => {
                let started = Arc::clone(&pools[i].started);
                pools[i].calls.fetch_add(1, Ordering::SeqCst);
                let job = move || {
                    started.fetch_add(1, Ordering::SeqCst);
                };
                if rng.chance(2) {
                    pool.spawn(job);
                } else if pool.try_spawn(job).is_err() && !pool.is_shut_down() {
                    out.fail("try_spawn refused by a running pool".into());
                }
            }
            // A disabled section around fork-join work: the halves inherit the state.
            12 => {
                let n = rng.range(1, 300);
                let r = pool.try_install(|| {
                    let _guard = cancelpool::disable_cancel();
                    cancelpool::join(
                        || (cancelpool::checkpoint(), cancelpool::cancel_enabled()),
                        || (0..n).sum::<u64>(),
                    )
                });
                if let Ok(((check, enabled), sum)) = r {
                    if check.is_err() || enabled || sum != n * (n - 1) / 2 {
                        out.fail(format!("disabled join: {check:?} {enabled} {sum}"));
                    }
                }
            }
            // isolate around a join that holds a lock.
            13 => {
                let lock = Mutex::new(0u64);
                let n = rng.range(0, 12);
                let r = pool.try_install(|| {
                    cancelpool::isolate(|| {
                        let mut g = lock.lock().unwrap();
                        let (a, b) = cancelpool::join(|| fib(n), || fib(n + 1));
                        *g = a + b;
                    })
                });
                if r.is_ok() {
                    let got = *lock.lock().unwrap();
                    if got != fib_seq(n + 2) {
                        out.fail(format!("isolate: fib({n}) + fib({}) = {got}", n + 1));
                    }
                }
            }
            // Parallel iterators, plain and cancellable (cancelled before, during, never).
            14 | 15 => {
                let len = rng.range(0, 3000);
                let v: Vec<u64> = (0..len).map(|x| x * 7 % 1013).collect();
                let want: u64 = v.iter().map(|x| x * 3).sum();
                let source = CancelSource::new();
                let when = rng.below(3);
                if when == 0 {
                    source.cancel();
                }
                let token = source.token();
                let r = pool.try_install(|| {
                    let plain: u64 = v.par_iter().map(|x| x * 3).sum();
                    let found = v.par_iter().position_any(|&x| x == 1012);
                    let cancellable = v
                        .par_iter()
                        .with_cancel(&token)
                        .map(|x| {
                            if when == 1 && *x == 500 {
                                source.cancel();
                            }
                            x * 3
                        })
                        .sum::<u64>();
                    (plain, found, cancellable)
                });
                if let Ok((plain, found, cancellable)) = r {
                    if plain != want {
                        out.fail(format!("par_iter sum {plain}, want {want}"));
                    }
                    if found.map(|p| v[p] == 1012) != v.contains(&1012).then_some(true) {
                        out.fail(format!("position_any: {found:?}"));
                    }
                    match cancellable {
                        Ok(s) if s != want => out.fail(format!("with_cancel sum {s}, want {want}")),
                        Err(Cancelled) if !token.is_cancelled() => {
                            out.fail("with_cancel Err with an uncancelled token".into())
                        }
                        _ => {}
                    }
                }
            }
            // A snapshot of the stats: the identity never goes negative.
            16 => {
                let s = pool.stats();
                if !identity(&s) {
                    out.fail(format!("mid-round stats identity: {s:?}"));
                }
            }
            // Cancel every job of a pool (as rare as a shutdown: the pool's token stays
            // cancelled, so its later jobs never start).
            17 => {
                if rng.chance(shutdown_one_in) {
                    pool.cancel_all();
                }
            }
            // Shut a pool down mid-round (rare).
            _ => {
                if rng.chance(shutdown_one_in.div_ceil(2)) {
                    if rng.chance(2) {
                        if let Err(e) = pool.shutdown() {
                            out.fail(format!("shutdown: {e}"));
                        }
                    } else {
                        pool.shutdown_now();
                    }
                }
            }
        }
    }
    for p in kept {
        p.join_and_check(&mut out, pools);
    }
    out
}

/// Totals over a soak, for the log line.
#[derive(Default, Debug)]
struct Totals {
    rounds: usize,
    ops: u64,
    jobs_checked: u64,
    never_started: u64,
    submitted: usize,
    finished: usize,
    cancelled_before_start: usize,
    rejected: usize,
}

/// One round; returns the failures found.
fn round(profile: &Profile, round: usize, totals: &mut Totals) -> Vec<String> {
    let seed = profile.seed ^ (round as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut rng = Rng::new(seed);
    let pools: Vec<PoolUnderTest> = (0..rng.range(2, 3))
        .map(|p| PoolUnderTest {
            pool: ThreadPoolBuilder::new()
                .num_threads(rng.range(1, 3) as usize)
                .thread_name(move |w| format!("soak-p{p}-w{w}"))
                .build()
                .expect("build a pool"),
            calls: AtomicUsize::new(0),
            started: Arc::new(AtomicUsize::new(0)),
        })
        .collect();
    let drivers = rng.range(2, 3);
    let outcomes: Vec<Outcome> = thread::scope(|s| {
        let handles: Vec<_> = (0..drivers)
            .map(|d| {
                let driver_rng = Rng::new(seed ^ (d + 1).wrapping_mul(0x9E37_79B9));
                let pools = &pools;
                s.spawn(move || {
                    drive(
                        pools,
                        driver_rng,
                        profile.ops_per_driver,
                        profile.shutdown_one_in,
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a driver panicked"))
            .collect()
    });
    let mut failures = Vec::new();
    for (p, put) in pools.iter().enumerate() {
        let result = if rng.chance(2) {
            put.pool.shutdown().map(|()| 0)
        } else {
            put.pool.shutdown_now_timeout(profile.round_limit)
        };
        if let Err(e) = result {
            failures.push(format!("pool {p}: final shutdown: {e}"));
        }
        let s = put.pool.stats();
        let calls = put.calls.load(Ordering::SeqCst);
        let started = put.started.load(Ordering::SeqCst);
        if !identity(&s) || s.in_flight != 0 || s.queued != 0 {
            failures.push(format!("pool {p}: stats after shutdown: {s:?}"));
        }
        if s.submitted != calls {
            failures.push(format!(
                "pool {p}: submitted {} but {calls} calls were made",
                s.submitted
            ));
        }
        if s.finished != started {
            failures.push(format!(
                "pool {p}: finished {} but {started} closures started",
                s.finished
            ));
        }
        totals.submitted += s.submitted;
        totals.finished += s.finished;
        totals.cancelled_before_start += s.cancelled_before_start;
        totals.rejected += s.rejected;
    }
    // Every worker is joined: a job reported as never started can no longer start.
    for out in &outcomes {
        failures.extend(out.failures.iter().cloned());
        for (id, record) in &out.never_started {
            if record.started.load(Ordering::SeqCst) {
                failures.push(format!(
                    "job {id}: its handle reported it never started, but its closure ran later"
                ));
            }
        }
        totals.ops += out.ops;
        totals.jobs_checked += out.jobs_checked;
        totals.never_started += out.never_started.len() as u64;
    }
    totals.rounds += 1;
    failures
}

/// Runs `profile` under a watchdog; panics with every failure of the first bad round.
fn soak(profile: Profile) -> Totals {
    quiet_deliberate_panics();
    let (beat, beats) = mpsc::channel::<Option<usize>>();
    let limit = profile.round_limit;
    let seed = profile.seed;
    let watchdog = thread::spawn(move || {
        let mut current = 0;
        loop {
            match beats.recv_timeout(limit) {
                Ok(Some(r)) => current = r,
                Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // Straight to stderr: `eprintln!` in a test's thread is captured, and
                    // the capture is lost when the process aborts.
                    let _ = writeln!(
                        std::io::stderr(),
                        "soak: round {current} (seed {seed:#x}) did not finish within {limit:?}: \
                         a hang; aborting. Re-run with SOAK_SEED={seed:#x}."
                    );
                    std::process::abort();
                }
            }
        }
    });
    let start = Instant::now();
    let mut totals = Totals::default();
    for r in 0..profile.rounds {
        if start.elapsed() >= profile.time_cap {
            break;
        }
        beat.send(Some(r)).expect("the watchdog runs");
        let failures = round(&profile, r, &mut totals);
        assert!(
            failures.is_empty(),
            "soak round {r} (seed {:#x}) failed:\n  {}",
            profile.seed,
            failures.join("\n  ")
        );
    }
    beat.send(None).expect("the watchdog runs");
    watchdog.join().expect("the watchdog exits");
    println!("soak {:?}: {totals:?} in {:.1?}", profile, start.elapsed());
    assert!(totals.rounds > 0, "no round ran");
    totals
}

/// The short run CI does: a few hundred operations, well under three seconds.
#[test]
fn short_soak_keeps_every_promise() {
    let totals = soak(
        Profile {
            seed: 0x5EED_0001,
            rounds: 8,
            time_cap: Duration::from_secs(2),
            ops_per_driver: 30,
            shutdown_one_in: 40,
            round_limit: Duration::from_secs(60),
        }
        .with_env_overrides(),
    );
    assert!(totals.ops >= 100, "{totals:?}");
}

/// The long mixed soak: many rounds of every operation (minutes in release mode).
#[test]
#[ignore = "long: run with `cargo test --release --test soak -- --ignored soak`"]
fn soak_mixed() {
    soak(
        Profile {
            seed: 0xC0FF_EE00,
            rounds: 20_000,
            time_cap: Duration::from_secs(240),
            ops_per_driver: 200,
            shutdown_one_in: 150,
            round_limit: Duration::from_secs(120),
        }
        .with_env_overrides(),
    );
}

/// Shutdowns racing everything else: short rounds in which pools are shut down early.
#[test]
#[ignore = "long: run with `cargo test --release --test soak -- --ignored soak`"]
fn soak_shutdown_races() {
    soak(
        Profile {
            seed: 0x0D05_E0FF,
            rounds: 30_000,
            time_cap: Duration::from_secs(120),
            ops_per_driver: 40,
            shutdown_one_in: 8,
            round_limit: Duration::from_secs(120),
        }
        .with_env_overrides(),
    );
}
