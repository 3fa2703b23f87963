//! Builds the scratch crate's test targets in one `cargo build --keep-going` (so one
//! target's errors hide no other's) and runs each test binary with a time limit.

use crate::errors::missing_key;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompileError {
    /// The aggregated "missing item" key.
    pub key: String,
    /// The line in the target's own source file (0 if the error is elsewhere).
    pub line: usize,
    /// The byte offset there.
    pub byte: usize,
}

#[derive(Debug, Default)]
pub struct Build {
    /// Test target -> its executable.
    pub executables: BTreeMap<String, PathBuf>,
    /// Test target -> its errors, in order.
    pub errors: BTreeMap<String, Vec<CompileError>>,
    /// Errors in a target that is not a test target of ours (e.g. the crate under test).
    pub other_errors: Vec<String>,
}

/// `cargo build --keep-going ARGS` on the scratch crate at `manifest`, whose package
/// name is `ours`.
pub fn build(
    manifest: &Path,
    target_dir: &Path,
    ours: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Build {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("build")
        .arg("--quiet")
        .args(args)
        .arg("--keep-going")
        .arg("--message-format=json")
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut build = Build::default();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            build
                .other_errors
                .push(format!("could not start cargo: {e}"));
            return build;
        }
    };
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let target = v["target"]["name"].as_str().unwrap_or("").to_string();
        let is_ours = v["package_id"].as_str().is_some_and(|p| p.contains(ours));
        match v["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(exe) = v["executable"].as_str() {
                    build.executables.insert(target, PathBuf::from(exe));
                }
            }
            Some("compiler-message") => {
                let msg = &v["message"];
                if msg["level"].as_str() != Some("error") {
                    continue;
                }
                let text = msg["message"].as_str().unwrap_or("");
                let code = msg["code"]["code"].as_str();
                let spans = msg["spans"].as_array().cloned().unwrap_or_default();
                let primary = spans
                    .iter()
                    .find(|s| s["is_primary"].as_bool() == Some(true));
                let label = primary.and_then(|s| s["label"].as_str());
                let src = v["target"]["src_path"].as_str().unwrap_or("").to_string();
                let (line, byte) = match primary.map_or((0, 0), |p| line_in(p, &src)) {
                    (0, _) => spans
                        .iter()
                        .map(|s| line_in(s, &src))
                        .find(|l| l.0 > 0)
                        .unwrap_or((0, 0)),
                    l => l,
                };
                if !is_ours {
                    if let Some(r) = msg["rendered"].as_str() {
                        build.other_errors.push(r.to_string());
                    }
                    continue;
                }
                // The highlighted source text of the primary span.
                let snippet: String = primary
                    .and_then(|p| p["text"].as_array())
                    .map(|lines| {
                        lines
                            .iter()
                            .filter_map(|l| {
                                let t = l["text"].as_str()?;
                                let a = (l["highlight_start"].as_u64()? as usize).saturating_sub(1);
                                let b = (l["highlight_end"].as_u64()? as usize).saturating_sub(1);
                                t.get(a..b.max(a)).map(str::trim)
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                if let Some(key) = missing_key(code, text, label, &snippet) {
                    build
                        .errors
                        .entry(target)
                        .or_default()
                        .push(CompileError { key, line, byte });
                }
            }
            _ => {}
        }
    }
    let _ = child.wait();
    build
}

/// The line and byte offset of `span` in file `src`, following macro expansions back
/// to their call site; (0, 0) if it is not in that file.
fn line_in(span: &Value, src: &str) -> (usize, usize) {
    let mut s = span;
    for _ in 0..16 {
        let file = s["file_name"].as_str().unwrap_or("\0");
        if !file.is_empty() && src.ends_with(file) {
            let line = s["line_start"].as_u64().unwrap_or(0) as usize;
            return (line, s["byte_start"].as_u64().unwrap_or(0) as usize);
        }
        match s.get("expansion").and_then(|e| e.get("span")) {
            Some(next) => s = next,
            None => return (0, 0),
        }
    }
    (0, 0)
}

#[derive(Debug, Default)]
pub struct RunResult {
    /// Test name -> "ok" / "FAILED" / "ignored".
    pub results: BTreeMap<String, String>,
    /// Tests listed but without a result (the binary timed out or crashed).
    pub unfinished: Vec<String>,
    pub timed_out: bool,
    /// How the binary ended if not by exiting (a signal), or its failure to start.
    pub crashed: Option<String>,
    /// Tests that, run alone, did not end within the per-test limit.
    pub hung: Vec<String>,
    /// Tests that, run alone, ended the process (abort, signal).
    pub crashed_tests: Vec<String>,
    pub seconds: f64,
}

/// Runs test binary `exe` with a time limit in all (`timeout`) and between two tests
/// ending (`stall`), skipping the tests in `skip` (exact names); with `only`, runs just
/// those.
pub fn run_tests(
    exe: &Path,
    skip: &[String],
    only: &[String],
    timeout: Duration,
    stall: Duration,
) -> RunResult {
    let mut r = RunResult::default();
    let listed: Vec<String> = Command::new(exe)
        .args(["--list", "--format", "terse"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| l.strip_suffix(": test"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut cmd = Command::new(exe);
    if only.is_empty() {
        for s in skip {
            cmd.args(["--skip", s]);
        }
    } else {
        cmd.args(only);
    }
    cmd.arg("--exact")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            r.crashed = Some(format!("could not start: {e}"));
            return r;
        }
    };
    // The reader records each line and when the last test ended; a binary that goes
    // `stall` without finishing a test counts as timed out.
    let out = child.stdout.take().expect("stdout is piped");
    let shared = Arc::new(Mutex::new((String::new(), Instant::now())));
    let sink = Arc::clone(&shared);
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let mut g = sink.lock().unwrap_or_else(|e| e.into_inner());
            if line.starts_with("test ") && line.contains(" ... ") {
                g.1 = Instant::now();
            }
            g.0.push_str(&line);
            g.0.push('\n');
        }
    });
    let status = loop {
        let last = shared.lock().unwrap_or_else(|e| e.into_inner()).1;
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if start.elapsed() < timeout && last.elapsed() < stall => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                r.timed_out = true;
                break None;
            }
            Err(_) => break None,
        }
    };
    r.seconds = start.elapsed().as_secs_f64();
    // Let the reader drain what the process wrote (a grandchild may keep the pipe open:
    // do not wait for its end).
    std::thread::sleep(Duration::from_millis(100));
    let stdout = shared.lock().unwrap_or_else(|e| e.into_inner()).0.clone();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, outcome)) = rest.rsplit_once(" ... ") else {
            continue;
        };
        let outcome = if outcome.starts_with("ignored") {
            "ignored"
        } else {
            outcome
        };
        let name = name.strip_suffix(" - should panic").unwrap_or(name);
        r.results.insert(name.to_string(), outcome.to_string());
    }
    if let Some(st) = status {
        if st.code().is_none() {
            r.crashed = Some(describe_signal(&st));
        }
    }
    let wanted = |n: &String| {
        if only.is_empty() {
            !skip.contains(n)
        } else {
            only.contains(n)
        }
    };
    r.unfinished = listed
        .into_iter()
        .filter(|n| wanted(n) && !r.results.contains_key(n))
        .collect();
    r
}

