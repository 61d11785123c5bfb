#!/usr/bin/env bash
# Step 3 of action.yml: run `airtight lint` and/or `airtight diff` in the checked-out
# repository. Annotations go to the log (--format github); SARIF and Markdown reports go to a
# folder whose paths are step outputs; exit codes are outputs too, so that the SARIF upload and
# the comment happen before the last step fails the job.
set -uo pipefail
: "${GITHUB_OUTPUT:?}"
airtight="${BIN_DIR:+$BIN_DIR/}airtight"
command="${INPUT_COMMAND:-both}"
reports="${RUNNER_TEMP:-/tmp}/airtight-reports"
mkdir -p "$reports"
echo "report-dir=$reports" >>"$GITHUB_OUTPUT"

case "$command" in
  lint | diff | both) ;;
  *)
    echo "::error title=airtight::input command must be lint, diff or both, not '$command'"
    exit 2
    ;;
esac

if [ "$command" = lint ] || [ "$command" = both ]; then
  shopt -s globstar nullglob
  # The input is a list of globs: word splitting and glob expansion are intended (a file name
  # that a glob matches stays one word, whatever it holds).
  # shellcheck disable=SC2206
  files=(${INPUT_LINT_FILES:-**/*.policy.json})
  shopt -u nullglob
  if [ "${#files[@]}" -eq 0 ]; then
    echo "::notice title=airtight::no policy file matches '${INPUT_LINT_FILES:-}'; lint skipped"
    echo "lint-exit=0" >>"$GITHUB_OUTPUT"
  else
    args=(lint --format github --output "sarif=$reports/lint.sarif" --output "markdown=$reports/lint.md")
    [ -n "${INPUT_LINT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_LINT_FAIL_ON")
    "$airtight" "${args[@]}" -- "${files[@]}"
    status=$?
    echo "lint-exit=$status" >>"$GITHUB_OUTPUT"
    [ -f "$reports/lint.sarif" ] && echo "lint-sarif=$reports/lint.sarif" >>"$GITHUB_OUTPUT"
  fi
fi

if [ "$command" = diff ] || [ "$command" = both ]; then
  base="${INPUT_DIFF_BASE:-${PR_BASE_SHA:-}}"
  if [ -z "$base" ]; then
    base="HEAD^"
  fi
  args=(diff --git "$base..HEAD" --format github --output "sarif=$reports/diff.sarif" --output "markdown=$reports/diff.md")
  [ -n "${INPUT_DIFF_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_DIFF_FAIL_ON")
  # shellcheck disable=SC2206
  paths=(${INPUT_DIFF_PATHS:-})
  "$airtight" "${args[@]}" -- "${paths[@]}"
  status=$?
  echo "diff-exit=$status" >>"$GITHUB_OUTPUT"
  [ -f "$reports/diff.sarif" ] && echo "diff-sarif=$reports/diff.sarif" >>"$GITHUB_OUTPUT"
fi
exit 0
