# Sourced by .ci/run (and usable from a developer shell): starts a PRIVATE Docker engine for the
# Docker runtime's tests and exports DOCKER_HOST for them. Everything it owns lives in one temp
# dir: data root, exec root, pid file and unix socket, so it never touches the machine's
# /var/run/docker.sock or /var/lib/docker, and stopping it (baton_dockerd_stop, or the EXIT trap
# this installs) removes it all.
#
# Network: its own bridge (baton<pid>, subnet 10.213.<n>.0/24) so containers get an address and
# `-p 127.0.0.1::8080` works through docker-proxy; --iptables=false and --ip-masq=false because
# tests only reach containers from the host over loopback and must leave the host's firewall
# alone.
#
# Installs Debian's docker.io when dockerd is missing (CI machines reach the Debian registry).
baton_dockerd_start() {
  if ! command -v dockerd >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  fi
  BATON_DOCKERD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/baton-dockerd.XXXXXX")
  export BATON_DOCKERD_DIR
  # A bridge and subnet of its own per engine, so two private engines (two CI runs, or a
  # developer's beside CI) never hand out the same container addresses.
  local bridge subnet
  bridge="baton$$"
  subnet="10.213.$(( $$ % 250 + 1 ))"
  ip link add name "$bridge" type bridge
  BATON_DOCKERD_BRIDGE=$bridge
  ip addr add "$subnet.1/24" dev "$bridge"
  ip link set "$bridge" up
  BATON_DOCKERD_SUBNET=$subnet
  export BATON_DOCKERD_BRIDGE BATON_DOCKERD_SUBNET
  baton_dockerd_run
}

# Starts dockerd on what baton_dockerd_start set up (again, after baton_dockerd_restart stopped it).
baton_dockerd_run() {
  dockerd \
    --host "unix://$BATON_DOCKERD_DIR/docker.sock" \
    --data-root "$BATON_DOCKERD_DIR/data" \
    --exec-root "$BATON_DOCKERD_DIR/exec" \
    --pidfile "$BATON_DOCKERD_DIR/dockerd.pid" \
    --bridge "$BATON_DOCKERD_BRIDGE" \
    --iptables=false --ip-masq=false --ip6tables=false \
    --containerd-namespace baton-ci --containerd-plugins-namespace baton-ci-plugins \
    >>"$BATON_DOCKERD_DIR/dockerd.log" 2>&1 &
  BATON_DOCKERD_PID=$!
  export BATON_DOCKERD_PID
  export DOCKER_HOST="unix://$BATON_DOCKERD_DIR/docker.sock"
  local i
  for i in $(seq 1 120); do
    if baton_dockerd_ping "$BATON_DOCKERD_DIR/docker.sock"; then
      echo "private dockerd (pid $BATON_DOCKERD_PID) at $DOCKER_HOST"
      return 0
    fi
    if ! kill -0 "$BATON_DOCKERD_PID" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "dockerd did not start; its log:" >&2
  tail -n 40 "$BATON_DOCKERD_DIR/dockerd.log" >&2
  baton_dockerd_stop
  return 1
}

# The engine stopped (SIGTERM, as a service restart does: it stops its containers) and started
# again on the same data root and socket; for tests of what survives an engine restart.
baton_dockerd_restart() {
  kill -TERM "$BATON_DOCKERD_PID"
  local i
  for i in $(seq 1 60); do kill -0 "$BATON_DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  baton_dockerd_run
}

# GET /_ping on the socket: with Node (CI has it on PATH after .ci/node.sh), else curl.
baton_dockerd_ping() {
  if command -v node >/dev/null 2>&1; then
    node -e 'require("http").get({ socketPath: process.argv[1], path: "/_ping" }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' "$1" 2>/dev/null
  else
    curl -sf --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1
  fi
}

baton_dockerd_stop() {
  if [ -n "${BATON_DOCKERD_PID:-}" ] && kill -0 "$BATON_DOCKERD_PID" 2>/dev/null; then
    kill -TERM "$BATON_DOCKERD_PID"
    local i
    for i in $(seq 1 60); do kill -0 "$BATON_DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$BATON_DOCKERD_PID" 2>/dev/null || true
  fi
  if [ -n "${BATON_DOCKERD_DIR:-}" ]; then
    # Mounts the engine left behind (overlay, netns) must go before the directory can.
    grep " $BATON_DOCKERD_DIR/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$BATON_DOCKERD_DIR"
  fi
  if [ -n "${BATON_DOCKERD_BRIDGE:-}" ]; then ip link delete "$BATON_DOCKERD_BRIDGE" 2>/dev/null || true; fi
  unset BATON_DOCKERD_PID BATON_DOCKERD_DIR BATON_DOCKERD_BRIDGE DOCKER_HOST
}

# Run as a script (`.ci/dockerd.sh -- cmd …`): start, run the command with DOCKER_HOST set, stop.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  trap baton_dockerd_stop EXIT
  baton_dockerd_start
  if [ "${1:-}" = "--" ]; then shift; fi
  "$@"
fi
