//! `airtight deny-check`: prove a Lambda deny intent airtight under each qualifier
//! authorization model, or show the bypass ([`airtight_analysis::deny`]).

use airtight_analysis::deny::{self, DenyIntent, Given, IntentError, IntentVerdict};
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::span::Span;

use crate::cli::{DenyCheckArgs, Format, Io};
use crate::exit::Exit;
use crate::load::world::load_world;
use crate::load::{load_policy_set, Loader};
use crate::report;

pub fn run(args: &DenyCheckArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    // The policies: a world, or the policy files given.
    let source = match &args.world {
        Some(dir) => load_world(dir, &mut loader).map(Source::World),
        None => {
            load_policy_set(&args.policies.files(), &mut loader).map(|s| Source::Set(Box::new(s)))
        }
    };
    let intent = match (&args.sentence, &source) {
        (Some(sentence), Ok(source)) => {
            let given = Given {
                function: args.function.clone(),
                qualifier: args.qualifier.clone(),
                except: args.except_principal.clone(),
            };
            let known = match source {
                Source::Set(set) => deny::functions_named(set),
                Source::World(world) => world_functions(world),
            };
            let result = deny::resolve(sentence, &given, &known);
            accept(&mut loader, result, Some(sentence))
        }
        (Some(_), Err(_)) => None,
        (None, _) => {
            let from_flags = match &args.intent {
                Some(path) => loader.load_intent(path),
                None => Some(DenyIntent {
                    function: args.function.clone().unwrap_or_default(),
                    qualifier: args.qualifier.clone(),
                    actions: args.action.clone(),
                    except: args.except_principal.clone(),
                }),
            };
            from_flags.and_then(|i| accept(&mut loader, i.validated(), None))
        }
    };
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let (Ok(source), Some(intent)) = (source, intent) else {
        return Exit::BadInput;
    };
    let options = args.query.options();
    let check = match &source {
        Source::Set(set) => {
            deny::check(set, &intent, args.lambda_auth.auth(), &options).map_err(|e| e.to_string())
        }
        Source::World(world) => {
            deny::check_in_world(world, &intent, args.lambda_auth.auth(), &options)
                .map_err(|e| e.to_string())
        }
    };
    let check = match check {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(io.err, "{e}");
            return Exit::Unknown;
        }
    };
    let written = match args.query.format {
        Format::Json => {
            report::write_json(io.out, &report::deny_check::json::render(&loader, &check))
        }
        Format::Text => report::deny_check::text::render(&loader, &check, io.out),
    };
    if let Err(e) = written {
        let _ = writeln!(io.err, "error: cannot write the result: {e}");
    }
    match check.verdict() {
        IntentVerdict::Violated => Exit::Violated,
        IntentVerdict::Holds => Exit::Ok,
        IntentVerdict::Unknown => Exit::Unknown,
    }
}

/// Where the policies come from.
enum Source {
    Set(Box<airtight_encodings::eval::PolicySet>),
    World(airtight_encodings::world::World),
}

/// The unqualified function ARNs a world holds, in order.
pub fn world_functions(world: &airtight_encodings::world::World) -> Vec<String> {
    world
        .accounts
        .values()
        .flat_map(|a| a.resources.keys())
        .filter_map(|arn| airtight_encodings::arn::FunctionArn::parse(arn))
        .filter(|f| f.qualifier.is_none())
        .map(|f| f.unqualified())
        .collect()
}

/// The intent, or its problem recorded as a diagnostic (pointing into the sentence, which is
/// added to the file database as `intent`).
fn accept(
    loader: &mut Loader,
    result: Result<DenyIntent, IntentError>,
    sentence: Option<&str>,
) -> Option<DenyIntent> {
    let e = match result {
        Ok(intent) => return Some(intent),
        Err(e) => e,
    };
    let diagnostic = match (&e, sentence) {
        (IntentError::Sentence { message, at, hint }, Some(sentence)) => {
            let file = loader.add("intent", sentence.to_string());
            Diagnostic::error(
                "bad-intent",
                message.clone(),
                Span::new(file, at.start, at.end),
            )
            .with_note(hint.to_string())
        }
        _ => Diagnostic::whole_file("bad-intent", e.to_string()),
    };
    loader.extend_diagnostics([diagnostic]);
    None
}
