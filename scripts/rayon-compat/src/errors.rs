//! Turns rustc's error messages into short "missing item" keys that add up across files:
//! `no method named `copied` found for struct `Iter<'_, i32>` in the current scope`
//! becomes "no method named `copied`".

/// Keys of errors that mean the test uses something private to rayon (a field or a
/// method of rayon's own types), not something cancelpool lacks.
pub const INTERNAL: &str = "needs internals: ";

/// The key for one error, or `None` for errors that only follow from others.
/// `snippet`: the source text the error points at.
pub fn missing_key(
    code: Option<&str>,
    message: &str,
    label: Option<&str>,
    snippet: &str,
) -> Option<String> {
    let m = message.trim();
    if m.starts_with("aborting due to") || m.starts_with("could not compile") {
        return None;
    }
    let first = first_quoted(m);
    let key = match code.unwrap_or("") {
        "E0599" => {
            if let Some(rest) = m.strip_prefix("no method named ") {
                format!("no method named {}", first_quoted(rest).unwrap_or_default())
            } else if m.starts_with("no function or associated item named")
                || m.starts_with("no associated item named")
                || m.starts_with("no variant or associated item named")
            {
                let quoted = all_quoted(m);
                let item = quoted.first().cloned().unwrap_or_default();
                let ty = quoted.get(1).map(|t| base_type(t)).unwrap_or_default();
                format!("no associated item `{ty}::{}`", item.trim_matches('`'))
            } else if m.ends_with("is not an iterator") && is_ident(snippet) {
                // A std `Iterator` method was found for a parallel type: the parallel
                // method of that name is what is missing.
                format!("no method named `{snippet}`")
            } else if m.starts_with("the method ") && m.contains("exists for") {
                let quoted = all_quoted(m);
                let method = quoted.first().cloned().unwrap_or_default();
                let ty = quoted.get(1).map(|t| base_type(t)).unwrap_or_default();
                format!("method {method} exists on `{ty}` but its trait bounds are not satisfied")
            } else {
                simplify(m)
            }
        }
        "E0432" | "E0433" | "E0425" | "E0412" | "E0405" | "E0422" | "E0423" | "E0531" | "E0532" => {
            // Name resolution: the label often says what exactly is missing.
            match label.filter(|l| l.contains("could not find") || l.contains("no `")) {
                Some(l) => simplify(l),
                None => simplify(m),
            }
        }
        "E0277" => {
            if let Some(rest) = m.strip_prefix("the trait bound ") {
                let q = first_quoted(rest).unwrap_or_default();
                let inner = q.trim_matches('`');
                match inner.rsplit_once(": ") {
                    Some((ty, tr)) => format!(
                        "trait `{}` not implemented for `{}`",
                        base_type(tr),
                        base_type(ty)
                    ),
                    None => simplify(m),
                }
            } else {
                simplify(m)
            }
        }
        "E0282" | "E0283" | "E0284" => {
            if snippet.contains("..") && snippet.contains("into_par_iter") {
                "type annotations needed: `(a..b).into_par_iter()` on integer literals (E0282)"
                    .to_string()
            } else {
                "type annotations needed (E0282/E0283)".to_string()
            }
        }
        // A field of one of rayon's types: rayon's public types have none.
        "E0616" | "E0451" => format!("{INTERNAL}{}", simplify(m)),
        "E0308" => "mismatched types".to_string(),
        "E0061" | "E0107" => {
            let what = first.map(|q| format!(" {q}")).unwrap_or_default();
            format!("{}{what}", simplify(&strip_counts(m)))
        }
        _ => simplify(m),
    };
    Some(key)
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

fn strip_counts(m: &str) -> String {
    m.split_whitespace()
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_digit()) {
                "N"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_quoted(s: &str) -> Option<String> {
    all_quoted(s).into_iter().next()
}

/// The `quoted` parts of a message, with their backticks.
fn all_quoted(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(a) = rest.find('`') {
        let after = &rest[a + 1..];
        let Some(b) = after.find('`') else { break };
        out.push(format!("`{}`", &after[..b]));
        rest = &after[b + 1..];
    }
    out
}

/// `std::collections::HashMap<i32, Vec<u8>>` -> `HashMap`, `&'a [T]` -> `&[T]`.
pub fn base_type(t: &str) -> String {
    let t = t.trim_matches('`').trim();
    if let Some(inner) = t.strip_prefix('&') {
        let mut inner = inner.trim();
        if inner.starts_with('\'') {
            inner = inner.split_once(' ').map_or("", |(_, r)| r).trim();
        }
        let inner = inner.strip_prefix("mut ").unwrap_or(inner).trim();
        return format!("&{}", base_type(inner));
    }
    if t.starts_with('[') {
        return "[T]".to_string();
    }
    if t.starts_with('(') {
        return "(tuple)".to_string();
    }
    let head = t.split('<').next().unwrap_or(t);
    let head = head.rsplit("::").next().unwrap_or(head);
    head.trim().to_string()
}

/// Collapses generic arguments and module paths inside backticks.
fn simplify(m: &str) -> String {
    let mut out = String::new();
    let mut rest = m;
    while let Some(a) = rest.find('`') {
        out.push_str(&rest[..a]);
        let after = &rest[a + 1..];
        let Some(b) = after.find('`') else {
            out.push_str(&rest[a..]);
            return out;
        };
        let q = after[..b].trim_start_matches("::");
        let simple = if q.contains('<') || q.contains("::") && q.contains(' ') {
            base_type(q)
        } else {
            q.to_string()
        };
        out.push('`');
        out.push_str(&simple);
        out.push('`');
        rest = &after[b + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            missing_key(
                Some("E0599"),
                "no method named `copied` found for struct `cancelpool::iter::slice::Iter<'_, i32>` in the current scope",
                None,
                ""
            )
            .unwrap(),
            "no method named `copied`"
        );
        assert_eq!(
            missing_key(
                Some("E0277"),
                "the trait bound `std::collections::HashMap<i32, i32>: FromParallelIterator<(i32, i32)>` is not satisfied",
                None,
                ""
            )
            .unwrap(),
            "trait `FromParallelIterator` not implemented for `HashMap`"
        );
        assert_eq!(
            missing_key(
                Some("E0432"),
                "unresolved import `cancelpool::slice`",
                Some("could not find `slice` in `cancelpool`"),
                ""
            )
            .unwrap(),
            "could not find `slice` in `cancelpool`"
        );
        assert_eq!(base_type("&'a mut [u8]"), "&[T]");
    }
}
