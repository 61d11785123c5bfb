"""Builds the parliament-vs-airtight table of docs/parliament-comparison.md.

Usage: compare.py PARLIAMENT.jsonl AIRTIGHT.json SERVICE-DATA.json CORPUS

PARLIAMENT.jsonl is run_parliament.py's output, AIRTIGHT.json `airtight lint --format json`'s
over the same files, SERVICE-DATA.json airtight's `encodings/data/service-data.json`. Each
parliament issue is mapped to the airtight rules that cover it; a parliament finding counts as
*also found* when airtight reports one of those rules in the same file. Findings airtight does
not report are classified automatically where the service data decides (an action parliament
calls unknown that AWS defines today is a false positive of parliament's older data); the rest
are listed for triage. Prints Markdown.
"""

import collections
import functools
import json
import re
import sys

# parliament issue -> airtight rule ids that report the same problem.
COVERS = {
    "UNKNOWN_PREFIX": {"unknown-service"},
    "UNKNOWN_ACTION": {"unknown-action", "lambda-unknown-action", "action-pattern-matches-nothing"},
    "UNKNOWN_CONDITION_FOR_ACTION": {"condition-key-not-supported", "unknown-condition-key"},
    "MISMATCHED_TYPE": {"condition-type-mismatch", "json-syntax", "malformed-value"},
    "MISMATCHED_TYPE_BUT_USABLE": {"condition-type-mismatch"},
    "MISMATCHED_TYPE_OPERATION_TO_NULL": {"condition-type-mismatch"},
    "RESOURCE_MISMATCH": {"action-matches-no-resource", "resource-matches-no-action"},
    "MALFORMED_JSON": {"json-syntax", "json-empty", "duplicate-key", "invalid-utf8", "not-a-policy"},
    "MALFORMED": {"missing-effect", "missing-action", "missing-resource", "unknown-element",
                  "wrong-type", "invalid-effect", "conflicting-elements", "not-a-policy",
                  "json-syntax", "missing-principal"},
    "INVALID_ARN": {"malformed-arn", "not-an-arn", "short-arn", "resource-matches-no-action"},
    "NO_VERSION": set(),
    "OLD_VERSION": set(),
    "INVALID_VERSION": {"invalid-version"},
    "UNKNOWN_OPERATOR": {"unknown-operator"},
    "UNKNOWN_PRINCIPAL": {"malformed-arn", "unknown-principal-type", "wildcard-principal", "wrong-type"},
    "UNKNOWN_FEDERATION_SOURCE": set(),
    "DUPLICATE_SID": {"duplicate-sid"},
    "INVALID_SID": set(),
    "RESOURCE_STAR": set(),
    "RESOURCE_EFFECTIVELY_STAR": set(),
    "RESOURCE_POLICY_PRIVILEGE_ESCALATION": set(),
    "BAD_PATTERN_FOR_MFA": set(),
    "EXCEPTION": set(),
}

# Issues that are advice, not a mistake in the policy, and that airtight deliberately does
# not report (see the comparison page for why).
ADVICE = {"RESOURCE_STAR", "RESOURCE_EFFECTIVELY_STAR", "NO_VERSION", "OLD_VERSION",
          "INVALID_SID", "RESOURCE_POLICY_PRIVILEGE_ESCALATION", "UNKNOWN_FEDERATION_SOURCE"}


def folder(path):
    return path.split("/")[0] if "/" in path else path


def key_regex(name):
    """A key name with placeholders (`aws:RequestTag/${TagKey}`) as a regex, ignoring case."""
    parts = re.split(r"\$\{[^}]*\}|<[^>]*>", name.lower())
    return re.compile("^" + ".+?".join(re.escape(x) for x in parts) + "$")


@functools.lru_cache(maxsize=None)
def cached_key_regex(name):
    return key_regex(name)


