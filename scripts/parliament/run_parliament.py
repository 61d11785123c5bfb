"""Runs parliament (duo-labs/parliament, from PyPI) over policy files and prints one JSON object
per finding, one per line: {"file", "issue", "severity", "detail", "location"}.

Usage: run_parliament.py FILE...  (run with the virtualenv's python; see compare.sh)

`aws iam get-policy-version` output (`{"PolicyVersion": {"Document": ...}}`) is unwrapped first,
as parliament's own `--aws-managed-policies` mode does. A file that parliament cannot analyse at
all is reported as one finding with issue `EXCEPTION`.
"""

import json
import sys

import parliament
from parliament import analyze_policy_string
from parliament.cli import is_finding_filtered
from parliament.misc import make_list  # noqa: F401 (imported so that a broken install fails early)


def document(text):
    """The policy text parliament should read: the document of a wrapper, else the text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, dict) and "Statement" not in value:
        wrapped = value.get("PolicyVersion", {})
        if isinstance(wrapped, dict) and isinstance(wrapped.get("Document"), (dict, str)):
            doc = wrapped["Document"]
            return doc if isinstance(doc, str) else json.dumps(doc)
    return text


def main(paths):
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            print(json.dumps({"file": path, "issue": "EXCEPTION", "severity": "CRITICAL",
                              "detail": str(e), "location": {}}))
            continue
        try:
            policy = analyze_policy_string(document(text), path, config=parliament.config)
            findings = policy.findings
        except Exception as e:  # parliament raises on some inputs; record and go on.
            print(json.dumps({"file": path, "issue": "EXCEPTION", "severity": "CRITICAL",
                              "detail": repr(e), "location": {}}))
            continue
        for finding in findings:
            finding = parliament.cli.enhance_finding(finding)
            if is_finding_filtered(finding, "LOW"):
                continue
            print(json.dumps({
                "file": path,
                "issue": finding.issue,
                "severity": finding.severity,
                "detail": finding.detail if isinstance(finding.detail, str) else repr(finding.detail),
                "location": {k: str(v) for k, v in (finding.location or {}).items()},
            }))


if __name__ == "__main__":
    main(sys.argv[1:])
