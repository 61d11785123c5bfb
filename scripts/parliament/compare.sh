#!/usr/bin/env bash
# Runs parliament (from PyPI, in a virtualenv of its own: not a dependency of airtight) and
# `airtight lint` over the shared corpus, and prints the comparison table of
# docs/parliament-comparison.md.
#
# Usage: scripts/parliament/compare.sh [CORPUS] [OUT-DIR]
#   CORPUS   default ../shared/corpus (aws-managed, aws-docs, aws-samples, quacky samples)
#   OUT-DIR  default target/parliament (venv, raw outputs, table.md)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=$(cd "${1:-$root/../shared/corpus}" && pwd)
out=$(mkdir -p "${2:-$root/target/parliament}" && cd "${2:-$root/target/parliament}" && pwd)

if [ ! -x "$out/venv/bin/parliament" ]; then
  python3 -m venv "$out/venv"
  "$out/venv/bin/pip" install --quiet "parliament==1.6.4"
fi
cargo build --release --locked -p airtight-analyzer --manifest-path "$root/Cargo.toml"
airtight="$root/target/release/airtight"

cd "$corpus"
find aws-managed aws-docs/valid aws-samples quacky/samples -name '*.json' | sort >"$out/files.txt"
xargs -a "$out/files.txt" "$out/venv/bin/python" "$here/run_parliament.py" >"$out/parliament.jsonl"
# airtight exits 1 (findings) or 2 (some files do not parse): both are results here.
xargs -a "$out/files.txt" "$airtight" lint --format json >"$out/airtight.json" || true
python3 "$here/compare.py" "$out/parliament.jsonl" "$out/airtight.json" \
  "$root/encodings/data/service-data.json" "$corpus" | tee "$out/table.md"
