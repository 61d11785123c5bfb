//! The evaluator, condition by condition: every operator family on present values, every row
//! of the missing-key table (docs/semantics.md §3.3), single- vs multivalued keys (§3.4), case rules
//! (§3.5), policy variables (§4) and the matching rules of §2. Each row is
//! `(condition JSON, context, expected)`: the condition sits in an Allow statement, so the
//! request is allowed iff the condition holds.
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

#![allow(clippy::unwrap_used, reason = "tests")]

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::parse::parse_policy;
use airtight_encodings::request::{ContextValue, Request};
use airtight_encodings::span::FileId;

fn allow_with(condition: &str, version: &str) -> PolicySet {
    let text = format!(
        r#"{{ {version} "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {{ {condition} }} }}] }}"#
    );
    let parsed = parse_policy(&text, FileId(0));
    let policy = parsed
        .policy
        .unwrap_or_else(|| panic!("does not parse: {text}: {:?}", parsed.diagnostics));
    PolicySet {
        identity: vec![policy],
        ..PolicySet::default()
    }
}

/// A request with `context`: a one-element slice is a single value, a longer one a list.
fn request(context: &[(&str, &[&str])]) -> Request {
    let mut r = Request::new(
        Some("arn:aws:iam::111122223333:user/alice"),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        Some("111122223333"),
    );
    for (k, v) in context {
        r = r.with(
            k,
            if v.len() == 1 {
                ContextValue::Single(v[0].to_string())
            } else {
                ContextValue::Multi(v.iter().map(|s| s.to_string()).collect())
            },
        );
    }
    r
}

/// `(condition, context, holds)`.
type Row<'a> = (&'a str, &'a [(&'a str, &'a [&'a str])], bool);

