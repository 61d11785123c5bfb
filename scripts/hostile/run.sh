#!/usr/bin/env bash
# Runs the built CLI on the hostile inputs of issue 15 (scripts/hostile/generate.py) under a
# 4 GB address-space cap, as the tester did, and prints one row per run: exit code, wall time,
# peak RSS (from /usr/bin/time -v) and the answer's reason.
#
#   scripts/hostile/run.sh [AIRTIGHT_BINARY] [TIMEOUT_SECONDS]
#
# Defaults: target/release/airtight (build it with `cargo build --release`) and 5. Every run
# should end within the timeout plus 10 %, under 1 GB, with exit 3 and a reason naming the
# stage. A run still going after 150 s is killed (exit 137).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/target/release/airtight}
timeout=${2:-5}
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/scripts/hostile/generate.py" "$work"
cd "$work" || exit 2

run() {
    local name=$1; shift
    ( ulimit -v 4194304; /usr/bin/time -v -o "$name.time" timeout -s KILL 150 "$bin" "$@" \
        --timeout "$timeout" >"$name.out" 2>"$name.err" )
    local rc=$?
    local wall rss reason
    wall=$(grep 'Elapsed (wall' "$name.time" | awk '{print $NF}')
    rss=$(grep 'Maximum resident' "$name.time" | awk '{print $NF}')
    reason=$( (grep -ho 'no answer: .*\|"reason": ".*"\|memory allocation.*\|overflowed.*' "$name.out" "$name.err" || true) | head -1)
    printf '%-18s exit %-3s %8s  %5d MB  %s\n' "$name" "$rc" "$wall" "$((rss / 1024))" "$reason"
}

echo "binary: $bin; --timeout $timeout; ulimit -v 4 GB"
run infix-equiv       equiv infix_old.json infix_new.json
run infix-no-new      no-new-access infix_old.json infix_new.json
run infix-can         can --identity infix_old.json --action s3:GetObject --resource 'arn:aws:s3:::*team7*/*data*'
run infix-never       never --identity infix_old.json --action s3:DeleteObject --resource 'arn:aws:s3:::*secret*/*'
run infix-diff        diff infix_old.json infix_new.json --format json
run actions-equiv     equiv actions_old.json actions_new.json
run notaction-equiv   equiv notaction_old.json notaction_new.json
run actions-diff      diff actions_old.json actions_new.json --format json
run fav500-equiv      equiv fav500_old.json fav500_new.json
run keys-equiv        equiv keys_old.json keys_new.json
run mixed-equiv       equiv mixed_old.json mixed_new.json
run long10000-equiv   equiv long10000_old.json long10000_new.json
run long40000-equiv   equiv long40000_old.json long40000_new.json
run lit10000-equiv    equiv lit10000_old.json lit10000_new.json
run lit40000-equiv    equiv lit40000_old.json lit40000_new.json
run longres-equiv     equiv longres_old.json longres_new.json
run favlike-equiv     equiv favlike_old.json favlike_new.json
