//! Lambda resources as requests name them: parsing and classifying a concrete Lambda ARN
//! (docs/semantics.md §7.1) and checking it against what the action accepts (service data).
//!
//! | kind | ARN (after `arn:PARTITION:lambda:REGION:ACCOUNT:`) |
//! |---|---|
//! | function (unqualified) | `function:NAME` |
//! | `$LATEST` | `function:NAME:$LATEST` |
//! | version | `function:NAME:7` |
//! | alias | `function:NAME:prod` |
//! | layer | `layer:NAME` |
//! | layer version | `layer:NAME:3` |
//! | event-source mapping | `event-source-mapping:UUID` |
//! | code-signing config | `code-signing-config:csc-…` |
//!
//! A function URL has no ARN of its own: `lambda:InvokeFunctionUrl` names the function, or one
//! of its aliases (never a version).

use crate::arn::Arn;
use crate::service_data::{Action, ServiceData};

/// What a Lambda ARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LambdaResource {
    Function {
        name: String,
    },
    Latest {
        name: String,
    },
    Version {
        name: String,
        version: u64,
    },
    Alias {
        name: String,
        alias: String,
    },
    Layer {
        name: String,
    },
    LayerVersion {
        name: String,
        version: u64,
    },
    EventSourceMapping {
        id: String,
    },
    CodeSigningConfig {
        id: String,
    },
    /// A newer resource type of the service data (capacity provider, network connector, …):
    /// its service-data name and the ARN's last component.
    Other {
        resource_type: String,
        name: String,
    },
}

impl LambdaResource {
    /// The names of the service data's resource types this resource is one of: a qualified
    /// function ARN is a `function version` or `function alias`, and also accepted wherever a
    /// `function` is (the API takes the qualifier in the ARN or as `Qualifier`).
    pub fn resource_types(&self) -> Vec<&str> {
        match self {
            LambdaResource::Function { .. } => vec!["function"],
            LambdaResource::Latest { .. } | LambdaResource::Version { .. } => {
                vec!["function version", "function"]
            }
            LambdaResource::Alias { .. } => vec!["function alias", "function"],
            LambdaResource::Layer { .. } => vec!["layer"],
            LambdaResource::LayerVersion { .. } => vec!["layerVersion"],
            LambdaResource::EventSourceMapping { .. } => vec!["eventSourceMapping"],
            LambdaResource::CodeSigningConfig { .. } => vec!["code signing config"],
            LambdaResource::Other { resource_type, .. } => vec![resource_type.as_str()],
        }
    }

