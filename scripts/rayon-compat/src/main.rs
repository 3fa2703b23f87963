//! rayon-compat: measures how much of rayon's own test suite runs against cancelpool
//! when ported by changing imports only. See `scripts/rayon-compat.sh --help`.

mod demo;
mod errors;
mod items;
mod lex;
mod model;
mod port;
mod run;
mod sources;

use model::CrateModel;
use sources::TestSource;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: scripts/rayon-compat.sh [options]

Ports rayon's and rayon-core's own tests to cancelpool by changing imports only, builds
each ported file as its own test target under target/rayon-compat/, runs those that
compile, and prints a table per source file.

options:
  --list-missing      also print the ranked list of missing items (compile errors
                      added up across files)
  --top N             how many missing items to list (default 60)
  --only PATTERN      only sources whose name contains PATTERN (repeatable)
  --no-run            build, but do not run the tests
  --timeout SECS      time limit per test file (default 120)
  --test-timeout SECS time limit per test (default 30): a file that goes that long
                      without a test ending, hits --timeout or crashes has each test
                      left without a result run alone, with this limit
  --check-differences also run the tests listed in differences.txt, and say which
                      of them now pass (they are skipped otherwise)
  --demo / --no-demo  build rayon-demo's programs too (default: when its repo exists)
  --demo-repo PATH    rayon's git repository (default /work/.mirror/rayon-rs+rayon/repo)
  --repo PATH         the cancelpool checkout (default: the current directory)

Writes target/rayon-compat/report.md (the table) and missing.txt (the full list).";

