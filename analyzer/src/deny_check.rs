//! `airtight deny-check`: prove that a Lambda deny intent is airtight, or show the bypass.
//!
//! An intent reads "no principal except these may perform these actions on function F
//! (qualifier Q)". Invoking alias or version Q reaches the function through several API call
//! forms — `FunctionName` as a name, a partial ARN or a full ARN, qualified with `:Q` or
//! unqualified plus `Qualifier=Q` — and the resource ARN Lambda authorizes depends on how AWS
//! does it (semantics §7.2):
//!
//! | authorization | resource ARNs authorized for "invoke F qualifier Q" |
//! |---|---|
//! | `current` (since January 2022) | `F:Q` for every call form |
//! | `legacy` (before) | `F:Q` for qualified forms, the unqualified `F` for `Qualifier=Q` |
//!
//! Without a qualifier the intent covers the function and every version and alias (`F`, `F:*`).
//! Each mode is one `can` query over those resources; the intent holds when none is allowed.

use std::path::PathBuf;

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::eval::PolicySet;
use airtight_encodings::policy::split_arn;
use airtight_encodings::request::PrincipalKind;
use airtight_encodings::span::Span;
use clap::{Args, ValueEnum};
use serde_json::json;

use crate::cli::{Format, Io, PolicySetArgs};
use crate::exit::Exit;
use crate::intent::parse_sentence;
use crate::load::{load_policy_set, Loader};
use crate::query::{self, Answer, Constraints, Counterexample, Verdict};
use crate::report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LambdaAuth {
    /// Both call forms are authorized against the qualified ARN (AWS behaviour since 2022).
    Current,
    /// An unqualified FunctionName plus `Qualifier` is authorized against the unqualified ARN.
    Legacy,
    /// Check under both.
    Both,
}

#[derive(Debug, Args)]
pub struct DenyCheckArgs {
    /// The intent in one sentence, e.g. "nobody but role/ops may invoke my-function alias
    /// prod" (see docs/queries.md for the grammar). A function named without its ARN is found
    /// in the policies, or given with --function.
    #[arg(value_name = "SENTENCE", conflicts_with = "intent")]
    pub sentence: Option<String>,
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// The function: its unqualified ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`).
    #[arg(long, value_name = "ARN", required_unless_present_any = ["intent", "sentence"])]
    pub function: Option<String>,
    /// The alias or version the intent protects (omit to protect every version and alias).
    #[arg(long, value_name = "ALIAS|VERSION")]
    pub qualifier: Option<String>,
    /// The actions nobody may perform (repeatable; default `lambda:InvokeFunction`).
    #[arg(long, value_name = "ACTION")]
    pub action: Vec<String>,
    /// Principals still allowed (repeatable patterns, e.g. `arn:aws:iam::123456789012:role/ops`).
    #[arg(long, value_name = "PATTERN")]
    pub except_principal: Vec<String>,
    /// Which qualifier authorization to check.
    #[arg(long, value_enum, default_value_t = LambdaAuth::Both)]
    pub lambda_auth: LambdaAuth,
    #[command(flatten)]
    pub query: crate::prove::QueryArgs,
    /// Read the intent from a JSON file instead:
    /// `{"function": ARN, "qualifier": "prod", "actions": [...], "except_principals": [...]}`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["function"])]
    pub intent: Option<PathBuf>,
}

/// The resource ARNs a mode authorizes for the intent.
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
            let parts: Vec<&str> = r.split(':').collect();
            if parts.len() == 8 && parts[2] == "lambda" && parts[5] == "function" {
                let unqualified = parts[..7].join(":");
                if !out.contains(&unqualified) {
                    out.push(unqualified);
                }
            }
        }
    }
    out
}

/// One answer for several `can` questions: "some request exists" if any found one, unknown if
/// any had no answer, else "none exists".
fn merge(list: Vec<Answer>) -> Answer {
    let mut merged = Answer {
        verdict: Verdict::Violated,
        counterexamples: Vec::new(),
        elapsed: std::time::Duration::ZERO,
    };
    for a in list {
        merged.elapsed += a.elapsed;
        merged.counterexamples.extend(a.counterexamples);
        merged.verdict = match (&merged.verdict, a.verdict) {
            (Verdict::Holds, _) | (_, Verdict::Holds) => Verdict::Holds,
            (Verdict::Unknown { .. }, _) => merged.verdict.clone(),
            (_, other) => other,
        };
    }
    merged
}

