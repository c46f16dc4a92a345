#!/usr/bin/env bash
# Rolling update vs Docker Swarm in one session: Baton's run (bench/rollout-vs-swarm.ts),
# then the peers' Swarm harness with the matching scenarios on a private dockerd of
# .ci/dockerd.sh (stopped and removed at the end; bench/swarm-peer.ts makes swarm's
# docker_gwbridge and removes it, which swarm leave would keep on the host), then the table.
#
#   bench/rollout-vs-swarm.sh                 # Baton 3 reps, Swarm 1 rep: ~8 + ~5 min
#   REPS=3 SWARM_REPS=3 bench/rollout-vs-swarm.sh
#
# Results go to $OUT (default: a new temp dir): baton.jsonl, swarm.jsonl, table.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shared/peers beside the main checkout (bench/shared-dir.ts): from a git worktree, found
# through git's common directory, <main>/.git.
peers="${PEERS:-$here/../../shared/peers}"
if [ -z "${PEERS:-}" ] && [ ! -d "$peers" ]; then
  common="$(git -C "$here" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
  if [ -n "$common" ]; then peers="$(dirname "$common")/../shared/peers"; fi
fi
out="${OUT:-$(mktemp -d -t rollout-vs-swarm-XXXXXX)}"
mkdir -p "$out"
echo "results in $out" >&2

node "$here/rollout-vs-swarm.ts" --reps "${REPS:-3}" --peers "$peers" --results "$out/baton.jsonl" >/dev/null
bash "$here/../.ci/dockerd.sh" -- node "$here/swarm-peer.ts" --peers "$peers" --results "$out/swarm.jsonl" \
  --scenarios start-first-hc,default --reps "${SWARM_REPS:-1}" >/dev/null
node "$here/rollout-vs-swarm.ts" --from "$out/baton.jsonl" --swarm "$out/swarm.jsonl" | tee "$out/table.md"
