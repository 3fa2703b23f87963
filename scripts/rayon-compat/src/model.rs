//! What a path inside rayon (or rayon-core) means from outside: the public path a rayon
//! user would write for it (`crate::iter::fold_chunks::FoldChunks` is
//! `rayon::iter::FoldChunks`), or "internal" when rayon keeps it private.
//!
//! Derived from the sources: `pub mod` chains, and `pub use self::m::{..}` re-exports of
//! private modules' items. `paths.txt` beside this program overrides that derivation
//! where it is wrong or not enough.

use crate::items::{ItemKind, UseLeaf, items, use_leaves};
use crate::lex::{Kind, Token, lex};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A module path inside the crate, without the leading `crate`.
pub type ModPath = Vec<String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// The public path, starting with the port's crate name.
    Public(String),
    /// Private in rayon; the rayon path, for the report.
    Internal(String),
}

/// How a private name is used, so that the scan for uses does not confuse a private
/// module `map` with the method `.map(..)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameKind {
    /// Followed by `::`.
    Module,
    /// Followed by `!`.
    Macro,
    /// A method of a private trait: preceded by `.`.
    Method,
    /// Any other use (not after `.` or `::`).
    Item,
}

#[derive(Default, Debug)]
struct ModInfo {
    /// Items declared here: name -> (kind, declared plain `pub`).
    decls: HashMap<String, (ItemKind, bool)>,
    /// Submodules: name -> declared plain `pub`.
    submods: HashMap<String, bool>,
    /// `use` leaves, absolute (first segment `crate` for this crate), and whether `pub`.
    uses: Vec<(UseLeaf, bool)>,
    /// Method names of private traits declared here.
    private_methods: Vec<String>,
}

/// The names and imports a test module sees through `use super::*` (or any glob of an
/// enclosing module).
#[derive(Default, Debug)]
pub struct Context {
    /// `use` targets for the port (e.g. `cancelpool::iter::*`, `std::cmp::Ordering`).
    pub leaves: BTreeSet<String>,
    /// Names that exist only inside rayon.
    pub private: BTreeMap<String, NameKind>,
}

pub struct CrateModel {
    /// `rayon` or `rayon-core`, as in `paths.txt`.
    pub label: String,
    src: PathBuf,
    port_crate: String,
    mods: HashMap<ModPath, ModInfo>,
    /// Longest-prefix overrides: rayon path (with `crate`) -> port path or `internal`.
    overrides: Vec<(Vec<String>, String)>,
    /// Method names of public traits (never treated as private methods).
    public_methods: BTreeSet<String>,
    /// Every mapping made, for the report.
    pub log: BTreeMap<String, String>,
}

