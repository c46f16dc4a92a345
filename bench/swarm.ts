/**
 * Baton on Docker beside Docker Swarm, in one run, on one private engine, with the same image
 * and the same load: a rolling update and its rollback of 4 replicas of the peers' app
 * (--peers DIR, by default shared/peers beside the main checkout, bench/shared-dir.ts;
 * swarm/build-images.sh: app:v1 / app:v2 FROM scratch) under the peers'
 * bounded open-loop load (200 req/s, 2 s timeout, keep-alive off and on).
 *
 * 1. Baton: `bench/rollout-vs-swarm.ts --runtime docker` (a daemon started with
 *    `--runtime docker`, the Deployment rolled with `set image`, then `rollout undo`).
 * 2. Swarm: the peers' swarm/run.sh on the same engine (it runs `docker swarm init` on it and
 *    leaves the swarm again at the end), the matching scenario: surge1 (maxSurge 1 /
 *    maxUnavailable 0) beside `start-first-hc` (start-first, parallelism 1, a healthcheck),
 *    defaults (25% / 25%) beside Swarm's `default` (stop-first, no healthcheck).
 * 3. The table: failed requests, rollout duration (command → the system's own "done") and p99
 *    latency (command → done) per phase, each as the ratio Baton / Swarm.
 *
 * The engine is always a private one: without DOCKER_HOST this runs itself under
 * .ci/dockerd.sh (socket, data root, exec root, pid file in one temp dir, its own bridge,
 * stopped and removed at the end); the machine's /var/run/docker.sock is refused.
 * `docker swarm init` makes a `docker_gwbridge` network whose Linux bridge (in the host's
 * network namespace) `swarm leave` keeps and the engine's removal orphans; the Swarm step
 * (swarm-peer.ts) creates that network itself first, on a bridge named for the run
 * (swarm-gateway.ts), and removes both at the end.
 *
 *   node bench/swarm.ts                                        # 2 scenarios x keep-alive off/on, 1 rep each (~12 min)
 *   node bench/swarm.ts --reps 3 --out /tmp/swarm-bench        # medians of 3
 *   node bench/swarm.ts --from /tmp/swarm-bench                # the table again from recorded files
 *
 * Files in --out (default: a new temp dir): baton.jsonl, swarm.jsonl, table.md.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sharedPath } from './shared-dir.ts'
import { privateSocket, runSwarmPeer } from './swarm-peer.ts'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '1' },
    keepalive: { type: 'string', default: 'off,on' },
    scenarios: { type: 'string', default: 'surge1,defaults' },
    peers: { type: 'string', default: sharedPath(REPO, 'peers') },
    out: { type: 'string' },
    from: { type: 'string' },
  },
})

/** Baton's scenario → the Swarm scenario it is compared with. */
const SWARM_OF: Record<string, string> = { surge1: 'start-first-hc', defaults: 'default' }
const LABEL: Record<string, string> = {
  surge1: 'maxSurge 1 / maxUnavailable 0',
  defaults: 'defaults (25% / 25%)',
}

type Phase = Record<string, unknown> & { failed?: number; rollout_s?: number; p99_ms?: number; requests?: number }
interface Median {
  harness?: string
  kind: string
  scenario: string
  keepalive: boolean
  shutdown?: string
  update: Phase
  rollback: Phase
}

const log = (...a: unknown[]) => console.error(`[swarm-bench ${new Date().toISOString().slice(11, 19)}]`, ...a)

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, argv, { env, stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status ?? r.signal}`)
}

function medians(file: string, harness?: string): Median[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Median)
    .filter((m) => m.kind === 'median' && (harness === undefined || m.harness === harness))
    .filter((m) => (m.shutdown ?? 'graceful') === 'graceful')
}

/** a / b to two places; "–" when either is missing, "0 / 0" when both are 0, "∞" when only b is. */
export function ratio(a: unknown, b: unknown): string {
  if (typeof a !== 'number' || typeof b !== 'number') return '–'
  if (b === 0) return a === 0 ? '0 / 0' : '∞'
  return (a / b).toFixed(2)
}

export function table(baton: Median[], swarm: Median[]): string {
  const f = (x: unknown) => (x == null ? '–' : String(x))
  const rows = [
    '| Baton (docker runtime) | Swarm | keep-alive | phase | requests B / S | failed B / S | failed ratio | rollout s B / S | rollout ratio | p99 ms B / S | p99 ratio |',
    '|---|---|---|---|---|---|---:|---|---:|---|---:|',
  ]
  for (const b of baton) {
    const s = swarm.find((x) => x.scenario === SWARM_OF[b.scenario] && x.keepalive === b.keepalive)
    for (const ph of ['update', 'rollback'] as const) {
      const [x, y] = [b[ph], s?.[ph]]
      rows.push(
        `| ${LABEL[b.scenario] ?? b.scenario} | ${SWARM_OF[b.scenario] ?? '–'} | ${b.keepalive ? 'on' : 'off'} | ${ph} | ` +
          `${f(x.requests)} / ${f(y?.requests)} | ${f(x.failed)} / ${f(y?.failed)} | ${ratio(x.failed, y?.failed)} | ` +
          `${f(x.rollout_s)} / ${f(y?.rollout_s)} | ${ratio(x.rollout_s, y?.rollout_s)} | ` +
          `${f(x.p99_ms)} / ${f(y?.p99_ms)} | ${ratio(x.p99_ms, y?.p99_ms)} |`,
      )
    }
  }
  return rows.join('\n')
}

async function measure(out: string): Promise<void> {
  const host = process.env.DOCKER_HOST
  const socket = privateSocket(host)
  const scenarios = args.scenarios.split(',').filter(Boolean)
  for (const s of scenarios) if (!SWARM_OF[s]) throw new Error(`unknown scenario ${s}`)
  log(`Baton on the engine at ${host}`)
  run(
    process.execPath,
    [
      join(REPO, 'bench', 'rollout-vs-swarm.ts'),
      '--runtime',
      'docker',
      '--reps',
      args.reps,
      '--keepalive',
      args.keepalive,
      '--scenarios',
      args.scenarios,
      '--peers',
      args.peers,
      '--results',
      join(out, 'baton.jsonl'),
    ],
    process.env,
  )
  log('Swarm on the same engine')
  await runSwarmPeer({
    peers: args.peers,
    socket,
    scenarios: scenarios.map((s) => SWARM_OF[s]).join(','),
    keepalive: args.keepalive,
    reps: args.reps,
    results: join(out, 'swarm.jsonl'),
    scratch: out,
    log,
  })
}

if (!args.from && !process.env.DOCKER_HOST) {
  // A private engine for this run only: .ci/dockerd.sh starts it, runs us with DOCKER_HOST set, stops it.
  const r = spawnSync('bash', [join(REPO, '.ci', 'dockerd.sh'), '--', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
  })
  process.exit(r.status ?? 1)
}
const out = args.from ?? args.out ?? mkdtempSync(join(tmpdir(), 'baton-swarm-bench-'))
mkdirSync(out, { recursive: true })
if (!args.from) await measure(out)
const text = table(medians(join(out, 'baton.jsonl'), 'baton'), medians(join(out, 'swarm.jsonl')))
writeFileSync(join(out, 'table.md'), `${text}\n`)
console.log(`results in ${out}\n\n${text}`)
