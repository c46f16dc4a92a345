/**
 * @module
 * Baton's own endpoints, beside the Kubernetes-shaped ones:
 *
 *   GET  /version                                   client-visible server version
 *   POST /apis/baton.dev/v1/artifacts?ref=web:v2&force=true   push (body: a .tar.gz)
 *   GET  /apis/baton.dev/v1/artifacts                list pushed artifacts
 *   GET  /apis/baton.dev/v1/traffic                  the load balancer's live counters
 *   POST /apis/baton.dev/v1/shutdown?all=true        stop the daemon (all: stop the pods too)
 *   GET  /apis/baton.dev/v1/backup                   a backup of the state store (a SQLite file)
 *   GET  /api/v1/namespaces/{ns}/pods/{name}/log     a container's log, streamed with ?follow
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import type { ArtifactStore } from '../artifacts/types.ts'
import type { Pod } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import type { ObjectStore } from '../store/types.ts'
import { badRequest } from './errors.ts'
import { getOr404 } from './lookup.ts'
import type { LogSource } from './ports.ts'

export interface BatonRouteDeps {
  store: ObjectStore
  clock: Clock
  version: string
  artifacts?: ArtifactStore
  logs?: LogSource
  /** The load balancer's counters, served at /apis/baton.dev/v1/traffic. */
  traffic?: () => Promise<unknown>
  /** Stops the daemon (and with `all`, every pod); called just after the request is answered. */
  shutdown?: (all: boolean) => void | Promise<void>
  /** A consistent copy of the state store (SQLite's online backup) and how many objects it holds. */
  backup?: () => Promise<{ bytes: Uint8Array; objects: number }>
}

function unavailable(what: string): BatonError {
  return new BatonError('BATON_NOT_FOUND', `this daemon serves no ${what}`, {
    hint: 'Start the full daemon with `baton up`; this API server was started without that part',
  })
}

const truthy = (v: string | undefined) => v === 'true' || v === '1'

/** Which container `logs` reads: the named one, or the only one. */
export function logContainer(pod: Pod, requested: string | undefined): string {
  const names = pod.spec.containers.map((c) => c.name)
  if (requested) {
    if (!names.includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`, `Choose one of: ${names.join(', ')}`)
    }
    return requested
  }
  if (names.length === 1 && names[0]) return names[0]
  throw badRequest(
    `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
    'Pass -c <container>',
  )
}

export function registerBatonRoutes(app: Hono, deps: BatonRouteDeps): void {
  app.get('/version', (c) => c.json({ version: deps.version, platform: 'baton' }))

  app.post('/apis/baton.dev/v1/artifacts', async (c) => {
    if (!deps.artifacts) throw unavailable('artifact store')
    const ref = c.req.query('ref')
    if (!ref) throw badRequest('the push names no artifact', 'Pass ?ref=NAME:TAG')
    const body = new Uint8Array(await c.req.arrayBuffer())
    if (body.length === 0) throw badRequest('the push has an empty body', 'Send the artifact as a .tar.gz body')
    // The artifact store takes a path; the upload lives in a private temp dir only while it is read.
    const dir = await mkdtemp(join(tmpdir(), 'baton-push-'))
    try {
      const file = join(dir, 'upload.tar.gz')
      await writeFile(file, body)
      return c.json(await deps.artifacts.push(ref, file, { force: truthy(c.req.query('force')) }), 201)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  app.get('/apis/baton.dev/v1/artifacts', (c) => {
    if (!deps.artifacts) throw unavailable('artifact store')
    return c.json({ items: deps.artifacts.list() })
  })

  app.get('/apis/baton.dev/v1/traffic', async (c) => {
    if (!deps.traffic) throw unavailable('load balancer')
    return c.json(await deps.traffic())
  })

  app.post('/apis/baton.dev/v1/shutdown', (c) => {
    const shutdown = deps.shutdown
    if (!shutdown) throw unavailable('shutdown')
    const all = truthy(c.req.query('all'))
    // Answer first: the shutdown closes this very server.
    deps.clock.setTimeout(() => void shutdown(all), 0)
    return c.json({ status: 'shutting down', all }, 202)
  })

  app.get('/apis/baton.dev/v1/backup', async (c) => {
    if (!deps.backup) throw unavailable('backup')
    const { bytes, objects } = await deps.backup()
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/vnd.sqlite3', 'x-baton-objects': String(objects) })
  })

  app.get('/api/v1/namespaces/:ns/pods/:name/log', (c) => {
    const logs = deps.logs
    if (!logs) throw unavailable('logs')
    const ns = c.req.param('ns')
    const pod = getOr404(deps.store, 'Pod', ns, c.req.param('name')) as Pod
    const container = logContainer(pod, c.req.query('container'))
    const tailLines = c.req.query('tailLines')
    const tail = tailLines === undefined || tailLines === '' ? undefined : Number(tailLines)
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw badRequest(`tailLines must be a non-negative integer`, 'Pass --tail=N')
    const abort = new AbortController()
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true })
    const lines = logs.read(ns, pod.metadata.name, container, {
      follow: truthy(c.req.query('follow')),
      previous: truthy(c.req.query('previous')),
      timestamps: truthy(c.req.query('timestamps')),
      ...(tail !== undefined ? { tail } : {}),
      signal: abort.signal,
    })
    const encoder = new TextEncoder()
    const iterator = lines[Symbol.asyncIterator]()
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next()
          if (next.done) controller.close()
          else controller.enqueue(encoder.encode(next.value + '\n'))
        } catch (err) {
          controller.error(err)
        }
      },
      async cancel() {
        abort.abort()
        await iterator.return?.()
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } })
  })
}
