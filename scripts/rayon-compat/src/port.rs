//! Ports one rayon test source by changing paths only.
//!
//! - `rayon::` and `rayon_core::` become the port crate (`cancelpool::`).
//! - In unit-test modules, `crate::`, `super::` and `self::` paths become the public path
//!   a rayon user would write (see `model.rs`); a glob of an enclosing module
//!   (`use super::*`) becomes a glob of a generated module holding what that glob
//!   brought in: the module's public items and its own imports.
//! - A top-level item that needs something private to rayon (an internal path, or a
//!   private name that came in through such a glob) is cut out, and reported; so is an
//!   item that uses a cut item. Everything else keeps its text and its line number.

use crate::errors::INTERNAL;
use crate::items::{Item, ItemKind, UseLeaf, items, use_leaves};
use crate::lex::{Kind, Token, is_path_sep, lex};
use crate::model::{CrateModel, ModPath, NameKind, Resolved, absolute_path};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which part of a source file is the test module.
#[derive(Clone, Debug)]
pub enum Region {
    /// The whole file (an integration test, or a `test.rs` module file).
    WholeFile,
    /// The body of the inline module `mod NAME { .. }` at the top level of the file.
    InlineMod(String),
    /// Only the top-level `#[test]` functions (tests written directly in a module).
    TestItems,
}

/// An item cut out of a port: its name, the number of `#[test]`s in it, and why.
pub type Cut = (String, usize, String);

pub struct Ported {
    pub text: String,
    /// Items cut out because they need rayon internals.
    pub excised: Vec<Cut>,
}

/// What stands where an item was cut: an item, so that doc comments before it still
/// have something to document.
const STANDIN: &str = "const _: () = ();";

struct Edit {
    start: usize,
    end: usize,
    text: String,
}

enum LeafMap {
    Keep,
    Mapped(String),
    Internal(String),
    Context(ModPath),
}