struct Options {
    repo: PathBuf,
    list_missing: bool,
    top: usize,
    only: Vec<String>,
    no_run: bool,
    timeout: Duration,
    test_timeout: Duration,
    check_differences: bool,
    demo: Option<bool>,
    demo_repo: PathBuf,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        repo: std::env::current_dir().map_err(|e| e.to_string())?,
        list_missing: false,
        top: 60,
        only: Vec::new(),
        no_run: false,
        timeout: Duration::from_secs(120),
        test_timeout: Duration::from_secs(30),
        check_differences: false,
        demo: None,
        demo_repo: PathBuf::from("/work/.mirror/rayon-rs+rayon/repo"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--list-missing" => o.list_missing = true,
            "--top" => {
                o.top = value("--top")?
                    .parse()
                    .map_err(|_| "--top needs a number")?
            }
            "--only" => o.only.push(value("--only")?),
            "--no-run" => o.no_run = true,
            "--timeout" => {
                let s: u64 = value("--timeout")?
                    .parse()
                    .map_err(|_| "--timeout needs seconds")?;
                o.timeout = Duration::from_secs(s);
            }
            "--test-timeout" => {
                let s: u64 = value("--test-timeout")?
                    .parse()
                    .map_err(|_| "--test-timeout needs seconds")?;
                o.test_timeout = Duration::from_secs(s);
            }
            "--check-differences" => o.check_differences = true,
            "--demo" => o.demo = Some(true),
            "--no-demo" => o.demo = Some(false),
            "--demo-repo" => o.demo_repo = PathBuf::from(value("--demo-repo")?),
            "--repo" => o.repo = PathBuf::from(value("--repo")?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    Ok(o)
}

fn main() {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run_all(&opts) {
        eprintln!("rayon-compat: {e}");
        std::process::exit(1);
    }
}

/// Where this program's data files live (`paths.txt`, `differences.txt`).
fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One ported test file and what became of it.
struct Row {
    src: TestSource,
    /// Items cut because they need rayon internals: (name, tests, why).
    excised: Vec<(String, usize, String)>,
    /// The port builds as it is.
    compiled: bool,
    /// Errors of the port as it is.
    errors: Vec<run::CompileError>,
    /// Errors found after cutting failing items (hidden behind the first ones).
    later_errors: Vec<run::CompileError>,
    /// Items cut because they did not compile: (name, tests, why).
    cut: Vec<(String, usize, String)>,
    /// The target that finally built (the port, or the port less what was cut).
    built: Option<String>,
    run: Option<run::RunResult>,
    /// Tests skipped as known differences: name -> reason.
    differs: BTreeMap<String, String>,
    /// With --check-differences: listed differences that passed.
    stale: Vec<String>,
}

/// How many times a port that fails to build is cut down and built again.
const MAX_ROUNDS: usize = 8;

fn run_all(o: &Options) -> Result<(), String> {
    let started = Instant::now();
    let out = o.repo.join("target").join("rayon-compat");
    let (rayon_dir, core_dir) = locate_rayon(&o.repo)?;
    eprintln!("rayon-compat: rayon at {}", rayon_dir.display());
    eprintln!("rayon-compat: rayon-core at {}", core_dir.display());

    let overrides = std::fs::read_to_string(data_dir().join("paths.txt")).unwrap_or_default();
    let differences = read_differences(&data_dir().join("differences.txt"));

    let mut sources = sources::discover("rayon", &rayon_dir);
    sources.extend(sources::discover("rayon-core", &core_dir));
    if !o.only.is_empty() {
        sources.retain(|s| {
            o.only
                .iter()
                .any(|p| s.key.contains(p.as_str()) || s.target.contains(p.as_str()))
        });
    }
    if sources.is_empty() {
        return Err("no test source matched".into());
    }

    // Port.
    let port_dir = out.join("port");
    let mut rayon_model =
        CrateModel::new("rayon", &rayon_dir.join("src"), "cancelpool", &overrides);
    let mut core_model = CrateModel::new(
        "rayon-core",
        &core_dir.join("src"),
        "cancelpool",
        &overrides,
    );
    let mut rows = Vec::new();
    let mut texts = Vec::new();
    for s in &sources {
        let text =
            std::fs::read_to_string(&s.file).map_err(|e| format!("{}: {e}", s.file.display()))?;
        let model = if s.krate == "rayon" {
            &mut rayon_model
        } else {
            &mut core_model
        };
        let unit = s.unit.then(|| (model, s.module.clone()));
        let p = port::port(&text, &s.region, unit, "cancelpool", s.file.parent());
        // A comment at the start of line 1 keeps every line where it was.
        texts.push(format!(
            "/* Ported by scripts/rayon-compat from {} {}: paths changed, nothing else. */ {}",
            s.krate, s.shown, p.text
        ));
        rows.push(Row {
            src: s.clone(),
            excised: p.excised,
            compiled: false,
            errors: Vec::new(),
            later_errors: Vec::new(),
            cut: Vec::new(),
            built: None,
            run: None,
            differs: BTreeMap::new(),
            stale: Vec::new(),
        });
    }
    let mut log: Vec<String> = rayon_model
        .log
        .iter()
        .chain(core_model.log.iter())
        .map(|(k, v)| format!("{k} -> {v}"))
        .collect();
    log.sort();
    write_if_changed(&out.join("paths-used.txt"), &(log.join("\n") + "\n"))?;

    // Build: the ports as they are, then, for those that fail, the port less the items
    // with errors (and what uses them), again until it builds.
    let deps = dev_dependencies(&[&rayon_dir, &core_dir]);
    let target_dir = out.join("target");
    let mut targets: Vec<String> = Vec::new();
    let mut pending: Vec<(usize, String)> = Vec::new();
    let mut exes: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        write_if_changed(
            &port_dir.join("ported").join(format!("{}.rs", r.src.target)),
            &texts[i],
        )?;
        targets.push(r.src.target.clone());
        pending.push((i, r.src.target.clone()));
    }
    for round in 0..=MAX_ROUNDS {
        if pending.is_empty() {
            break;
        }
        write_manifest(&port_dir, &o.repo, &deps, &targets)?;
        seed_lock(&o.repo, &port_dir);
        eprintln!(
            "rayon-compat: building {} test file{}{} ...",
            pending.len(),
            if pending.len() == 1 { "" } else { "s" },
            if round == 0 {
                String::new()
            } else {
                format!(" with failing items cut out (round {round})")
            }
        );
        let mut args = vec!["--tests".to_string()];
        if round > 0 {
            args.clear();
            for (_, t) in &pending {
                args.push("--test".into());
                args.push(t.clone());
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let build = run::build(
            &port_dir.join("Cargo.toml"),
            &target_dir,
            "rayon-compat-port",
            &args,
            &[],
        );
        if !build.other_errors.is_empty() {
            eprintln!("rayon-compat: errors outside the ported files (does cancelpool build?):");
            for e in build.other_errors.iter().take(5) {
                eprintln!("{e}");
            }
            return Err("the crate under test does not build".into());
        }
        exes.extend(build.executables.clone());
        let mut next = Vec::new();
        for (i, t) in pending {
            let r = &mut rows[i];
            let errors = build.errors.get(&t).cloned().unwrap_or_default();
            if round == 0 {
                r.errors = errors.clone();
                r.compiled = build.executables.contains_key(&t);
            } else {
                for e in &errors {
                    if !r.errors.contains(e) && !r.later_errors.contains(e) {
                        r.later_errors.push(e.clone());
                    }
                }
            }
            if build.executables.contains_key(&t) {
                r.built = Some(t);
                continue;
            }
            let text = std::fs::read_to_string(port_dir.join("ported").join(format!("{t}.rs")))
                .unwrap_or_default();
            if round == MAX_ROUNDS {
                continue;
            }
            let at: Vec<(usize, usize, String)> = errors
                .iter()
                .map(|e| (e.line, e.byte, e.key.clone()))
                .collect();
            let Some((cut_text, cut)) = port::cut_failing(&text, &at) else {
                continue;
            };
            r.cut.extend(cut);
            let t2 = format!("{}--cut{}", r.src.target, round + 1);
            write_if_changed(&port_dir.join("ported").join(format!("{t2}.rs")), &cut_text)?;
            targets.push(t2.clone());
            next.push((i, t2));
        }
        pending = next;
    }

    // Items cut for an error that shows they use rayon's internals count as such.
    for r in &mut rows {
        let (internal, rest): (Vec<_>, Vec<_>) = r
            .cut
            .drain(..)
            .partition(|c| c.2.starts_with(errors::INTERNAL));
        r.cut = rest;
        r.excised.extend(internal);
    }

    // Run.
    if !o.no_run {
        for r in &mut rows {
            let Some(exe) = r.built.as_ref().and_then(|t| exes.get(t)) else {
                continue;
            };
            let listed = differences_for(&differences, &r.src.key);
            let skip: Vec<String> = listed
                .iter()
                .filter(|(t, _)| !t.is_empty())
                .map(|(t, _)| t.clone())
                .collect();
            if let Some(reason) = listed.get("") {
                r.differs.insert("(whole file)".into(), reason.clone());
                continue;
            }
            eprintln!("rayon-compat: running {}", r.built.as_deref().unwrap_or(""));
            let result = run::run_isolating(exe, &skip, o.timeout, o.test_timeout);
            for t in &skip {
                r.differs.insert(t.clone(), listed[t].clone());
            }
            if o.check_differences && !skip.is_empty() {
                let check = run::run_tests(exe, &[], &skip, o.timeout, o.test_timeout);
                r.stale = check
                    .results
                    .iter()
                    .filter(|(_, v)| *v == "ok")
                    .map(|(k, _)| k.clone())
                    .collect();
            }
            r.run = Some(result);
        }
    }

    // Demo.
    let want_demo = o
        .demo
        .unwrap_or_else(|| o.demo_repo.join("HEAD").exists() || o.demo_repo.join(".git").exists());
    let demo_rows = if want_demo && o.only.is_empty() {
        demo::build_demos(
            &o.demo_repo,
            &o.repo,
            &out.join("demo"),
            &out.join("target-demo"),
        )
    } else {
        Vec::new()
    };

    let report = render(&rows, &demo_rows, o, started.elapsed());
    write_if_changed(&out.join("report.md"), &report.table)?;
    write_if_changed(&out.join("missing.txt"), &report.missing_full)?;
    print!("{}", report.table);
    if o.list_missing {
        print!("{}", report.missing_top);
    }
    Ok(())
}

struct Report {
    table: String,
    missing_top: String,
    missing_full: String,
}

fn render(rows: &[Row], demo_rows: &[demo::DemoRow], o: &Options, elapsed: Duration) -> Report {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "\n## rayon's tests ported to cancelpool by import change\n"
    );
    let _ = writeln!(
        t,
        "\"compiles\": the port as it is. When it does not, the items with errors (and what uses them) are cut out and the rest is built and run: \"cut\" counts the #[test]s cut so.\n"
    );
    let _ = writeln!(
        t,
        "| source | compiles | passed / failed / ignored | cut | needs internals | notes | first compile errors |\n|---|---|---|---|---|---|---|"
    );
    // Group totals.
    #[derive(Default)]
    struct G {
        files: usize,
        compiles: usize,
        built: usize,
        passed: usize,
        failed: usize,
        ignored: usize,
        cut: usize,
        internal: usize,
        differs: usize,
        unfinished: usize,
    }
    let mut groups: BTreeMap<String, G> = BTreeMap::new();
    for r in rows {
        let group = format!(
            "{} {}",
            r.src.krate,
            if r.src.unit { "unit (src/)" } else { "tests/" }
        );
        let g = groups.entry(group).or_default();
        g.files += 1;
        let internal: usize = r.excised.iter().map(|e| e.1).sum();
        let cut: usize = r.cut.iter().map(|e| e.1).sum();
        g.internal += internal;
        g.cut += cut;
        let mut notes = Vec::new();
        if r.compiled {
            g.compiles += 1;
        }
        let counts = match (&r.built, &r.run) {
            (Some(_), Some(run)) => {
                g.built += 1;
                let passed = run.results.values().filter(|v| *v == "ok").count();
                let failed: Vec<&str> = run
                    .results
                    .iter()
                    .filter(|(_, v)| *v == "FAILED")
                    .map(|(k, _)| k.as_str())
                    .collect();
                let ignored = run.results.values().filter(|v| *v == "ignored").count();
                g.passed += passed;
                g.failed += failed.len();
                g.ignored += ignored;
                if !failed.is_empty() {
                    notes.push(format!("failed: {}", shorten(&failed.join(", "), 80)));
                }
                if !run.hung.is_empty() {
                    notes.push(format!(
                        "HANGS (alone > {} s): {}",
                        o.test_timeout.as_secs(),
                        shorten(&run.hung.join(", "), 100)
                    ));
                }
                if !run.crashed_tests.is_empty() {
                    notes.push(format!(
                        "CRASHES: {}",
                        shorten(&run.crashed_tests.join(", "), 100)
                    ));
                }
                if !run.unfinished.is_empty() {
                    notes.push(format!(
                        "no result: {}",
                        shorten(&run.unfinished.join(", "), 80)
                    ));
                }
                g.unfinished += run.hung.len() + run.crashed_tests.len();
                format!("{passed} / {} / {ignored}", failed.len())
            }
            (Some(_), None) => {
                g.built += 1;
                "not run".to_string()
            }
            (None, _) => "–".to_string(),
        };
        if !r.differs.is_empty() {
            g.differs += r.differs.len();
            let d: Vec<String> = r
                .differs
                .iter()
                .map(|(k, v)| format!("{k} ({v})"))
                .collect();
            notes.push(format!("differs: {}", shorten(&d.join("; "), 300)));
        }
        if !r.stale.is_empty() {
            notes.push(format!(
                "listed as differing but pass: {}",
                r.stale.join(", ")
            ));
        }
        if r.built.is_none() && !r.compiled {
            notes.push("does not build even with failing items cut".to_string());
        }
        let internals = if r.excised.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = r.excised.iter().map(|e| e.0.as_str()).collect();
            format!("{internal} ({})", shorten(&names.join(", "), 50))
        };
        let mut firsts: Vec<String> = Vec::new();
        for e in r.errors.iter().chain(&r.later_errors) {
            if !firsts.contains(&e.key) {
                firsts.push(e.key.clone());
            }
        }
        let n_err = r.errors.len() + r.later_errors.len();
        let errs = if firsts.is_empty() {
            String::new()
        } else {
            format!(
                "{n_err}: {}",
                shorten(
                    &firsts
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; "),
                    120
                )
            )
        };
        let _ = writeln!(
            t,
            "| {} {} | {} | {counts} | {} | {internals} | {} | {} |",
            r.src.krate,
            r.src.shown,
            if r.compiled { "yes" } else { "**no**" },
            if cut > 0 {
                cut.to_string()
            } else {
                String::new()
            },
            notes.join("; ").replace('|', "\\|"),
            errs.replace('|', "\\|")
        );
    }
    let _ = writeln!(
        t,
        "\n| group | files | compile as is | build after cuts | passed | failed | ignored | cut (not compiling) | needs internals | differs | hang or crash |\n|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let mut all = G::default();
    for (name, g) in &groups {
        let _ = writeln!(
            t,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            g.files,
            g.compiles,
            g.built,
            g.passed,
            g.failed,
            g.ignored,
            g.cut,
            g.internal,
            g.differs,
            g.unfinished
        );
        all.files += g.files;
        all.compiles += g.compiles;
        all.built += g.built;
        all.passed += g.passed;
        all.failed += g.failed;
        all.ignored += g.ignored;
        all.cut += g.cut;
        all.internal += g.internal;
        all.differs += g.differs;
        all.unfinished += g.unfinished;
    }
    let _ = writeln!(
        t,
        "| **all** | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        all.files,
        all.compiles,
        all.built,
        all.passed,
        all.failed,
        all.ignored,
        all.cut,
        all.internal,
        all.differs,
        all.unfinished
    );
    if !demo_rows.is_empty() {
        let _ = writeln!(
            t,
            "\n## rayon-demo built against cancelpool by import change\n"
        );
        let _ = writeln!(
            t,
            "| demo | compiles | first compile errors |\n|---|---|---|"
        );
        for d in demo_rows {
            let mut firsts: Vec<String> = Vec::new();
            for e in &d.errors {
                if !firsts.contains(&e.key) {
                    firsts.push(e.key.clone());
                }
            }
            let errs = if firsts.is_empty() {
                d.note.clone()
            } else {
                format!(
                    "{}: {}",
                    d.errors.len(),
                    shorten(
                        &firsts
                            .iter()
                            .take(3)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("; "),
                        120
                    )
                )
            };
            let _ = writeln!(
                t,
                "| {} | {} | {} |",
                d.name,
                if d.compiled { "yes" } else { "**no**" },
                errs.replace('|', "\\|")
            );
        }
        let n = demo_rows.iter().filter(|d| d.compiled).count();
        let _ = writeln!(t, "\n{n} of {} demo targets compile.", demo_rows.len());
    }
    let _ = writeln!(t, "\nruntime: {:.0} s", elapsed.as_secs_f64());

    // Missing items, added up.
    let mut agg: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
    for r in rows {
        for e in r
            .errors
            .iter()
            .chain(&r.later_errors)
            .filter(|e| !e.key.starts_with(errors::INTERNAL))
        {
            let a = agg.entry(e.key.clone()).or_default();
            a.0 += 1;
            a.1.insert(r.src.key.clone());
        }
    }
    for d in demo_rows {
        for e in &d.errors {
            let a = agg.entry(e.key.clone()).or_default();
            a.0 += 1;
            a.1.insert(format!("rayon-demo/{}", d.name));
        }
    }
    let mut ranked: Vec<(&String, &(usize, BTreeSet<String>))> = agg.iter().collect();
    ranked.sort_by(|a, b| {
        b.1.0
            .cmp(&a.1.0)
            .then(b.1.1.len().cmp(&a.1.1.len()))
            .then(a.0.cmp(b.0))
    });
    let mut full = String::new();
    for (k, (n, files)) in &ranked {
        let _ = writeln!(
            full,
            "{n}\t{}\t{k}\t{}",
            files.len(),
            files.iter().cloned().collect::<Vec<_>>().join(" ")
        );
    }
    let mut top = String::new();
    let _ = writeln!(
        top,
        "\n## Missing items, ranked (compile errors added up over all ported files; top {})\n",
        o.top
    );
    for (i, (k, (n, files))) in ranked.iter().take(o.top).enumerate() {
        let _ = writeln!(
            top,
            "{:>3}. {k}  ×{n} in {} file{}",
            i + 1,
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(
        top,
        "\n({} distinct items; full list in target/rayon-compat/missing.txt)",
        ranked.len()
    );
    Report {
        table: t,
        missing_top: top,
        missing_full: full,
    }
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let cut: String = s.chars().take(n).collect();
        format!("{cut}…")
    }
}

/// `differences.txt`: `SOURCE[::TEST]  reason`, one a line.
fn read_differences(path: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, reason) = line
            .split_once(char::is_whitespace)
            .unwrap_or((line, "no reason given"));
        // The source part ends with `.rs` (or `.rs::mod` for an inline module).
        let (source, test) = match key.find(".rs") {
            Some(i) => {
                let after = &key[i + 3..];
                match after.strip_prefix("::") {
                    Some(t) => (key[..i + 3].to_string(), t.to_string()),
                    None => (key.to_string(), String::new()),
                }
            }
            None => (key.to_string(), String::new()),
        };
        out.push((source, test, reason.trim().to_string()));
    }
    out
}

/// The listed differences of source `key`: test name (empty: the whole file) -> reason.
fn differences_for(diffs: &[(String, String, String)], key: &str) -> BTreeMap<String, String> {
    let file = key.split(".rs").next().unwrap_or(key).to_string() + ".rs";
    let inline = key.strip_prefix(&file).and_then(|r| r.strip_prefix("::"));
    let mut out = BTreeMap::new();
    for (src, test, reason) in diffs {
        if *src != file {
            continue;
        }
        // For an inline `mod test`, entries read `file.rs::test::name`.
        let t = match inline {
            Some(m) => match test.strip_prefix(&format!("{m}::")) {
                Some(t) => t.to_string(),
                None => continue,
            },
            None => test.clone(),
        };
        out.insert(t, reason.clone());
    }
    out
}

fn write_manifest(
    dir: &Path,
    repo: &Path,
    deps: &BTreeMap<String, String>,
    targets: &[String],
) -> Result<(), String> {
    let mut manifest = format!(
        "# Generated by scripts/rayon-compat; do not edit.\n[package]\nname = \"rayon-compat-port\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\nautotests = false\nautobins = false\nautoexamples = false\nautobenches = false\n\n[workspace]\n\n[dev-dependencies]\ncancelpool = {{ path = {:?} }}\n",
        repo.display().to_string()
    );
    for (name, version) in deps {
        let _ = writeln!(manifest, "{name} = \"{version}\"");
    }
    for t in targets {
        let _ = write!(
            manifest,
            "\n[[test]]\nname = \"{t}\"\npath = \"ported/{t}.rs\"\n"
        );
    }
    write_if_changed(&dir.join("Cargo.toml"), &manifest)
}

pub(crate) fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Starts the scratch crate's lock file from the project's, so shared dependencies
/// resolve to the versions the project tests with.
fn seed_lock(repo: &Path, dir: &Path) {
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        let _ = std::fs::copy(repo.join("Cargo.lock"), lock);
    }
}

