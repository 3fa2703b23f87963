//! End to end: `examples/graceful.rs` (feature `signal`) is cancelled by SIGTERM, runs
//! every job's cleanup, reports, and exits with status 0.
#![cfg(all(feature = "signal", unix))]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

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

#[test]
fn sigterm_cancels_the_jobs_runs_every_cleanup_and_exits_zero() {
    let mut child = Command::new(example_binary())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = mpsc::channel::<String>();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line_tx.send(line).is_err() {
                break;
            }
        }
    });

    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match line_rx.recv_timeout(left) {
            Ok(line) => {
                let ready = line.starts_with("ready:");
                lines.push(line);
                if ready {
                    break;
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the example never said ready:\n{}", lines.join("\n"));
            }
        }
    }
    // SAFETY: a plain syscall on our child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);

    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the example did not exit after SIGTERM");
        }
        // Polling a child process: the sleep is the wait itself.
        thread::sleep(Duration::from_millis(10));
    };
    reader.join().unwrap();
    lines.extend(line_rx.try_iter());
    let out = lines.join("\n");

    assert_eq!(status.code(), Some(0), "{out}");
    for n in 0..6 {
        let cleanups = lines
            .iter()
            .filter(|l| **l == format!("cleanup job {n}"))
            .count();
        assert_eq!(cleanups, 1, "job {n}'s cleanup ran once:\n{out}");
    }
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
    assert!(out.contains("pool shut down; every worker joined"), "{out}");
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
