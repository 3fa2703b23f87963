//! Every example runs and says what it should (issue 7): the binaries `cargo test`
//! builds next to this test (built here if missing, e.g. under `--test examples`).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn example(name: &str) -> PathBuf {
    let mut dir = std::env::current_exe().expect("test binary path");
    dir.pop(); // the test binary
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join("examples").join(name);
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--example", name])
            .args(if dir.ends_with("release") {
                &["--release"][..]
            } else {
                &[][..]
            })
            .status()
            .expect("cargo build --example");
        assert!(status.success(), "building example {name}");
    }
    path
}

fn run(name: &str, args: &[&str]) -> (String, Duration) {
    let started = Instant::now();
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(example(name))
        .args(args)
        .output()
        .expect("run example");
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    assert!(
        status.success(),
        "{name} exited with {status}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&stderr)
    );
    (stdout, started.elapsed())
}

/// The number right after the first `key` in `line` (e.g. `number_after(l, "submitted ")`).
fn number_after(line: &str, key: &str) -> usize {
    let at = line
        .find(key)
        .unwrap_or_else(|| panic!("no {key:?} in {line:?}"))
        + key.len();
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {key:?} in {line:?}"))
}

fn line_starting<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}:\n{out}"))
}

#[test]
#[cfg_attr(miri, ignore)]
fn demo_cancels_at_its_deadline_and_its_counts_add_up() {
    // Piped (not a terminal): plain lines, no carriage returns.
    let (out, _) = run("demo", &["0.3"]);
    assert!(!out.contains('\r'), "{out:?}");

    // "deadline at 0.30 s: cancelled 2 running jobs, discarded 14 queued jobs; ..."
    let deadline = line_starting(&out, "deadline at ");
    let cancelled_running = number_after(deadline, "cancelled ");
    let discarded = number_after(deadline, "discarded ");
    // "summary: 16 submitted = 0 finished + 16 cancelled (2 while running, 14 before
    // they started) + 0 failed"
    let summary = line_starting(&out, "summary: ");
    let submitted = number_after(summary, "summary: ");
    let finished = number_after(summary, "= ");
    let cancelled = number_after(summary, "+ ");
    let failed = number_after(summary, ") + ");
    assert_eq!(number_after(summary, "("), cancelled_running, "{summary}");
    assert_eq!(number_after(summary, "running, "), discarded, "{summary}");
    // "pool stats: submitted 16, finished 2 (...), cancelled 16 (14 before start), ..."
    let stats = line_starting(&out, "pool stats: ");

    assert_eq!(submitted, 16, "{summary}");
    assert_eq!(submitted, finished + cancelled + failed, "{summary}");
    assert_eq!(cancelled, cancelled_running + discarded, "{summary}");
    assert!(
        cancelled > 0,
        "the big jobs cannot finish in 0.3 s: {summary}"
    );
    assert_eq!(number_after(stats, "submitted "), submitted, "{stats}");
    assert_eq!(
        number_after(stats, "finished "),
        finished + cancelled_running + failed,
        "jobs that ran: {stats}"
    );
    assert_eq!(number_after(stats, "cancelled "), cancelled, "{stats}");
    let before_start = &stats[stats.find("cancelled ").expect("cancelled")..];
    assert_eq!(number_after(before_start, "("), discarded, "{stats}");
    assert_eq!(number_after(stats, "in flight "), 0, "{stats}");
    // One line per job, agreeing with the counts.
    let job_lines = |suffix: &str| {
        out.lines()
            .filter(|l| l.trim_start().starts_with("job ") && l.ends_with(suffix))
            .count()
    };
    assert_eq!(job_lines(": cancelled"), cancelled, "{out}");
    assert_eq!(job_lines(" primes"), finished, "{out}");
}

#[test]
#[cfg_attr(miri, ignore)]
fn search_finds_an_easy_nonce_and_is_cancelled_on_a_hard_one() {
    let (easy, _) = run("search", &["12", "10000"]);
    assert!(easy.starts_with("found nonce"), "{easy}");
    let (hard, elapsed) = run("search", &["63", "200"]);
    assert!(hard.starts_with("the job was cancelled"), "{hard}");
    // Generous: the point is that the search stops, not how fast.
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}

#[test]
#[cfg_attr(miri, ignore)]
fn blocking_io_job_is_stopped_while_blocked_in_wait_fd() {
    let (out, _) = run("blocking_io", &[]);
    assert!(
        out.contains("reader: cancelled while blocked, 21 bytes read"),
        "{out}"
    );
    assert!(out.contains("returned Cancelled"), "{out}");
    assert!(out.contains("every worker joined"), "{out}");
}

#[test]
#[cfg_attr(miri, ignore)]
fn find_first_long_stops_the_items_still_running() {
    let (out, _) = run("find_first_long", &[]);
    assert!(out.contains("found Some("), "{out}");
    assert!(out.contains("gave up at a checkpoint"), "{out}");
}