/// Names the way a counterexample gets around the intent.
pub fn bypass(c: &Counterexample, function: &str, qualifier: Option<&str>) -> String {
    let r = &c.request;
    let mut why = Vec::new();
    if qualifier.is_some() && r.resource == function {
        why.push(format!("under legacy authorization, calling with the unqualified FunctionName and `Qualifier={}` is authorized against the unqualified ARN, which the policies allow", qualifier.unwrap_or_default()));
    }
    match PrincipalKind::of(&r.principal) {
        PrincipalKind::Service { name } => why.push(format!(
            "the service principal `{name}` is granted by the resource-based policy"
        )),
        PrincipalKind::Anonymous => {
            why.push("an anonymous caller is granted by the resource-based policy".into())
        }
        k => {
            if let (Some(acct), Some(parts)) = (k.account(), split_arn(function)) {
                if acct != parts[4] {
                    why.push(format!("a principal of another account (`{acct}`) is granted by the resource-based policy and allowed by its own identity policies"));
                }
            }
        }
    }
    if r.action.eq_ignore_ascii_case("lambda:InvokeFunctionUrl") {
        why.push("both authorizations of a function-URL call (lambda:InvokeFunctionUrl, and lambda:InvokeFunction with lambda:InvokedViaFunctionUrl=true, required since October 2025) are allowed".into());
    }
    if r.action.to_ascii_lowercase() != r.action && why.is_empty() {
        why.push(format!(
            "the action is matched case-insensitively (`{}`)",
            r.action
        ));
    }
    if why.is_empty() {
        why.push("an applicable Allow is not cancelled by any Deny for this request (check missing condition keys, `IfExists`, `NotAction`/`NotResource`)".into());
    }
    why.join("; ")
}

struct Intent {
    function: String,
    qualifier: Option<String>,
    actions: Vec<String>,
    except: Vec<String>,
}

/// The unqualified ARNs of the Lambda functions the policies name literally (in Resource
/// entries), in order of appearance.
fn functions_named(set: &PolicySet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, p) in set.policies() {
        for s in &p.statements {
            for r in s.resource.iter().flat_map(|b| b.entries.iter()) {
                let text = r.value.template.to_string();
                let parts: Vec<&str> = text.split(':').collect();
                if parts.len() >= 7
                    && parts[2] == "lambda"
                    && parts[5] == "function"
                    && !parts[..7].iter().any(|p| p.contains(['*', '?', '$']))
                {
                    let arn = parts[..7].join(":");
                    if !out.contains(&arn) {
                        out.push(arn);
                    }
                }
            }
        }
    }
    out
}

/// The intent a sentence states, with its function resolved (from the sentence, `--function`
/// or the policies) and its principals resolved in the function's account. Problems are
/// diagnostics pointing into the sentence.
fn sentence_intent(
    sentence: &str,
    args: &DenyCheckArgs,
    set: &PolicySet,
    loader: &mut Loader,
) -> Option<Intent> {
    let file = loader.add("intent", sentence.to_string());
    let fail = |loader: &mut Loader, message: String, at: std::ops::Range<usize>, note: &str| {
        loader.extend_diagnostics([Diagnostic::error(
            "bad-intent",
            message,
            Span::new(file, at.start, at.end),
        )
        .with_note(note.to_string())]);
        None
    };
    let parsed = match parse_sentence(sentence) {
        Ok(p) => p,
        Err(e) => return fail(loader, e.message, e.at, e.hint),
    };
    let known = functions_named(set);
    let function = match (&parsed.function, &args.function) {
        (Some((f, _)), _) if f.starts_with("arn:") => f.clone(),
        (Some((name, at)), given) => {
            let by_name = |arn: &&String| arn.rsplit(':').next() == Some(name.as_str());
            match given.iter().chain(&known).find(by_name) {
                Some(arn) => arn.clone(),
                None => {
                    return fail(
                        loader,
                        format!("no function named `{name}` appears in the policies"),
                        at.clone(),
                        "write its ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME), or give it with --function",
                    )
                }
            }
        }
        (None, Some(f)) => f.clone(),
        (None, None) => match known.as_slice() {
            [only] => only.clone(),
            _ => return fail(
                loader,
                "which function? the sentence names none and the policies name several (or none)"
                    .into(),
                0..sentence.len(),
                "name it in the sentence (`... invoke my-function alias prod`) or give --function",
            ),
        },
    };
    let account = split_arn(&function)
        .map_or("123456789012", |p| p[4])
        .to_string();
    Some(Intent {
        function,
        qualifier: parsed.qualifier.or_else(|| args.qualifier.clone()),
        actions: parsed.actions,
        except: parsed
            .except
            .iter()
            .map(|p| p.pattern(&account))
            .chain(args.except_principal.iter().cloned())
            .collect(),
    })
}

fn read_intent(args: &DenyCheckArgs, io: &mut Io<'_>) -> Option<Intent> {
    let mut intent = Intent {
        function: args.function.clone().unwrap_or_default(),
        qualifier: args.qualifier.clone(),
        actions: args.action.clone(),
        except: args.except_principal.clone(),
    };
    if let Some(path) = &args.intent {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(io.err, "error: cannot read {}: {e}", path.display());
                return None;
            }
        };
        let v: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                let _ = writeln!(io.err, "error: {}: {e}", path.display());
                return None;
            }
        };
        let strings = |k: &str| -> Vec<String> {
            v[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        intent.function = v["function"].as_str().unwrap_or_default().to_string();
        intent.qualifier = v["qualifier"].as_str().map(str::to_string);
        intent.actions = strings("actions");
        intent.except = strings("except_principals");
    }
    check_intent(intent, io)
}

