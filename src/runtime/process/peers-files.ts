/**
 * @module
 * Keeps `<data-dir>/peers/<namespace>/<service>.json` (../peer-records.ts) true for every headless
 * Service: rewritten when a Service or an Endpoints changes (and on start), removed when the
 * Service goes or stops being headless. Level-triggered: each sync recomputes every file from
 * the store and writes only those whose text changed. A file is replaced by a rename, so a
 * member reading it never sees half of one.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Clock, TimerHandle } from '../../platform/clock.ts'
import { silentLogger, type Logger } from '../../platform/logger.ts'
import type { ObjectStore, Unsubscribe } from '../../store/types.ts'
import { peerRecords, peersFileSegments } from '../peer-records.ts'

export function peersDir(dataDir: string): string {
  return join(dataDir, 'peers')
}

export interface PeersFilesOptions {
  store: ObjectStore
  clock: Clock
  dataDir: string
  logger?: Logger
}

export class PeersFiles {
  readonly #o: PeersFilesOptions
  readonly #dir: string
  readonly #logger: Logger
  /** Path → text written by this process. */
  readonly #written = new Map<string, string>()
  #unsubscribe: Unsubscribe[] = []
  #timer: TimerHandle | undefined

  constructor(opts: PeersFilesOptions) {
    this.#o = opts
    this.#dir = peersDir(opts.dataDir)
    this.#logger = opts.logger ?? silentLogger
  }

  start(): void {
    const rv = this.#o.store.currentResourceVersion()
    for (const kind of ['Service', 'Endpoints'] as const) {
      this.#unsubscribe.push(this.#o.store.watch(kind, { resourceVersion: rv }, () => this.#schedule()))
    }
    this.sync()
  }

  stop(): void {
    for (const u of this.#unsubscribe) u()
    this.#unsubscribe = []
    this.#timer?.cancel()
    this.#timer = undefined
  }

  /** Writes every changed file and removes stale ones (also those of an earlier daemon). */
  sync(): void {
    const { store } = this.#o
    const endpoints = new Map(
      store.list('Endpoints').items.map((e) => [`${e.metadata.namespace ?? 'default'}/${e.metadata.name}`, e]),
    )
    const want = new Map<string, string>()
    for (const svc of store.list('Service').items) {
      const ns = svc.metadata.namespace ?? 'default'
      const file = peerRecords(svc, endpoints.get(`${ns}/${svc.metadata.name}`))
      if (file) want.set(join(this.#dir, ...peersFileSegments(ns, svc.metadata.name)), `${JSON.stringify(file)}\n`)
    }
    for (const [path, text] of want) {
      if (this.#written.get(path) === text) continue
      try {
        mkdirSync(join(path, '..'), { recursive: true })
        const tmp = `${path}.tmp`
        writeFileSync(tmp, text)
        renameSync(tmp, path)
        this.#written.set(path, text)
      } catch (err) {
        this.#logger.error('peers file not written', { path, err })
      }
    }
    for (const path of this.#existing()) {
      if (want.has(path)) continue
      rmSync(path, { force: true })
      this.#written.delete(path)
    }
  }

  #existing(): string[] {
    const out: string[] = []
    let namespaces: string[]
    try {
      namespaces = readdirSync(this.#dir)
    } catch {
      return out
    }
    for (const ns of namespaces) {
      try {
        for (const f of readdirSync(join(this.#dir, ns))) if (f.endsWith('.json')) out.push(join(this.#dir, ns, f))
      } catch {
        // not a directory: nothing of ours
      }
    }
    return out
  }

  #schedule(): void {
    if (this.#timer) return
    // Watch handlers only enqueue: the files are written once the burst of events is over.
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined
      this.sync()
    }, 0)
  }
}
