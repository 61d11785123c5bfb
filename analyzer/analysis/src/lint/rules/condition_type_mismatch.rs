//! `condition-type-mismatch`: a condition operator whose type does not fit the key's.
//!
//! **What it does.** Flags a condition whose operator family (String, Numeric, Date, Bool,
//! IpAddress, Binary, Arn) is not the type the service data gives its key, for example
//! `NumericEquals` on a string key or `Bool` on a date key. `Null` fits every key. String
//! operators on ARN keys (`StringLike` on `aws:SourceArn`) and ARN operators on string keys
//! (`ArnLike` on `kms:EncryptionContext:aws:s3:arn`) compare the same text and are not flagged;
//! a key with a second type (`aws:EpochTime`: date and numeric) accepts both.
//!
//! **Why is this bad.** IAM converts the request value to the operator's type. When it cannot
//! (a string is not a number), the condition is false: an `Allow` never applies, and a negated
//! operator in a `Deny` applies to everyone. IAM Access Analyzer reports "Type mismatch".
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>

use airtight_encodings::condition::Family;
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::{KeyType, ServiceData};

use crate::lint::Context;

pub const ID: &str = "condition-type-mismatch";

/// Whether an operator of `family` can compare values of `key_type`.
fn fits(family: Family, key_type: KeyType) -> bool {
    match family {
        Family::Null => true,
        Family::String | Family::Arn => matches!(key_type, KeyType::String | KeyType::Arn),
        Family::Numeric => key_type == KeyType::Numeric,
        Family::Date => key_type == KeyType::Date,
        Family::Bool => key_type == KeyType::Bool,
        Family::Ip => key_type == KeyType::IpAddress,
        Family::Binary => key_type == KeyType::Binary,
    }
}

/// The operators to use for a key type.
fn operators_for(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::String => "String operators (`StringEquals`, `StringLike`, …)",
        KeyType::Arn => "ARN operators (`ArnEquals`, `ArnLike`, …) or String operators",
        KeyType::Numeric => "Numeric operators (`NumericEquals`, `NumericLessThan`, …)",
        KeyType::Date => "Date operators (`DateGreaterThan`, `DateLessThan`, …)",
        KeyType::Bool => "`Bool`",
        KeyType::IpAddress => "`IpAddress` or `NotIpAddress`",
        KeyType::Binary => "`BinaryEquals`",
    }
}

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        for c in &s.conditions {
            let Some(info) = data.condition_key(&c.key.name) else {
                continue;
            };
            let family = c.op.base.family();
            if fits(family, info.key_type) || info.alt_type.is_some_and(|t| fits(family, t)) {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` compares `{}` ({}) with `{}`",
                        s.label(),
                        c.key.written,
                        info.key_type.sar_name(),
                        c.op.name()
                    ),
                    c.op_span,
                )
                .with_secondary(c.key.span, format!("a key of type {}", info.key_type.sar_name()))
                .with_label("this operator compares another type")
                .with_note("when IAM cannot read the request value as the operator's type the condition is false: an `Allow` never applies, and a negated operator makes a `Deny` apply to everyone")
                .with_note(format!("fix: use {}", operators_for(info.key_type))),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    #[test]
    fn fires_on_a_numeric_operator_on_a_string_key() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"NumericEquals": {"aws:PrincipalAccount": "111122223333"},
                          "StringLike": {"aws:SourceArn": "arn:aws:sns:*"},
                          "NumericLessThan": {"aws:EpochTime": "1700000000"}}}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(bad, &found[0]), "\"NumericEquals\"");
    }
}