fn check(rows: &[Row]) {
    check_version(rows, r#""Version": "2012-10-17","#);
}

fn check_version(rows: &[Row], version: &str) {
    let mut failures = Vec::new();
    for (cond, ctx, expected) in rows {
        let r = request(ctx);
        let got = evaluate(&allow_with(cond, version), &r).decision == Decision::Allow;
        if got != *expected {
            failures.push(format!(
                "{cond} with {ctx:?}: expected {expected}, got {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const NONE: &[(&str, &[&str])] = &[];

#[test]
fn string_operators() {
    check(&[
        (
            r#""StringEquals": {"aws:SourceVpc": "vpc-1"}"#,
            &[("aws:SourceVpc", &["vpc-1"])],
            true,
        ),
        (
            r#""StringEquals": {"aws:SourceVpc": "vpc-1"}"#,
            &[("aws:SourceVpc", &["VPC-1"])],
            false,
        ),
        (
            r#""StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}"#,
            &[("aws:SourceVpc", &["vpc-2"])],
            true,
        ),
        (
            r#""StringEquals": {"aws:SourceVpc": "vpc-*"}"#,
            &[("aws:SourceVpc", &["vpc-1"])],
            false,
        ),
        (
            r#""StringNotEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}"#,
            &[("aws:SourceVpc", &["vpc-2"])],
            false,
        ),
        (
            r#""StringNotEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}"#,
            &[("aws:SourceVpc", &["vpc-3"])],
            true,
        ),
        (
            r#""StringEqualsIgnoreCase": {"aws:SourceVpc": "VPC-1"}"#,
            &[("aws:SourceVpc", &["vpc-1"])],
            true,
        ),
        (
            r#""StringNotEqualsIgnoreCase": {"aws:SourceVpc": "VPC-1"}"#,
            &[("aws:SourceVpc", &["vpc-1"])],
            false,
        ),
        (
            r#""StringLike": {"s3:prefix": "home/*"}"#,
            &[("s3:prefix", &["home/a/b"])],
            true,
        ),
        (
            r#""StringLike": {"s3:prefix": "home/"}"#,
            &[("s3:prefix", &["home/x"])],
            false,
        ),
        (
            r#""StringLike": {"s3:prefix": "h?me"}"#,
            &[("s3:prefix", &["home"])],
            true,
        ),
        (
            r#""StringLike": {"s3:prefix": "Home*"}"#,
            &[("s3:prefix", &["home"])],
            false,
        ),
        (
            r#""StringNotLike": {"s3:prefix": ["a*", "b*"]}"#,
            &[("s3:prefix", &["c"])],
            true,
        ),
        (
            r#""StringNotLike": {"s3:prefix": ["a*", "b*"]}"#,
            &[("s3:prefix", &["bz"])],
            false,
        ),
        // Condition key names are case-insensitive.
        (
            r#""StringEquals": {"AWS:SOURCEVPC": "vpc-1"}"#,
            &[("aws:SourceVpc", &["vpc-1"])],
            true,
        ),
        (
            r#""StringEquals": {"aws:ResourceTag/Project": "x"}"#,
            &[("aws:resourcetag/project", &["x"])],
            true,
        ),
    ]);
}

#[test]
fn numeric_date_bool_binary_ip() {
    check(&[
        (
            r#""NumericEquals": {"s3:max-keys": "10"}"#,
            &[("s3:max-keys", &["10.0"])],
            true,
        ),
        (
            r#""NumericNotEquals": {"s3:max-keys": "10"}"#,
            &[("s3:max-keys", &["11"])],
            true,
        ),
        (
            r#""NumericLessThan": {"s3:max-keys": "10"}"#,
            &[("s3:max-keys", &["10"])],
            false,
        ),
        (
            r#""NumericLessThanEquals": {"s3:max-keys": "10"}"#,
            &[("s3:max-keys", &["10"])],
            true,
        ),
        (
            r#""NumericGreaterThan": {"s3:max-keys": 2.5}"#,
            &[("s3:max-keys", &["3"])],
            true,
        ),
        (
            r#""NumericGreaterThanEquals": {"s3:max-keys": "-1"}"#,
            &[("s3:max-keys", &["-1"])],
            true,
        ),
        // A value that is not a number matches neither a positive nor a negated operator (§3.6).
        (
            r#""NumericLessThan": {"s3:max-keys": "10"}"#,
            &[("s3:max-keys", &["ten"])],
            false,
        ),
        (
            r#""NumericNotEquals": {"s3:max-keys": "10"}"#,
            &[("s3:max-keys", &["ten"])],
            false,
        ),
        (
            r#""DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}"#,
            &[("aws:CurrentTime", &["2025-12-31T23:59:59Z"])],
            true,
        ),
        (
            r#""DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01"}"#,
            &[("aws:CurrentTime", &["2026-01-01T00:00:00Z"])],
            true,
        ),
        (
            r#""DateEquals": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}"#,
            &[("aws:CurrentTime", &["2026-01-01T00:00:00Z"])],
            true,
        ),
        (
            r#""DateNotEquals": {"aws:EpochTime": "1700000000"}"#,
            &[("aws:EpochTime", &["2023-11-14T22:13:20Z"])],
            false,
        ),
        (
            r#""DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}"#,
            &[("aws:CurrentTime", &["yesterday"])],
            false,
        ),
        (
            r#""Bool": {"aws:SecureTransport": false}"#,
            &[("aws:SecureTransport", &["false"])],
            true,
        ),
        (
            r#""Bool": {"aws:SecureTransport": "true"}"#,
            &[("aws:SecureTransport", &["TRUE"])],
            true,
        ),
        (
            r#""Bool": {"aws:SecureTransport": "true"}"#,
            &[("aws:SecureTransport", &["yes"])],
            false,
        ),
        (
            r#""BinaryEquals": {"x:blob": "QmluYXJ5"}"#,
            &[("x:blob", &["QmluYXJ5"])],
            true,
        ),
        (
            r#""BinaryEquals": {"x:blob": "QmluYXJ5"}"#,
            &[("x:blob", &["QmluYXJ6"])],
            false,
        ),
        (
            r#""IpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#,
            &[("aws:SourceIp", &["203.0.113.77"])],
            true,
        ),
        (
            r#""IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8::/32"]}"#,
            &[("aws:SourceIp", &["2001:db8:1::5"])],
            true,
        ),
        (
            r#""IpAddress": {"aws:SourceIp": "2001:DB8::/32"}"#,
            &[("aws:SourceIp", &["203.0.113.77"])],
            false,
        ),
        (
            r#""NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#,
            &[("aws:SourceIp", &["198.51.100.1"])],
            true,
        ),
        (
            r#""IpAddress": {"aws:SourceIp": "203.0.113.5"}"#,
            &[("aws:SourceIp", &["203.0.113.5"])],
            true,
        ),
    ]);
}

#[test]
fn arn_operators_are_component_wise() {
    let pattern = r#""ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}"#;
    check(&[
        (pattern, &[("aws:SourceArn", &["arn:aws:someservice:us-east-2:111122223333:finance/doc.txt"])], true),
        // Documented contrast: StringLike would match, ArnLike does not (region `*` stops at `:`).
        (pattern, &[("aws:SourceArn", &["arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"])], false),
        (r#""StringLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}"#, &[("aws:SourceArn", &["arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"])], true),
        (r#""ArnEquals": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}"#, &[("aws:SourceArn", &["arn:aws:s3:::bucket-1"])], true),
        (r#""ArnNotEquals": {"aws:SourceArn": "arn:aws:s3:::bucket"}"#, &[("aws:SourceArn", &["arn:aws:s3:::other"])], true),
        // Not an ARN: positive and negated Arn operators both fail (§2.4).
        (r#""ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}"#, &[("aws:SourceArn", &["bucket"])], false),
        (r#""ArnLike": {"lambda:SourceFunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f"}"#, &[("lambda:SourceFunctionArn", &["arn:aws:lambda:us-east-1:111122223333:function:f:1"])], false),
    ]);
}

/// §3.3: every row of the missing-key table.
#[test]
fn missing_key_table() {
    check(&[
        (r#""StringEquals": {"aws:SourceVpc": "vpc-1"}"#, NONE, false),
        (r#""StringLike": {"aws:SourceVpc": "*"}"#, NONE, false),
        (
            r#""StringEqualsIgnoreCase": {"aws:SourceVpc": "x"}"#,
            NONE,
            false,
        ),
        (
            r#""NumericLessThan": {"aws:MultiFactorAuthAge": "10"}"#,
            NONE,
            false,
        ),
        (
            r#""DateLessThan": {"aws:TokenIssueTime": "2030-01-01"}"#,
            NONE,
            false,
        ),
        (
            r#""Bool": {"aws:MultiFactorAuthPresent": "false"}"#,
            NONE,
            false,
        ),
        (r#""BinaryEquals": {"x:blob": "QmluYXJ5"}"#, NONE, false),
        (r#""IpAddress": {"aws:SourceIp": "0.0.0.0/0"}"#, NONE, false),
        (r#""ArnLike": {"aws:SourceArn": "*"}"#, NONE, false),
        (
            r#""StringNotEquals": {"aws:SourceVpc": "vpc-1"}"#,
            NONE,
            true,
        ),
        (
            r#""StringNotEqualsIgnoreCase": {"aws:SourceVpc": "vpc-1"}"#,
            NONE,
            true,
        ),
        (r#""StringNotLike": {"aws:SourceVpc": "vpc-*"}"#, NONE, true),
        (
            r#""NumericNotEquals": {"aws:MultiFactorAuthAge": "1"}"#,
            NONE,
            true,
        ),
        (
            r#""DateNotEquals": {"aws:TokenIssueTime": "2030-01-01"}"#,
            NONE,
            true,
        ),
        (
            r#""NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}"#,
            NONE,
            true,
        ),
        (
            r#""ArnNotEquals": {"aws:SourceArn": "arn:aws:s3:::b"}"#,
            NONE,
            true,
        ),
        (
            r#""ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::b"}"#,
            NONE,
            true,
        ),
        (
            r#""StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}"#,
            NONE,
            true,
        ),
        (
            r#""StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-1"}"#,
            NONE,
            true,
        ),
        (
            r#""BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}"#,
            NONE,
            true,
        ),
        (r#""Null": {"aws:SourceVpc": "true"}"#, NONE, true),
        (r#""Null": {"aws:SourceVpc": "false"}"#, NONE, false),
        (
            r#""Null": {"aws:SourceVpc": "false"}"#,
            &[("aws:SourceVpc", &["vpc-1"])],
            true,
        ),
        (
            r#""ForAllValues:StringEquals": {"aws:TagKeys": "a"}"#,
            NONE,
            true,
        ),
        (
            r#""ForAllValues:StringNotLike": {"aws:TagKeys": "a*"}"#,
            NONE,
            true,
        ),
        (
            r#""ForAnyValue:StringEquals": {"aws:TagKeys": "a"}"#,
            NONE,
            false,
        ),
        (
            r#""ForAnyValue:StringNotEquals": {"aws:TagKeys": "a"}"#,
            NONE,
            false,
        ),
        (
            r#""ForAllValues:StringEqualsIfExists": {"aws:TagKeys": "a"}"#,
            NONE,
            true,
        ),
        (
            r#""ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}"#,
            NONE,
            true,
        ),
        // A policy variable whose key is absent: positive operators fail, negated ones hold.
        (
            r#""StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}"#,
            &[("aws:ResourceTag/team", &["x"])],
            false,
        ),
        (
            r#""StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}"#,
            &[("aws:ResourceTag/team", &["x"])],
            true,
        ),
        (
            r#""StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team, 'core'}"}"#,
            &[("aws:ResourceTag/team", &["core"])],
            true,
        ),
    ]);
}

/// §3.4: multivalued keys and the set operators.
#[test]
fn set_operators() {
    check(&[
        (
            r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}"#,
            &[("aws:TagKeys", &["a", "b"])],
            true,
        ),
        (
            r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}"#,
            &[("aws:TagKeys", &["a", "c"])],
            false,
        ),
        (
            r#""ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}"#,
            &[("aws:TagKeys", &["c", "b"])],
            true,
        ),
        (
            r#""ForAnyValue:StringEquals": {"aws:TagKeys": "environment"}"#,
            &[("aws:TagKeys", &["Environment", "x"])],
            false,
        ),
        (
            r#""ForAllValues:StringNotEquals": {"aws:TagKeys": ["a"]}"#,
            &[("aws:TagKeys", &["b", "c"])],
            true,
        ),
        (
            r#""ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}"#,
            &[("aws:TagKeys", &["a", "c"])],
            true,
        ),
        (
            r#""ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}"#,
            &[("aws:TagKeys", &["a", "a"])],
            false,
        ),
        // A plain operator on a multivalued value does not match (§3.4, IMPL).
        (
            r#""StringEquals": {"aws:TagKeys": "a"}"#,
            &[("aws:TagKeys", &["a", "a"])],
            false,
        ),
        (
            r#""StringNotEquals": {"aws:TagKeys": "b"}"#,
            &[("aws:TagKeys", &["a", "a"])],
            false,
        ),
        // A set operator on a single value treats it as a one-element set.
        (
            r#""ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-1"}"#,
            &[("aws:SourceVpc", &["vpc-2"])],
            false,
        ),
        (
            r#""ForAnyValue:StringLike": {"aws:SourceVpc": "vpc-*"}"#,
            &[("aws:SourceVpc", &["vpc-2"])],
            true,
        ),
    ]);
}

/// §1.2: under Version 2008-10-17 or without Version, `${...}` is literal text.
#[test]
fn variables_need_the_2012_version() {
    let rows: &[Row] = &[
        (
            r#""StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}"#,
            &[
                ("aws:ResourceTag/team", &["x"]),
                ("aws:PrincipalTag/team", &["x"]),
            ],
            false,
        ),
        (
            r#""StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}"#,
            &[("aws:ResourceTag/team", &["${aws:PrincipalTag/team}"])],
            true,
        ),
    ];
    check_version(rows, "");
    check_version(rows, r#""Version": "2008-10-17","#);
    check(&[(
        r#""StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}"#,
        &[
            ("aws:ResourceTag/team", &["x"]),
            ("aws:PrincipalTag/team", &["x"]),
        ],
        true,
    )]);
    // The escapes.
    check(&[
        (
            r#""StringLike": {"s3:prefix": "a${*}b${?}c${$}"}"#,
            &[("s3:prefix", &["a*b?c$"])],
            true,
        ),
        (
            r#""StringLike": {"s3:prefix": "a${*}"}"#,
            &[("s3:prefix", &["ab"])],
            false,
        ),
    ]);
}
