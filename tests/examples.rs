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

#[test]
#[cfg_attr(miri, ignore)]
fn demo_cancels_at_its_deadline_and_joins_every_worker() {
    let (out, _) = run("demo", &["0.3"]);
    let summary = out
        .lines()
        .find(|l| l.starts_with("summary:"))
        .expect("a summary line");
    assert!(summary.contains("cancelled"), "{summary}");
    assert!(summary.contains("joined every worker"), "{summary}");
    // The big jobs cannot finish in 0.3 s: some must have been cancelled.
    assert!(
        out.lines().filter(|l| l.ends_with(": cancelled")).count() > 0,
        "{out}"
    );
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
