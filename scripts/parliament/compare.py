"""Builds the parliament-vs-airtight table of docs/parliament-comparison.md.

Usage: compare.py PARLIAMENT.jsonl AIRTIGHT.json SERVICE-DATA.json

PARLIAMENT.jsonl is run_parliament.py's output, AIRTIGHT.json `airtight lint --format json`'s
over the same files, SERVICE-DATA.json airtight's `encodings/data/service-data.json`. Each
parliament issue is mapped to the airtight rules that cover it; a parliament finding counts as
*also found* when airtight reports one of those rules in the same file. Findings airtight does
not report are classified automatically where the service data decides (an action parliament
calls unknown that AWS defines today is a false positive of parliament's older data); the rest
are listed for triage. Prints Markdown.
"""

import collections
import json
import re
import sys

# parliament issue -> airtight rule ids that report the same problem.
COVERS = {
    "UNKNOWN_PREFIX": {"unknown-service"},
    "UNKNOWN_ACTION": {"unknown-action", "lambda-unknown-action", "action-pattern-matches-nothing"},
    "UNKNOWN_CONDITION_FOR_ACTION": {"condition-key-not-supported", "unknown-condition-key"},
    "MISMATCHED_TYPE": {"condition-type-mismatch", "json-syntax", "invalid-value"},
    "MISMATCHED_TYPE_BUT_USABLE": {"condition-type-mismatch"},
    "MISMATCHED_TYPE_OPERATION_TO_NULL": {"condition-type-mismatch"},
    "RESOURCE_MISMATCH": {"action-matches-no-resource", "resource-matches-no-action"},
    "MALFORMED_JSON": {"json-syntax", "duplicate-key", "invalid-utf8", "not-a-policy"},
    "MALFORMED": {"missing-effect", "missing-action", "missing-resource", "unknown-element",
                  "wrong-type", "invalid-effect", "conflicting-elements", "not-a-policy",
                  "json-syntax", "missing-principal"},
    "INVALID_ARN": {"not-an-arn", "short-arn", "resource-matches-no-action"},
    "NO_VERSION": set(),
    "OLD_VERSION": set(),
    "INVALID_VERSION": {"invalid-version"},
    "UNKNOWN_OPERATOR": {"unknown-operator"},
    "UNKNOWN_PRINCIPAL": {"unknown-principal-type", "wildcard-principal"},
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


def main(parl_path, ours_path, data_path):
    data = json.load(open(data_path))
    actions = set()
    for prefix, svc in data["services"].items():
        for a in svc["actions"]:
            actions.add(f"{prefix}:{a[0]}".lower())
    prefixes = {p.lower() for p in data["services"]}

    parl = [json.loads(l) for l in open(parl_path) if l.strip()]
    ours = json.load(open(ours_path))["findings"]
    ours_by_file = collections.defaultdict(set)
    for f in ours:
        ours_by_file[f["file"]].add(f["rule"])

    rows = collections.OrderedDict()
    triage = collections.defaultdict(list)
    for f in parl:
        issue = f["issue"]
        row = rows.setdefault(issue, collections.Counter())
        row["parliament"] += 1
        found = ours_by_file.get(f["file"], set())
        if COVERS.get(issue, set()) & found:
            row["also airtight"] += 1
            continue
        detail = f["detail"]
        if issue in ADVICE:
            row["advice (not reported by design)"] += 1
        elif issue == "UNKNOWN_ACTION":
            named = re.findall(r"[\w-]+:[\w*]+", detail)
            if named and all(n.lower() in actions or "*" in n for n in named):
                row["parliament's data is older"] += 1
            else:
                row["to triage"] += 1
                triage[issue].append(f)
        elif issue == "UNKNOWN_PREFIX":
            named = re.findall(r"Unknown prefix ([\w-]+)", detail) or re.findall(r"([\w-]+):", detail)
            if named and all(n.lower() in prefixes for n in named):
                row["parliament's data is older"] += 1
            else:
                row["to triage"] += 1
                triage[issue].append(f)
        else:
            row["to triage"] += 1
            triage[issue].append(f)

    ours_rules = collections.Counter(f["rule"] for f in ours)
    print("| parliament issue | parliament | also airtight | parliament's data is older | advice (not reported by design) | to triage |")
    print("|---|---:|---:|---:|---:|---:|")
    for issue, c in sorted(rows.items(), key=lambda kv: -kv[1]["parliament"]):
        print(f"| `{issue}` | {c['parliament']} | {c['also airtight']} | {c[\"parliament's data is older\"]} "
              f"| {c['advice (not reported by design)']} | {c['to triage']} |")
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
            key = (folder(f["file"]), f["detail"][:160])
            seen[key] += 1
        for (fold, detail), n in seen.most_common(25):
            print(f"- {n} × {fold}: {detail}")
        print()


if __name__ == "__main__":
    main(*sys.argv[1:4])
