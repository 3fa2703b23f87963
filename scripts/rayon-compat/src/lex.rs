//! A small Rust lexer: enough to find items, paths and `use` trees without being fooled
//! by strings, comments, char literals or lifetimes. Tokens keep their byte span so that
//! rewrites are edits of the original text (line numbers stay where they were).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Lifetime,
    Literal,
    Punct,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// The text (for a raw identifier `r#x`, just `x`).
    pub text: String,
    /// Whitespace or a comment came right before this token.
    pub spaced: bool,
}

impl Token {
    pub fn is(&self, text: &str) -> bool {
        self.text == text && self.kind != Kind::Literal
    }
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.len() == 1 && self.text.starts_with(c)
    }
}

pub fn lex(src: &str) -> Vec<Token> {
    let b = src.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mut spaced = true;
    while i < b.len() {
        let c = b[i];
        // Whitespace and comments.
        if c.is_ascii_whitespace() {
            i += 1;
            spaced = true;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            spaced = true;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0usize;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            spaced = true;
            continue;
        }
        let start = i;
        let push = |out: &mut Vec<Token>, kind, end: usize, text: String, spaced: bool| {
            out.push(Token {
                kind,
                start,
                end,
                text,
                spaced,
            });
        };
        // Raw strings and byte/c strings: r"..", r#".."#, br"..", b"..", c"..", b'x'.
        let raw_start = match (c, b.get(i + 1), b.get(i + 2)) {
            (b'r', Some(b'"' | b'#'), _) => Some(i + 1),
            (b'b' | b'c', Some(b'r'), Some(b'"' | b'#')) => Some(i + 2),
            _ => None,
        };
        if let Some(mut j) = raw_start {
            let mut hashes = 0;
            while j < b.len() && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if b.get(j) == Some(&b'"') {
                j += 1;
                loop {
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == b'"'
                        && b[j + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&h| h == b'#')
                            .count()
                            == hashes
                    {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                push(
                    &mut out,
                    Kind::Literal,
                    j,
                    src[start..j].to_string(),
                    spaced,
                );
                i = j;
                spaced = false;
                continue;
            }
            if c == b'r' && hashes == 1 {
                // Raw identifier r#name.
                let mut k = j;
                while k < b.len() && is_ident_byte(b[k]) {
                    k += 1;
                }
                push(&mut out, Kind::Ident, k, src[j..k].to_string(), spaced);
                i = k;
                spaced = false;
                continue;
            }
        }
        if (c == b'b' || c == b'c') && b.get(i + 1) == Some(&b'"') {
            let j = skip_quoted(b, i + 1, b'"');
            push(
                &mut out,
                Kind::Literal,
                j,
                src[start..j].to_string(),
                spaced,
            );
            i = j;
            spaced = false;
            continue;
        }
        if c == b'b' && b.get(i + 1) == Some(&b'\'') {
            let j = skip_quoted(b, i + 1, b'\'');
            push(
                &mut out,
                Kind::Literal,
                j,
                src[start..j].to_string(),
                spaced,
            );
            i = j;
            spaced = false;
            continue;
        }
        if c == b'"' {
            let j = skip_quoted(b, i, b'"');
            push(
                &mut out,
                Kind::Literal,
                j,
                src[start..j].to_string(),
                spaced,
            );
            i = j;
            spaced = false;
            continue;
        }
        if c == b'\'' {
            // A char literal or a lifetime.
            if b.get(i + 1) == Some(&b'\\') {
                let j = skip_quoted(b, i, b'\'');
                push(
                    &mut out,
                    Kind::Literal,
                    j,
                    src[start..j].to_string(),
                    spaced,
                );
                i = j;
                spaced = false;
                continue;
            }
            let ch_len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
            if b.get(i + 1 + ch_len) == Some(&b'\'') {
                let j = i + 2 + ch_len;
                push(
                    &mut out,
                    Kind::Literal,
                    j,
                    src[start..j].to_string(),
                    spaced,
                );
                i = j;
                spaced = false;
                continue;
            }
            let mut j = i + 1;
            while j < b.len() && is_ident_byte(b[j]) {
                j += 1;
            }
            push(
                &mut out,
                Kind::Lifetime,
                j,
                src[start..j].to_string(),
                spaced,
            );
            i = j;
            spaced = false;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() {
                let d = b[j];
                // A `.` belongs to the number only before a digit, and only once.
                let fraction = d == b'.'
                    && b.get(j + 1).is_some_and(|n| n.is_ascii_digit())
                    && !src[i..j].contains('.');
                if is_ident_byte(d) || fraction {
                    j += 1;
                } else {
                    break;
                }
            }
            push(
                &mut out,
                Kind::Literal,
                j,
                src[start..j].to_string(),
                spaced,
            );
            i = j;
            spaced = false;
            continue;
        }
        if is_ident_byte(c) {
            let mut j = i;
            while j < b.len() && is_ident_byte(b[j]) {
                j += 1;
            }
            push(&mut out, Kind::Ident, j, src[start..j].to_string(), spaced);
            i = j;
            spaced = false;
            continue;
        }
        // Anything else is one punctuation character (multi-byte chars stay whole).
        let len = src[i..].chars().next().map_or(1, char::len_utf8);
        push(
            &mut out,
            Kind::Punct,
            i + len,
            src[i..i + len].to_string(),
            spaced,
        );
        i += len;
        spaced = false;
    }
    out
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// From an opening quote at `i`, past the closing one (backslash escapes honoured).
fn skip_quoted(b: &[u8], i: usize, quote: u8) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == b'\\' {
            j += 2;
        } else if b[j] == quote {
            return j + 1;
        } else {
            j += 1;
        }
    }
    b.len()
}

/// Index of the token closing the bracket opened at `open` (`(`, `[` or `{`).
pub fn matching(toks: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len() - 1
}

/// `toks[k]` and `toks[k + 1]` form `::`.
pub fn is_path_sep(toks: &[Token], k: usize) -> bool {
    toks.get(k).is_some_and(|t| t.is_punct(':'))
        && toks
            .get(k + 1)
            .is_some_and(|t| t.is_punct(':') && !t.spaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        lex(src).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn strings_comments_chars_and_lifetimes() {
        assert_eq!(
            texts(r##"a /* x "y" */ "s\"t" 'c' '\'' 'a b"q" r#"raw "x" "# // end"##),
            vec![
                "a",
                "\"s\\\"t\"",
                "'c'",
                "'\\''",
                "'a",
                "b\"q\"",
                "r#\"raw \"x\" \"#"
            ]
        );
        assert_eq!(
            texts("1..10 2.5 0x1f_u8"),
            vec!["1", ".", ".", "10", "2.5", "0x1f_u8"]
        );
        assert_eq!(texts("r#type 'é'"), vec!["type", "'é'"]);
    }

    #[test]
    fn brackets_match() {
        let t = lex("f(a, [b], {c}) x");
        assert_eq!(t[matching(&t, 1)].text, ")");
    }
}
