/**
 * The peers' Swarm harness (shared/peers/swarm/run.sh) on a private engine, with swarm's
 * `docker_gwbridge` made and removed by Baton's bench (swarm-gateway.ts): run.sh runs
 * `docker swarm init` there and `swarm leave` at the end, which keeps that network and its
 * bridge on the host. bench/swarm.ts runs it after Baton on the same engine;
 * bench/rollout-vs-swarm.sh runs it alone:
 *
 *   bash .ci/dockerd.sh -- node bench/swarm-peer.ts --peers ../shared/peers --results swarm.jsonl \
 *     [--scenarios start-first-hc,default] [--keepalive off,on] [--reps 1]
 *
 * The engine is the one at DOCKER_HOST (a unix socket other than the machine's default).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../test/e2e/support/ports.ts'
import { createSwarmGateway } from './swarm-gateway.ts'

export interface SwarmPeerOptions {
  peers: string
  /** The private engine's socket path. */
  socket: string
  /** run.sh's SCENARIOS, KEEPALIVE and REPS. */
  scenarios: string
  keepalive: string
  reps: string
  /** Where run.sh appends its JSON lines. */
  results: string
  /** A directory for the images' build context and run.sh's scratch files. */
  scratch: string
  log(...a: unknown[]): void
}

/** The private engine's socket from DOCKER_HOST; throws for any other engine. */
export function privateSocket(host: string | undefined): string {
  const socket = (host ?? '').replace(/^unix:\/\//, '')
  if (!host?.startsWith('unix://') || socket === '/var/run/docker.sock')
    throw new Error(`DOCKER_HOST=${host ?? ''}: this benchmark runs only on a private engine (.ci/dockerd.sh)`)
  return socket
}

export async function runSwarmPeer(o: SwarmPeerOptions): Promise<void> {
  const gateway = await createSwarmGateway(o.socket)
  o.log(`swarm's docker_gwbridge on bridge ${gateway.bridge}`)
  try {
    const r = spawnSync('bash', [join(o.peers, 'swarm', 'run.sh')], {
      env: {
        ...process.env,
        PEER_DOCKER_SOCK: o.socket,
        PEER_BUILD_DIR: join(o.scratch, 'build'),
        SCRATCH: join(o.scratch, 'swarm-run'),
        PORT: String(await freePort()),
        SCENARIOS: o.scenarios,
        KEEPALIVE: o.keepalive,
        REPS: o.reps,
        RESULTS_FILE: o.results,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    if (r.status !== 0) throw new Error(`swarm/run.sh exited with ${r.status ?? r.signal}`)
  } finally {
    await gateway.remove()
    o.log(`removed docker_gwbridge and bridge ${gateway.bridge}`)
  }
}

if (import.meta.main) {
  const { values: args } = parseArgs({
    options: {
      peers: { type: 'string' },
      results: { type: 'string' },
      scenarios: { type: 'string', default: 'start-first-hc,default' },
      keepalive: { type: 'string', default: 'off,on' },
      reps: { type: 'string', default: '1' },
    },
  })
  if (!args.peers || !args.results) throw new Error('--peers DIR and --results FILE are required')
  const scratch = mkdtempSync(join(tmpdir(), 'baton-swarm-peer-'))
  try {
    await runSwarmPeer({
      peers: args.peers,
      socket: privateSocket(process.env.DOCKER_HOST),
      scenarios: args.scenarios,
      keepalive: args.keepalive,
      reps: args.reps,
      results: args.results,
      scratch,
      log: (...a) => console.error(`[swarm-peer ${new Date().toISOString().slice(11, 19)}]`, ...a),
    })
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