class Data:
    """airtight's service data, as far as the triage needs it: actions, the keys each action
    supports (for itself and its resource types), the global keys."""

    def __init__(self, data_path, globals_path):
        data = json.load(open(data_path))
        keys = [k[0] for k in data["conditionKeys"]]
        self.prefixes = {p.lower() for p in data["services"]}
        self.actions = {}  # "svc:action" (lower) -> set of key names (lower, may be templates)
        self.formats = {}  # "svc:action" (lower) -> ARN formats of its resource types
        for prefix, svc in data["services"].items():
            rtypes = svc["resourceTypes"]
            for row in svc["actions"]:
                supported = {keys[i].lower() for i in (row[3] if len(row) > 3 else [])}
                formats = []
                for r in row[2] if len(row) > 2 else []:
                    if len(r) > 2:
                        supported |= {keys[i].lower() for i in r[2]}
                    rt = rtypes[r[0]]
                    formats.append(rt[1])
                    supported |= {keys[i].lower() for i in (rt[2] if len(rt) > 2 else [])}
                self.actions[f"{prefix}:{row[0]}".lower()] = supported
                self.formats[f"{prefix}:{row[0]}".lower()] = formats
        self.globals = [key_regex(k["name"]) for k in json.load(open(globals_path))["keys"]]

    def is_global(self, key):
        key = key.lower()
        return key.startswith("aws:") or any(r.match(key) for r in self.globals)

    @functools.lru_cache(maxsize=None)
    def expand(self, pattern):
        rx = re.compile("^" + re.escape(pattern.lower()).replace(r"\*", ".*").replace(r"\?", ".") + "$")
        return [a for a in self.actions if rx.match(a)]

    def supports(self, action, key):
        key = key.lower()
        return any(cached_key_regex(k).match(key) for k in self.actions.get(action, ()))


def glob_rx(pattern):
    """A Resource pattern (`*`, `?`, policy variables as any text) as a regex."""
    out = ""
    for part in re.split(r"(\$\{[^}]*\}|\*|\?)", pattern):
        out += ".*" if part in ("*",) or part.startswith("${") else "." if part == "?" else re.escape(part)
    return re.compile("^" + out + "$", re.S)


def fmt_rx(fmt):
    """An ARN format's placeholders as non-empty text."""
    return re.compile("^" + re.sub(r"\\\$\\\{[^}]*\\\}", ".+", re.escape(fmt)) + "$", re.S)


@functools.lru_cache(maxsize=None)
def fits(resource, fmt):
    """Whether a Resource pattern can name a resource of an ARN format, component by component
    (an approximation of airtight's glob intersection: each side instantiated in turn; an S3
    bucket takes no `/`)."""
    if resource == "*":
        return True
    if fmt.endswith(":::${BucketName}") and "/" in resource.split(":", 5)[-1]:
        return False
    r, f = resource.split(":", 5), fmt.split(":", 5)
    if len(r) < 6 or len(f) < 6:
        return False
    for i, (rc, fc) in enumerate(zip(r[:5], f[:5])):
        if "${" in fc:
            # airtight: a region is required, an account may be empty (AWS-owned resources).
            if rc == "" and i == 3:
                return False
        elif not glob_rx(rc).match(fc):
            return False
    r_instance = re.sub(r"\$\{[^}]*\}", "x", r[5]).replace("*", "x").replace("?", "x")
    f_instance = re.sub(r"\$\{[^}]*\}", "x", f[5])
    return bool(fmt_rx(f[5]).match(r_instance) or glob_rx(r[5]).match(f_instance))


@functools.lru_cache(maxsize=None)
def statements_cached(path):
    return statements(path)


def statements(path):
    """The statements of a policy file (wrappers unwrapped), or [] when it does not read."""
    try:
        doc = json.load(open(path))
    except (OSError, ValueError):
        return []
    if isinstance(doc, dict) and "PolicyVersion" in doc:
        doc = doc["PolicyVersion"].get("Document", {})
        if isinstance(doc, str):
            doc = json.loads(doc)
    st = doc.get("Statement", []) if isinstance(doc, dict) else []
    return st if isinstance(st, list) else [st]


def as_list(v):
    return v if isinstance(v, list) else [v] if v is not None else []


