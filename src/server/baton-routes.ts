/**
 * @module
 * Baton's own endpoints, beside the Kubernetes-shaped ones:
 *
 *   GET  /version                                   kube-apiserver's version.Info, plus Baton's version
 *   POST /apis/baton.dev/v1/artifacts?ref=web:v2&force=true   push (body: a .tar.gz; &cmd=<JSON array>: its default command)
 *   GET  /apis/baton.dev/v1/artifacts                list pushed artifacts, with their users
 *   DELETE /apis/baton.dev/v1/artifacts?ref=web:v1   remove a tag (409 while in use)
 *   GET  /apis/baton.dev/v1/traffic                  the load balancer's live counters
 *   GET  /metrics                                    the control plane's counters (Prometheus text)
 *   GET  /api/v1/componentstatuses[/{name}]          health of the daemon's parts (the load balancer)
 *   GET  /apis/node.k8s.io/v1/runtimeclasses[/{name}] the built-in RuntimeClasses, process and docker
 *   POST /apis/baton.dev/v1/shutdown?all=true        stop the daemon (all: stop the pods too)
 *   GET  /apis/baton.dev/v1/backup                   a backup of the state store (a SQLite file)
 *   GET  /api/v1/namespaces/{ns}/pods/{name}/log     a container's log, streamed with ?follow
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Hono } from 'hono'
import type { Limits } from '../api/limits.ts'
import type { ArtifactStore } from '../artifacts/types.ts'
import type { ComponentStatus, ComponentStatusList } from '../api/component-status.ts'
import { builtinRuntimeClasses, type RuntimeClassList } from '../api/runtime-class.ts'
import { formatTimestamp } from '../api/timestamps.ts'
import type { Pod } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import type { ObjectStore } from '../store/types.ts'
import { artifactUsers } from './artifact-users.ts'
import { tooLarge } from './body-limit.ts'
import { badRequest } from './errors.ts'
import { getOr404 } from './lookup.ts'
import { versionInfo } from './kube/version.ts'
import type { LogSource } from './ports.ts'

export const ARTIFACT_PUSH_PATH = '/apis/baton.dev/v1/artifacts'

export interface BatonRouteDeps {
  store: ObjectStore
  limits: Limits
  clock: Clock
  version: string
  artifacts?: ArtifactStore
  logs?: LogSource
  /** The load balancer's counters, served at /apis/baton.dev/v1/traffic. */
  traffic?: () => Promise<unknown>
  /** The control plane's counters in Prometheus' text format (controller_runtime_reconcile_total), served at /metrics. */
  metrics?: () => string
  /** The daemon's parts and their health, computed on each read (Kubernetes' ComponentStatus). */
  components?: () => ComponentStatus[]
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
      throw badRequest(
        `container ${requested} is not valid for pod ${pod.metadata.name}`,
        `Choose one of: ${names.join(', ')}`,
      )
    }
    return requested
  }
  if (names.length === 1 && names[0]) return names[0]
  throw badRequest(
    `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
    'Pass -c <container>',
  )
}

/** Passes bytes through until more than `max` have passed, then fails with BATON_TOO_LARGE. */
function byteLimit(max: number): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length
      if (seen > max) done(tooLarge('the artifact upload', max, '--max-artifact-upload-bytes'))
      else done(null, chunk)
    },
  })
}

export function registerBatonRoutes(app: Hono, deps: BatonRouteDeps): void {
  app.get('/version', (c) => c.json(versionInfo(deps.version)))

  app.post(ARTIFACT_PUSH_PATH, async (c) => {
    const artifacts = deps.artifacts
    if (!artifacts) throw unavailable('artifact store')
    const ref = c.req.query('ref')
    if (!ref) throw badRequest('the push names no artifact', 'Pass ?ref=NAME:TAG')
    const cmdParam = c.req.query('cmd')
    // The store checks the command's shape (artifacts/default-command.ts); here only that it is JSON.
    let cmd: string[] | undefined
    try {
      cmd = cmdParam === undefined ? undefined : (JSON.parse(cmdParam) as string[])
    } catch {
      throw badRequest('the cmd parameter is not JSON', 'Pass the default command as a JSON array of strings')
    }
    const max = deps.limits.maxArtifactUploadBytes
    const declared = Number(c.req.header('content-length') ?? Number.NaN)
    if (declared > max) throw tooLarge('the artifact upload', max, '--max-artifact-upload-bytes')
    const body = c.req.raw.body
    if (!body || declared === 0) throw badRequest('the push has an empty body', 'Send the artifact as a .tar.gz body')
    // The upload streams to a private temp file, counted as it arrives: memory stays flat
    // whatever its size, and the artifact store reads it from there.
    const dir = await mkdtemp(join(tmpdir(), 'baton-push-'))
    try {
      const file = join(dir, 'upload.tar.gz')
      await pipeline(Readable.fromWeb(body as never), byteLimit(max), createWriteStream(file, { mode: 0o600 }))
      if ((await stat(file)).size === 0)
        throw badRequest('the push has an empty body', 'Send the artifact as a .tar.gz body')
      const { maxArtifactBytes: maxBytes, maxArtifactEntries: maxEntries } = deps.limits
      return c.json(
        await artifacts.push(ref, file, {
          force: truthy(c.req.query('force')),
          ...(cmd ? { cmd } : {}),
          limits: { maxBytes, maxEntries },
        }),
        201,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  /** The pushed artifacts, each with the objects that use it (artifact-users.ts). */
  const artifactsWithUsers = (artifacts: ArtifactStore) => {
    const items = artifacts.list()
    const objects = {
      deployments: deps.store.list('Deployment').items,
      replicaSets: deps.store.list('ReplicaSet').items,
      pods: deps.store.list('Pod').items,
    }
    return items.map((a) => {
      const lastTag = !items.some((o) => o !== a && o.digest === a.digest)
      return { ...a, ...artifactUsers(a, objects, (image) => artifacts.resolve(image), lastTag) }
    })
  }

  app.get('/apis/baton.dev/v1/artifacts', (c) => {
    if (!deps.artifacts) throw unavailable('artifact store')
    return c.json({ items: artifactsWithUsers(deps.artifacts) })
  })

  app.delete('/apis/baton.dev/v1/artifacts', (c) => {
    const artifacts = deps.artifacts
    if (!artifacts?.remove) throw unavailable('artifact store')
    const ref = c.req.query('ref')
    if (!ref) throw badRequest('the removal names no artifact', 'Pass ?ref=NAME:TAG')
    const parsed = artifacts.resolve(ref)
    const target = artifactsWithUsers(artifacts).find((a) => a.name === parsed?.name && a.tag === parsed?.tag)
    if (target && target.inUse.length > 0) {
      throw new BatonError('BATON_ARTIFACT_IN_USE', `artifact "${ref}" is in use by ${target.inUse.join(', ')}`, {
        hint: 'set another image on them (baton set image), or delete them, then remove it',
      })
    }
    return c.json(artifacts.remove(ref))
  })

  app.get('/apis/baton.dev/v1/traffic', async (c) => {
    if (!deps.traffic) throw unavailable('load balancer')
    return c.json(await deps.traffic())
  })

  app.get('/metrics', (c) => {
    if (!deps.metrics) throw unavailable('metrics')
    return c.text(deps.metrics(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
  })

  app.get('/api/v1/componentstatuses', (c) => {
    const list: ComponentStatusList = {
      apiVersion: 'v1',
      kind: 'ComponentStatusList',
      items: deps.components?.() ?? [],
    }
    return c.json(list)
  })

  app.get('/api/v1/componentstatuses/:name', (c) => {
    const name = c.req.param('name')
    const found = deps.components?.().find((cs) => cs.metadata.name === name)
    if (!found) {
      throw new BatonError('BATON_NOT_FOUND', `componentstatuses "${name}" not found`, {
        hint: 'List them with `baton get componentstatuses`',
      })
    }
    return c.json(found)
  })

  // Built in, never stored: they exist from the daemon's start.
  const runtimeClasses = builtinRuntimeClasses(formatTimestamp(deps.clock.now()))
  app.get('/apis/node.k8s.io/v1/runtimeclasses', (c) => {
    const list: RuntimeClassList = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClassList', items: runtimeClasses }
    return c.json(list)
  })

  app.get('/apis/node.k8s.io/v1/runtimeclasses/:name', (c) => {
    const name = c.req.param('name')
    const found = runtimeClasses.find((rc) => rc.metadata.name === name)
    if (!found) {
      throw new BatonError('BATON_NOT_FOUND', `runtimeclasses.node.k8s.io "${name}" not found`, {
        hint: 'Baton has the RuntimeClasses process and docker: `baton get runtimeclass`',
      })
    }
    return c.json(found)
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
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/vnd.sqlite3',
      'x-baton-objects': String(objects),
    })
  })

  app.get('/api/v1/namespaces/:ns/pods/:name/log', (c) => {
    const logs = deps.logs
    if (!logs) throw unavailable('logs')
    const ns = c.req.param('ns')
    const pod = getOr404(deps.store, 'Pod', ns, c.req.param('name')) as Pod
    const container = logContainer(pod, c.req.query('container'))
    const previous = truthy(c.req.query('previous'))
    // The kubelet's check (validateContainerLogStatus): a previous instance is one that terminated.
    if (previous && !pod.status?.containerStatuses?.find((s) => s.name === container)?.lastState?.terminated) {
      throw badRequest(
        `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`,
        `The container has not restarted; see its current log with \`baton logs ${pod.metadata.name}${c.req.query('container') ? ` -c ${container}` : ''}\``,
      )
    }
    const tailLines = c.req.query('tailLines')
    const tail = tailLines === undefined || tailLines === '' ? undefined : Number(tailLines)
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
      throw badRequest(`tailLines must be a non-negative integer`, 'Pass --tail=N')
    const abort = new AbortController()
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true })
    const lines = logs.read(ns, pod.metadata.name, container, {
      follow: truthy(c.req.query('follow')),
      previous,
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
          else controller.enqueue(encoder.encode(`${next.value}\n`))
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