/// `unit`: the crate model and the module the test code lives in; `None` for an
/// integration test.
/// `src_dir`: the source's directory, for `include_str!("file")`.
pub fn port(
    src: &str,
    region: &Region,
    mut unit: Option<(&mut CrateModel, ModPath)>,
    port_crate: &str,
    src_dir: Option<&Path>,
) -> Ported {
    let toks = lex(src);
    let all = items(&toks, 0, toks.len());
    let (top, keep_spans): (Vec<Item>, Vec<(usize, usize)>) = match region {
        Region::WholeFile => (all, vec![(0, src.len())]),
        Region::InlineMod(name) => {
            let m = all
                .iter()
                .find(|i| i.kind == ItemKind::InlineMod && i.name.as_deref() == Some(name.as_str()))
                .and_then(|i| i.body);
            match m {
                Some((open, close)) => (
                    items(&toks, open + 1, close),
                    vec![(toks[open].end, toks[close].start)],
                ),
                None => (Vec::new(), Vec::new()),
            }
        }
        Region::TestItems => {
            let tests: Vec<Item> = all
                .into_iter()
                .filter(|i| i.kind == ItemKind::Fn && i.has_test_attr)
                .collect();
            let spans = tests
                .iter()
                .map(|i| (toks[i.first].start, toks[i.last].end))
                .collect();
            (tests, spans)
        }
    };
    // Tokens inside a nested inline module of the test module: `super`/`self` there
    // are relative to the test module itself and stay as written.
    let mut nested = vec![false; toks.len()];
    for item in &top {
        if let Some((open, close)) = item.body {
            for n in &mut nested[open..=close] {
                *n = true;
            }
        }
    }

    let mut contexts: Vec<ModPath> = Vec::new();
    let mut private: BTreeMap<String, NameKind> = BTreeMap::new();
    let mut local_names: BTreeSet<String> = BTreeSet::new();
    let mut item_edits: Vec<Vec<Edit>> = Vec::new();
    let mut item_reasons: Vec<BTreeSet<String>> = Vec::new();

    for item in &top {
        let mut edits = Vec::new();
        let mut reasons = BTreeSet::new();
        if let Some(n) = &item.name {
            local_names.insert(n.clone());
        }
        let mut k = item.first;
        while k <= item.last {
            let t = &toks[k];
            if t.kind != Kind::Ident {
                k += 1;
                continue;
            }
            if t.is("use") {
                let semi = (k..=item.last)
                    .find(|&j| toks[j].is_punct(';'))
                    .unwrap_or(item.last);
                let leaves = use_leaves(&toks, k + 1, semi);
                let mut out: Vec<String> = Vec::new();
                let mut changed = false;
                for leaf in &leaves {
                    let mapped = map_leaf(leaf, nested[k], &mut unit, port_crate);
                    match mapped {
                        LeafMap::Keep => {
                            out.push(leaf_text(leaf));
                            if item.kind == ItemKind::Use {
                                local_names.extend(leaf.bound_name());
                            }
                        }
                        LeafMap::Mapped(s) => {
                            changed = true;
                            out.push(s);
                            if item.kind == ItemKind::Use {
                                local_names.extend(leaf.bound_name());
                            }
                        }
                        LeafMap::Internal(why) => {
                            changed = true;
                            match leaf.bound_name() {
                                Some(n) if item.kind == ItemKind::Use && !nested[k] => {
                                    private.insert(n, NameKind::Item);
                                }
                                _ => {
                                    reasons.insert(why);
                                }
                            }
                        }
                        LeafMap::Context(m) => {
                            changed = true;
                            let idx = contexts.iter().position(|c| *c == m).unwrap_or_else(|| {
                                contexts.push(m.clone());
                                contexts.len() - 1
                            });
                            out.push(format!("crate::__rayon_compat_ctx_{idx}::*"));
                        }
                    }
                }
                if changed {
                    let span = &src[t.start..toks[semi].end];
                    let text = format!("use {{{}}};{}", out.join(", "), newlines(span));
                    edits.push(Edit {
                        start: t.start,
                        end: toks[semi].end,
                        text,
                    });
                }
                k = semi + 1;
                continue;
            }
            // `include_str!("x")` is relative to the source file: point it there.
            if (t.is("include_str") || t.is("include_bytes"))
                && toks.get(k + 1).is_some_and(|n| n.is_punct('!'))
                && toks
                    .get(k + 3)
                    .is_some_and(|n| n.kind == Kind::Literal && n.text.starts_with('"'))
            {
                if let Some(dir) = src_dir {
                    let lit = &toks[k + 3];
                    let rel = lit.text.trim_matches('"');
                    edits.push(Edit {
                        start: lit.start,
                        end: lit.end,
                        text: format!("{:?}", dir.join(rel).display().to_string()),
                    });
                }
                k += 4;
                continue;
            }
            let prev_is_sep = k >= 2 && is_path_sep(&toks, k - 2);
            let prev_is_dollar = k >= 1 && toks[k - 1].is_punct('$');
            if t.is("extern")
                && toks.get(k + 1).is_some_and(|n| n.is("crate"))
                && toks
                    .get(k + 2)
                    .is_some_and(|n| n.is("rayon") || n.is("rayon_core"))
            {
                let n = &toks[k + 2];
                let text = if toks.get(k + 3).is_some_and(|a| a.is("as")) {
                    port_crate.to_string()
                } else {
                    format!("{port_crate} as {}", n.text)
                };
                edits.push(Edit {
                    start: n.start,
                    end: n.end,
                    text,
                });
                k += 3;
                continue;
            }
            let is_root = matches!(
                t.text.as_str(),
                "crate" | "super" | "self" | "rayon" | "rayon_core"
            );
            // `::rayon::x`: a leading `::` is not a path continuation.
            let leading_sep = prev_is_sep
                && (k < 3 || !(toks[k - 3].kind == Kind::Ident || toks[k - 3].is_punct('>')))
                && (t.is("rayon") || t.is("rayon_core"));
            if is_root
                && (!prev_is_sep || leading_sep)
                && !prev_is_dollar
                && is_path_sep(&toks, k + 1)
            {
                // Collect `root::a::b`.
                let mut segs = vec![t.text.clone()];
                let mut j = k;
                while is_path_sep(&toks, j + 1)
                    && toks.get(j + 3).is_some_and(|n| n.kind == Kind::Ident)
                {
                    segs.push(toks[j + 3].text.clone());
                    j += 3;
                }
                let leaf = UseLeaf {
                    path: segs,
                    glob: false,
                    alias: None,
                    span: (k, j),
                };
                match map_leaf(&leaf, nested[k], &mut unit, port_crate) {
                    LeafMap::Mapped(s) => edits.push(Edit {
                        start: t.start,
                        end: toks[j].end,
                        text: s,
                    }),
                    LeafMap::Internal(why) => {
                        reasons.insert(why);
                    }
                    LeafMap::Keep | LeafMap::Context(_) => {}
                }
                k = j + 1;
                continue;
            }
            k += 1;
        }
        item_edits.push(edits);
        item_reasons.push(reasons);
    }

    // Code written directly in a module sees that module's names.
    let mut prefix = String::new();
    if let (Region::TestItems, Some((_, module))) = (region, &unit) {
        contexts.push(module.clone());
        prefix = format!("use crate::__rayon_compat_ctx_{}::*;", contexts.len() - 1);
    }
    let mut ctx_text = String::new();
    if let Some((model, _)) = &mut unit {
        for (idx, m) in contexts.iter().enumerate() {
            let ctx = model.context(m);
            for (n, kind) in ctx.private {
                private.entry(n).or_insert(kind);
            }
            ctx_text.push_str(&format!(
                "\n// What `use {}::*` brought into rayon's test module.\n#[allow(unused_imports)]\nmod __rayon_compat_ctx_{idx} {{\n",
                if m.is_empty() { "crate".to_string() } else { format!("crate::{}", m.join("::")) }
            ));
            for (l, leaf) in ctx.leaves.iter().enumerate() {
                ctx_text.push_str(&format!(
                    "    mod l{l} {{ pub use {leaf}; }} pub use self::l{l}::*;\n"
                ));
            }
            ctx_text.push_str("}\n");
        }
    }
    // Local definitions shadow what a glob brought in.
    for n in &local_names {
        private.remove(n);
    }

    // Cut out items that need rayon's internals, then those that use a cut item.
    let mut cut = vec![false; top.len()];
    loop {
        let mut changed = false;
        for (i, item) in top.iter().enumerate() {
            if cut[i] {
                continue;
            }
            let mut why: Vec<String> = item_reasons[i].iter().cloned().collect();
            if item.kind != ItemKind::Use {
                why.extend(uses_of(&toks, item, &private));
            }
            if !why.is_empty() {
                item_reasons[i] = why.into_iter().collect();
                cut[i] = true;
                changed = true;
                if let Some(n) = &item.name {
                    let kind = match item.kind {
                        ItemKind::MacroRules => NameKind::Macro,
                        ItemKind::InlineMod => NameKind::Module,
                        _ => NameKind::Item,
                    };
                    private.insert(n.clone(), kind);
                }
            }
        }
        if !changed {
            break;
        }
    }

    let mut edits: Vec<Edit> = Vec::new();
    let mut excised = Vec::new();
    for (i, item) in top.iter().enumerate() {
        let (start, end) = (toks[item.first].start, toks[item.last].end);
        let tests = count_tests(&toks[item.first..=item.last]);
        if cut[i] {
            let why: Vec<String> = item_reasons[i].iter().cloned().collect();
            let name = item
                .name
                .clone()
                .unwrap_or_else(|| toks[item.keyword].text.clone() + "!");
            edits.push(Edit {
                start,
                end,
                text: format!(
                    "/* rayon-compat: `{name}` cut out, it needs rayon internals: {} */ {STANDIN}{}",
                    why.join(", ").replace("*/", "* /"),
                    newlines(&src[start..end])
                ),
            });
            excised.push((name, tests, why.join(", ")));
        } else {
            edits.append(&mut item_edits[i]);
        }
    }
    edits.sort_by_key(|e| e.start);

    // Assemble: kept spans with their edits; elsewhere only the line breaks.
    let mut text = prefix;
    let mut pos = 0;
    let mut e = edits.iter().peekable();
    for &(s, end) in &keep_spans {
        text.push_str(&newlines(&src[pos..s]));
        let mut p = s;
        while let Some(ed) = e.peek() {
            if ed.start >= end {
                break;
            }
            if ed.start < p {
                e.next();
                continue;
            }
            text.push_str(&src[p..ed.start]);
            text.push_str(&ed.text);
            p = ed.end;
            e.next();
        }
        text.push_str(&src[p..end]);
        pos = end;
    }
    text.push_str(&newlines(&src[pos..]));
    text.push_str(&ctx_text);
    Ported { text, excised }
}

