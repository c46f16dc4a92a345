/**
 * Where the slow requests of a traced rollout went (`bench/rollout-vs-swarm.ts --trace DIR`):
 * per phase, the latency split into connect (the load balancer accepting the client's
 * connection) and first byte; the slow requests by the replica that answered them (a new one
 * in its first second of traffic, an old one in its last second, or another one); the longest
 * event-loop delays of the load balancer and the daemon; CPU time per kind of process; and a
 * timeline of the update in 250 ms steps.
 *
 *   node bench/rollout-trace-report.ts DIR [--slow-ms 20] [--timeline]
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'slow-ms': { type: 'string', default: '20' }, timeline: { type: 'boolean', default: false } },
})
const dir = positionals[0]
if (!dir) throw new Error('usage: rollout-trace-report.ts DIR')
const SLOW = Number(a['slow-ms'])

interface Rec {
  t: number
  late: number
  conn: number
  ttfb: number
  total: number
  o: string
  v: string
  h: string
}
interface PhaseTimes {
  t0: number
  tCmd: number
  tDone: number | null
}
interface RunInfo {
  id: string
  runtime: string
  tLoad: number
  up: PhaseTimes
  rb: PhaseTimes
  tEnd: number
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}
const r1 = (x: number) => (Number.isFinite(x) ? +x.toFixed(1) : null)

function readRecs(file: string): Rec[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const f = l.split(',')
      return {
        t: +f[0]!,
        late: +f[1]!,
        conn: +f[2]!,
        ttfb: +f[3]!,
        total: +f[4]!,
        o: f[5] ?? '',
        v: f[6] ?? '',
        h: f[7] ?? '',
      }
    })
}

/** epoch_ms,max_delay_ms,cpu_ms lines of every file in eld/ whose name starts with `role`. */
function eld(role: string): Array<[number, number, number]> {
  const d = join(dir!, 'eld')
  const out: Array<[number, number, number]> = []
  for (const f of readdirSync(d).filter((n) => n.startsWith(role)))
    for (const l of readFileSync(join(d, f), 'utf8').split('\n').filter(Boolean)) {
      const [t, v, c] = l.split(',')
      out.push([+t!, +v!, +(c ?? Number.NaN)])
    }
  return out
}

