//! How Lambda authorizes a call to an alias or version (docs/semantics.md §7.2), and the
//! resources a question about "function F qualifier Q" must therefore cover.
//!
//! Invoking alias or version Q reaches the function through several API call forms —
//! `FunctionName` as a name, a partial ARN or a full ARN, qualified with `:Q` or unqualified
//! plus `Qualifier=Q` — and the resource ARN Lambda authorizes depends on when AWS does it:
//!
//! | authorization | resource ARNs authorized for "invoke F qualifier Q" |
//! |---|---|
//! | `current` (since January 2022) | `F:Q` for every call form |
//! | `legacy` (before) | `F:Q` for qualified forms, the unqualified `F` for `Qualifier=Q` |

use airtight_encodings::arn::FunctionArn;

/// Which qualifier authorization a question is asked under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum LambdaAuth {
    /// Both call forms are authorized against the qualified ARN (AWS behaviour since 2022).
    #[default]
    Current,
    /// An unqualified `FunctionName` plus `Qualifier` is authorized against the unqualified ARN.
    Legacy,
    /// Both of the above, one after the other.
    Both,
}

impl LambdaAuth {
    /// The single models `self` stands for.
    pub fn models(self) -> Vec<LambdaAuth> {
        match self {
            LambdaAuth::Both => vec![LambdaAuth::Current, LambdaAuth::Legacy],
            m => vec![m],
        }
    }

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            LambdaAuth::Current => "current",
            LambdaAuth::Legacy => "legacy",
            LambdaAuth::Both => "both",
        }
    }
}

/// The resource ARNs a model authorizes for "F (qualifier Q)". Without a qualifier the
/// question covers the function and every version and alias (`F`, `F:*`).
pub fn authorized_resources(
    function: &str,
    qualifier: Option<&str>,
    auth: LambdaAuth,
) -> Vec<String> {
    match (qualifier, auth) {
        (None, _) => vec![function.to_string(), format!("{function}:*")],
        (Some(q), LambdaAuth::Legacy) => vec![format!("{function}:{q}"), function.to_string()],
        (Some(q), _) => vec![format!("{function}:{q}")],
    }
}

/// The resource patterns a `can`/`never` question covers under `auth`: under legacy
/// authorization (and `both`) a call to a qualified function ARN `F:Q` can also be made as `F`
/// plus `Qualifier=Q`, which is authorized against the unqualified `F`, so `F` is added.
pub fn resources_under(resources: &[String], auth: LambdaAuth) -> Vec<String> {
    let mut out = resources.to_vec();
    if auth != LambdaAuth::Current {
        for r in resources {
            if let Some(f) = FunctionArn::parse(r).filter(|f| f.qualifier.is_some()) {
                let unqualified = f.unqualified();
                if !out.contains(&unqualified) {
                    out.push(unqualified);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

    #[test]
    fn legacy_adds_the_unqualified_function() {
        let q = vec![format!("{F}:prod"), "arn:aws:s3:::b".to_string()];
        assert_eq!(resources_under(&q, LambdaAuth::Current), q);
        assert_eq!(
            resources_under(&q, LambdaAuth::Legacy),
            vec![format!("{F}:prod"), "arn:aws:s3:::b".into(), F.to_string()]
        );
    }

    #[test]
    fn authorized_resources_per_model() {
        assert_eq!(
            authorized_resources(F, Some("prod"), LambdaAuth::Current),
            vec![format!("{F}:prod")]
        );
        assert_eq!(
            authorized_resources(F, Some("prod"), LambdaAuth::Legacy),
            vec![format!("{F}:prod"), F.to_string()]
        );
        assert_eq!(
            authorized_resources(F, None, LambdaAuth::Current),
            vec![F.to_string(), format!("{F}:*")]
        );
    }
}
