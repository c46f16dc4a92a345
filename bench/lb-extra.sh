#!/usr/bin/env bash
# EXTRA_CMD for the peers' load-balancer harness (shared/peers/lb/run.sh): Baton's proxy in
# front of the harness's two backends. run.sh exports BACKEND_1/BACKEND_2 (host:port);
# bench/proxy.ts exports BATON_BENCH_DIR (scratch data dir), BATON_BENCH_PORT and
# BATON_PROXY_ARGS. The proxy is exec'd, so run.sh stops it by PID at the end.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${BATON_BENCH_DIR:?set by bench/proxy.ts}"
PORT="${BATON_BENCH_PORT:-18200}"
backend() { printf '{"podUid":"%s","podName":"%s","revision":"bench","host":"%s","port":%s}' "$1" "$1" "${2%:*}" "${2##*:}"; }
cat >"$DIR/routes.json" <<JSON
{"routes":[{"namespace":"default","service":"bench","listen":{"host":"127.0.0.1","port":$PORT},"mode":"http",
"backends":[$(backend pod-1 "$BACKEND_1"),$(backend pod-2 "$BACKEND_2")]}]}
JSON
# shellcheck disable=SC2086
exec node "$HERE/../src/proxy/main.ts" --data-dir "$DIR" --routes "$DIR/routes.json" ${BATON_PROXY_ARGS:-}
