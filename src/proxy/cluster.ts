/**
 * @module
 * The data plane spread over worker processes. One Node event loop proxies about 15 k req/s
 * on this project's 2-core machine while nginx's two workers do about 44 k (bench/proxy.ts),
 * so, like nginx, the proxy runs one data plane per worker. Each worker binds every listen
 * address itself with SO_REUSEPORT (proxy/listeners.ts) and accepts its own connections: the
 * primary (proxy/main.ts) is off the request path. It keeps the route table and the control
 * API; it sends every worker the table, and sums their answers: in flight per pod is the sum,
 * a pod is drained when every worker says so, figures are merged.
 *
 * A worker that dies is replaced and given the current table; the others keep serving. When
 * the primary dies, its workers keep serving until a replacement listens, then hand over and
 * exit (proxy/hand-over.ts). Workers are plain child processes with an IPC channel, not
 * node:cluster ones: a cluster worker exits the moment its primary is gone.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { systemClock } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import { DataPlane, type DataPlaneOptions, type ListenFailure } from './data-plane.ts'
import { handOverWhenReplaced } from './hand-over.ts'
import type { Plane } from './plane.ts'
import { emptyMetrics, mergeMetrics } from './traffic-stats.ts'
import type { ServiceRoute, TrafficMetrics } from './types.ts'

type Request =
  | { op: 'init'; options: WorkerOptions; routes: ServiceRoute[] }
  | { op: 'routes'; routes: ServiceRoute[] }
  | { op: 'inflight'; podUid: string }
  | { op: 'drain'; podUid: string; deadlineMs: number }
  | { op: 'metrics' }

export type WorkerOptions = Pick<DataPlaneOptions, 'timeouts' | 'policy'>

interface Envelope {
  baton: 'proxy'
  id: number
  req?: Request
  result?: unknown
}

interface Pending {
  resolve: (v: unknown) => void
  fallback: unknown
}

export interface ClusterOptions {
  workers: number
  /** The script each worker runs (proxy/worker.ts, which calls runWorker). */
  exec: string
  /** The proxy's data directory: a worker whose primary died watches its proxy.json. */
  dataDir: string
  /** Extra arguments for each worker (worker.ts reads --orphan-max-wait-ms). */
  workerArgs?: string[]
  options: WorkerOptions
  logger: Logger
}

interface WorkerState {
  pending: Map<number, Pending>
  /** The worker listens for messages (it said so); until then calls wait in `queue`. */
  ready: boolean
  queue: Envelope[]
}

/** Message id a worker uses to say its message handler is attached. */
const READY_ID = 0