def condition_keys(stmt):
    out = set()
    for op in (stmt.get("Condition") or {}).values():
        if isinstance(op, dict):
            out |= {k.lower() for k in op}
    return out


def classify(f, issue, data, corpus):
    """Why airtight does not report a parliament finding, when the data or the policy decides;
    None when a person must look."""
    detail = f["detail"]
    path = f"{corpus}/{f['file']}"
    if issue in ADVICE:
        return "advice, not a mistake (not reported by design)"
    if issue == "EXCEPTION":
        return "parliament failed on the file"
    if issue == "UNKNOWN_ACTION":
        named = re.findall(r"[\w-]+:[\w*]+", detail)
        if named and all(n.lower() in data.actions or "*" in n for n in named):
            return "parliament's service data is older"
    if issue == "UNKNOWN_PREFIX":
        named = re.findall(r"Unknown prefix ([\w-]+)", detail) or re.findall(r"([\w-]+):", detail)
        if named and all(n.lower() in data.prefixes for n in named):
            return "parliament's service data is older"
    if issue == "UNKNOWN_CONDITION_FOR_ACTION":
        m = re.match(r"Unknown condition (\S+) for action (\S+)", detail)
        if m:
            key = m.group(1)
            if data.is_global(key):
                return "a global key (it applies to every action)"
            for st in statements(path):
                if key.lower() not in condition_keys(st) or "NotAction" in st:
                    continue
                acts = [a for e in as_list(st.get("Action")) for a in data.expand(str(e))]
                if any(data.supports(a, key) for a in acts):
                    return "other actions of the statement support the key (a pattern or a mixed list)"
    if issue == "RESOURCE_MISMATCH":
        listed = {a.lower() for a in re.findall(r"'action': '([^']+)'", detail)}
        reasons = set()
        for a in listed:
            for st in statements_cached(path):
                if "NotResource" in st:
                    reasons.add("the statement has NotResource, which parliament reads as Resource")
                    continue
                resources = [str(r) for r in as_list(st.get("Resource"))]
                entries = [str(e).lower() for e in as_list(st.get("Action"))]
                if not resources or "NotAction" in st or a not in {x for e in entries for x in data.expand(e)}:
                    continue
                if a not in entries:
                    reasons.add("the action comes from a pattern whose other actions fit the resources")
                elif any(fits(r, fmt) for r in resources for fmt in data.formats.get(a, [])):
                    reasons.add("the action acts on one of the statement's resources (by today's service data)")
                elif not data.formats.get(a) and "*" in resources:
                    reasons.add("the action acts on one of the statement's resources (by today's service data)")
                else:
                    return None
        if reasons:
            return " / ".join(sorted(reasons)) if len(reasons) == 1 else "the action comes from a pattern or acts on one of the statement's resources"
    if issue == "MALFORMED" and "neither Resource nor NotResource" in detail:
        sts = [st for st in statements(path) if "Resource" not in st and "NotResource" not in st]
        if sts and all("Principal" in st and all(str(a).lower().startswith("sts:")
                       for a in as_list(st.get("Action"))) for st in sts):
            return "a role trust policy, which has no Resource"
        if sts and all("Principal" in st and all(str(a).lower().startswith("ecr:")
                       for a in as_list(st.get("Action"))) for st in sts):
            return "an ECR repository policy, which has no Resource"
    if issue == "MALFORMED" and "unknown element" in detail:
        try:
            doc = json.load(open(path))
        except (OSError, ValueError):
            doc = {}
        if isinstance(doc, dict) and "Role" in doc:
            return "`aws iam get-role` output, which airtight reads (the trust policy inside)"
    if issue == "INVALID_ARN" and "Account expected" in detail:
        text = open(path).read()
        arns = re.findall(r"arn:[^\"]*", text)
        odd = [a for a in arns if len(a.split(":")) > 4 and not re.fullmatch(r"\d{12}|\*|", a.split(":")[4])]
        if odd and all(a.split(":")[4] == "aws" for a in odd):
            return "the account `aws` of AWS-owned resources"
    if issue == "UNKNOWN_PRINCIPAL" and ":assumed-role/" in detail:
        return "an assumed-role session ARN, a valid principal"
    if issue == "UNKNOWN_CONDITION_FOR_ACTION":
        m = re.match(r"Unknown condition (\S+) for action (\S+)", detail)
        if m and data.supports(m.group(2).lower(), m.group(1)):
            return "parliament's service data is older"
    if issue == "MISMATCHED_TYPE":
        m = re.match(r"Type mismatch: (\S+) requires a value of type (\w+) but given \['(.*)'\]$", detail)
        if m:
            t, v = m.group(2).lower(), m.group(3)
            if t == "numeric" and re.fullmatch(r"-?\d+(\.\d+)?", v):
                return "a valid value parliament misreads"
            if t == "date" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z", v):
                return "a valid value parliament misreads"
            if t == "arn" and v.startswith("arn:") and "*" in v:
                return "a pattern over an ARN key (StringLike), which is valid"
    if issue in ("MISMATCHED_TYPE", "MISMATCHED_TYPE_BUT_USABLE"):
        m = re.match(r"Type mismatch: (\w+) requires a value of type (\w+) but given (\w+)$", detail)
        if m and {m.group(2).lower(), m.group(3).lower()} == {"string", "arn"}:
            return "String and ARN operators compare the same text (not reported by design)"
    return None


