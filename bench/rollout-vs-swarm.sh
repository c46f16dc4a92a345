#!/usr/bin/env bash
# Rolling update vs Docker Swarm in one session: Baton's run (bench/rollout-vs-swarm.ts),
# then the peers' Swarm harness with the matching scenarios (it installs docker.io and runs
# its own private dockerd, stopped again at the end), then the comparison table.
#
#   bench/rollout-vs-swarm.sh                 # Baton 3 reps, Swarm 1 rep: ~8 + ~5 min
#   REPS=3 SWARM_REPS=3 bench/rollout-vs-swarm.sh
#
# Results go to $OUT (default: a new temp dir): baton.jsonl, swarm.jsonl, table.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
peers="${PEERS:-$here/../../shared/peers}"
out="${OUT:-$(mktemp -d -t rollout-vs-swarm-XXXXXX)}"
mkdir -p "$out"
echo "results in $out" >&2

node "$here/rollout-vs-swarm.ts" --reps "${REPS:-3}" --peers "$peers" --results "$out/baton.jsonl" >/dev/null
RESULTS_FILE="$out/swarm.jsonl" SCENARIOS=start-first-hc,default REPS="${SWARM_REPS:-1}" \
  bash "$peers/swarm/run.sh" >/dev/null
node "$here/rollout-vs-swarm.ts" --from "$out/baton.jsonl" --swarm "$out/swarm.jsonl" | tee "$out/table.md"
