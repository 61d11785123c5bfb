//! Amazon Resource Names: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, and the Lambda
//! function ARN `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`
//! (docs/semantics.md §7.1).
//!
//! Every place that takes an ARN apart does it here: [`Arn::parse`] for concrete ARNs,
//! [`FunctionArn::parse`] for Lambda function ARNs, and [`components`] for anything else that
//! is split at its first five colons (patterns made of template pieces, for example). The
//! resource part keeps its own colons (`function:f:prod`).

/// A concrete ARN, split into its six components. Components may be empty (`arn:aws:s3:::b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the fifth colon, colons included.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits `text` when it starts with `arn:` and has at least five colons.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let bytes = text.as_bytes();
        let ([head, partition, service, region, account], resource) = components(bytes, &b':')?;
        if head != b"arn" {
            return None;
        }
        // The components are sub-slices of `text` cut at ASCII colons, so they are on
        // character boundaries; `get` keeps that an `Option` rather than a panic.
        let at = |part: &[u8]| {
            let start = part.as_ptr() as usize - bytes.as_ptr() as usize;
            text.get(start..start + part.len())
        };
        Some(Arn {
            partition: at(partition)?,
            service: at(service)?,
            region: at(region)?,
            account: at(account)?,
            resource: at(resource)?,
        })
    }

    /// The resource type prefix and the rest of the resource part: `function:f:prod` →
    /// (`function`, `f:prod`), `role/team/ops` → (`role`, `team/ops`).
    pub fn resource_type(&self) -> (&'a str, &'a str) {
        let cut = self.resource.find([':', '/']);
        match cut {
            Some(i) => (&self.resource[..i], &self.resource[i + 1..]),
            None => (self.resource, ""),
        }
    }
}

impl std::fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// A Lambda function ARN, unqualified or with a version or alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionArn<'a> {
    pub arn: Arn<'a>,
    pub name: &'a str,
    pub qualifier: Option<&'a str>,
}

impl<'a> FunctionArn<'a> {
    /// Reads `text` as `arn:P:lambda:R:A:function:NAME[:QUALIFIER]`, with a non-empty name
    /// and at most one qualifier. Wildcards are not interpreted: a pattern reads as its text.
    pub fn parse(text: &'a str) -> Option<FunctionArn<'a>> {
        let arn = Arn::parse(text)?;
        if arn.service != "lambda" {
            return None;
        }
        let rest = arn.resource.strip_prefix("function:")?;
        let (name, qualifier) = match rest.split_once(':') {
            Some((n, q)) if !q.contains(':') => (n, Some(q)),
            Some(_) => return None,
            None => (rest, None),
        };
        (!name.is_empty()).then_some(FunctionArn {
            arn,
            name,
            qualifier,
        })
    }

    /// The function's unqualified ARN.
    pub fn unqualified(&self) -> String {
        let a = &self.arn;
        format!(
            "arn:{}:lambda:{}:{}:function:{}",
            a.partition, a.region, a.account, self.name
        )
    }

    /// The account that owns the function.
    pub fn account(&self) -> &'a str {
        self.arn.account
    }
}

/// The first five components of a colon-separated sequence (without the colons) and the
/// rest after the fifth colon. Generic over the item type so that strings (bytes) and parsed
/// patterns (template pieces) are split by the same rule.
pub fn components<'t, T: PartialEq>(items: &'t [T], colon: &T) -> Option<([&'t [T]; 5], &'t [T])> {
    let mut parts: [&[T]; 5] = [&[]; 5];
    let mut start = 0;
    let mut found = 0;
    for (i, item) in items.iter().enumerate() {
        if found == 5 {
            break;
        }
        if item == colon {
            parts[found] = &items[start..i];
            start = i + 1;
            found += 1;
        }
    }
    (found == 5).then(|| (parts, &items[start..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_split_at_the_first_five_colons() {
        let a =
            Arn::parse("arn:aws:lambda:us-east-1:123456789012:function:f:prod").expect("an ARN");
        assert_eq!(
            (a.partition, a.service, a.region, a.account, a.resource),
            (
                "aws",
                "lambda",
                "us-east-1",
                "123456789012",
                "function:f:prod"
            )
        );
        assert_eq!(a.resource_type(), ("function", "f:prod"));
        assert_eq!(
            a.to_string(),
            "arn:aws:lambda:us-east-1:123456789012:function:f:prod"
        );
        let b = Arn::parse("arn:aws:s3:::bucket/key").expect("an ARN");
        assert_eq!((b.region, b.account, b.resource), ("", "", "bucket/key"));
        let r = Arn::parse("arn:aws:iam::111122223333:role/team/ops").expect("an ARN");
        assert_eq!(r.resource_type(), ("role", "team/ops"));
        for bad in ["*", "arn:aws:s3", "xrn:aws:s3:::b", "arn:aws:s3::b"] {
            assert_eq!(Arn::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn function_arns() {
        let f =
            FunctionArn::parse("arn:aws:lambda:us-west-2:123456789012:function:my-function:prod")
                .expect("a function ARN");
        assert_eq!((f.name, f.qualifier), ("my-function", Some("prod")));
        assert_eq!(
            f.unqualified(),
            "arn:aws:lambda:us-west-2:123456789012:function:my-function"
        );
        assert_eq!(f.account(), "123456789012");
        let u = FunctionArn::parse("arn:aws:lambda:us-west-2:123456789012:function:f")
            .expect("a function ARN");
        assert_eq!(u.qualifier, None);
        for bad in [
            "arn:aws:lambda:us-west-2:123456789012:layer:l",
            "arn:aws:lambda:us-west-2:123456789012:function:",
            "arn:aws:lambda:us-west-2:123456789012:function:f:1:2",
            "arn:aws:s3:us-west-2:123456789012:function:f",
        ] {
            assert_eq!(FunctionArn::parse(bad), None, "{bad}");
        }
    }
}
