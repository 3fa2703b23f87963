//! End to end: `examples/graceful.rs` (feature `signal`) is cancelled by SIGTERM, or by
//! a SIGINT before its jobs have all started, runs every job's cleanup once, reports,
//! and exits with status 0.
#![cfg(all(feature = "signal", unix))]

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::LineChild;

/// `target/<profile>/examples/graceful`, (re)built first: this test binary lives in
/// `target/<profile>/deps/`, and `cargo test --test graceful_example` alone does not
/// build examples (a plain `cargo test` does; then this build is a quick no-op).
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["build", "--example", "graceful", "--features", "signal"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "building the example failed");
    let bin = profile_dir.join("examples").join("graceful");
    assert!(bin.exists(), "no example binary at {}", bin.display());
    bin
}

/// Every job's cleanup ran exactly once, and the summary accounts for all six jobs.
fn check_cleanups_and_summary(lines: &[String]) {
    let out = lines.join("\n");
    for n in 0..6 {
        let cleanups = lines
            .iter()
            .filter(|l| **l == format!("cleanup job {n}"))
            .count();
        assert_eq!(cleanups, 1, "job {n}'s cleanup ran once:\n{out}");
    }
    let summary = lines
        .iter()
        .find(|l| l.starts_with("summary: "))
        .unwrap_or_else(|| panic!("no summary:\n{out}"));
    let listed = summary.matches(|c: char| c.is_ascii_digit()).count();
    assert_eq!(listed, 6, "every job is finished or cancelled: {summary}");
    assert!(out.contains("pool shut down; every worker joined"), "{out}");
}

#[test]
fn sigterm_cancels_the_jobs_runs_every_cleanup_and_exits_zero() {
    let mut child = LineChild::spawn(Command::new(example_binary()));
    child.wait_for_line("ready:");
    LineChild::signal(child.id(), libc::SIGTERM);
    let (status, lines) = child.finish();
    let out = lines.join("\n");

    assert_eq!(status.code(), Some(0), "{out}");
    check_cleanups_and_summary(&lines);
    for n in 0..2 {
        assert!(
            lines.contains(&format!("job {n}: finished after 3 steps")),
            "{out}"
        );
    }
    for n in 2..6 {
        assert!(lines.contains(&format!("job {n}: cancelled")), "{out}");
    }
    assert!(out.contains("SIGTERM (15) received"), "{out}");
    assert!(
        lines.contains(&"summary: finished [0, 1], cancelled [2, 3, 4, 5]".to_owned()),
        "{out}"
    );
    // The cancellation came after "ready": every long job's cleanup follows it.
    let ready = lines.iter().position(|l| l.starts_with("ready:")).unwrap();
    for n in 2..6 {
        let at = lines
            .iter()
            .position(|l| *l == format!("cleanup job {n}"))
            .unwrap();
        assert!(at > ready, "{out}");
    }
}

/// Ctrl-C right after the handler is installed, while the jobs are being submitted and
/// started (the example used to fail here with `Error: RecvError`).
#[test]
fn an_early_sigint_still_cleans_up_and_exits_zero() {
    let mut child = LineChild::spawn(Command::new(example_binary()));
    child.wait_for_line("signals:");
    LineChild::signal(child.id(), libc::SIGINT);
    let (status, lines) = child.finish();
    let out = lines.join("\n");

    assert_eq!(status.code(), Some(0), "{out}");
    check_cleanups_and_summary(&lines);
    assert!(out.contains("SIGINT (2) received"), "{out}");
    assert!(!out.contains("Error"), "{out}");
}
