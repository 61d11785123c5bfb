//! A deny intent written as one English sentence, as a security engineer would say it:
//!
//! ```text
//! nobody but role/ops may invoke my-function alias prod
//! no principal except ops and arn:aws:iam::111122223333:role/ci can invoke alias prod of my-function
//! nobody invokes arn:aws:lambda:us-east-1:123456789012:function:my-function:prod
//! no one but ops may lambda:UpdateFunctionCode or lambda:InvokeFunction my-function
//! nobody may invoke my-function alias live via its url
//! ```
//!
//! Grammar (case-insensitive; commas, `and`, `or` separate list items):
//!
//! ```text
//! sentence   := subject [exceptions] [modal] verbs target
//! subject    := "nobody" | "no one" | "no principal" | "no principals" | "none"
//! exceptions := ("but" | "except" | "other than") principal {sep principal}
//! modal      := "may" | "can" | "should" | "is allowed to" | "will"
//! verbs      := verb {sep verb}      verb := "invoke(s)" | "call(s)" | SERVICE:ACTION
//! target     := [function] [qualifier] ["via" "its" "url"] | qualifier "of" function
//! function   := ["function"] (NAME | FUNCTION-ARN | QUALIFIED-ARN)
//! qualifier  := ("alias" | "version") NAME
//! principal  := ARN | "role/NAME" | "user/NAME" | NAME (a role) | SERVICE.amazonaws.com
//!             | "account" 123456789012 | ["the"] "root" ["user"]
//! ```
//!
//! A principal given by name is resolved in the function's account. The parser does not look
//! at policies; the caller resolves a function given by name (or not at all) from them.

/// Where in the sentence something is (byte range), for diagnostics.
pub type At = std::ops::Range<usize>;

/// A principal the sentence names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalRef {
    /// A pattern used as given (an ARN, a service principal).
    Pattern(String),
    /// `role/NAME` or `user/NAME` (or a bare role name), or `root` (the root user), in the
    /// function's account.
    Local(String),
    /// Every principal of an account.
    Account(String),
}

impl PrincipalRef {
    /// The principal pattern, with names resolved in `account`.
    pub fn pattern(&self, account: &str) -> String {
        match self {
            PrincipalRef::Pattern(p) => p.clone(),
            PrincipalRef::Local(path) => format!("arn:aws:iam::{account}:{path}"),
            PrincipalRef::Account(a) => format!("arn:aws:iam::{a}:*"),
        }
    }
}

/// What the sentence says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceIntent {
    pub actions: Vec<String>,
    pub except: Vec<PrincipalRef>,
    /// A function name or ARN (unqualified), when the sentence names one.
    pub function: Option<(String, At)>,
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SentenceError {
    pub message: String,
    pub at: At,
    pub hint: &'static str,
}

const HINT: &str = "write it like: nobody but role/ops may invoke my-function alias prod";

struct Word<'a> {
    text: &'a str,
    lower: String,
    at: At,
    /// A comma follows the word.
    comma: bool,
}

