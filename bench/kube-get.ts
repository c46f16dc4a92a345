/**
 * `kubectl get pods` (the real kubectl v1.35, test/e2e/support/kube-tools.ts) against Baton,
 * next to `baton get pods`, on one daemon with the same pods: both whole processes, timed by
 * farm-bench in turn (A B A B …) so the ratio is taken pair by pair, plus the daemon's own CPU
 * over the call. kubectl reads the daemon's kubeconfig (HTTPS, its CA, the token) and keeps its
 * discovery cache under HOME, warm after farm-bench's warm-up run, as on a user's machine.
 *
 *   node bench/kube-get.ts                   # 20 pairs, 10 pods, writes docs/benchmarks.md
 *   node bench/kube-get.ts --runs 5 --replicas 4 --no-write
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '../src/cli/commands/demo-ports.ts'
import { kubeTools } from '../test/e2e/support/kube-tools.ts'
import { cpuTicks, daemonPid, mustRun, withOwnBaton, writeBenchmarkSection } from './bench-io.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BATON = join(ROOT, 'bin', 'baton.mjs')
const SECTION = '## kubectl get pods against Baton'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    replicas: { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
  },
})
const RUNS = Math.min(100, Number(values.runs))
const REPLICAS = Number(values.replicas)

/** The min / median / max of one farm-bench row ("A wall s", "A/B cpu"…). */
export function farmRow(report: string, row: string): { min: number; median: number; max: number } | undefined {
  const line = report.split('\n').find((l) => l.startsWith(`${row} `))
  const nums = line?.slice(row.length).trim().split(/\s+/).map(Number)
  if (!nums || nums.length < 3 || nums.some(Number.isNaN)) return undefined
  return { min: nums[0]!, median: nums[1]!, max: nums[2]! }
}

function deployment(): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:v1',
              command: ['node', 'server.js'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  })
}

async function main(): Promise<void> {
  const { kubectl } = kubeTools()
  await withOwnBaton('baton-bench-kube-get-', async (dataDir, env) => {
    const baton = (...args: string[]) => mustRun([process.execPath, BATON, ...args], env)
    const load = loadavg()[0]!.toFixed(2)
    baton('up', '-d', '--port', String(await freePort()))
    baton('push', 'web:v1', join(ROOT, 'examples', 'web', 'v1'))
    writeFileSync(join(dataDir, 'web.json'), deployment())
    baton('apply', '-f', join(dataDir, 'web.json'))
    baton('rollout', 'status', 'deployment/web', '--timeout', '180s')
    // Both print the same pods (a check that the comparison is fair, not a figure).
    const kubePods = mustRun([kubectl, 'get', 'pods', '--no-headers'], env).trim().split('\n').length
    const batonPods = baton('get', 'pods', '--no-headers').trim().split('\n').length
    if (kubePods !== REPLICAS || batonPods !== REPLICAS)
      throw new Error(`expected ${REPLICAS} pods from both, kubectl printed ${kubePods}, baton ${batonPods}`)

    const daemon = daemonPid(dataDir)
    const ticks0 = cpuTicks(daemon)
    const t0 = process.hrtime.bigint()
    const farm = spawnSync(
      'farm-bench',
      [
        '-n',
        String(RUNS),
        '--warmup',
        '2',
        '--timeout',
        '600',
        '--vs',
        `${process.execPath} ${BATON} get pods`,
        '--',
        kubectl,
        'get',
        'pods',
      ],
      { env, encoding: 'utf8' },
    )
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    const daemonCpuS = (cpuTicks(daemon) - ticks0) / 100
    if (farm.status !== 0) throw new Error(`farm-bench exited ${farm.status}: ${farm.stderr}`)
    // The report names the binaries by absolute path; the docs name them from the checkout.
    const report = farm.stdout.trim().replaceAll(`${process.execPath} `, 'node ').replaceAll(`${ROOT}/`, '')
    console.log(report)
    const section = render({ report, load, seconds, daemonCpuS, date: new Date().toISOString().slice(0, 10) })
    console.log(section)
    if (!values['no-write']) writeBenchmarkSection(SECTION, section)
  })
}

function render(r: { report: string; load: string; seconds: number; daemonCpuS: number; date: string }): string {
  const row = (name: string) => farmRow(r.report, name)
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${(x * 1000).toFixed(0)} ms`)
  const mib = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(0)} MiB`)
  const ratio = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(2))
  const requests = (RUNS + 2) * 2
  return [
    SECTION,
    '',
    `Measured by \`node bench/kube-get.ts\`: one daemon with ${REPLICAS} pods of examples/web; ` +
      "`kubectl get pods` (the real kubectl v1.35 with the daemon's kubeconfig: HTTPS, the server-side Table) " +
      'against `baton get pods`, each a whole process from start to exit, ' +
      `${RUNS} runs each in turn after 2 warm-up runs, timed by \`farm-bench\`. ` +
      `Machine: 2 vCPU shared with other work, ${r.date}, load average ${r.load} at start.`,
    '',
    '| | kubectl get pods (A) | baton get pods (B) | A/B, median of the pairs |',
    '|---|---:|---:|---:|',
    `| wall, median | ${ms(row('A wall s')?.median)} | ${ms(row('B wall s')?.median)} | ${ratio(row('A/B wall')?.median)} |`,
    `| CPU (user + sys), median | ${ms(row('A cpu s')?.median)} | ${ms(row('B cpu s')?.median)} | ${ratio(row('A/B cpu')?.median)} |`,
    `| peak memory, median | ${mib(row('A peak MiB')?.median)} | ${mib(row('B peak MiB')?.median)} | |`,
    '',
    `The daemon spent ${r.daemonCpuS.toFixed(2)} s of CPU over the ${r.seconds.toFixed(0)} s call ` +
      `(${requests} commands, about ${((r.daemonCpuS / requests) * 1000).toFixed(0)} ms each, TLS handshake included). ` +
      'kubectl is a compiled Go binary and reads its discovery from the cache under HOME; `baton` starts Node ' +
      'and its CLI modules on every call, which is most of its time (see "CLI and daemon").',
    '',
    "farm-bench's report:",
    '',
    '```text',
    r.report,
    '```',
    '',
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
