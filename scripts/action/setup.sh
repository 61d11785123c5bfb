#!/usr/bin/env bash
# Step 1 of action.yml: make sure libz3 is installed, and say where the airtight binary is
# cached and under which key (the airtight version and a hash of Cargo.lock, so a release or a
# dependency change builds a new binary).
set -euo pipefail
: "${GITHUB_ACTION_PATH:?}" "${GITHUB_OUTPUT:?}"

if ! dpkg -s libz3-dev >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo apt-get install -y -qq libz3-dev
fi

version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1)
lock=$(sha256sum "$GITHUB_ACTION_PATH/Cargo.lock" | cut -c1-16)
{
  echo "key=airtight-${RUNNER_OS_NAME:-Linux}-${version}-${lock}"
  echo "bin-dir=${RUNNER_TEMP:-/tmp}/airtight-bin"
} >>"$GITHUB_OUTPUT"
