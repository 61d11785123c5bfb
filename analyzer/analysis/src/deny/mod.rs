//! Lambda deny intents: "no principal except these may perform these actions on function F
//! (qualifier Q)", proved airtight under each qualifier authorization model, or shown
//! bypassed with certified requests.
//!
//! - [`sentence`] reads an intent written as one sentence;
//! - [`resolve`] turns what a sentence says into a [`DenyIntent`], finding a function named
//!   without its ARN among the policies;
//! - [`check`] asks one `can` question per model over the resources that model authorizes
//!   ([`crate::lambda_auth`]); the intent holds when none is allowed. Invoking covers the
//!   function's URL too: a URL call is authorized as `lambda:InvokeFunctionUrl` and
//!   `lambda:InvokeFunction` (docs/semantics.md §7.7), asked as one question.

pub mod sentence;

use std::ops::Range;

use airtight_encodings::arn::FunctionArn;
use airtight_encodings::eval::PolicySet;

use crate::lambda_auth::{authorized_resources, LambdaAuth};
use crate::query::{self, Answer, Constraints, Counterexample, Outcome, QueryError, QueryOptions};
use sentence::parse_sentence;

/// What a deny intent protects, and from whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyIntent {
    /// The function's unqualified ARN.
    pub function: String,
    /// The alias or version protected; `None` protects the function and every version and
    /// alias.
    pub qualifier: Option<String>,
    /// The actions nobody may perform (default: `lambda:InvokeFunction`).
    pub actions: Vec<String>,
    /// Principal patterns still allowed.
    pub except: Vec<String>,
}

/// Why an intent cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntentError {
    /// A problem in the sentence, at a byte range of it.
    #[error("{message}")]
    Sentence {
        message: String,
        at: Range<usize>,
        hint: &'static str,
    },
    #[error("`{0}` is not an unqualified Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME); give the alias or version with --qualifier")]
    Function(String),
}

/// What the caller knows besides the sentence (command-line flags).
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// The function's unqualified ARN.
    pub function: Option<String>,
    pub qualifier: Option<String>,
    /// Principal patterns still allowed, besides those the sentence names.
    pub except: Vec<String>,
}

impl DenyIntent {
    /// Checks that the function is an unqualified function ARN and fills in the default
    /// action.
    pub fn validated(mut self) -> Result<DenyIntent, IntentError> {
        let ok = FunctionArn::parse(&self.function).is_some_and(|f| f.qualifier.is_none());
        if !ok {
            return Err(IntentError::Function(self.function));
        }
        if self.actions.is_empty() {
            self.actions.push("lambda:InvokeFunction".into());
        }
        Ok(self)
    }
}

/// The intent a sentence states, with its function resolved (from the sentence, `given` or
/// the functions `known` — those the policies name, [`functions_named`], or a world's) and
/// its principals resolved in the function's account.
pub fn resolve(sentence: &str, given: &Given, known: &[String]) -> Result<DenyIntent, IntentError> {
    let fail = |message: String, at: Range<usize>, hint: &'static str| IntentError::Sentence {
        message,
        at,
        hint,
    };
    let parsed = parse_sentence(sentence).map_err(|e| fail(e.message, e.at, e.hint))?;
    let function = match (&parsed.function, &given.function) {
        (Some((f, _)), _) if f.starts_with("arn:") => f.clone(),
        (Some((name, at)), given) => {
            let by_name = |arn: &&String| arn.rsplit(':').next() == Some(name.as_str());
            match given.iter().chain(known).find(by_name) {
                Some(arn) => arn.clone(),
                None => {
                    return Err(fail(
                        format!("no function named `{name}` appears in the policies"),
                        at.clone(),
                        "write its ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME), or give it with --function",
                    ))
                }
            }
        }
        (None, Some(f)) => f.clone(),
        (None, None) => match known {
            [only] => only.clone(),
            _ => return Err(fail(
                "which function? the sentence names none and the policies name several (or none)"
                    .into(),
                0..sentence.len(),
                "name it in the sentence (`... invoke my-function alias prod`) or give --function",
            )),
        },
    };
    let account = FunctionArn::parse(&function)
        .map_or("123456789012", |f| f.account())
        .to_string();
    DenyIntent {
        qualifier: parsed.qualifier.or_else(|| given.qualifier.clone()),
        actions: parsed.actions,
        except: parsed
            .except
            .iter()
            .map(|p| p.pattern(&account))
            .chain(given.except.iter().cloned())
            .collect(),
        function,
    }
    .validated()
}