fn check_intent(mut intent: Intent, io: &mut Io<'_>) -> Option<Intent> {
    let ok = split_arn(&intent.function).is_some_and(|p| {
        p[0] == "arn"
            && p[2] == "lambda"
            && p[5].starts_with("function:")
            && p[5].matches(':').count() == 1
    });
    if !ok {
        let _ = writeln!(io.err, "error: `{}` is not an unqualified Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME); give the alias or version with --qualifier", intent.function);
        return None;
    }
    if intent.actions.is_empty() {
        intent.actions.push("lambda:InvokeFunction".into());
    }
    Some(intent)
}

pub fn run(args: &DenyCheckArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let set = load_policy_set(&args.policies, &mut loader);
    let intent = match (&args.sentence, &set) {
        (Some(sentence), Ok(set)) => sentence_intent(sentence, args, set, &mut loader),
        (Some(_), Err(_)) => None,
        (None, _) => read_intent(args, io),
    };
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let Ok(set) = set else { return Exit::BadInput };
    let Some(intent) = intent.and_then(|i| check_intent(i, io)) else {
        return Exit::BadInput;
    };
    let modes: Vec<LambdaAuth> = match args.lambda_auth {
        LambdaAuth::Both => vec![LambdaAuth::Current, LambdaAuth::Legacy],
        m => vec![m],
    };
    let options = args.query.options();
    let mut results: Vec<(LambdaAuth, Answer)> = Vec::new();
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
    for mode in modes {
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
            answers.push(query::can(&set, &constraints, &options));
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
            answers.push(query::can_invoke_url(&set, &url_constraints, &options));
        }
        match answers.into_iter().collect::<Result<Vec<Answer>, _>>() {
            Ok(list) => results.push((mode, merge(list))),
            Err(e) => {
                let _ = writeln!(io.err, "{e}");
                return Exit::Unknown;
            }
        }
    }
    // For `can`, Holds = "some forbidden request is allowed" = the intent is violated.
    let intent_word = |v: &Verdict| match v {
        Verdict::Violated => "holds",
        Verdict::Holds => "violated",
        Verdict::Unknown { .. } => "unknown",
    };
    let mode_name = |m: LambdaAuth| match m {
        LambdaAuth::Current => "current",
        LambdaAuth::Legacy => "legacy",
        LambdaAuth::Both => "both",
    };
    let written = match args.query.format {
        Format::Json => {
            let v = json!({
                "query": "deny-check",
                "intent": {"function": intent.function, "qualifier": intent.qualifier, "actions": intent.actions, "except_principals": intent.except},
                "result": if results.iter().any(|(_, a)| matches!(a.verdict, Verdict::Holds)) { "violated" } else if results.iter().all(|(_, a)| matches!(a.verdict, Verdict::Violated)) { "holds" } else { "unknown" },
                "modes": results.iter().map(|(m, a)| json!({
                    "lambda_auth": mode_name(*m),
                    "result": intent_word(&a.verdict),
                    "reason": match &a.verdict { Verdict::Unknown { reason, .. } => Some(reason.clone()), _ => None },
                    "counterexamples": a.counterexamples.iter().map(|c| json!({
                        "request": c.request.to_json(),
                        "decision": report::json::simulate(&loader, &c.left, &c.request),
                        "bypass": bypass(c, &intent.function, intent.qualifier.as_deref()),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            writeln!(io.out, "{v:#}")
        }
        Format::Text => (|| -> std::io::Result<()> {
            let target = match &intent.qualifier {
                Some(q) => format!("{}:{q}", intent.function),
                None => format!("{} (every version and alias)", intent.function),
            };
            let who = if intent.except.is_empty() {
                "no principal".to_string()
            } else {
                format!("no principal except {}", intent.except.join(", "))
            };
            writeln!(
                io.out,
                "intent: {who} may {} on {target}",
                intent.actions.join(", ")
            )?;
            for (mode, a) in &results {
                writeln!(
                    io.out,
                    "\n{} authorization: {}",
                    mode_name(*mode),
                    intent_word(&a.verdict).to_uppercase()
                )?;
                if let Verdict::Unknown { reason, .. } = &a.verdict {
                    writeln!(io.out, "  no answer: {reason}")?;
                }
                for c in &a.counterexamples {
                    writeln!(
                        io.out,
                        "  bypass: {}",
                        bypass(c, &intent.function, intent.qualifier.as_deref())
                    )?;
                    writeln!(io.out, "{:#}", c.request.to_json())?;
                    report::text::simulate(&loader, &c.left, &c.request, io.out)?;
                }
            }
            Ok(())
        })(),
    };
    if let Err(e) = written {
        let _ = writeln!(io.err, "error: cannot write the result: {e}");
    }
    if results
        .iter()
        .any(|(_, a)| matches!(a.verdict, Verdict::Holds))
    {
        Exit::Violated
    } else if results
        .iter()
        .all(|(_, a)| matches!(a.verdict, Verdict::Violated))
    {
        Exit::Ok
    } else {
        Exit::Unknown
    }
}