impl CrateModel {
    pub fn new(label: &str, src: &Path, port_crate: &str, overrides_text: &str) -> Self {
        let mut overrides = Vec::new();
        for line in overrides_text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let mut words = line.split_whitespace();
            let (Some(krate), Some(from), Some(to)) = (words.next(), words.next(), words.next())
            else {
                continue;
            };
            if krate == label {
                overrides.push((
                    from.split("::").map(str::to_string).collect(),
                    to.to_string(),
                ));
            }
        }
        let mut m = CrateModel {
            label: label.to_string(),
            src: src.to_path_buf(),
            port_crate: port_crate.to_string(),
            mods: HashMap::new(),
            overrides,
            public_methods: BTreeSet::new(),
            log: BTreeMap::new(),
        };
        m.load(&[]);
        m
    }

    /// The file that holds module `path`, if it has one of its own.
    pub fn module_file(&self, path: &[String]) -> Option<PathBuf> {
        let mut file = self.src.join("lib.rs");
        for seg in path {
            let dir = if file.ends_with("lib.rs") || file.ends_with("mod.rs") {
                file.parent()?.to_path_buf()
            } else {
                file.with_extension("")
            };
            let flat = dir.join(format!("{seg}.rs"));
            let nested = dir.join(seg).join("mod.rs");
            file = if flat.exists() {
                flat
            } else if nested.exists() {
                nested
            } else {
                return None;
            };
        }
        Some(file)
    }

    /// Loads module `path` from its file, or from the inline `mod` block in its parent.
    fn load(&mut self, path: &[String]) {
        if self.mods.contains_key(path) {
            return;
        }
        let info = match self.module_file(path) {
            Some(file) => {
                let src = std::fs::read_to_string(&file).unwrap_or_default();
                let toks = lex(&src);
                self.scan(path, &toks, 0, toks.len())
            }
            None => self.inline_module(path).unwrap_or_default(),
        };
        self.mods.insert(path.to_vec(), info);
    }

    fn inline_module(&mut self, path: &[String]) -> Option<ModInfo> {
        let (name, parent) = path.split_last()?;
        let file = self.module_file(parent)?;
        let src = std::fs::read_to_string(file).ok()?;
        let toks = lex(&src);
        let item = items(&toks, 0, toks.len())
            .into_iter()
            .find(|i| i.kind == ItemKind::InlineMod && i.name.as_deref() == Some(name.as_str()))?;
        let (open, close) = item.body?;
        Some(self.scan(path, &toks, open + 1, close))
    }

    fn scan(&mut self, path: &[String], toks: &[Token], from: usize, to: usize) -> ModInfo {
        let mut info = ModInfo::default();
        for item in items(toks, from, to) {
            match item.kind {
                ItemKind::Use => {
                    for leaf in use_leaves(toks, item.keyword + 1, item.last) {
                        info.uses.push((leaf, item.public));
                    }
                }
                ItemKind::Mod | ItemKind::InlineMod => {
                    if let Some(name) = &item.name {
                        if !item.cfg_test {
                            info.submods.insert(name.clone(), item.public);
                        }
                    }
                }
                ItemKind::Fn | ItemKind::Type | ItemKind::Value | ItemKind::MacroRules => {
                    let Some(name) = item.name.clone() else {
                        continue;
                    };
                    let is_trait = toks[item.keyword].is("trait");
                    if is_trait {
                        let methods = trait_methods(toks, item.keyword, item.last);
                        if item.public {
                            self.public_methods.extend(methods);
                        } else {
                            info.private_methods.extend(methods);
                        }
                    }
                    // `macro_rules!` macros are never part of the path-based public API.
                    let public = item.public && item.kind != ItemKind::MacroRules;
                    info.decls.insert(name, (item.kind, public));
                }
                _ => {}
            }
        }
        // Make the `use` leaves absolute; a leading name that is a submodule here is
        // relative to this module (2018 uniform paths).
        for (leaf, _) in &mut info.uses {
            let first = leaf.path.first().cloned().unwrap_or_default();
            if info.submods.contains_key(&first) {
                leaf.path.insert(0, "self".to_string());
            }
            *leaf = absolute(path, leaf);
        }
        info
    }

    fn info(&mut self, path: &[String]) -> &ModInfo {
        self.load(path);
        &self.mods[path]
    }

    /// Module `path` declares or re-exports a public item `name`.
    fn exports(&mut self, path: &[String], name: &str) -> bool {
        let info = self.info(path);
        info.decls.get(name).is_some_and(|d| d.1)
            || info
                .uses
                .iter()
                .any(|(leaf, public)| *public && leaf.bound_name().as_deref() == Some(name))
    }

    fn override_for(&self, full: &[String]) -> Option<(usize, String)> {
        self.overrides
            .iter()
            .filter(|(from, _)| from.len() <= full.len() && full[..from.len()] == from[..])
            .max_by_key(|(from, _)| from.len())
            .map(|(from, to)| (from.len(), to.clone()))
    }

    /// The public path of module `path` (`Some(["iter"])` for `crate::iter`), or `None`
    /// when the module is private.
    fn module_alias(&mut self, path: &[String]) -> Option<Vec<String>> {
        let mut full = vec!["crate".to_string()];
        full.extend(path.iter().cloned());
        if let Some((n, to)) = self.override_for(&full) {
            if to == "internal" {
                return None;
            }
            let mut alias: Vec<String> = to.split("::").skip(1).map(str::to_string).collect();
            alias.extend(full[n..].iter().cloned());
            return Some(alias);
        }
        let mut alias = Vec::new();
        for (k, seg) in path.iter().enumerate() {
            let public = self.info(&path[..k]).submods.get(seg).copied()?;
            if !public {
                return None;
            }
            alias.push(seg.clone());
        }
        Some(alias)
    }

    fn port_path(&self, segs: &[String]) -> String {
        let mut s = self.port_crate.clone();
        for seg in segs {
            s.push_str("::");
            s.push_str(seg);
        }
        s
    }

    /// Resolves an absolute path inside the crate (`segs[0] == "crate"`).
    pub fn resolve(&mut self, segs: &[String]) -> Resolved {
        let key = segs.join("::");
        let r = self.resolve_uncached(segs);
        let shown = match &r {
            Resolved::Public(p) => p.clone(),
            Resolved::Internal(_) => "internal".to_string(),
        };
        self.log.insert(format!("{} {key}", self.label), shown);
        r
    }

    fn resolve_uncached(&mut self, segs: &[String]) -> Resolved {
        let internal = || Resolved::Internal(segs.join("::"));
        if let Some((n, to)) = self.override_for(segs) {
            if to == "internal" {
                return internal();
            }
            let mut p = to;
            for seg in &segs[n..] {
                p.push_str("::");
                p.push_str(seg);
            }
            return Resolved::Public(p);
        }
        // Walk down the modules.
        let mut module: ModPath = Vec::new();
        let mut i = 1;
        while i < segs.len() {
            let seg = &segs[i];
            // `crate::scope` names both the private module `scope` and the function
            // `scope` re-exported from it: as the last segment, the item wins.
            if i + 1 == segs.len() && self.exports(&module, seg) {
                break;
            }
            if self.info(&module).submods.contains_key(seg) {
                module.push(seg.clone());
                i += 1;
            } else {
                break;
            }
        }
        let rest = &segs[i..];
        if let Some(alias) = self.module_alias(&module) {
            if let Some(first) = rest.first() {
                if let Some((_, false)) = self.info(&module).decls.get(first) {
                    return internal();
                }
            }
            let mut p = alias;
            p.extend(rest.iter().cloned());
            return Resolved::Public(self.port_path(&p));
        }
        // A private module: its public items may be re-exported by an ancestor.
        let Some(first) = rest.first() else {
            return internal();
        };
        if let Some((_, false)) = self.info(&module).decls.get(first) {
            return internal();
        }
        let mut target = vec!["crate".to_string()];
        target.extend(module.iter().cloned());
        target.push(first.clone());
        for depth in (0..module.len()).rev() {
            let ancestor = module[..depth].to_vec();
            let Some(alias) = self.module_alias(&ancestor) else {
                continue;
            };
            let uses = self.info(&ancestor).uses.clone();
            for (leaf, public) in uses {
                if !public {
                    continue;
                }
                let exported = if leaf.glob {
                    let mut dir = leaf.path.clone();
                    dir.push(first.clone());
                    (dir == target).then(|| first.clone())
                } else {
                    (leaf.path == target).then(|| leaf.bound_name()).flatten()
                };
                if let Some(name) = exported {
                    let mut p = alias.clone();
                    p.push(name);
                    p.extend(rest[1..].iter().cloned());
                    return Resolved::Public(self.port_path(&p));
                }
            }
        }
        internal()
    }

    /// What a glob import of module `path` brings into a module nested inside it.
    pub fn context(&mut self, path: &[String]) -> Context {
        let mut ctx = Context::default();
        let mut seen = BTreeSet::new();
        self.context_into(path, &mut ctx, &mut seen);
        // A name that also arrives publicly is fine; a private one shadows nothing.
        ctx
    }

    fn context_into(&mut self, path: &[String], ctx: &mut Context, seen: &mut BTreeSet<ModPath>) {
        if !seen.insert(path.to_vec()) {
            return;
        }
        self.load(path);
        let alias = self.module_alias(path);
        if let Some(alias) = &alias {
            ctx.leaves.insert(format!("{}::*", self.port_path(alias)));
        }
        let decls: Vec<(String, ItemKind, bool)> = self.mods[path]
            .decls
            .iter()
            .map(|(n, (k, p))| (n.clone(), *k, *p))
            .collect();
        for (name, kind, public) in decls {
            let mut full = vec!["crate".to_string()];
            full.extend(path.iter().cloned());
            full.push(name.clone());
            let resolved = if public {
                self.resolve(&full)
            } else {
                Resolved::Internal(String::new())
            };
            match resolved {
                Resolved::Public(p) => {
                    if alias.is_none() {
                        ctx.leaves.insert(p);
                    }
                }
                Resolved::Internal(_) => {
                    let nk = if kind == ItemKind::MacroRules {
                        NameKind::Macro
                    } else {
                        NameKind::Item
                    };
                    ctx.private.insert(name, nk);
                }
            }
        }
        let submods: Vec<(String, bool)> = self.mods[path]
            .submods
            .iter()
            .map(|(n, p)| (n.clone(), *p))
            .collect();
        for (name, public) in submods {
            if !(public && alias.is_some()) {
                ctx.private.insert(name, NameKind::Module);
            }
        }
        let methods = self.mods[path].private_methods.clone();
        for m in methods {
            if !self.public_methods.contains(&m) {
                ctx.private.entry(m).or_insert(NameKind::Method);
            }
        }
        let uses = self.mods[path].uses.clone();
        for (leaf, public) in uses {
            if public && alias.is_some() {
                continue; // arrives with the module's public glob
            }
            let root = leaf.path.first().map(String::as_str).unwrap_or("");
            if root == "crate" {
                if leaf.glob {
                    let target: ModPath = leaf.path[1..].to_vec();
                    if path.starts_with(&target) {
                        self.context_into(&target, ctx, seen);
                    } else if let Some(a) = self.module_alias(&target) {
                        ctx.leaves.insert(format!("{}::*", self.port_path(&a)));
                    }
                    continue;
                }
                match self.resolve(&leaf.path) {
                    Resolved::Public(p) => {
                        ctx.leaves.insert(with_alias(&p, &leaf));
                    }
                    Resolved::Internal(_) => {
                        if let Some(n) = leaf.bound_name() {
                            ctx.private.insert(n, NameKind::Item);
                        }
                    }
                }
            } else if matches!(root, "std" | "core" | "alloc") {
                let mut p = leaf.path.join("::");
                if leaf.glob {
                    p.push_str("::*");
                }
                ctx.leaves.insert(with_alias(&p, &leaf));
            } else if let Some(n) = leaf.bound_name() {
                // Another crate rayon depends on; the port does not.
                ctx.private.insert(n, NameKind::Item);
            }
        }
    }
}

