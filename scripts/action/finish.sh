#!/usr/bin/env bash
# Step 5 of action.yml: fail the job when lint or diff did not exit 0 (findings at or above
# --fail-on: 1; bad input: 2; an unknown answer: 3), after the reports were uploaded.
set -euo pipefail
status=0
for pair in "lint:${LINT_EXIT:-}" "diff:${DIFF_EXIT:-}"; do
  name=${pair%%:*}
  code=${pair#*:}
  if [ -n "$code" ] && [ "$code" != 0 ]; then
    echo "::error title=airtight::airtight $name exited with $code"
    status=1
  fi
done
exit "$status"
