//! The service data as Rust source: `generate` reads both JSON files (formats described in
//! `scripts/service-data/generate.mjs` and `data/global-condition-keys.json`) and writes the
//! statics that `src/service_data.rs` includes.
//!
//! | static | what it holds |
//! |---|---|
//! | `SOURCE` | the package, version, licence and scan date |
//! | `KEYS` | every condition key: the global table first, then the SAR's shared table |
//! | `RT_<n>`, `AC_<n>` | resource types and actions of the `n`-th service of the file |
//! | `STRINGS`, `LOWER_STRINGS`, `LEVELS` | the actions' ids, one after the other, as spelled and lower-cased; the access levels |
//! | `ACTION_RESOURCES`, `KEY_REFS` | the resource types and condition keys of the actions, as runs the action rows point into |
//! | `SERVICES` | the services, sorted by lower-cased prefix |
//! | `ACTION_INDEX` | `(service, action)` positions, sorted by lower-cased `service:action` |
//! | `KEY_INDEX` | positions in `KEYS`, sorted by lower-cased name: the key each name finds |
//! | `KEY_TEMPLATES` | positions in `KEYS` of the keys with placeholders, in the order tried |
//!
//! Actions are rows of numbers (positions in the other tables), not structs of references: a
//! reference in a static is a relocation the loader applies at every start, and the 22,000
//! actions would need hundreds of thousands of them.
//!
//! Which key a name finds follows the rules of `ServiceData::condition_key`: the hand-kept
//! global table first, then the first service (in file order) that defines the key, except
//! that the service owning the key's prefix replaces another service's definition.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use serde_json::Value;

struct Key {
    name: String,
    key_type: &'static str,
    alt_type: Option<&'static str>,
    multivalued: bool,
    global: bool,
    pieces: Vec<String>,
}

struct Service {
    prefix: String,
    name: String,
    /// Name, ARN format, key positions.
    resource_types: Vec<(String, String, Vec<usize>)>,
    actions: Vec<Action>,
    keys: Vec<usize>,
}

struct Action {
    name: String,
    level: usize,
    /// Resource type position in the service, required, key positions.
    resources: Vec<(usize, bool, Vec<usize>)>,
    keys: Vec<usize>,
}