fn words(sentence: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in sentence.char_indices().chain([(sentence.len(), ' ')]) {
        let sep = c.is_whitespace() || c == ',' || (c == '.' && i + 1 >= sentence.len());
        match (sep, start) {
            (true, Some(s)) => {
                let text = &sentence[s..i];
                out.push(Word {
                    text,
                    lower: text.to_ascii_lowercase(),
                    at: s..i,
                    comma: sentence[i..].trim_start().starts_with(','),
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

fn is_sep(w: &str) -> bool {
    matches!(w, "and" | "or" | "&")
}

fn is_modal(w: &str) -> bool {
    matches!(
        w,
        "may" | "can" | "should" | "will" | "must" | "is" | "are" | "allowed" | "to"
    )
}

fn verb_action(w: &str, text: &str) -> Option<String> {
    match w {
        "invoke" | "invokes" | "call" | "calls" => Some("lambda:InvokeFunction".into()),
        _ if text.contains(':') && !text.starts_with("arn:") => Some(text.to_string()),
        _ => None,
    }
}

fn principal(words: &[Word<'_>], i: &mut usize) -> Result<PrincipalRef, SentenceError> {
    let w = &words[*i];
    *i += 1;
    // "root", "root user", "the root user": the account root user.
    let next_is = |i: usize, word: &str| words.get(i).is_some_and(|n| n.lower == word);
    if w.lower == "root" || (w.lower == "the" && next_is(*i, "root")) {
        if w.lower == "the" {
            *i += 1;
        }
        if next_is(*i, "user") {
            *i += 1;
        }
        return Ok(PrincipalRef::Local("root".into()));
    }
    if w.lower == "account" {
        let Some(n) = words.get(*i) else {
            return Err(SentenceError {
                message: "`account` must be followed by a 12-digit account id".into(),
                at: w.at.clone(),
                hint: HINT,
            });
        };
        *i += 1;
        if n.text.len() == 12 && n.text.chars().all(|c| c.is_ascii_digit()) {
            return Ok(PrincipalRef::Account(n.text.to_string()));
        }
        return Err(SentenceError {
            message: format!("`{}` is not a 12-digit account id", n.text),
            at: n.at.clone(),
            hint: HINT,
        });
    }
    if w.text.len() == 12 && w.text.chars().all(|c| c.is_ascii_digit()) {
        return Ok(PrincipalRef::Account(w.text.to_string()));
    }
    if w.text.starts_with("arn:") || w.text.ends_with(".amazonaws.com") || w.text == "*" {
        return Ok(PrincipalRef::Pattern(w.text.to_string()));
    }
    if w.lower.starts_with("role/") || w.lower.starts_with("user/") {
        return Ok(PrincipalRef::Local(w.text.to_string()));
    }
    if w.text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=.@_-*/".contains(c))
    {
        return Ok(PrincipalRef::Local(format!("role/{}", w.text)));
    }
    Err(SentenceError {
        message: format!("`{}` is not a principal", w.text),
        at: w.at.clone(),
        hint: HINT,
    })
}

/// Parses one sentence.
pub fn parse_sentence(sentence: &str) -> Result<SentenceIntent, SentenceError> {
    let words = words(sentence);
    let whole = 0..sentence.len();
    let mut i = 0;
    // Subject.
    let first = words.first().map(|w| w.lower.as_str());
    let second = words.get(1).map(|w| w.lower.as_str());
    i += match (first, second) {
        (Some("nobody" | "none" | "noone" | "no-one"), _) => 1,
        (Some("no"), Some("one" | "principal" | "principals" | "caller" | "callers")) => 2,
        _ => {
            return Err(SentenceError {
                message: "the sentence must start with `nobody`, `no one` or `no principal`".into(),
                at: words.first().map_or(whole, |w| w.at.clone()),
                hint: HINT,
            })
        }
    };
    // Exceptions.
    let mut except = Vec::new();
    let lower = |i: usize| words.get(i).map(|w| w.lower.as_str());
    let exception_word = match (lower(i), lower(i + 1)) {
        (Some("but" | "except"), _) => 1,
        (Some("other"), Some("than")) => 2,
        _ => 0,
    };
    if exception_word > 0 {
        i += exception_word;
        loop {
            if i >= words.len() {
                return Err(SentenceError {
                    message: "the sentence ends before saying what is forbidden".into(),
                    at: sentence.len()..sentence.len(),
                    hint: HINT,
                });
            }
            except.push(principal(&words, &mut i)?);
            // The list goes on after a comma, `and` or `or` — unless what is forbidden begins.
            let comma = words.get(i.wrapping_sub(1)).is_some_and(|w| w.comma);
            let sep = lower(i).is_some_and(is_sep);
            if sep {
                i += 1;
            }
            match words.get(i) {
                Some(w) if (comma || sep) && !is_modal(&w.lower) => {
                    if verb_action(&w.lower, w.text).is_some() {
                        break;
                    }
                }
                _ => break,
            }
        }
    }
    while lower(i).is_some_and(is_modal) {
        i += 1;
    }
    // Verbs.
    let mut actions = Vec::new();
    while let Some(w) = words.get(i) {
        match verb_action(&w.lower, w.text) {
            Some(a) => {
                actions.push(a);
                i += 1;
                if lower(i).is_some_and(is_sep) {
                    i += 1;
                }
            }
            None => break,
        }
    }
    if actions.is_empty() {
        return Err(SentenceError {
            message: "expected what is forbidden: `invoke`, or an action such as `lambda:UpdateFunctionCode`".into(),
            at: words.get(i).map_or(sentence.len()..sentence.len(), |w| w.at.clone()),
            hint: HINT,
        });
    }
    // Target.
    let mut function: Option<(String, At)> = None;
    let mut qualifier: Option<String> = None;
    while let Some(w) = words.get(i) {
        i += 1;
        match w.lower.as_str() {
            "function" | "of" | "the" | "on" | "to" | "via" | "through" | "its" => {}
            // "invoke my-function url": the function-URL call.
            "url" | "function-url" => {
                for a in &mut actions {
                    if a == "lambda:InvokeFunction" {
                        *a = "lambda:InvokeFunctionUrl".into();
                    }
                }
            }
            "alias" | "version" => {
                let Some(q) = words.get(i) else {
                    return Err(SentenceError {
                        message: format!("`{}` must be followed by its name", w.text),
                        at: w.at.clone(),
                        hint: HINT,
                    });
                };
                i += 1;
                qualifier = Some(q.text.to_string());
            }
            _ if function.is_none() => {
                let text = w.text;
                // A qualified ARN carries its qualifier.
                let parts: Vec<&str> = text.split(':').collect();
                if text.starts_with("arn:") && parts.len() == 8 && parts[5] == "function" {
                    qualifier.get_or_insert_with(|| parts[7].to_string());
                    function = Some((parts[..7].join(":"), w.at.clone()));
                } else if text.starts_with("arn:") && !(parts.len() == 7 && parts[5] == "function")
                {
                    return Err(SentenceError {
                        message: format!("`{text}` is not a Lambda function ARN"),
                        at: w.at.clone(),
                        hint: HINT,
                    });
                } else {
                    function = Some((text.to_string(), w.at.clone()));
                }
            }
            _ => {
                return Err(SentenceError {
                    message: format!("unexpected `{}`", w.text),
                    at: w.at.clone(),
                    hint: HINT,
                })
            }
        }
    }
    Ok(SentenceIntent {
        actions,
        except,
        function,
        qualifier,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example() {
        let i = parse_sentence("no principal except role/ops may invoke my-function alias prod")
            .expect("parses");
        assert_eq!(i.actions, ["lambda:InvokeFunction"]);
        assert_eq!(i.except, [PrincipalRef::Local("role/ops".into())]);
        assert_eq!(i.function.map(|f| f.0), Some("my-function".into()));
        assert_eq!(i.qualifier.as_deref(), Some("prod"));
    }

    #[test]
    fn short_forms_lists_and_arns() {
        let i = parse_sentence("Nobody but ops invokes alias prod").expect("parses");
        assert_eq!(i.except, [PrincipalRef::Local("role/ops".into())]);
        assert_eq!(i.function, None);
        assert_eq!(i.qualifier.as_deref(), Some("prod"));

        let i = parse_sentence(
            "no one other than ops, account 111122223333 and s3.amazonaws.com can lambda:UpdateFunctionCode or invoke arn:aws:lambda:us-east-1:123456789012:function:f:7",
        )
        .expect("parses");
        assert_eq!(
            i.except,
            [
                PrincipalRef::Local("role/ops".into()),
                PrincipalRef::Account("111122223333".into()),
                PrincipalRef::Pattern("s3.amazonaws.com".into())
            ]
        );
        assert_eq!(
            i.actions,
            ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"]
        );
        assert_eq!(
            i.function.map(|f| f.0),
            Some("arn:aws:lambda:us-east-1:123456789012:function:f".into())
        );
        assert_eq!(i.qualifier.as_deref(), Some("7"));
        assert_eq!(
            PrincipalRef::Local("role/ops".into()).pattern("123456789012"),
            "arn:aws:iam::123456789012:role/ops"
        );
    }

    #[test]
    fn the_root_user() {
        for sentence in [
            "nobody but the root user and role/ops may invoke f alias prod",
            "nobody but root user and role/ops may invoke f alias prod",
            "nobody but root and ops may invoke f alias prod",
        ] {
            let i = parse_sentence(sentence).expect("parses");
            assert_eq!(
                i.except,
                [
                    PrincipalRef::Local("root".into()),
                    PrincipalRef::Local("role/ops".into())
                ],
                "{sentence}"
            );
        }
        assert_eq!(
            PrincipalRef::Local("root".into()).pattern("123456789012"),
            "arn:aws:iam::123456789012:root"
        );
    }

    #[test]
    fn function_urls() {
        let i =
            parse_sentence("nobody may invoke my-function alias live via its url").expect("parses");
        assert_eq!(i.actions, ["lambda:InvokeFunctionUrl"]);
        assert_eq!(i.qualifier.as_deref(), Some("live"));
    }

    #[test]
    fn errors_point_at_the_word() {
        let e = parse_sentence("everyone may invoke f").expect_err("bad subject");
        assert_eq!(e.at, 0..8);
        let s = "nobody but ops may frobnicate f";
        let e = parse_sentence(s).expect_err("bad verb");
        assert_eq!(&s[e.at.clone()], "frobnicate");
        let s = "nobody but ops frobs alias prod";
        let e = parse_sentence(s).expect_err("bad verb");
        assert_eq!(&s[e.at.clone()], "frobs");
        let s = "nobody invokes f alias";
        let e = parse_sentence(s).expect_err("no alias name");
        assert_eq!(&s[e.at.clone()], "alias");
        let s = "nobody invokes arn:aws:s3:::bucket";
        assert!(parse_sentence(s).is_err());
    }
}