/// The answer under one authorization model.
#[derive(Debug, Clone)]
pub struct ModelAnswer {
    pub auth: LambdaAuth,
    /// `Found`: a forbidden request is allowed (the bypass); `NoneExists`: the intent holds.
    pub answer: Answer,
}

/// What the intent's check found, model by model.
#[derive(Debug, Clone)]
pub struct DenyCheck {
    pub intent: DenyIntent,
    pub models: Vec<ModelAnswer>,
}

/// Whether an intent holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentVerdict {
    Holds,
    Violated,
    Unknown,
}

impl IntentVerdict {
    /// The word of the JSON contract.
    pub fn as_str(self) -> &'static str {
        match self {
            IntentVerdict::Holds => "holds",
            IntentVerdict::Violated => "violated",
            IntentVerdict::Unknown => "unknown",
        }
    }

    /// Under one model: a found request violates the intent.
    pub fn of(outcome: &Outcome) -> IntentVerdict {
        match outcome {
            Outcome::Found => IntentVerdict::Violated,
            Outcome::NoneExists => IntentVerdict::Holds,
            Outcome::Unknown { .. } => IntentVerdict::Unknown,
        }
    }
}

impl DenyCheck {
    /// Violated under any model, else holds only if proved under every model.
    pub fn verdict(&self) -> IntentVerdict {
        let each = || {
            self.models
                .iter()
                .map(|m| IntentVerdict::of(&m.answer.outcome))
        };
        if each().any(|v| v == IntentVerdict::Violated) {
            IntentVerdict::Violated
        } else if each().all(|v| v == IntentVerdict::Holds) {
            IntentVerdict::Holds
        } else {
            IntentVerdict::Unknown
        }
    }
}

/// Checks `intent` in a world under each model `auth` stands for: every principal, root user
/// and outside caller of the world is asked ([`crate::who_can`]).
pub fn check_in_world(
    world: &airtight_encodings::world::World,
    intent: &DenyIntent,
    auth: LambdaAuth,
    options: &QueryOptions,
) -> Result<DenyCheck, crate::who_can::WhoCanError> {
    let invokes = intent
        .actions
        .iter()
        .any(|a| a.eq_ignore_ascii_case("lambda:InvokeFunction"));
    let mut actions = intent.actions.clone();
    if invokes
        && !actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case("lambda:InvokeFunctionUrl"))
    {
        actions.push("lambda:InvokeFunctionUrl".into());
    }
    // A role named without its path (`role/ops`) is the world's role of that name, whatever
    // its path (`role/team/ops`): role names are unique in an account.
    let except: Vec<String> = intent
        .except
        .iter()
        .map(|p| {
            let Some(arn) = airtight_encodings::arn::Arn::parse(p) else {
                return p.clone();
            };
            let named = arn
                .resource
                .strip_prefix("role/")
                .filter(|n| !n.contains(['/', '*', '?']));
            let found = named.and_then(|name| {
                world.accounts.get(arn.account).and_then(|a| {
                    a.principals.values().find(|r| {
                        r.kind == Some(airtight_encodings::world::PrincipalType::Role)
                            && r.name == name
                    })
                })
            });
            found.map_or_else(|| p.clone(), |r| r.arn.clone())
        })
        .collect();
    let mut models = Vec::new();
    for mode in auth.models() {
        let resources = authorized_resources(&intent.function, intent.qualifier.as_deref(), mode);
        let question = crate::who_can::WhoCanQuestion {
            actions: actions.clone(),
            resource: resources.first().cloned().unwrap_or_default(),
            also: resources.iter().skip(1).cloned().collect(),
            lambda_auth: LambdaAuth::Current,
            except: except.clone(),
        };
        let result = crate::who_can::who_can(world, &question, options, &|| {})?;
        models.push(ModelAnswer {
            auth: mode,
            answer: crate::who_can::as_answer(&result),
        });
    }
    Ok(DenyCheck {
        intent: intent.clone(),
        models,
    })
}