/// The Rust source of the tables, or what is wrong with the data.
pub fn generate(service_json: &str, global_json: &str) -> Result<String, String> {
    let root: Value =
        serde_json::from_str(service_json).map_err(|e| format!("service-data.json: {e}"))?;
    let globals: Value = serde_json::from_str(global_json)
        .map_err(|e| format!("global-condition-keys.json: {e}"))?;
    if root.get("format").and_then(Value::as_u64) != Some(1) {
        return Err("unknown `format`".into());
    }
    let source = field(&root, "source")?;
    let levels: Vec<&str> = array(field(&root, "accessLevels")?, "accessLevels")?
        .iter()
        .map(|v| string(v, "accessLevels[]"))
        .collect::<Result<_, _>>()?;

    let mut keys = Vec::new();
    for entry in array(field(&globals, "keys")?, "keys")? {
        let name = string(field(entry, "name")?, "keys[].name")?;
        let (key_type, array_type) = key_type(string(field(entry, "type")?, "keys[].type")?)
            .ok_or_else(|| format!("`{name}` has an unknown type"))?;
        let alt_type = match entry.get("altType") {
            Some(v) => Some(
                key_type_of(string(v, "keys[].altType")?)
                    .ok_or_else(|| format!("`{name}` has an unknown altType"))?,
            ),
            None => None,
        };
        let multivalued = field(entry, "multivalued")?
            .as_bool()
            .ok_or_else(|| format!("`{name}`: multivalued is not a boolean"))?;
        keys.push(Key {
            name: name.to_owned(),
            key_type,
            alt_type,
            multivalued: multivalued || array_type,
            global: true,
            pieces: template_pieces(&name.to_lowercase()),
        });
    }
    let global_count = keys.len();
    for entry in array(field(&root, "conditionKeys")?, "conditionKeys")? {
        let [name, type_name] = array(entry, "conditionKeys[]")? else {
            return Err("a condition key is not a [name, type] pair".into());
        };
        let name = string(name, "conditionKeys[][0]")?;
        let (key_type, multivalued) = key_type(string(type_name, "conditionKeys[][1]")?)
            .ok_or_else(|| format!("`{name}` has an unknown type"))?;
        keys.push(Key {
            name: name.to_owned(),
            key_type,
            alt_type: None,
            multivalued,
            global: false,
            pieces: template_pieces(&name.to_lowercase()),
        });
    }
    let sar_count = keys.len() - global_count;
    // A SAR key position, made a position in `keys`.
    let key_refs = |list: &[Value], what: &str| -> Result<Vec<usize>, String> {
        list.iter()
            .map(|v| index(v, sar_count, what).map(|i| i + global_count))
            .collect()
    };

    let services_value = field(&root, "services")?
        .as_object()
        .ok_or("`services` is not an object")?;
    let mut services = Vec::new();
    for (prefix, service) in services_value {
        let mut resource_types = Vec::new();
        for row in array(field(service, "resourceTypes")?, "resourceTypes")? {
            let row = array(row, "resourceTypes[]")?;
            resource_types.push((
                string(item(row, 0)?, "resource type name")?.to_owned(),
                string(item(row, 1)?, "resource type ARN")?.to_owned(),
                key_refs(optional_list(row, 2)?, "resource type key")?,
            ));
        }
        let mut actions = Vec::new();
        for row in array(field(service, "actions")?, "actions")? {
            let row = array(row, "actions[]")?;
            let mut resources = Vec::new();
            for reference in optional_list(row, 2)? {
                let reference = array(reference, "action resource type")?;
                resources.push((
                    index(item(reference, 0)?, resource_types.len(), "resource type")?,
                    reference.get(1).and_then(Value::as_u64) == Some(1),
                    key_refs(optional_list(reference, 2)?, "action resource key")?,
                ));
            }
            actions.push(Action {
                name: string(item(row, 0)?, "action name")?.to_owned(),
                level: index(item(row, 1)?, levels.len(), "access level")?,
                resources,
                keys: key_refs(optional_list(row, 3)?, "action key")?,
            });
        }
        services.push(Service {
            prefix: prefix.clone(),
            name: string(field(service, "name")?, "service name")?.to_owned(),
            resource_types,
            actions,
            keys: key_refs(
                array(field(service, "conditionKeys")?, "service keys")?,
                "key",
            )?,
        });
    }
    check_ascii(&keys, &services)?;

    // Services by lower-cased prefix; `order[i]` is the file position of the i-th.
    let mut by_prefix: BTreeMap<String, usize> = BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        if by_prefix.insert(s.prefix.to_lowercase(), i).is_some() {
            return Err(format!("two services have the prefix `{}`", s.prefix));
        }
    }
    let order: Vec<usize> = by_prefix.values().copied().collect();
    let mut sorted_position = vec![0; services.len()];
    for (sorted, &file) in order.iter().enumerate() {
        sorted_position[file] = sorted;
    }

    // Lower-cased `service:action` → (sorted service, action); a later one wins.
    let mut action_index: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        for (j, a) in s.actions.iter().enumerate() {
            action_index.insert(
                format!("{}:{}", s.prefix, a.name).to_lowercase(),
                (sorted_position[i], j),
            );
        }
    }
    for s in &services {
        let mut names = HashMap::new();
        for (name, _, _) in &s.resource_types {
            if names.insert(name.to_lowercase(), ()).is_some() {
                return Err(format!("`{}` has two resource types `{name}`", s.prefix));
            }
        }
    }

    // Lower-cased key name → the key it finds, and the templates in the order tried.
    let mut key_index: HashMap<String, usize> = HashMap::new();
    let mut templates = Vec::new();
    for (i, k) in keys[..global_count].iter().enumerate() {
        key_index.insert(k.name.to_lowercase(), i);
        if k.pieces.len() > 1 {
            templates.push(i);
        }
    }
    for s in &services {
        let prefix = s.prefix.to_lowercase();
        for &i in &s.keys {
            let lower = keys[i].name.to_lowercase();
            let owned = lower.split_once(':').is_some_and(|(p, _)| p == prefix);
            match key_index.get(&lower) {
                None => {
                    key_index.insert(lower, i);
                    if keys[i].pieces.len() > 1 {
                        templates.push(i);
                    }
                }
                Some(&existing) if owned && !keys[existing].global => {
                    key_index.insert(lower, i);
                }
                Some(_) => {}
            }
        }
    }
    let key_index: BTreeMap<String, usize> = key_index.into_iter().collect();

    let mut out = String::new();
    out.push_str("// @generated by encodings/build/tables.rs from data/service-data.json and\n");
    out.push_str("// data/global-condition-keys.json: do not edit.\n\n");
    let text = |v: &Value, name: &str| -> Result<String, String> {
        Ok(format!("{:?}", string(field(v, name)?, name)?))
    };
    let _ = writeln!(
        out,
        "static SOURCE: DataSource = DataSource {{ package: {}, version: {}, license: {}, data_updated_at: {} }};",
        text(source, "package")?,
        text(source, "version")?,
        text(source, "license")?,
        match source.get("dataUpdatedAt").and_then(Value::as_str) {
            Some(d) => format!("Some({d:?})"),
            None => "None".into(),
        }
    );
    let _ = writeln!(out, "static KEYS: [KeyInfo; {}] = [", keys.len());
    for k in &keys {
        let _ = writeln!(
            out,
            "KeyInfo {{ name: {:?}, key_type: KeyType::{}, alt_type: {}, multivalued: {}, global: {}, pieces: &{:?} }},",
            k.name,
            k.key_type,
            k.alt_type.map_or("None".into(), |t| format!("Some(KeyType::{t})")),
            k.multivalued,
            k.global,
            k.pieces
        );
    }
    out.push_str("];\n");
    let mut strings = String::new();
    let mut key_refs: Vec<usize> = Vec::new();
    let mut action_resources = String::new();
    let mut action_resource_count = 0;
    // `start..end` of the rows just added.
    let rows = |start: usize, end: usize| format!("Rows {{ start: {start}, end: {end} }}");
    for (i, s) in services.iter().enumerate() {
        let _ = writeln!(
            out,
            "static RT_{i}: [ResourceType; {}] = [",
            s.resource_types.len()
        );
        for (name, arn, ks) in &s.resource_types {
            let _ = writeln!(
                out,
                "ResourceType {{ service: {:?}, name: {name:?}, arn_format: {arn:?}, condition_keys: {} }},",
                s.prefix,
                key_list(ks)
            );
        }
        out.push_str("];\n");
        let service = sorted_position[i];
        let _ = writeln!(out, "static AC_{i}: [Action; {}] = [", s.actions.len());
        for a in &s.actions {
            let resources_start = action_resource_count;
            for (r, required, ks) in &a.resources {
                let keys_start = key_refs.len();
                key_refs.extend(ks);
                let _ = writeln!(
                    action_resources,
                    "ActionResource {{ service: {service}, index: {r}, required: {required}, keys: {} }},",
                    rows(keys_start, key_refs.len())
                );
                action_resource_count += 1;
            }
            let keys_start = key_refs.len();
            key_refs.extend(&a.keys);
            let id_start = strings.len();
            let _ = write!(strings, "{}:{}", s.prefix, a.name);
            let _ = writeln!(
                out,
                "Action {{ service: {service}, id: {}, name_at: {}, level: {}, resources: {}, keys: {} }},",
                rows(id_start, strings.len()),
                s.prefix.len() + 1,
                a.level,
                rows(resources_start, action_resource_count),
                rows(keys_start, key_refs.len())
            );
        }
        out.push_str("];\n");
    }
    let _ = writeln!(out, "static STRINGS: &str = {strings:?};");
    // The same ids lower-cased (ASCII: same lengths, same positions), for the lookups.
    let _ = writeln!(
        out,
        "static LOWER_STRINGS: &str = {:?};",
        strings.to_ascii_lowercase()
    );
    let _ = writeln!(out, "static LEVELS: [&str; {}] = {levels:?};", levels.len());
    let _ = writeln!(
        out,
        "static ACTION_RESOURCES: [ActionResource; {action_resource_count}] = [\n{action_resources}];"
    );
    let _ = writeln!(out, "static KEY_REFS: [u16; {}] = [", key_refs.len());
    for i in &key_refs {
        let _ = write!(out, "{i}, ");
    }
    out.push_str("\n];\n");
    let _ = writeln!(out, "static SERVICES: [Service; {}] = [", services.len());
    for &i in &order {
        let s = &services[i];
        let _ = writeln!(
            out,
            "Service {{ prefix: {:?}, name: {:?}, resource_types: &RT_{i}, actions: &AC_{i}, condition_keys: {} }},",
            s.prefix,
            s.name,
            key_list(&s.keys)
        );
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "static ACTION_INDEX: [(u16, u16); {}] = [",
        action_index.len()
    );
    for (s, a) in action_index.values() {
        let _ = write!(out, "({s}, {a}), ");
    }
    out.push_str("\n];\n");
    let _ = writeln!(out, "static KEY_INDEX: [u16; {}] = [", key_index.len());
    for i in key_index.values() {
        let _ = write!(out, "{i}, ");
    }
    out.push_str("\n];\n");
    let _ = writeln!(out, "static KEY_TEMPLATES: [u16; {}] = [", templates.len());
    for i in &templates {
        let _ = write!(out, "{i}, ");
    }
    out.push_str("\n];\n");
    let wide = |n: usize| n > usize::from(u16::MAX);
    if wide(keys.len())
        || wide(services.len())
        || services.iter().any(|s| {
            wide(s.actions.len()) || wide(s.resource_types.len()) || wide(s.prefix.len() + 1)
        })
        || u32::try_from(strings.len().max(key_refs.len()).max(action_resource_count)).is_err()
        || levels.len() > usize::from(u8::MAX)
    {
        return Err("the tables are too large for their position types".into());
    }
    Ok(out)
}

