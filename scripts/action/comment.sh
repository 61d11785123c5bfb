#!/usr/bin/env bash
# Step 4 of action.yml: one sticky pull-request comment. The body is the Markdown reports of
# step 3 under a marker line; the comment that starts with the marker is updated (PATCH), or
# one is created (POST), through `gh api` with GH_TOKEN.
set -euo pipefail
: "${REPOSITORY:?}" "${PR_NUMBER:?}" "${REPORT_DIR:?}"
marker='<!-- airtight-action -->'
body="$REPORT_DIR/comment.md"
{
  echo "$marker"
  for part in lint diff; do
    if [ -f "$REPORT_DIR/$part.md" ]; then
      cat "$REPORT_DIR/$part.md"
      echo
    fi
  done
} >"$body"

existing=$(gh api --paginate "repos/$REPOSITORY/issues/$PR_NUMBER/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$REPOSITORY/issues/comments/$existing" -F "body=@$body" >/dev/null
  echo "updated comment $existing"
else
  gh api --method POST "repos/$REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$body" >/dev/null
  echo "created a comment"
fi