/// Checks `intent` against `set` under each model `auth` stands for.
pub fn check(
    set: &PolicySet,
    intent: &DenyIntent,
    auth: LambdaAuth,
    options: &QueryOptions,
) -> Result<DenyCheck, QueryError> {
    let is_url = |a: &String| a.eq_ignore_ascii_case("lambda:InvokeFunctionUrl");
    let others: Vec<String> = intent
        .actions
        .iter()
        .filter(|a| !is_url(a))
        .cloned()
        .collect();
    // Invoking covers the Invoke API and the function's URL: a URL call is an invocation too.
    // An API call never carries `lambda:InvokedViaFunctionUrl`; only a URL call's
    // `InvokeFunction` authorization does, and it is asked together with the URL permission.
    let invokes = others
        .iter()
        .any(|a| a.eq_ignore_ascii_case("lambda:InvokeFunction"));
    let url = invokes || intent.actions.iter().any(is_url);
    let mut models = Vec::new();
    for mode in auth.models() {
        let constraints = Constraints {
            actions: others.clone(),
            resources: authorized_resources(&intent.function, intent.qualifier.as_deref(), mode),
            not_principals: intent.except.clone(),
            absent: if invokes {
                vec!["lambda:InvokedViaFunctionUrl".into()]
            } else {
                Vec::new()
            },
            ..Constraints::default()
        };
        let mut answers = Vec::new();
        if !others.is_empty() {
            answers.push(query::can(set, &constraints, options)?);
        }
        if url {
            // A function-URL call is one HTTPS request whatever the API forms: it names the
            // function or the alias the URL belongs to, under either qualifier authorization.
            let url_constraints = Constraints {
                resources: authorized_resources(
                    &intent.function,
                    intent.qualifier.as_deref(),
                    LambdaAuth::Current,
                ),
                ..constraints.clone()
            };
            answers.push(query::can_invoke_url(set, &url_constraints, options)?);
        }
        models.push(ModelAnswer {
            auth: mode,
            answer: merge(answers),
        });
    }
    Ok(DenyCheck {
        intent: intent.clone(),
        models,
    })
}

/// One answer for several `can` questions: "some request exists" if any found one, unknown if
/// any had no answer, else "none exists".
fn merge(list: Vec<Answer>) -> Answer {
    let mut merged = Answer {
        outcome: Outcome::NoneExists,
        counterexamples: Vec::new(),
        elapsed: std::time::Duration::ZERO,
    };
    for a in list {
        merged.elapsed += a.elapsed;
        merged.counterexamples.extend(a.counterexamples);
        merged.outcome = match (&merged.outcome, a.outcome) {
            (Outcome::Found, _) | (_, Outcome::Found) => Outcome::Found,
            (Outcome::Unknown { .. }, _) => merged.outcome.clone(),
            (_, other) => other,
        };
    }
    merged
}

/// How a counterexample gets around the intent: the facts of the question that matter (the
/// legacy qualifier path, a function-URL call's two authorizations), then the evaluator's own
/// explanation of the decision (what granted it, why each Deny naming the action missed).
pub fn bypass(c: &Counterexample, function: &str, qualifier: Option<&str>) -> Vec<String> {
    let r = &c.request;
    let mut why = Vec::new();
    if let (Some(q), true) = (qualifier, r.resource == function) {
        why.push(format!("under legacy authorization, a call with the unqualified FunctionName and `Qualifier={q}` is authorized against the unqualified ARN"));
    }
    if r.action.eq_ignore_ascii_case("lambda:InvokeFunctionUrl") {
        why.push("a function-URL call: both of its authorizations (lambda:InvokeFunctionUrl, and lambda:InvokeFunction with lambda:InvokedViaFunctionUrl=true, required since October 2025) are allowed".into());
    }
    why.extend(c.why.iter().cloned());
    why
}

/// The unqualified ARNs of the Lambda functions the policies name literally (in Resource
/// entries), in order of appearance.
pub fn functions_named(set: &PolicySet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, p) in set.policies() {
        for s in &p.statements {
            for r in s.resource.iter().flat_map(|b| b.entries.iter()) {
                let text = r.value.template.to_string();
                let Some(f) = FunctionArn::parse(&text) else {
                    continue;
                };
                let arn = f.unqualified();
                if !arn.contains(['*', '?', '$']) && !out.contains(&arn) {
                    out.push(arn);
                }
            }
        }
    }
    out
}
