#!/usr/bin/env bash
# EXTRA_CMD for the peers' load-balancer harness (shared/peers/lb/run.sh): a fleet's front load
# balancer (`baton fleet lb`) in front of the harness's two backends, one target each.
# run.sh exports BACKEND_1/BACKEND_2 (host:port); bench/proxy.ts --fleet exports
# BATON_BENCH_DIR (scratch directory) and BATON_BENCH_PORT. `baton fleet lb` is exec'd, so
# run.sh stops it by PID at the end. The targets' connections are never used by `fleet lb`.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${BATON_BENCH_DIR:?set by bench/proxy.ts}"
PORT="${BATON_BENCH_PORT:-18200}"
target() { printf '  - {name: %s, connection: {server: "http://127.0.0.1:1"}, service: {host: %s, port: %s}}\n' "$1" "${2%:*}" "${2##*:}"; }
touch "$DIR/deploy.yaml"
cat >"$DIR/fleet.yaml" <<YAML
apiVersion: baton.dev/v1
kind: Fleet
metadata: {name: bench}
spec:
  manifests: [deploy.yaml]
  targets:
$(target b1 "$BACKEND_1")
$(target b2 "$BACKEND_2")
  frontLoadBalancer:
    listen: {host: 127.0.0.1, port: $PORT}
    healthCheck: {path: /healthz, intervalSeconds: 2}
  windowSize: 1
YAML
exec node "$HERE/../bin/baton.mjs" fleet lb -f "$DIR/fleet.yaml" --state-dir "$DIR/state"