/// Runs `exe` as `run_tests` does (no test may take longer than `per_test` to end
/// after the one before); if the binary timed out or crashed, runs each test
/// left without a result alone, with limit `per_test`, to tell the hanging or crashing
/// ones from those that were only stuck behind them.
pub fn run_isolating(
    exe: &Path,
    skip: &[String],
    timeout: Duration,
    per_test: Duration,
) -> RunResult {
    let mut r = run_tests(exe, skip, &[], timeout, per_test);
    if !(r.timed_out || r.crashed.is_some()) {
        return r;
    }
    for t in std::mem::take(&mut r.unfinished) {
        let one = run_tests(exe, &[], std::slice::from_ref(&t), per_test, per_test);
        match one.results.get(&t) {
            Some(outcome) if one.crashed.is_none() => {
                r.results.insert(t, outcome.clone());
            }
            _ if one.timed_out => r.hung.push(t),
            _ => r.crashed_tests.push(t),
        }
    }
    r
}

#[cfg(unix)]
fn describe_signal(st: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match st.signal() {
        Some(6) => "aborted (SIGABRT)".to_string(),
        Some(11) => "segfault (SIGSEGV)".to_string(),
        Some(s) => format!("killed by signal {s}"),
        None => "ended abnormally".to_string(),
    }
}

#[cfg(not(unix))]
fn describe_signal(_: &std::process::ExitStatus) -> String {
    "ended abnormally".to_string()
}
