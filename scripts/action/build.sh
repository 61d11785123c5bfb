#!/usr/bin/env bash
# Step 2 of action.yml: build the release binary unless the cache restored it, and put it on
# the PATH of the following steps. The build is the documented one (docs/ci.md).
set -euo pipefail
: "${GITHUB_ACTION_PATH:?}" "${BIN_DIR:?}" "${GITHUB_PATH:?}"

if [ "${CACHE_HIT:-}" != "true" ] || [ ! -x "$BIN_DIR/airtight" ]; then
  cargo build --release --locked -p airtight-analyzer --manifest-path "$GITHUB_ACTION_PATH/Cargo.toml"
  target_dir=$(cd "$GITHUB_ACTION_PATH" && cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  mkdir -p "$BIN_DIR"
  cp "${target_dir:-$GITHUB_ACTION_PATH/target}/release/airtight" "$BIN_DIR/airtight"
fi
"$BIN_DIR/airtight" --version
echo "$BIN_DIR" >>"$GITHUB_PATH"
