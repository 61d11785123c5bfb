//! `invalid-version`: a `Version` that is neither `2012-10-17` nor `2008-10-17`.
//!
//! **What it does.** The parser (`airtight_encodings::parse`) reports it as an error with this
//! code and returns no policy; `airtight lint` shows it like every other finding and exits with
//! code 2 (bad input), as every other command does. This module only names the rule, so that it
//! sits in the registry and in `docs/rules.md` with the Lambda rules.
//!
//! **Why is this bad.** `Version` is the policy-language version, not a date of the author's
//! choosing (docs/semantics.md §1.2). IAM rejects any other value with `MalformedPolicyDocument`; a
//! policy copied from AWS's own Lambda guide (`"Version": "2020-07-20"`) cannot be saved.
//!
//! **Example.** `{"Version": "2020-07-20", "Statement": [...]}`.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html>

/// The parser's diagnostic code, used unchanged as the rule id.
pub const ID: &str = "invalid-version";

#[cfg(test)]
mod tests {
    use super::*;
    use airtight_encodings::parse::parse_policy;
    use airtight_encodings::span::FileId;

    #[test]
    fn the_parser_reports_it_under_this_id() {
        let bad = r#"{"Version": "2020-07-20", "Statement": [{"Effect": "Deny", "Action": "lambda:GetFunctionConfiguration",
            "Resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function*"}]}"#;
        let parsed = parse_policy(bad, FileId(0));
        assert!(parsed.policy.is_none());
        assert_eq!(
            parsed
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>(),
            [ID]
        );
        let fixed = bad.replace("2020-07-20", "2012-10-17");
        let parsed = parse_policy(&fixed, FileId(0));
        assert!(parsed.policy.is_some());
        assert!(parsed.diagnostics.iter().all(|d| d.code != ID));
    }
}