def main(parl_path, ours_path, data_path, corpus=".", globals_path=None):
    globals_path = globals_path or data_path.replace("service-data.json", "global-condition-keys.json")
    data = Data(data_path, globals_path)
    parl = [json.loads(l) for l in open(parl_path) if l.strip()]
    # `xargs` may run airtight more than once: the file holds one JSON document per run.
    text = open(ours_path).read()
    decoder = json.JSONDecoder()
    ours, at = [], 0
    while at < len(text):
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            break
        doc, at = decoder.raw_decode(text, at)
        ours.extend(doc["findings"])
    ours_by_file = collections.defaultdict(set)
    for f in ours:
        ours_by_file[f["file"]].add(f["rule"])

    rows = collections.OrderedDict()
    reasons = collections.defaultdict(collections.Counter)
    triage = collections.defaultdict(list)
    for f in parl:
        issue = f["issue"]
        row = rows.setdefault(issue, collections.Counter())
        row["parliament"] += 1
        if COVERS.get(issue, set()) & ours_by_file.get(f["file"], set()):
            row["also airtight"] += 1
            continue
        why = classify(f, issue, data, corpus)
        if why:
            row[NOT] += 1
            reasons[issue][why] += 1
        else:
            row["to triage"] += 1
            triage[issue].append(f)

    ours_rules = collections.Counter(f["rule"] for f in ours)
    print("| parliament issue | parliament | also airtight | not a mistake / parliament's limits | to triage |")
    print("|---|---:|---:|---:|---:|")
    total = collections.Counter()
    for issue, c in sorted(rows.items(), key=lambda kv: -kv[1]["parliament"]):
        total.update(c)
        print(f"| `{issue}` | {c['parliament']} | {c['also airtight']} | {c[NOT]} | {c['to triage']} |")
    print(f"| **total** | {total['parliament']} | {total['also airtight']} | {total[NOT]} | {total['to triage']} |")
    print()
    print("Why parliament findings are not airtight findings:")
    print()
    print("| parliament issue | reason | findings |")
    print("|---|---|---:|")
    for issue, c in reasons.items():
        for why, n in c.most_common():
            print(f"| `{issue}` | {why} | {n} |")
    print()
    print("| airtight rule | findings |")
    print("|---|---:|")
    for rule, n in ours_rules.most_common():
        print(f"| `{rule}` | {n} |")
    print()
    for issue, items in triage.items():
        print(f"### To triage: `{issue}` ({len(items)})")
        print()
        seen = collections.Counter()
        for f in items:
            seen[(f["file"], f["detail"][:160])] += 1
        for (file, detail), n in seen.most_common(40):
            print(f"- {n} × `{file}`: {detail}")
        print()


NOT = "not a mistake / parliament's limits"


if __name__ == "__main__":
    main(*sys.argv[1:5])