for (const f of readdirSync(dir)
  .filter((n) => n.endsWith('.json') && !n.endsWith('-cpu.json'))
  .sort()) {
  let info: RunInfo
  try {
    info = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunInfo
  } catch {
    continue
  }
  if (!info.up) continue
  const recs = readRecs(join(dir, `${info.id}.csv`)).filter((r) => r.o.startsWith('2'))
  const cpu = readFileSync(join(dir, `${info.id}-cpu.csv`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(','))
    .map(([t, k, ms]) => ({ t: +t!, k: k!, ms: +ms! }))
  const lb = eld('lb-worker')
  const daemon = eld('daemon')
  // Each replica's first and last request answered: its first second of traffic is "new".
  const span = new Map<string, { first: number; last: number }>()
  for (const r of recs) {
    const s = span.get(r.h) ?? { first: r.t, last: r.t }
    s.first = Math.min(s.first, r.t)
    s.last = Math.max(s.last, r.t)
    span.set(r.h, s)
  }
  const phases: Array<[string, number, number]> = [
    ['baseline', info.tLoad + 1000, info.up.t0],
    ['update', info.up.t0, info.up.tDone ?? info.rb.t0],
    ['settle', info.up.tDone ?? info.rb.t0, info.rb.t0],
    ['rollback', info.rb.t0, info.rb.tDone ?? info.tEnd],
  ]
  console.log(`\n## ${info.id} (${info.runtime})`)
  for (const [name, from, to] of phases) {
    const rs = recs.filter((r) => r.t >= from && r.t < to)
    const slow = rs.filter((r) => r.total >= SLOW)
    const cls = { newFirstSecond: 0, oldLastSecond: 0, other: 0 }
    for (const r of slow) {
      const s = span.get(r.h)!
      if (r.t - s.first < 1000 && s.first > info.tLoad + 1000) cls.newFirstSecond++
      else if (s.last - r.t < 1000 && s.last < info.tEnd - 1000) cls.oldLastSecond++
      else cls.other++
    }
    const inWin = <T extends { t: number }>(xs: T[]) => xs.filter((x) => x.t >= from && x.t < to)
    const cpuBy: Record<string, number> = {}
    for (const c of inWin(cpu)) cpuBy[c.k] = (cpuBy[c.k] ?? 0) + c.ms
    const secs = (to - from) / 1000
    const cores = Object.fromEntries(
      Object.entries(cpuBy)
        .sort((x, y) => y[1] - x[1])
        .map(([k, ms]) => [k, +(ms / 1000 / secs).toFixed(2)]),
    )
    // The CLI's own start (`set image`, then `rollout status`): from the command to 0.5 s after it returned.
    const ph = name === 'update' ? info.up : name === 'rollback' ? info.rb : undefined
    const cliEnd = ph ? ph.tCmd + 500 : from
    const inCli = rs.filter((r) => r.t < cliEnd)
    const afterCli = rs.filter((r) => r.t >= cliEnd)
    // A slow request whose time overlaps a slow request to another replica: a shared stall.
    const shared = slow.filter((r) =>
      slow.some((o) => o !== r && o.h !== r.h && o.t < r.t + r.total && o.t + o.total > r.t),
    ).length
    // The first 5 requests each new replica answered, against the median of the others within 125 ms.
    const firsts: Array<[number, number]> = []
    for (const [h, sp] of span) {
      if (sp.first <= info.tLoad + 1000 || sp.first < from || sp.first >= to) continue
      for (const r of recs.filter((x) => x.h === h).slice(0, 5)) {
        const near = rs.filter((o) => o.h !== h && Math.abs(o.t - r.t) < 125).map((o) => o.total)
        firsts.push([r.total, pct(near, 50)])
      }
    }
    const lbWin = lb.filter(([t]) => t >= from && t < to)
    const lbW = lbWin.map(([, v]) => v)
    // A window whose delay is far above the CPU the loop used in it waited for a core.
    const lbLong = lbWin.filter(([, v]) => v > 20)
    const dW = daemon.filter(([t]) => t >= from && t < to).map(([, v]) => v)
    console.log(
      JSON.stringify({
        phase: name,
        s: +secs.toFixed(2),
        n: rs.length,
        p50: r1(
          pct(
            rs.map((r) => r.total),
            50,
          ),
        ),
        p99: r1(
          pct(
            rs.map((r) => r.total),
            99,
          ),
        ),
        max: r1(
          pct(
            rs.map((r) => r.total),
            100,
          ),
        ),
        connect_p99: r1(
          pct(
            rs.filter((r) => r.conn >= 0).map((r) => r.conn),
            99,
          ),
        ),
        afterConnect_p99: r1(
          pct(
            rs.map((r) => r.total - Math.max(0, r.conn)),
            99,
          ),
        ),
        loadgenLate_p99: r1(
          pct(
            rs.map((r) => r.late),
            99,
          ),
        ),
        slow: slow.length,
        slowBy: cls,
        slowSharedWithOtherReplica: shared,
        cliWindow: ph
          ? {
              n: inCli.length,
              p99: r1(
                pct(
                  inCli.map((r) => r.total),
                  99,
                ),
              ),
            }
          : undefined,
        afterCliWindow: ph
          ? {
              n: afterCli.length,
              p99: r1(
                pct(
                  afterCli.map((r) => r.total),
                  99,
                ),
              ),
            }
          : undefined,
        newReplicaFirst5: firsts.length
          ? {
              n: firsts.length,
              p50: r1(
                pct(
                  firsts.map((f) => f[0]),
                  50,
                ),
              ),
              othersP50: r1(
                pct(
                  firsts.map((f) => f[1]),
                  50,
                ),
              ),
            }
          : undefined,
        slowConnectOver50pct: slow.filter((r) => r.conn > r.total / 2).length,
        lbEventLoopMax: r1(Math.max(...lbW)),
        lbWindowsOver20ms: lbLong.length,
        lbWindowsOver20msCpuMs_p50: r1(
          pct(
            lbLong.map(([, , c]) => c),
            50,
          ),
        ),
        lbWindowsOver20msCpuMs_max: r1(Math.max(...lbLong.map(([, , c]) => c))),
        daemonEventLoopMax: r1(Math.max(...dW)),
        coresUsed: cores,
      }),
    )
  }
  if (!a.timeline) continue
  const from = info.up.t0 - 1000
  const to = (info.up.tDone ?? info.rb.t0) + 1000
  console.log('t_s  n  p99  max  conn_p99  hosts  lbEld  dEld  cpu(ms per kind)')
  for (let t = from; t < to; t += 250) {
    const rs = recs.filter((r) => r.t >= t && r.t < t + 250)
    const hosts = [...new Set(rs.map((r) => `${r.v}:${r.h.slice(0, 4)}`))].sort().join(' ')
    const c: Record<string, number> = {}
    for (const x of cpu.filter((x) => x.t >= t && x.t < t + 250)) c[x.k] = (c[x.k] ?? 0) + x.ms
    const lbM = Math.max(0, ...lb.filter(([x]) => x >= t && x < t + 250).map(([, v]) => v))
    const dM = Math.max(0, ...daemon.filter(([x]) => x >= t && x < t + 250).map(([, v]) => v))
    const cs = Object.entries(c)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 5)
      .map(([k, ms]) => `${k}=${ms}`)
      .join(' ')
    console.log(
      `${((t - info.up.t0) / 1000).toFixed(2).padStart(5)} ${String(rs.length).padStart(3)} ${String(
        r1(
          pct(
            rs.map((r) => r.total),
            99,
          ),
        ),
      ).padStart(5)} ${String(
        r1(
          pct(
            rs.map((r) => r.total),
            100,
          ),
        ),
      ).padStart(5)} ${String(
        r1(
          pct(
            rs.filter((r) => r.conn >= 0).map((r) => r.conn),
            99,
          ),
        ),
      ).padStart(5)}  ${hosts}  ${lbM.toFixed(0)} ${dM.toFixed(0)}  ${cs}`,
    )
  }
}
