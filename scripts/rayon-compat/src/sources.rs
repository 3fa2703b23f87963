//! Finds rayon's test sources: integration tests, `test.rs` module files, inline
//! `#[cfg(test)] mod` blocks and `#[test]` functions written directly in a module.

use crate::items::{ItemKind, items};
use crate::lex::lex;
use crate::model::ModPath;
use crate::port::Region;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct TestSource {
    /// `rayon` or `rayon-core`.
    pub krate: String,
    /// Integration test (`tests/`) or unit test (`src/`).
    pub unit: bool,
    /// Shown in the report, e.g. `src/iter/fold_chunks.rs (mod test)`.
    pub shown: String,
    /// Key for the differences list, e.g. `rayon-core/src/join/test.rs`.
    pub key: String,
    pub file: PathBuf,
    pub region: Region,
    /// The module the test code lives in (unit tests).
    pub module: ModPath,
    /// The cargo test target of the port.
    pub target: String,
}

pub fn discover(krate: &str, root: &Path) -> Vec<TestSource> {
    let short = if krate == "rayon" { "rayon" } else { "core" };
    let mut out = Vec::new();
    let mut tests: Vec<PathBuf> = read_dir_rs(&root.join("tests"));
    tests.sort();
    for file in tests {
        let name = file
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let shown = format!("tests/{name}.rs");
        out.push(TestSource {
            krate: krate.to_string(),
            unit: false,
            key: format!("{krate}/{shown}"),
            shown,
            file,
            region: Region::WholeFile,
            module: Vec::new(),
            target: sanitize(&format!("{short}-tests-{name}")),
        });
    }
    let src = root.join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("compile_fail") {
            continue;
        }
        let module = module_of(&rel);
        let shown = format!("src/{rel}");
        let stem = sanitize(&format!(
            "{short}-src-{}",
            rel.trim_end_matches(".rs").replace('/', "-")
        ));
        let base = TestSource {
            krate: krate.to_string(),
            unit: true,
            key: format!("{krate}/{shown}"),
            shown: shown.clone(),
            file: file.clone(),
            region: Region::WholeFile,
            module: module.clone(),
            target: stem.clone(),
        };
        if rel == "test.rs" || rel.ends_with("/test.rs") {
            out.push(base);
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if !text.contains("#[test]") {
            continue;
        }
        let toks = lex(&text);
        let top = items(&toks, 0, toks.len());
        for item in &top {
            if item.kind == ItemKind::InlineMod && item.cfg_test && item.has_test_attr {
                let name = item.name.clone().unwrap_or_default();
                let mut m = module.clone();
                m.push(name.clone());
                out.push(TestSource {
                    shown: format!("{shown} (mod {name})"),
                    key: format!("{krate}/{shown}::{name}"),
                    region: Region::InlineMod(name.clone()),
                    module: m,
                    target: format!("{stem}-mod-{name}"),
                    ..base.clone()
                });
            }
        }
        if top
            .iter()
            .any(|i| i.kind == ItemKind::Fn && i.has_test_attr)
        {
            out.push(TestSource {
                shown: format!("{shown} (#[test] fns)"),
                region: Region::TestItems,
                ..base
            });
        }
    }
    out
}

fn module_of(rel: &str) -> ModPath {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn read_dir_rs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        })
        .unwrap_or_default()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}
