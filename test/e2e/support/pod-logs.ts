/**
 * @module
 * The example app's own log for every replica a test started, including the ones a rollout
 * terminated: the node agent removes a pod's directory (logs included) once the pod is gone,
 * so the collector opens each log file as soon as it appears and keeps the descriptor; an
 * unlinked file stays readable through it to the last line the app wrote.
 *
 * Log lines are "<runtime time> stdout F <app time> <event> <details>" (see
 * examples/web/server.js): the runtime's CRI-style prefix, then the app's line.
 */
import { open, readdir, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

export interface AppLogLine {
  /** The app's own timestamp (epoch ms). */
  at: number
  /** "request", "prestop", "sigterm", "draining", "exit", "listening", "ready", ... */
  event: string
  details: string
}

export interface PodLog {
  uid: string
  lines: AppLogLine[]
}

/** "2026-…Z stdout F 2026-…Z request GET / 200 v1 0.4ms" -> the app's part, or undefined. */
export function parseLogLine(raw: string): AppLogLine | undefined {
  const m = /^\S+ (?:stdout|stderr) F (\S+) (\S+)(?: (.*))?$/.exec(raw)
  if (!m) return undefined
  const at = Date.parse(m[1]!)
  if (Number.isNaN(at)) return undefined
  // "sigterm received" is two words; the event is the first.
  return { at, event: m[2]!, details: m[3] ?? '' }
}

export interface DrainCheck {
  uid: string
  /** The app's time of its last answered request to "/" (load through the Service). */
  lastServedAt?: number
  /** The first of prestop / SIGTERM, when the app logged one. */
  stopAt?: number
  /** The log line that stopped it: "prestop" or "sigterm". */
  stopEvent?: string
  /** Requests to "/" the app logged after stopAt (must be 0 when drained first). */
  servedAfterStop: number
}

/** For one replica: did its last client request end before it was asked to stop? */
export function drainCheck(log: PodLog): DrainCheck {
  const stop = log.lines.find((l) => l.event === 'prestop' || l.event === 'sigterm')
  const served = log.lines.filter((l) => l.event === 'request' && /^\w+ \/ /.test(l.details))
  const last = served.at(-1)
  return {
    uid: log.uid,
    ...(last ? { lastServedAt: last.at } : {}),
    ...(stop ? { stopAt: stop.at, stopEvent: stop.event } : {}),
    servedAfterStop: stop ? served.filter((l) => l.at > stop.at).length : 0,
  }
}

export class PodLogCollector {
  readonly #podsDir: string
  readonly #files = new Map<string, { uid: string; handle: FileHandle }>()
  #timer: NodeJS.Timeout | undefined
  #scanning: Promise<void> = Promise.resolve()

  private constructor(dataDir: string) {
    this.#podsDir = join(dataDir, 'pods')
  }

  /** Starts looking for new log files every `intervalMs`. */
  static start(dataDir: string, intervalMs = 50): PodLogCollector {
    const c = new PodLogCollector(dataDir)
    const tick = () => {
      c.#scanning = c.#scan().finally(() => {
        if (c.#timer) c.#timer = setTimeout(tick, intervalMs)
      })
    }
    c.#timer = setTimeout(tick, 0)
    return c
  }

  async #scan(): Promise<void> {
    const uids = await readdir(this.#podsDir).catch(() => [] as string[])
    for (const uid of uids) {
      const logs = join(this.#podsDir, uid, 'logs')
      for (const name of await readdir(logs).catch(() => [] as string[])) {
        const path = join(logs, name)
        if (this.#files.has(path)) continue
        const handle = await open(path, 'r').catch(() => undefined)
        if (handle) this.#files.set(path, { uid, handle })
      }
    }
  }

  /** Stops looking, reads every file seen to its end, closes them: one entry per pod. */
  async stop(): Promise<PodLog[]> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#scanning
    const byUid = new Map<string, AppLogLine[]>()
    for (const { uid, handle } of this.#files.values()) {
      const text = await handle.readFile({ encoding: 'utf8' })
      await handle.close()
      const lines = byUid.get(uid) ?? []
      for (const raw of text.split('\n')) {
        const line = parseLogLine(raw)
        if (line) lines.push(line)
      }
      byUid.set(uid, lines)
    }
    this.#files.clear()
    return [...byUid].map(([uid, lines]) => ({ uid, lines: lines.sort((a, b) => a.at - b.at) }))
  }
}