export function clusterPlane(opts: ClusterOptions): Plane {
  let routes: ServiceRoute[] = []
  let nextId = 1
  let stopping = false
  const workers = new Map<ChildProcess, WorkerState>()

  const call = <T>(w: ChildProcess, req: Request, fallback: T): Promise<T> =>
    new Promise((resolve) => {
      const st = workers.get(w)
      if (!st) return resolve(fallback)
      const id = nextId++
      st.pending.set(id, { resolve: resolve as (v: unknown) => void, fallback })
      const env: Envelope = { baton: 'proxy', id, req }
      if (st.ready) w.send(env)
      else st.queue.push(env)
    })

  const spawn = (): ChildProcess => {
    const w = fork(opts.exec, [
      '--data-dir',
      opts.dataDir,
      '--parent-pid',
      String(process.pid),
      ...(opts.workerArgs ?? []),
    ])
    const st: WorkerState = { pending: new Map(), ready: false, queue: [] }
    workers.set(w, st)
    w.on('message', (m: Envelope) => {
      if (m?.baton !== 'proxy') return
      if (m.id === READY_ID) {
        // A message sent before the worker's handler exists would be lost: the table goes
        // out only now, then whatever was asked meanwhile.
        st.ready = true
        void call(w, { op: 'init', options: opts.options, routes }, [])
        for (const env of st.queue.splice(0)) w.send(env)
        return
      }
      const p = st.pending.get(m.id)
      if (!p) return
      st.pending.delete(m.id)
      p.resolve(m.result)
    })
    w.on('exit', (code, signal) => {
      for (const p of st.pending.values()) p.resolve(p.fallback)
      workers.delete(w)
      if (stopping) return
      opts.logger.error('proxy worker died; starting another', { pid: w.pid, code, signal })
      spawn()
    })
    return w
  }

  for (let i = 0; i < opts.workers; i++) spawn()
  const all = () => [...workers.keys()]

  return {
    async setRoutes(next) {
      routes = next
      const failures = await Promise.all(all().map((w) => call<ListenFailure[]>(w, { op: 'routes', routes: next }, [])))
      // Workers bind the same addresses alike (a taken port fails in each): report each once.
      const byListen = new Map(failures.flat().map((f) => [f.listen, f]))
      return [...byListen.values()]
    },
    routes: () => routes,
    async inflight(podUid) {
      const counts = await Promise.all(all().map((w) => call(w, { op: 'inflight', podUid }, 0)))
      return counts.reduce((a, b) => a + b, 0)
    },
    async waitDrained(podUid, deadlineMs) {
      const each = await Promise.all(all().map((w) => call(w, { op: 'drain', podUid, deadlineMs }, true)))
      return each.every(Boolean)
    },
    async metrics() {
      const each = await Promise.all(all().map((w) => call<TrafficMetrics | null>(w, { op: 'metrics' }, null)))
      const present = each.filter((m): m is TrafficMetrics => m !== null)
      const merged = present.length > 0 ? present.reduce(mergeMetrics) : emptyMetrics(process.pid, 0)
      return { ...merged, pid: process.pid }
    },
    async close() {
      stopping = true
      await Promise.all(
        all().map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.exitCode !== null || w.signalCode !== null) return resolve()
              w.once('exit', () => resolve())
              w.kill('SIGTERM')
            }),
        ),
      )
    },
  }
}

export interface WorkerRunOptions {
  dataDir: string
  parentPid: number
  orphanMaxWaitMs?: number
  logger: Logger
}

/**
 * The worker side: a DataPlane driven by the primary's messages. SIGTERM (the primary's
 * shutdown) ends it at once; the primary vanishing starts a hand-over instead.
 */
export function runWorker(o: WorkerRunOptions): void {
  const { logger } = o
  let dp: DataPlane | undefined
  const reply = (id: number, result: unknown) => {
    if (process.connected) process.send?.({ baton: 'proxy', id, result } satisfies Envelope)
  }
  process.on('message', (m: Envelope) => {
    if (m?.baton !== 'proxy' || !m.req) return
    const req = m.req
    switch (req.op) {
      case 'init':
        dp = new DataPlane({ ...req.options, logger })
        void dp.setRoutes(req.routes).then((f) => reply(m.id, f))
        return
      case 'routes':
        void (dp?.setRoutes(req.routes) ?? Promise.resolve([])).then((f) => reply(m.id, f))
        return
      case 'inflight':
        reply(m.id, dp?.inflight(req.podUid) ?? 0)
        return
      case 'drain':
        void (dp?.waitDrained(req.podUid, req.deadlineMs) ?? Promise.resolve(true)).then((d) => reply(m.id, d))
        return
      case 'metrics':
        reply(m.id, dp?.metrics() ?? null)
        return
    }
  })
  process.on('SIGTERM', () => {
    dp?.close()
    process.exit(0)
  })
  process.on('SIGINT', () => {})
  process.on('SIGHUP', () => {})
  process.once('disconnect', () => {
    logger.error('proxy main process is gone; serving until a replacement listens', { parentPid: o.parentPid })
    handOverWhenReplaced({
      dataDir: o.dataDir,
      parentPid: o.parentPid,
      plane: dp,
      clock: systemClock,
      logger,
      ...(o.orphanMaxWaitMs !== undefined ? { maxWaitMs: o.orphanMaxWaitMs } : {}),
      exit: () => process.exit(0),
    })
  })
  reply(READY_ID, 'ready')
}
