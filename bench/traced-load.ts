/**
 * The peers' open-loop load (peers/common/loadgen.mjs: GET at a fixed rate, keep-alive over N
 * connections or a new connection per request, a timeout) with a trace per request, for
 * finding where a slow request spent its time: when its TCP connection to the load balancer
 * was accepted, when the first byte of the answer came, which replica answered (the app's
 * X-Host header: the container's or process's host name) and how late the request left (this
 * process's own event loop, which shares the machine's cores with everything it measures).
 *
 *   node bench/traced-load.ts --url http://127.0.0.1:18581/ --rate 200 --duration 60 \
 *     --keepalive off --records FILE.csv [--connections 16] [--timeout-ms 2000] [--ready-file F]
 *
 * FILE.csv: start_epoch_ms,late_ms,connect_ms,ttfb_ms,total_ms,outcome,version,host
 * (connect_ms -1 on a reused keep-alive connection). Ends on SIGTERM or at --duration.
 */
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'

const { values: a } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:18581/' },
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '60' },
    keepalive: { type: 'string', default: 'off' },
    connections: { type: 'string', default: '16' },
    'timeout-ms': { type: 'string', default: '2000' },
    records: { type: 'string' },
    'ready-file': { type: 'string' },
  },
})
const url = new URL(a.url)
if (!url.hostname.startsWith('127.')) throw new Error(`loopback only, not ${url.hostname}`)
const rate = Number(a.rate)
const durationS = Number(a.duration)
if (!(rate > 0 && rate <= 2000 && durationS > 0 && durationS <= 900)) throw new Error('rate/duration out of bounds')
const keepalive = a.keepalive === 'on'
const timeoutMs = Number(a['timeout-ms'])
const agents = keepalive
  ? Array.from({ length: Number(a.connections) }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }))
  : [new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })]
const now = () => performance.timeOrigin + performance.now()
type Rec = { t: number; late: number; conn: number; ttfb: number; total: number; o: string; v: string; h: string }
const recs: Rec[] = []
const t0 = now()
let issued = 0
let done = 0
let stopping = false

function fire(due: number): void {
  const start = now()
  const r: Rec = { t: start, late: start - due, conn: -1, ttfb: -1, total: -1, o: '', v: '', h: '' }
  recs.push(r)
  const finish = (o: string) => {
    if (r.total >= 0) return
    r.total = now() - start
    r.o = o
    done++
  }
  const req = http.request(
    {
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      agent: agents[issued % agents.length],
      headers: keepalive ? {} : { Connection: 'close' },
    },
    (res) => {
      r.ttfb = now() - start
      r.h = String(res.headers['x-host'] ?? '')
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => {
        r.v = body.trim().slice(0, 16)
        finish(String(res.statusCode))
      })
      res.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? 'ERESP'))
    },
  )
  req.on('socket', (s) => {
    if (!s.connecting) return
    s.once('connect', () => (r.conn = now() - start))
  })
  issued++
  const timer = setTimeout(() => {
    finish('TIMEOUT')
    req.destroy()
  }, timeoutMs)
  req.on('close', () => clearTimeout(timer))
  req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? 'ERR'))
  req.end()
}

const tick = setInterval(() => {
  const elapsed = now() - t0
  if (elapsed >= durationS * 1000) return stop()
  const due = Math.floor((elapsed / 1000) * rate) + 1
  while (issued < due) fire(t0 + (issued * 1000) / rate)
}, 2)
if (a['ready-file']) writeFileSync(a['ready-file'], String(t0))

function stop(): void {
  if (stopping) return
  stopping = true
  clearInterval(tick)
  const deadline = now() + timeoutMs + 500
  const wait = setInterval(() => {
    if (done < issued && now() < deadline) return
    clearInterval(wait)
    if (a.records) {
      const f = (x: number) => x.toFixed(2)
      const lines = recs.map((r) => [
        f(r.t),
        f(r.late),
        f(r.conn),
        f(r.ttfb),
        f(r.total),
        r.o || 'UNFINISHED',
        r.v,
        r.h,
      ])
      writeFileSync(a.records, `${lines.map((l) => l.join(',')).join('\n')}\n`)
    }
    const failed = recs.filter((r) => !r.o.startsWith('2')).length
    console.log(JSON.stringify({ requests: issued, failed }))
    for (const ag of agents) ag.destroy()
    process.exit(0)
  }, 20)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