fn map_leaf(
    leaf: &UseLeaf,
    nested: bool,
    unit: &mut Option<(&mut CrateModel, ModPath)>,
    port_crate: &str,
) -> LeafMap {
    let root = leaf.path.first().map(String::as_str).unwrap_or("");
    if root == "rayon" || root == "rayon_core" {
        let mut p = leaf.path.clone();
        p[0] = port_crate.to_string();
        let mut leaf2 = leaf.clone();
        leaf2.path = p;
        return LeafMap::Mapped(leaf_text(&leaf2));
    }
    let Some((model, module)) = unit else {
        return LeafMap::Keep;
    };
    match root {
        "crate" => {}
        "super" | "self" if !nested => {}
        _ => return LeafMap::Keep,
    }
    let abs = absolute_path(module, &leaf.path);
    let target: ModPath = abs[1..].to_vec();
    if leaf.glob {
        if module.starts_with(&target) {
            return LeafMap::Context(target);
        }
        return match model.resolve(&abs) {
            Resolved::Public(p) => LeafMap::Mapped(format!("{p}::*")),
            Resolved::Internal(p) => LeafMap::Internal(p),
        };
    }
    if root == "self" && target.starts_with(module) {
        return LeafMap::Keep; // the test module's own items
    }
    match model.resolve(&abs) {
        Resolved::Public(p) => {
            let mut leaf2 = leaf.clone();
            leaf2.path = p.split("::").map(str::to_string).collect();
            LeafMap::Mapped(leaf_text(&leaf2))
        }
        Resolved::Internal(p) => LeafMap::Internal(p),
    }
}

