/**
 * The idle daemon on the Docker runtime beside the engine that runs its containers: a
 * 10-replica Deployment of web:v1 (examples/web's image, readiness every 1 s and liveness
 * every 5 s, as bench/cli.ts's idle daemon) on `baton up --runtime docker`, all Ready, then
 * CPU (utime + stime over the window) and RSS of each process at the window's end:
 * Baton's daemon and load balancer; dockerd, its containerd, the containers' shims and the
 * docker-proxy processes that publish their loopback ports. The ratios are Baton's daemon
 * against dockerd, both measured in the same window.
 *
 * The engine is always a private one: without DOCKER_HOST this runs itself under
 * .ci/dockerd.sh; the machine's /var/run/docker.sock is refused.
 *
 *   node bench/docker-idle.ts                     # 10 replicas, 60 s window; prints JSON and a Markdown table
 *   node bench/docker-idle.ts --replicas 10 --idle 60
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { exampleImages, testEngine } from '../src/runtime/docker/testing.ts'
import { expectOk, startBaton } from '../test/e2e/support/baton.ts'
import { aDeployment } from '../test/support/builders.ts'
import { cpuTicks } from './bench-io.ts'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const { values: args } = parseArgs({
  options: {
    replicas: { type: 'string', default: '10' },
    idle: { type: 'string', default: '60' },
  },
})
const REPLICAS = Number(args.replicas)
const IDLE_S = Number(args.idle)
const log = (...a: unknown[]) => console.error(`[docker-idle ${new Date().toISOString().slice(11, 19)}]`, ...a)

/** A process's command line, "" when it is gone. */
function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
  } catch {
    return ''
  }
}

function ppid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024
}

/**
 * The engine's processes: dockerd (the pid .ci/dockerd.sh started), its children (containerd,
 * docker-proxy) and the shims, which leave their parent when they start and are found by the
 * private containerd's socket on their command line.
 */
function engineProcesses(dockerd: number, engineDir: string): Record<string, number[]> {
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
  const groups: Record<string, number[]> = { dockerd: [dockerd], containerd: [], 'docker-proxy': [], shims: [] }
  for (const pid of pids) {
    const cmd = cmdline(pid)
    let parent: number
    try {
      parent = ppid(pid)
    } catch {
      continue
    }
    if (parent === dockerd && /^\S*containerd /.test(cmd)) groups.containerd!.push(pid)
    else if (parent === dockerd && /docker-proxy/.test(cmd)) groups['docker-proxy']!.push(pid)
    else if (/containerd-shim/.test(cmd) && cmd.includes(engineDir)) groups.shims!.push(pid)
  }
  return groups
}

/** The builders' Deployment with examples/web's probes: readiness every 1 s, liveness every 5 s. */
function manifest(): string {
  const container = {
    name: 'web',
    image: 'web:v1',
    imagePullPolicy: 'Never' as const,
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
  }
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } }
  return stringify(aDeployment({ name: 'web', replicas: REPLICAS, template }))
}

interface Figure {
  processes: number
  cpuPct: number
  rssMb: number
}

async function measure(): Promise<void> {
  const host = process.env.DOCKER_HOST ?? ''
  const engineDir = process.env.BATON_DOCKERD_DIR ?? ''
  const dockerd = Number(process.env.BATON_DOCKERD_PID)
  if (!host.startsWith('unix://') || host === 'unix:///var/run/docker.sock' || !engineDir || !dockerd)
    throw new Error(`DOCKER_HOST=${host}: this benchmark runs only on a private engine of .ci/dockerd.sh`)
  await exampleImages(testEngine())
  const baton = await startBaton({ runtime: 'docker' })
  try {
    await baton.apply(manifest())
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '300s']))
    log(`${REPLICAS} containers Ready; settling 5 s, then a ${IDLE_S} s window`)
    await new Promise((r) => setTimeout(r, 5000))
    const groups: Record<string, number[]> = {
      'Baton daemon': [await baton.daemonPid()],
      'Baton load balancer': [await baton.proxyPid()],
      ...engineProcesses(dockerd, engineDir),
    }
    const all = Object.values(groups).flat()
    const load = [loadavg()[0]!]
    const before = new Map(all.map((p) => [p, cpuTicks(p)]))
    const t0 = process.hrtime.bigint()
    await new Promise((r) => setTimeout(r, IDLE_S * 1000))
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    load.push(loadavg()[0]!)
    const figures: Record<string, Figure> = {}
    for (const [name, pids] of Object.entries(groups)) {
      const ticks = pids.reduce((s, p) => s + cpuTicks(p) - (before.get(p) ?? 0), 0)
      figures[name] = {
        processes: pids.length,
        cpuPct: Number(((ticks / 100 / seconds) * 100).toFixed(2)),
        rssMb: Number(pids.reduce((s, p) => s + rssMb(p), 0).toFixed(1)),
      }
    }
    const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim()
    const result = {
      date: new Date().toISOString(),
      commit,
      replicas: REPLICAS,
      seconds: Number(seconds.toFixed(1)),
      load: load.map((l) => l.toFixed(2)),
      figures,
    }
    console.log(JSON.stringify(result))
    console.log(table(figures))
  } finally {
    await baton.stop()
  }
}

/** The figures, then the engine's processes together, with Baton's daemon as a ratio of dockerd and of the whole engine. */
function table(f: Record<string, Figure>): string {
  const engine = ['dockerd', 'containerd', 'shims', 'docker-proxy'].map((k) => f[k]!)
  const rows: [string, Figure][] = [
    ...Object.entries(f),
    [
      'engine, all of the above four',
      {
        processes: engine.reduce((s, x) => s + x.processes, 0),
        cpuPct: Number(engine.reduce((s, x) => s + x.cpuPct, 0).toFixed(2)),
        rssMb: Number(engine.reduce((s, x) => s + x.rssMb, 0).toFixed(1)),
      },
    ],
  ]
  const d = f['Baton daemon']!
  const r = (a: number, b: number) => (b === 0 ? (a === 0 ? '0 / 0' : '∞') : (a / b).toFixed(2))
  const lines = [
    '| process | processes | CPU (one core) | RSS | Baton daemon / this: CPU, RSS |',
    '|---|---:|---:|---:|---|',
  ]
  for (const [name, x] of rows) {
    const ratio =
      name === 'dockerd' || name.startsWith('engine') ? `${r(d.cpuPct, x.cpuPct)}, ${r(d.rssMb, x.rssMb)}` : ''
    lines.push(`| ${name} | ${x.processes} | ${x.cpuPct.toFixed(2)} % | ${x.rssMb.toFixed(1)} MB | ${ratio} |`)
  }
  return lines.join('\n')
}

if (!process.env.DOCKER_HOST) {
  // A private engine for this run only: .ci/dockerd.sh starts it, runs us with DOCKER_HOST set, stops it.
  const r = spawnSync('bash', [join(REPO, '.ci', 'dockerd.sh'), '--', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
  })
  process.exit(r.status ?? 1)
}
await measure()
