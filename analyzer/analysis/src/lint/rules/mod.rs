//! The rules, one file each; [`super::RULES`] lists them. `support.rs` (service data, spelling,
//! suggestions), `solver.rs` (questions for the SMT engine) and `lambda_arn.rs` (function ARN
//! patterns) hold what several rules share.

pub mod action_matches_no_resource;
pub mod action_pattern_matches_nothing;
pub mod condition_key_not_supported;
pub mod condition_type_mismatch;
pub mod cross_account_trust_without_condition;
pub mod deny_in_permission_policy;
pub mod deny_qualified_only;
pub mod deny_with_not_action;
pub mod deny_with_not_resource;
pub mod duplicate_sid;
pub mod for_all_values_without_null;
pub mod function_prefix_wildcard;
pub mod invalid_version;
pub mod lambda_arn;
pub mod lambda_function_url_public;
pub mod lambda_unknown_action;
pub mod malformed_arn;
pub mod plain_operator_on_multivalued_key;
pub mod public_access;
pub mod redundant_statement;
pub mod resource_matches_no_action;
pub mod service_principal_without_source;
pub mod set_operator_on_single_valued_key;
mod solver;
pub mod source_function_arn_in_resource_policy;
pub mod source_function_arn_qualified;
pub mod statement_never_applies;
pub mod statement_shadowed_by_deny;
pub mod support;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_element;
pub mod unknown_service;
