//! Items at one nesting level of a Rust file, and `use` trees flattened into leaves.

use crate::lex::{Kind, Token, is_path_sep, matching};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Use,
    Fn,
    Type,
    Value,
    Mod,
    InlineMod,
    MacroRules,
    MacroCall,
    Impl,
    InnerAttr,
    Other,
}

#[derive(Clone, Debug)]
pub struct Item {
    /// First token, attributes included.
    pub first: usize,
    /// The keyword (`fn`, `struct`, `use`, ...) or the macro name.
    pub keyword: usize,
    /// Last token, inclusive.
    pub last: usize,
    pub kind: ItemKind,
    pub name: Option<String>,
    /// Declared `pub` with no restriction.
    pub public: bool,
    /// Carries `#[test]`, or is a macro call or module that holds tests.
    pub has_test_attr: bool,
    /// Carries `#[cfg(test)]`.
    pub cfg_test: bool,
    /// For an inline module: the `{` and `}` tokens.
    pub body: Option<(usize, usize)>,
}

/// Items from token `from` up to (not including) token `to`, at that level.
pub fn items(toks: &[Token], from: usize, to: usize) -> Vec<Item> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        match item_at(toks, i, to) {
            Some(item) => {
                i = item.last + 1;
                out.push(item);
            }
            None => i += 1,
        }
    }
    out
}

fn item_at(toks: &[Token], first: usize, to: usize) -> Option<Item> {
    let mut k = first;
    let mut has_test_attr = false;
    let mut cfg_test = false;
    // Inner attribute `#![...]`.
    if toks[k].is_punct('#') && toks.get(k + 1).is_some_and(|t| t.is_punct('!')) {
        let close = matching(toks, k + 2);
        return Some(Item {
            first,
            keyword: k,
            last: close,
            kind: ItemKind::InnerAttr,
            name: None,
            public: false,
            has_test_attr: false,
            cfg_test: false,
            body: None,
        });
    }
    while k < to && toks[k].is_punct('#') && toks.get(k + 1).is_some_and(|t| t.is_punct('[')) {
        let close = matching(toks, k + 1);
        let words: Vec<&str> = toks[k + 2..close].iter().map(|t| t.text.as_str()).collect();
        if words == ["test"] || words.first() == Some(&"should_panic") {
            has_test_attr = true;
        }
        if words.starts_with(&["cfg", "(", "test", ")"]) {
            cfg_test = true;
        }
        k = close + 1;
    }
    if k >= to {
        return None;
    }
    let mut public = false;
    if toks[k].is("pub") {
        if toks.get(k + 1).is_some_and(|t| t.is_punct('(')) {
            k = matching(toks, k + 1) + 1;
        } else {
            public = true;
            k += 1;
        }
    }
    // Qualifiers.
    loop {
        let t = &toks[k];
        let next_is_fnish = toks
            .get(k + 1)
            .is_some_and(|n| n.is("fn") || n.is("unsafe") || n.is("async") || n.is("extern"));
        if t.is("unsafe") || t.is("async") || t.is("default") || (t.is("const") && next_is_fnish) {
            k += 1;
        } else if t.is("extern") && toks.get(k + 1).is_some_and(|n| n.kind == Kind::Literal) {
            k += 2;
        } else {
            break;
        }
    }
    let keyword = k;
    let kw = toks[k].text.as_str();
    let ident_after = |n: usize| {
        toks.get(n)
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| t.text.clone())
    };
    let (kind, name) = match kw {
        "use" => (ItemKind::Use, None),
        "fn" => (ItemKind::Fn, ident_after(k + 1)),
        "struct" | "enum" | "trait" | "type" | "union" => (ItemKind::Type, ident_after(k + 1)),
        "const" | "static" => {
            let n = if toks[k + 1].is("mut") { k + 2 } else { k + 1 };
            (ItemKind::Value, ident_after(n))
        }
        "mod" => {
            let inline = toks.get(k + 2).is_some_and(|t| t.is_punct('{'));
            let kind = if inline {
                ItemKind::InlineMod
            } else {
                ItemKind::Mod
            };
            (kind, ident_after(k + 1))
        }
        "macro_rules" => (ItemKind::MacroRules, ident_after(k + 2)),
        "impl" => (ItemKind::Impl, None),
        "extern" => (ItemKind::Other, None),
        _ if toks[k].kind == Kind::Ident && toks.get(k + 1).is_some_and(|t| t.is_punct('!')) => {
            (ItemKind::MacroCall, None)
        }
        _ => return None,
    };
    // Find the end.
    let ends_at_semicolon_only = matches!(kind, ItemKind::Use | ItemKind::Value) || kw == "type";
    let mut j = k;
    let mut body = None;
    let last = loop {
        if j >= to {
            break to - 1;
        }
        let t = &toks[j];
        if t.is_punct(';') {
            break j;
        }
        if t.is_punct('{') {
            let close = matching(toks, j);
            if ends_at_semicolon_only {
                j = close + 1;
                continue;
            }
            body = Some((j, close));
            // `macro_rules! m { }` and `m! { }` may be followed by a `;`.
            if toks.get(close + 1).is_some_and(|t| t.is_punct(';'))
                && matches!(kind, ItemKind::MacroRules | ItemKind::MacroCall)
            {
                break close + 1;
            }
            break close;
        }
        if t.is_punct('(') || t.is_punct('[') {
            j = matching(toks, j) + 1;
            continue;
        }
        j += 1;
    };
    let has_test_attr = has_test_attr
        || (matches!(kind, ItemKind::MacroCall | ItemKind::InlineMod)
            && toks[k..=last]
                .windows(3)
                .any(|w| w[0].is_punct('#') && w[1].is_punct('[') && w[2].is("test")));
    Some(Item {
        first,
        keyword,
        last,
        kind,
        name,
        public,
        has_test_attr,
        cfg_test,
        body: if kind == ItemKind::InlineMod {
            body
        } else {
            None
        },
    })
}