fn leaf_text(leaf: &UseLeaf) -> String {
    let mut s = leaf.path.join("::");
    if leaf.glob {
        s.push_str("::*");
    } else if let Some(a) = &leaf.alias {
        s.push_str(" as ");
        s.push_str(a);
    }
    s
}

/// The private names that `item` uses.
fn uses_of(toks: &[Token], item: &Item, private: &BTreeMap<String, NameKind>) -> Vec<String> {
    let mut found = BTreeSet::new();
    for k in item.first..=item.last {
        let t = &toks[k];
        if t.kind != Kind::Ident {
            continue;
        }
        let Some(kind) = private.get(&t.text) else {
            continue;
        };
        let after_dot = k >= 1 && toks[k - 1].is_punct('.');
        let after_sep = k >= 2 && is_path_sep(toks, k - 2);
        let before_sep = is_path_sep(toks, k + 1);
        let before_bang = toks.get(k + 1).is_some_and(|n| n.is_punct('!'));
        let declares = k >= 1
            && [
                "fn", "struct", "enum", "trait", "type", "mod", "let", "const", "static",
            ]
            .iter()
            .any(|kw| toks[k - 1].is(kw));
        let used = match kind {
            NameKind::Module => before_sep && !after_sep && !after_dot,
            NameKind::Macro => before_bang && !after_sep,
            NameKind::Method => after_dot,
            NameKind::Item => !after_dot && !after_sep && !before_bang && !declares,
        };
        if used {
            found.insert(t.text.clone());
        }
    }
    found.into_iter().collect()
}

fn count_tests(toks: &[Token]) -> usize {
    toks.windows(4)
        .filter(|w| {
            w[0].is_punct('#') && w[1].is_punct('[') && w[2].is("test") && w[3].is_punct(']')
        })
        .count()
}

fn newlines(s: &str) -> String {
    "\n".repeat(s.matches('\n').count())
}