fn with_alias(p: &str, leaf: &UseLeaf) -> String {
    match &leaf.alias {
        Some(a) if !leaf.glob => format!("{p} as {a}"),
        _ => p.to_string(),
    }
}

/// Makes a `use` leaf written in module `module` absolute (`crate::...`), resolving
/// `self::` and `super::`. Leaves of other crates are returned as written.
pub fn absolute(module: &[String], leaf: &UseLeaf) -> UseLeaf {
    let mut out = leaf.clone();
    out.path = absolute_path(module, &leaf.path);
    out
}

pub fn absolute_path(module: &[String], path: &[String]) -> Vec<String> {
    let mut base: Vec<String> = module.to_vec();
    let mut k = 0;
    match path.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            k = 1;
        }
        Some("self") => k = 1,
        Some("super") => {
            while path.get(k).map(String::as_str) == Some("super") {
                base.pop();
                k += 1;
            }
        }
        _ => return path.to_vec(),
    }
    let mut out = vec!["crate".to_string()];
    out.extend(base);
    out.extend(path[k..].iter().cloned());
    out
}

fn trait_methods(toks: &[Token], from: usize, to: usize) -> Vec<String> {
    toks[from..to]
        .windows(2)
        .filter(|w| w[0].is("fn") && w[1].kind == Kind::Ident)
        .map(|w| w[1].text.clone())
        .collect()
}