    /// A short description for messages: "alias `prod` of function `f`".
    pub fn describe(&self) -> String {
        match self {
            LambdaResource::Function { name } => format!("function `{name}` (unqualified)"),
            LambdaResource::Latest { name } => format!("`$LATEST` of function `{name}`"),
            LambdaResource::Version { name, version } => {
                format!("version {version} of function `{name}`")
            }
            LambdaResource::Alias { name, alias } => {
                format!("alias `{alias}` of function `{name}`")
            }
            LambdaResource::Layer { name } => format!("layer `{name}`"),
            LambdaResource::LayerVersion { name, version } => {
                format!("version {version} of layer `{name}`")
            }
            LambdaResource::EventSourceMapping { id } => format!("event-source mapping `{id}`"),
            LambdaResource::CodeSigningConfig { id } => format!("code-signing config `{id}`"),
            LambdaResource::Other {
                resource_type,
                name,
            } => format!("{resource_type} `{name}`"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LambdaArnError {
    #[error("`{0}` is not an ARN (expected arn:PARTITION:lambda:REGION:ACCOUNT:...)")]
    NotAnArn(String),
    #[error("`{0}` is not a Lambda ARN (its service is `{1}`)")]
    NotLambda(String, String),
    #[error("the account `{0}` is not a 12-digit AWS account id")]
    Account(String),
    #[error("the region `{0}` is not a region name (e.g. us-east-1)")]
    Region(String),
    #[error("`{0}` is not a valid {1} name: {2}")]
    Name(String, &'static str, &'static str),
    #[error("`{0}` is not a version or alias: {1}")]
    Qualifier(String, &'static str),
    #[error("`{0}` is not a layer version number (a positive integer)")]
    LayerVersion(String),
    #[error("`{0}` is not a Lambda resource type (function, layer, event-source-mapping, code-signing-config)")]
    Kind(String),
    #[error("`{0}` has extra components")]
    Extra(String),
}

fn valid_name(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Parses and classifies a concrete Lambda ARN.
pub fn classify(arn: &str) -> Result<LambdaResource, LambdaArnError> {
    let not_an_arn = || LambdaArnError::NotAnArn(arn.to_string());
    let parsed = Arn::parse(arn).ok_or_else(not_an_arn)?;
    // The resource part: its type, its name, then at most one qualifier.
    let parts: Vec<&str> = parsed.resource.split(':').collect();
    if parts.len() < 2 {
        return Err(not_an_arn());
    }
    if parsed.service != "lambda" {
        return Err(LambdaArnError::NotLambda(
            arn.to_string(),
            parsed.service.to_string(),
        ));
    }
    let region = parsed.region;
    if region.is_empty()
        || !region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(LambdaArnError::Region(region.to_string()));
    }
    let account = parsed.account;
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Err(LambdaArnError::Account(account.to_string()));
    }
    let name = parts[1];
    let extra = || LambdaArnError::Extra(arn.to_string());
    match parts[0] {
        "function" => {
            if !valid_name(name, 64) {
                return Err(LambdaArnError::Name(
                    name.to_string(),
                    "function",
                    "1 to 64 letters, digits, hyphens or underscores",
                ));
            }
            let name = name.to_string();
            match parts.get(2) {
                None => Ok(LambdaResource::Function { name }),
                Some(_) if parts.len() > 3 => Err(extra()),
                Some(&"$LATEST") => Ok(LambdaResource::Latest { name }),
                Some(q) if !q.is_empty() && q.chars().all(|c| c.is_ascii_digit()) => {
                    match q.parse::<u64>() {
                        Ok(v) if v >= 1 => Ok(LambdaResource::Version { name, version: v }),
                        _ => Err(LambdaArnError::Qualifier(
                            q.to_string(),
                            "versions are numbered from 1",
                        )),
                    }
                }
                Some(q) if valid_name(q, 128) => Ok(LambdaResource::Alias {
                    name,
                    alias: q.to_string(),
                }),
                Some(q) => Err(LambdaArnError::Qualifier(
                    q.to_string(),
                    "a version is a number or $LATEST; an alias is 1 to 128 letters, digits, hyphens or underscores",
                )),
            }
        }
        "layer" => {
            if !valid_name(name, 140) {
                return Err(LambdaArnError::Name(
                    name.to_string(),
                    "layer",
                    "1 to 140 letters, digits, hyphens or underscores",
                ));
            }
            let name = name.to_string();
            match parts.get(2) {
                None => Ok(LambdaResource::Layer { name }),
                Some(_) if parts.len() > 3 => Err(extra()),
                Some(v) => match v.parse::<u64>() {
                    Ok(version) if version >= 1 => {
                        Ok(LambdaResource::LayerVersion { name, version })
                    }
                    _ => Err(LambdaArnError::LayerVersion(v.to_string())),
                },
            }
        }
        "event-source-mapping" if parts.len() == 2 => {
            let uuid = name.len() == 36
                && name.chars().enumerate().all(|(i, c)| {
                    if [8, 13, 18, 23].contains(&i) {
                        c == '-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                });
            if uuid {
                Ok(LambdaResource::EventSourceMapping {
                    id: name.to_string(),
                })
            } else {
                Err(LambdaArnError::Name(
                    name.to_string(),
                    "event-source mapping",
                    "a UUID such as 14e0db71-5d35-4eb5-b481-8945cf9d10c2",
                ))
            }
        }
        "code-signing-config" if parts.len() == 2 => {
            let ok = name.len() == 21
                && name.starts_with("csc-")
                && name[4..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if ok {
                Ok(LambdaResource::CodeSigningConfig {
                    id: name.to_string(),
                })
            } else {
                Err(LambdaArnError::Name(
                    name.to_string(),
                    "code-signing config",
                    "`csc-` followed by 17 lower-case letters or digits",
                ))
            }
        }
        "event-source-mapping" | "code-signing-config" => Err(extra()),
        other => {
            // A resource type the service data knows by its ARN format.
            let marker = format!(":{other}:");
            ServiceData::get()
                .service("lambda")
                .and_then(|s| {
                    s.resource_types
                        .iter()
                        .find(|t| t.arn_format.contains(&marker))
                })
                .map(|t| LambdaResource::Other {
                    resource_type: t.name.to_string(),
                    name: parts[1..].join(":"),
                })
                .ok_or_else(|| LambdaArnError::Kind(other.to_string()))
        }
    }
}

/// Why a Lambda action does not take a resource.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MismatchError {
    #[error("{action} accepts only `*` as its resource, not {found}")]
    WildcardOnly { action: String, found: String },
    #[error("{action} does not act on a {found}; it takes {expected}")]
    Type {
        action: String,
        found: String,
        expected: String,
    },
    #[error("a function URL belongs to the function or one of its aliases, never to a version ({found})")]
    UrlOnVersion { found: String },
}

/// Checks that `action` (a Lambda action of the service data) can act on `resource`.
pub fn check_action_resource(
    action: &Action,
    resource: &LambdaResource,
) -> Result<(), MismatchError> {
    let id = format!("lambda:{}", action.name());
    if action.wildcard_only() {
        return Err(MismatchError::WildcardOnly {
            action: id,
            found: resource.describe(),
        });
    }
    let accepted: Vec<&str> = action
        .resource_types()
        .iter()
        .map(|r| r.resource_type().name)
        .collect();
    let kinds = resource.resource_types();
    if !accepted
        .iter()
        .any(|t| kinds.iter().any(|k| t.eq_ignore_ascii_case(k)))
    {
        return Err(MismatchError::Type {
            action: id,
            found: resource.describe(),
            expected: accepted.join(" or "),
        });
    }
    if action.name().eq_ignore_ascii_case("InvokeFunctionUrl")
        && matches!(
            resource,
            LambdaResource::Version { .. } | LambdaResource::Latest { .. }
        )
    {
        return Err(MismatchError::UrlOnVersion {
            found: resource.describe(),
        });
    }
    Ok(())
}

/// Whether `action` on `resource` is a request Lambda can receive: a Lambda action of the
/// service data on `*` or on a well-formed ARN of a resource type it takes. Requests for other
/// services pass unchecked.
pub fn request_shape_ok(action: &str, resource: &str) -> bool {
    let Some(known) = lambda_action(action) else {
        return !action.to_ascii_lowercase().starts_with("lambda:");
    };
    if resource == "*" {
        return known.wildcard_only() || known.resource_types().iter().any(|r| !r.required());
    }
    classify(resource).is_ok_and(|r| check_action_resource(known, &r).is_ok())
}

/// The Lambda action of the service data that `action` (`lambda:Name`, any case) names.
pub fn lambda_action(action: &str) -> Option<&'static Action> {
    let (service, _) = action.split_once(':')?;
    if !service.eq_ignore_ascii_case("lambda") {
        return None;
    }
    ServiceData::get().action(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "arn:aws:lambda:us-east-1:123456789012:";

    fn c(rest: &str) -> Result<LambdaResource, LambdaArnError> {
        classify(&format!("{P}{rest}"))
    }

    #[test]
    fn every_kind() {
        let f = |n: &str| n.to_string();
        assert_eq!(
            c("function:f"),
            Ok(LambdaResource::Function { name: f("f") })
        );
        assert_eq!(
            c("function:f:$LATEST"),
            Ok(LambdaResource::Latest { name: f("f") })
        );
        assert_eq!(
            c("function:f:7"),
            Ok(LambdaResource::Version {
                name: f("f"),
                version: 7
            })
        );
        assert_eq!(
            c("function:f:prod"),
            Ok(LambdaResource::Alias {
                name: f("f"),
                alias: f("prod")
            })
        );
        assert_eq!(c("layer:l"), Ok(LambdaResource::Layer { name: f("l") }));
        assert_eq!(
            c("layer:l:3"),
            Ok(LambdaResource::LayerVersion {
                name: f("l"),
                version: 3
            })
        );
        assert!(matches!(
            c("event-source-mapping:14e0db71-5d35-4eb5-b481-8945cf9d10c2"),
            Ok(LambdaResource::EventSourceMapping { .. })
        ));
        assert!(matches!(
            c("code-signing-config:csc-0123456789abcdefg"),
            Ok(LambdaResource::CodeSigningConfig { .. })
        ));
    }

    #[test]
    fn malformed_arns_say_what_is_wrong() {
        assert!(matches!(c("function:"), Err(LambdaArnError::Name(..))));
        assert!(matches!(
            c("function:f:0"),
            Err(LambdaArnError::Qualifier(..))
        ));
        assert!(matches!(
            c("function:f:a.b"),
            Err(LambdaArnError::Qualifier(..))
        ));
        assert!(matches!(c("function:f:1:2"), Err(LambdaArnError::Extra(_))));
        assert!(matches!(
            c("layer:l:x"),
            Err(LambdaArnError::LayerVersion(_))
        ));
        assert!(matches!(c("widget:w"), Err(LambdaArnError::Kind(_))));
        assert!(matches!(
            c("capacity-provider:cp"),
            Ok(LambdaResource::Other { .. })
        ));
        assert!(matches!(
            classify("arn:aws:lambda:us-east-1:1234:function:f"),
            Err(LambdaArnError::Account(_))
        ));
        assert!(matches!(
            classify("arn:aws:s3:::bucket/key:x:y"),
            Err(LambdaArnError::NotLambda(..))
        ));
        assert!(matches!(
            classify("my-function"),
            Err(LambdaArnError::NotAnArn(_))
        ));
    }

    #[test]
    fn actions_take_the_resources_the_service_data_lists() {
        let act = |a: &str| lambda_action(a).expect("a Lambda action");
        let alias = LambdaResource::Alias {
            name: "f".into(),
            alias: "prod".into(),
        };
        let version = LambdaResource::Version {
            name: "f".into(),
            version: 1,
        };
        let layer_version = LambdaResource::LayerVersion {
            name: "l".into(),
            version: 1,
        };
        assert_eq!(
            check_action_resource(act("lambda:InvokeFunction"), &alias),
            Ok(())
        );
        assert_eq!(
            check_action_resource(act("LAMBDA:invokefunction"), &version),
            Ok(())
        );
        assert_eq!(
            check_action_resource(act("lambda:GetLayerVersion"), &layer_version),
            Ok(())
        );
        assert!(matches!(
            check_action_resource(act("lambda:GetLayerVersion"), &alias),
            Err(MismatchError::Type { .. })
        ));
        assert!(matches!(
            check_action_resource(act("lambda:ListFunctions"), &alias),
            Err(MismatchError::WildcardOnly { .. })
        ));
        assert!(matches!(
            check_action_resource(act("lambda:InvokeFunctionUrl"), &version),
            Err(MismatchError::UrlOnVersion { .. })
        ));
        assert_eq!(
            check_action_resource(act("lambda:InvokeFunctionUrl"), &alias),
            Ok(())
        );
    }

    #[test]
    fn request_shapes_and_examples() {
        assert!(request_shape_ok("lambda:ListFunctions", "*"));
        assert!(!request_shape_ok("lambda:InvokeFunction", "*"));
        assert!(!request_shape_ok(
            "lambda:Invoke",
            &format!("{P}function:f")
        ));
        assert!(request_shape_ok("s3:GetObject", "*"));
        let r = crate::service_data::example_resource("lambda:InvokeFunction").expect("an action");
        assert_eq!(r, format!("{P}function:example"));
        assert!(request_shape_ok("lambda:InvokeFunction", &r));
        let r = crate::service_data::example_resource("lambda:GetLayerVersion").expect("an action");
        assert!(request_shape_ok("lambda:GetLayerVersion", &r), "{r}");
    }
}