/// Cuts out of a port the items that have compile errors (`errors`: line, byte offset,
/// key), and the items that use them, so that the rest can be built and run. From a
/// `use`, only the failing imports go. `None` when no error falls in something that
/// can be cut.
pub fn cut_failing(text: &str, errors: &[(usize, usize, String)]) -> Option<(String, Vec<Cut>)> {
    let toks = lex(text);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |byte: usize| line_starts.partition_point(|&s| s <= byte);
    let top = items(&toks, 0, toks.len());
    let mut cut = vec![false; top.len()];
    let mut reasons: Vec<String> = vec![String::new(); top.len()];
    let mut names: BTreeMap<String, NameKind> = BTreeMap::new();
    let mut ctx_lines: BTreeSet<usize> = BTreeSet::new();
    // Use items losing some imports: item -> the failing leaves.
    let mut use_cuts: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut any = false;
    for (line, byte, key) in errors {
        let (line, byte) = (*line, *byte);
        if line == 0 {
            continue;
        }
        let Some(i) = top.iter().position(|it| {
            line_of(toks[it.first].start) <= line && line <= line_of(toks[it.last].end)
        }) else {
            continue;
        };
        let item = &top[i];
        if item
            .name
            .as_deref()
            .is_some_and(|n| n.starts_with("__rayon_compat_ctx"))
        {
            ctx_lines.insert(line); // one generated import a line
            any = true;
            continue;
        }
        if item.kind == ItemKind::InnerAttr {
            continue;
        }
        if item.kind == ItemKind::Use {
            let leaves = use_leaves(&toks, item.keyword + 1, item.last);
            let hit = leaves
                .iter()
                .position(|l| toks[l.span.0].start <= byte && byte < toks[l.span.1].end);
            if let Some(h) = hit {
                use_cuts.entry(i).or_default().insert(h);
                if let Some(n) = leaves[h].bound_name() {
                    names.entry(n).or_insert(NameKind::Item);
                }
                any = true;
                continue;
            }
        }
        cut[i] = true;
        any = true;
        // An error that shows the test needs rayon internals says the most.
        if reasons[i].is_empty() || key.starts_with(INTERNAL) {
            reasons[i] = key.clone();
        }
    }
    if !any {
        return None;
    }
    // Names of what was cut; then whatever uses them goes too.
    loop {
        for (i, item) in top.iter().enumerate() {
            if !cut[i] {
                continue;
            }
            if let Some(n) = &item.name {
                let kind = match item.kind {
                    ItemKind::MacroRules => NameKind::Macro,
                    ItemKind::InlineMod => NameKind::Module,
                    _ => NameKind::Item,
                };
                names.entry(n.clone()).or_insert(kind);
            }
            if item.kind == ItemKind::Use {
                for leaf in use_leaves(&toks, item.keyword + 1, item.last) {
                    if let Some(n) = leaf.bound_name() {
                        names.entry(n).or_insert(NameKind::Item);
                    }
                }
            }
        }
        let mut changed = false;
        for (i, item) in top.iter().enumerate() {
            if cut[i] || item.kind == ItemKind::Use || item.kind == ItemKind::InnerAttr {
                continue;
            }
            if item
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with("__rayon_compat_ctx"))
            {
                continue;
            }
            let used = uses_of(&toks, item, &names);
            if !used.is_empty() {
                cut[i] = true;
                reasons[i] = format!("uses `{}`, cut", used.join("`, `"));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut out = String::new();
    let mut pos = 0;
    let mut excised = Vec::new();
    for (i, item) in top.iter().enumerate() {
        let (start, end) = (toks[item.first].start, toks[item.last].end);
        if !cut[i] {
            if let Some(failing) = use_cuts.get(&i) {
                let kept: Vec<String> = use_leaves(&toks, item.keyword + 1, item.last)
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| !failing.contains(k))
                    .map(|(_, l)| leaf_text(l))
                    .collect();
                let kw = toks[item.keyword].start;
                out.push_str(&text[pos..kw]);
                out.push_str(&format!(
                    "use {{{}}};{}",
                    kept.join(", "),
                    newlines(&text[kw..end])
                ));
                pos = end;
            }
            continue;
        }
        out.push_str(&text[pos..start]);
        let name = item
            .name
            .clone()
            .unwrap_or_else(|| toks[item.keyword].text.clone() + "!");
        out.push_str(&format!(
            "/* rayon-compat: `{name}` cut out, it does not compile: {} */ {STANDIN}{}",
            reasons[i].replace("*/", "* /"),
            newlines(&text[start..end])
        ));
        excised.push((
            name,
            count_tests(&toks[item.first..=item.last]),
            reasons[i].clone(),
        ));
        pos = end;
    }
    out.push_str(&text[pos..]);
    // Generated imports that fail: drop their line.
    if !ctx_lines.is_empty() {
        out = out
            .split('\n')
            .enumerate()
            .map(|(i, l)| if ctx_lines.contains(&(i + 1)) { "" } else { l })
            .collect::<Vec<_>>()
            .join("\n");
    }
    Some((out, excised))
}
