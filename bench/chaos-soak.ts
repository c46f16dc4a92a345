/**
 * Fault-injection soak: rollouts under load while a chaos loop kills parts of Baton.
 *
 * One real Baton (daemon, load balancer, 6 replicas of the example app), an open-loop load at
 * --rate requests/s on the Service for --minutes, rollouts back and forth between web:v1 and
 * web:v2 one after the other, and a chaos loop that, every 20-60 s at a random moment, SIGKILLs
 * one of: the daemon (then `baton up -d` again, as a supervisor would), the load balancer's
 * main process, one load-balancer worker, one replica.
 *
 * Every failed request is attributed to the last fault injected before it started, if that
 * fault was at most --blame seconds earlier, and to "no fault" otherwise; requests that failed
 * while no fault was near are the ones that count against Baton's promise. At the end: the
 * daemon's and the load balancer's RSS against the start, and the processes left after
 * `baton down --all` (must be 0).
 *
 *   node bench/chaos-soak.ts                         # 30 minutes at 300 req/s
 *   node bench/chaos-soak.ts --minutes 3 --rate 300  # a short run
 *
 * Prints a JSON summary on stdout and a Markdown table for docs/benchmarks.md.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { expectOk, startBaton, type Baton } from '../test/e2e/support/baton.ts'
import { webManifest } from '../test/e2e/support/manifests.ts'
import { processesUnder } from '../test/e2e/support/processes.ts'
import { readPodStates } from '../src/runtime/process/adoption.ts'
import { runLoad } from '../src/verify/load-run.ts'
import { failureKey, type RequestRecord } from '../src/verify/request-record.ts'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '300' },
    replicas: { type: 'string', default: '6' },
    blame: { type: 'string', default: '5' },
    keepalive: { type: 'string', default: 'on' },
    seed: { type: 'string', default: '1' },
  },
})

const MINUTES = Number(args.minutes)
const RATE = Number(args.rate)
const REPLICAS = Number(args.replicas)
const BLAME_MS = Number(args.blame) * 1000
const FAULTS = ['daemon', 'lb-main', 'lb-worker', 'replica'] as const
type Fault = (typeof FAULTS)[number]

// A seeded generator, so that a run can be repeated fault for fault.
let state = Number(args.seed) >>> 0 || 1
function random(): number {
  state ^= state << 13
  state ^= state >>> 17
  state ^= state << 5
  return (state >>> 0) / 0x1_0000_0000
}

const log = (...a: unknown[]) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}]`, ...a)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
    return line ? Math.round(Number(line[1]) / 1024) : 0
  } catch {
    return 0
  }
}

/** Children of pid (the load balancer's workers), from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) out.push(Number(name))
    } catch {
      // gone while we looked
    }
  }
  return out
}

/** Running replicas' pids, from the node agent's per-pod state files (runtime/process/adoption.ts). */
function replicaPids(baton: Baton): number[] {
  return readPodStates(baton.dataDir).flatMap((pod) =>
    pod.containers.flatMap((c) => (c.process ? [c.process.pid] : [])),
  )
}

function kill(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL')
    return true
  } catch {
    return false
  }
}

async function inject(baton: Baton, fault: Fault): Promise<string> {
  switch (fault) {
    case 'daemon': {
      const pid = await baton.daemonPid()
      kill(pid)
      await sleep(200)
      await baton.up()
      return `daemon ${pid}`
    }
    case 'lb-main': {
      const pid = await baton.proxyPid()
      return kill(pid) ? `load balancer ${pid}` : 'load balancer (gone)'
    }
    case 'lb-worker': {
      const workers = childrenOf(await baton.proxyPid())
      const pid = workers[Math.floor(random() * workers.length)]
      return pid !== undefined && kill(pid) ? `lb worker ${pid}` : 'lb worker (none)'
    }
    case 'replica': {
      const pids = replicaPids(baton)
      const pid = pids[Math.floor(random() * pids.length)]
      return pid !== undefined && kill(-pid) ? `replica ${pid}` : 'replica (none)'
    }
  }
}

