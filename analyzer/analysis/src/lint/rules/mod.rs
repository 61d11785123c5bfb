//! The rules, one file each; [`super::RULES`] lists them.

pub mod deny_in_permission_policy;
pub mod deny_qualified_only;
pub mod function_prefix_wildcard;
pub mod invalid_version;
mod lambda_arn;
pub mod service_principal_without_source;
pub mod source_function_arn_in_resource_policy;
pub mod source_function_arn_qualified;
pub mod unknown_action;
