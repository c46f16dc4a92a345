/**
 * Load-balancer benchmark: Baton's proxy measured side by side with nginx and HAProxy by the
 * peers' harness (shared/peers/lb/run.sh: two Node backends, wrk -t2 -c50, keep-alive,
 * targets interleaved round by round so drift hits all alike). Baton's proxy is started by
 * the harness through EXTRA_CMD (bench/lb-extra.sh) and measured as EXTRA_TARGETS=baton.
 * The harness installs wrk/nginx/haproxy with apt-get when missing.
 *
 *   node bench/proxy.ts                         # 3 rounds × 10 s, writes docs/benchmarks.md
 *   node bench/proxy.ts --rounds 1 --duration 5 --no-write
 *   node bench/proxy.ts --proxy-args "--workers 1"
 *   node bench/proxy.ts --fleet                 # a fleet's front LB (`baton fleet lb`) instead
 *
 * Targets (issue 4): Baton ≥ 80 % of nginx's req/s, and p99 ≤ 1.5 × nginx's.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sharedPath } from './shared-dir.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    harness: { type: 'string', default: sharedPath(ROOT, 'peers', 'lb', 'run.sh') },
    port: { type: 'string', default: '18200' },
    'proxy-args': { type: 'string', default: '' },
    'no-write': { type: 'boolean', default: false },
    /** Measure a fleet's front load balancer (bench/fleet-lb-extra.sh) as "baton". */
    fleet: { type: 'boolean', default: false },
  },
})

interface Median {
  target: string
  rps: number
  p50_ms: number
  p99_ms: number
  rps_each: number[]
  errors_each: number[]
}

if (!existsSync(values.harness)) {
  console.error(`harness not found: ${values.harness} (pass --harness PATH to shared/peers/lb/run.sh)`)
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'baton-lb-bench-'))
const load = loadavg()[0]!.toFixed(2)
let out: string
try {
  const r = spawnSync('bash', [values.harness], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 30 * 60_000,
    env: {
      ...process.env,
      // The harness starts its backends with `node`: make it this Node.
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      ROUNDS: values.rounds,
      DURATION: values.duration,
      EXTRA_CMD: join(ROOT, values.fleet ? 'bench/fleet-lb-extra.sh' : 'bench/lb-extra.sh'),
      EXTRA_TARGETS: `baton=http://127.0.0.1:${values.port}/`,
      BATON_BENCH_DIR: dir,
      BATON_BENCH_PORT: values.port,
      BATON_PROXY_ARGS: values['proxy-args'],
    },
  })
  if (r.status !== 0) throw new Error(`harness exited with ${r.status}`)
  out = r.stdout
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const lines = out.split('\n').filter((l) => l.startsWith('{'))
process.stdout.write(`${lines.join('\n')}\n`)
const medians = new Map<string, Median>()
for (const l of lines) {
  const j = JSON.parse(l) as Median & { kind: string }
  if (j.kind === 'median') medians.set(j.target, j)
}
const nginx = medians.get('nginx')
const baton = medians.get('baton')
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN)
const rows = ['direct', 'nginx', 'haproxy', 'baton']
  .map((t) => medians.get(t))
  .filter((m): m is Median => m !== undefined)
  .map(
    (m) =>
      `| ${m.target} | ${Math.round(m.rps)} | ${m.p50_ms.toFixed(2)} | ${m.p99_ms.toFixed(2)} | ${m.rps_each.map(Math.round).join(', ')} | ${m.errors_each.join(', ')} |`,
  )
const rpsRatio = nginx && baton ? ratio(baton.rps, nginx.rps) : Number.NaN
const p99Ratio = nginx && baton ? ratio(baton.p99_ms, nginx.p99_ms) : Number.NaN
const table = [
  `| target | req/s (median) | p50 ms | p99 ms | req/s each round | errors each round |`,
  `|---|---:|---:|---:|---|---|`,
  ...rows,
].join('\n')
// Rounds are interleaved, so drift hits every target alike; a large spread between one
// target's rounds still means the machine was busy and the ratios are indicative only.
const spread = rows.length
  ? ['direct', 'nginx', 'haproxy', 'baton']
      .map((t) => medians.get(t))
      .filter((m): m is Median => m !== undefined)
      .map((m) => `${m.target} ${(Math.max(...m.rps_each) / Math.min(...m.rps_each)).toFixed(2)}`)
      .join(', ')
  : ''
const haproxy = medians.get('haproxy')
const verdict =
  `Baton / nginx: throughput ${(rpsRatio * 100).toFixed(0)} % (target ≥ 80 %), ` +
  `p99 ${p99Ratio.toFixed(2)}× (target ≤ 1.5×).` +
  (haproxy && baton
    ? ` Baton / HAProxy: throughput ${((baton.rps / haproxy.rps) * 100).toFixed(0)} %, p99 ${(baton.p99_ms / haproxy.p99_ms).toFixed(2)}×.`
    : '')
console.log(`\n${table}\n\n${verdict}`)

const HEADING = values.fleet ? '## Fleet front load balancer' : '## Load balancer'
if (!values['no-write']) {
  const section = [
    HEADING,
    '',
    `Measured by \`node bench/proxy.ts${values.fleet ? ' --fleet' : ''}\` (${values.rounds} interleaved rounds × ${values.duration} s of ` +
      '`wrk -t2 -c50`, keep-alive, against two Node backends, via `shared/peers/lb/run.sh` with ' +
      `${values.fleet ? "a fleet's front load balancer (`baton fleet lb`, one target per backend)" : "Baton's proxy"} as \`EXTRA_TARGETS=baton\`). Medians over rounds.`,
    `Machine: ${cpus().length} vCPU, ${new Date().toISOString().slice(0, 10)}, load average ${load} at start ` +
      '(other work shares the cores: compare ratios, not absolute rates). ' +
      (values.fleet
        ? 'The front load balancer is one process (no workers), weights 1/1, health checks every 2 s.'
        : `Proxy args: \`${values['proxy-args'] || '(defaults: 2 workers, least-outstanding)'}\`.`),
    '',
    table,
    '',
    verdict,
    '',
    `Spread between rounds (max/min req/s): ${spread}. Above about 1.2 the machine was busy during ` +
      "the run and the ratios are indicative only; the peers' quiet-machine anchor is nginx 44.5 k req/s, " +
      'p99 3.48 ms (shared/peers/README.md).',
    '',
  ].join('\n')
  const path = join(ROOT, 'docs/benchmarks.md')
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const start = doc.indexOf(HEADING)
  let next: string
  if (start < 0) next = `${doc.trimEnd()}\n\n${section}`
  else {
    const end = doc.indexOf('\n## ', start + 1)
    next = doc.slice(0, start) + section + (end < 0 ? '' : doc.slice(end + 1))
  }
  writeFileSync(path, next)
  console.log(`wrote ${path}`)
}