async function main(): Promise<void> {
  const baton = await startBaton()
  const until = Date.now() + MINUTES * 60_000
  const faults: { at: number; fault: Fault; what: string }[] = []
  let rollouts = 0
  let rolloutFailures = 0
  try {
    await baton.apply(
      webManifest({ servicePort: baton.servicePort, replicas: REPLICAS, maxSurge: 1, maxUnavailable: 0 }),
    )
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '120s']))
    const start = { daemon: rssMb(await baton.daemonPid()), lb: rssMb(await baton.proxyPid()) }
    log(`start: daemon ${start.daemon} MB, load balancer ${start.lb} MB`)

    const load = runLoad({
      url: baton.url('/'),
      rate: RATE,
      keepAlive: args.keepalive === 'on',
      durationMs: MINUTES * 60_000 + 5_000,
    })

    const rolling = (async () => {
      let image = 'web:v2'
      while (Date.now() < until) {
        const set = await baton.cli(['set', 'image', 'deployment/web', `web=${image}`])
        // A daemon killed by the chaos loop ends a watching `rollout status`; watch again, as a
        // CI job that retries would, until the rollout's own verdict.
        let status = await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '180s'], {
          timeoutMs: 200_000,
        })
        for (let retry = 0; status.code !== 0 && retry < 5 && !/deadline/.test(status.stderr); retry++) {
          await sleep(1000)
          status = await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '180s'], { timeoutMs: 200_000 })
        }
        if (set.code === 0 && status.code === 0) rollouts++
        else {
          rolloutFailures++
          log(`rollout to ${image} did not finish: ${set.stderr.trim()} ${status.stderr.trim()}`)
        }
        image = image === 'web:v2' ? 'web:v1' : 'web:v2'
        await sleep(2000)
      }
    })()

    const chaos = (async () => {
      while (true) {
        const wait = 20_000 + random() * 40_000
        if (Date.now() + wait > until - 15_000) break
        await sleep(wait)
        const fault = FAULTS[Math.floor(random() * FAULTS.length)]!
        const at = Date.now()
        const what = await inject(baton, fault).catch((e: Error) => `${fault} failed: ${e.message}`)
        faults.push({ at, fault, what })
        log(`killed ${what}`)
      }
    })()

    await Promise.all([rolling, chaos])
    const result = await load.stop()
    const end = { daemon: rssMb(await baton.daemonPid()), lb: rssMb(await baton.proxyPid()) }

    const blame = (r: RequestRecord): string => {
      let last: (typeof faults)[number] | undefined
      for (const f of faults) if (f.at <= r.start) last = f
      return last && r.start - last.at <= BLAME_MS ? last.fault : 'no fault'
    }
    const failed = result.records.filter((r) => r.kind !== 'ok')
    const byCause: Record<string, Record<string, number>> = {}
    for (const r of failed) {
      const cause = blame(r)
      byCause[cause] ??= {}
      byCause[cause][failureKey(r)] = (byCause[cause][failureKey(r)] ?? 0) + 1
    }
    await baton.stop()
    const leftovers = processesUnder(baton.dataDir).length
    const summary = {
      minutes: MINUTES,
      rate: RATE,
      keepAlive: args.keepalive === 'on',
      requests: result.records.length,
      failed: failed.length,
      failedByCause: byCause,
      faults: faults.map((f) => f.what),
      faultCounts: Object.fromEntries(FAULTS.map((k) => [k, faults.filter((f) => f.fault === k).length])),
      rollouts,
      rolloutFailures,
      rssMb: { start, end },
      processesLeft: leftovers,
    }
    console.log(JSON.stringify(summary))
    console.log(
      [
        '| minutes | rate | requests | failed (no fault near) | failed near a fault | faults (daemon/lb/worker/replica) | rollouts (failed) | daemon RSS start → end | LB RSS start → end | left |',
        '|---:|---:|---:|---:|---:|---|---:|---|---|---:|',
        `| ${MINUTES} | ${RATE} | ${summary.requests} | ${Object.values(byCause['no fault'] ?? {}).reduce((a, b) => a + b, 0)} | ${
          failed.length - Object.values(byCause['no fault'] ?? {}).reduce((a, b) => a + b, 0)
        } | ${FAULTS.map((k) => summary.faultCounts[k]).join('/')} | ${rollouts} (${rolloutFailures}) | ${start.daemon} → ${end.daemon} MB | ${start.lb} → ${end.lb} MB | ${leftovers} |`,
      ].join('\n'),
    )
  } catch (err) {
    await baton.stop().catch(() => {})
    throw err
  }
}

await main()