/// rayon's and rayon-core's source directories, from `cargo metadata` (fetching first
/// if the registry copy is missing).
fn locate_rayon(repo: &Path) -> Result<(PathBuf, PathBuf), String> {
    let manifest = repo.join("Cargo.toml");
    let find = || -> Result<(Option<PathBuf>, Option<PathBuf>), String> {
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(&manifest)
            .output()
            .map_err(|e| format!("cargo metadata: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("cargo metadata output: {e}"))?;
        let mut rayon = None;
        let mut core = None;
        for p in v["packages"].as_array().into_iter().flatten() {
            let dir = p["manifest_path"]
                .as_str()
                .map(|m| PathBuf::from(m).parent().map(Path::to_path_buf));
            match p["name"].as_str() {
                Some("rayon") => rayon = dir.flatten(),
                Some("rayon-core") => core = dir.flatten(),
                _ => {}
            }
        }
        Ok((rayon, core))
    };
    let (mut rayon, mut core) = find()?;
    let present = |d: &Option<PathBuf>| d.as_ref().is_some_and(|d| d.join("src").exists());
    if !present(&rayon) || !present(&core) {
        eprintln!("rayon-compat: fetching rayon's sources (cargo fetch)");
        let st = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["fetch", "--manifest-path"])
            .arg(&manifest)
            .status()
            .map_err(|e| format!("cargo fetch: {e}"))?;
        if !st.success() {
            return Err("cargo fetch failed".into());
        }
        (rayon, core) = find()?;
    }
    match (rayon, core) {
        (Some(r), Some(c)) if r.join("src").exists() && c.join("src").exists() => Ok((r, c)),
        _ => Err("rayon and rayon-core are not dependencies of this crate (dev-dependency `rayon` expected)".into()),
    }
}

/// rayon's and rayon-core's dev-dependencies and non-optional dependencies (their tests
/// may use either), by name -> version requirement; rayon-core itself excluded.
fn dev_dependencies(dirs: &[&Path]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for dir in dirs {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        let mut current: Option<String> = None;
        let mut version: Option<String> = None;
        let mut optional = false;
        let mut flush = |c: &mut Option<String>, v: &mut Option<String>, opt: &mut bool| {
            if let (Some(name), Some(ver)) = (c.take(), v.take()) {
                if !*opt && name != "rayon-core" && name != "rayon" {
                    out.entry(name).or_insert(ver);
                }
            }
            *opt = false;
        };
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                flush(&mut current, &mut version, &mut optional);
                let section = line.trim_matches(|c| c == '[' || c == ']');
                current = section
                    .rsplit_once("dependencies.")
                    .filter(|(pre, _)| {
                        pre.is_empty() || pre.ends_with("dev-") || pre.ends_with('.')
                    })
                    .map(|(_, name)| name.trim_matches('"').to_string());
            } else if let Some(v) = line.strip_prefix("version = ") {
                version = Some(v.trim_matches('"').to_string());
            } else if line == "optional = true" {
                optional = true;
            }
        }
        flush(&mut current, &mut version, &mut optional);
    }
    out
}