/// `&[&KEYS[i], …]`.
fn key_list(keys: &[usize]) -> String {
    let refs: Vec<String> = keys.iter().map(|i| format!("&KEYS[{i}]")).collect();
    format!("&[{}]", refs.join(", "))
}

/// The lookups compare names by lower-casing ASCII only, which equals full lower-casing only
/// on ASCII text.
fn check_ascii(keys: &[Key], services: &[Service]) -> Result<(), String> {
    let names = keys
        .iter()
        .map(|k| k.name.as_str())
        .chain(services.iter().flat_map(|s| {
            std::iter::once(s.prefix.as_str())
                .chain(s.actions.iter().map(|a| a.name.as_str()))
                .chain(s.resource_types.iter().map(|r| r.0.as_str()))
        }));
    for name in names {
        if !name.is_ascii() {
            return Err(format!("`{name}` is not ASCII"));
        }
    }
    Ok(())
}

/// The variant name of a SAR type, and whether it is an `ArrayOf…` type.
fn key_type(name: &str) -> Option<(&'static str, bool)> {
    match name.strip_prefix("ArrayOf") {
        Some(base) => Some((key_type_of(base)?, true)),
        None => Some((key_type_of(name)?, false)),
    }
}

fn key_type_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "String" => "String",
        "ARN" => "Arn",
        "Numeric" => "Numeric",
        "Date" => "Date",
        "Bool" | "Boolean" => "Bool",
        "IPAddress" => "IpAddress",
        "Binary" => "Binary",
        _ => return None,
    })
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

fn field<'a>(value: &'a Value, name: &str) -> Result<&'a Value, String> {
    value.get(name).ok_or_else(|| format!("missing `{name}`"))
}

fn string<'a>(value: &'a Value, what: &str) -> Result<&'a str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("`{what}` is not a string"))
}

fn array<'a>(value: &'a Value, what: &str) -> Result<&'a [Value], String> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| format!("`{what}` is not an array"))
}

fn index(value: &Value, len: usize, what: &str) -> Result<usize, String> {
    value
        .as_u64()
        .and_then(|i| usize::try_from(i).ok())
        .filter(|&i| i < len)
        .ok_or_else(|| format!("`{what}` is not an index below {len}"))
}

/// Element `i` of a compact row.
fn item(row: &[Value], i: usize) -> Result<&Value, String> {
    row.get(i)
        .ok_or_else(|| format!("a row has no element {i}"))
}

/// Element `i` of a compact row, or an empty list when a trailing empty list was left out.
fn optional_list(row: &[Value], i: usize) -> Result<&[Value], String> {
    match row.get(i) {
        Some(value) => array(value, "row element"),
        None => Ok(&[]),
    }
}
