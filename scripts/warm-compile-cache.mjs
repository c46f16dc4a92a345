#!/usr/bin/env node
// Run by `npm ci` (package.json "prepare"): loads the daemon's and the load balancer's modules
// once, with --help, so that Node's compile cache holds Baton's type-stripped TypeScript before
// their first real start. A process that finds every module it imports in the cache never
// loads Node's type stripper (a WASM module that stays resident): the daemon then starts at
// about 85 MB RSS instead of 110 (docs/benchmarks.md, "CLI and daemon"). The cache is the one
// bin/baton.mjs uses and hands to the processes it starts (src/platform/env.ts childNodeEnv);
// entries are keyed by file content, so an edited source is compiled again, never served stale.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { compileCacheRoot, DAEMON_V8_FLAGS } from '../src/platform/env.ts'

// What bin/baton.mjs's enableCompileCache() picks, and the CLI hands to the daemon.
const dir = compileCacheRoot()
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
if (process.env.NODE_DISABLE_COMPILE_CACHE === undefined) {
  // With the flags each process runs with: V8's code cache is valid only under the flags it
  // was made with, and Node keeps one cache folder per flag set (--optimize-for-size counts).
  for (const [entry, flags] of [
    ['src/daemon/main.ts', DAEMON_V8_FLAGS],
    ['src/proxy/main.ts', []],
    ['src/proxy/worker.ts', []],
  ]) {
    const r = spawnSync(process.execPath, [...flags, join(root, entry), '--help'], {
      env: { ...process.env, NODE_COMPILE_CACHE: dir },
      stdio: 'ignore',
    })
    // Not fatal: without the cache the daemon still runs, with more memory.
    if (r.status !== 0) process.stderr.write(`warm-compile-cache: ${entry} --help exited ${r.status}\n`)
  }
  // What the daemon imports only once its flags are parsed, which `--help` never reaches:
  // daemon.ts, and on a Docker node the Docker runtime (daemon/docker-node.ts). Imported, not run.
  const later = ['src/daemon/daemon.ts', 'src/daemon/docker-node.ts']
  const code = later.map((f) => `await import(${JSON.stringify(pathToFileURL(join(root, f)).href)})`).join('\n')
  const r = spawnSync(process.execPath, [...DAEMON_V8_FLAGS, '--input-type=module', '--eval', code], {
    env: { ...process.env, NODE_COMPILE_CACHE: dir },
    stdio: 'ignore',
  })
  if (r.status !== 0) process.stderr.write(`warm-compile-cache: importing ${later.join(', ')} exited ${r.status}\n`)
}