/// One imported thing of a `use` tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseLeaf {
    /// Path segments; a leading `::` is kept as an empty first segment.
    pub path: Vec<String>,
    pub glob: bool,
    pub alias: Option<String>,
    /// First and last token of this leaf's own text (inside its group, if any).
    pub span: (usize, usize),
}

impl UseLeaf {
    /// The name this leaf brings into scope (`None` for a glob or `as _`).
    pub fn bound_name(&self) -> Option<String> {
        if self.glob {
            return None;
        }
        let name = self.alias.clone().or_else(|| self.path.last().cloned())?;
        (name != "_").then_some(name)
    }
}

/// Leaves of the `use` tree in tokens `from..to` (after `use`, before `;`).
pub fn use_leaves(toks: &[Token], from: usize, to: usize) -> Vec<UseLeaf> {
    let mut out = Vec::new();
    tree(toks, from, to, &[], &mut out);
    out
}

fn tree(toks: &[Token], mut k: usize, to: usize, prefix: &[String], out: &mut Vec<UseLeaf>) {
    let first = k;
    let mut path: Vec<String> = prefix.to_vec();
    if is_path_sep(toks, k) && prefix.is_empty() {
        path.push(String::new());
        k += 2;
    }
    while k < to {
        let t = &toks[k];
        if t.is_punct('*') {
            out.push(UseLeaf {
                path,
                glob: true,
                alias: None,
                span: (first, k),
            });
            return;
        }
        if t.is_punct('{') {
            let close = matching(toks, k);
            // Split the group on top-level commas.
            let mut start = k + 1;
            let mut j = k + 1;
            while j <= close {
                let tj = &toks[j];
                if tj.is_punct('{') {
                    j = matching(toks, j) + 1;
                    continue;
                }
                if tj.is_punct(',') || j == close {
                    if start < j {
                        tree(toks, start, j, &path, out);
                    }
                    start = j + 1;
                }
                j += 1;
            }
            return;
        }
        if t.kind == Kind::Ident {
            if t.is("self") && !path.is_empty() && !is_path_sep(toks, k + 1) {
                // `a::{self}` imports `a` itself.
                let alias = alias_at(toks, k + 1, to);
                let last = if alias.is_some() { k + 2 } else { k };
                out.push(UseLeaf {
                    path,
                    glob: false,
                    alias,
                    span: (first, last),
                });
                return;
            }
            path.push(t.text.clone());
            if is_path_sep(toks, k + 1) {
                k += 3;
                continue;
            }
            let alias = alias_at(toks, k + 1, to);
            let last = if alias.is_some() { k + 2 } else { k };
            out.push(UseLeaf {
                path,
                glob: false,
                alias,
                span: (first, last),
            });
            return;
        }
        k += 1;
    }
}

fn alias_at(toks: &[Token], k: usize, to: usize) -> Option<String> {
    (k + 1 < to && toks[k].is("as")).then(|| toks[k + 1].text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lex::lex;

    fn leaves(src: &str) -> Vec<String> {
        let t = lex(src);
        use_leaves(&t, 0, t.len())
            .into_iter()
            .map(|l| {
                let mut s = l.path.join("::");
                if l.glob {
                    s.push_str("::*");
                }
                if let Some(a) = l.alias {
                    s.push_str(" as ");
                    s.push_str(&a);
                }
                s
            })
            .collect()
    }

    #[test]
    fn use_trees_flatten() {
        assert_eq!(leaves("super::*"), vec!["super::*"]);
        assert_eq!(
            leaves("std::fmt::{self, Debug as D}"),
            vec!["std::fmt", "std::fmt::Debug as D"]
        );
        assert_eq!(
            leaves("crate::{a::{b, c::*}, d}"),
            vec!["crate::a::b", "crate::a::c::*", "crate::d"]
        );
        assert_eq!(leaves("::std::mem"), vec!["::std::mem"]);
    }

    #[test]
    fn items_and_their_ends() {
        let src = "#![cfg(test)]\nuse a::b;\n#[test]\nfn t() { x(); }\nstruct S(u8);\nconst C: [u8; 1] = { [1] };\nm!(x);\nmacro_rules! k { () => {} }\npub(crate) fn p() {}\n#[cfg(test)]\nmod test { fn f() {} }\nmod other;\n";
        let t = lex(src);
        let its = items(&t, 0, t.len());
        let kinds: Vec<(ItemKind, Option<String>, bool)> = its
            .iter()
            .map(|i| (i.kind, i.name.clone(), i.has_test_attr))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (ItemKind::InnerAttr, None, false),
                (ItemKind::Use, None, false),
                (ItemKind::Fn, Some("t".into()), true),
                (ItemKind::Type, Some("S".into()), false),
                (ItemKind::Value, Some("C".into()), false),
                (ItemKind::MacroCall, None, false),
                (ItemKind::MacroRules, Some("k".into()), false),
                (ItemKind::Fn, Some("p".into()), false),
                (ItemKind::InlineMod, Some("test".into()), false),
                (ItemKind::Mod, Some("other".into()), false),
            ]
        );
        assert!(its[8].cfg_test && !its[7].public);
    }
}
