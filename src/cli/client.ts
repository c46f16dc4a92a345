/**
 * @module
 * The typed client of the daemon's HTTP API: the CLI's only way into the daemon. Every call
 * carries the bearer token; error bodies come back as BatonErrors marked as coming from the
 * server (kubectl prints those as "Error from server (NotFound): ..."); a refused
 * connection becomes BATON_DAEMON_UNREACHABLE with the command that starts the daemon.
 *
 * `fetch` is injectable: tests pass `app.request` of an in-process API app, no socket.
 */
import { resourcePath } from '../api/resources.ts'
import type { Kind, KindMap, KObject } from '../api/types.ts'
import type { ArtifactInfo } from '../artifacts/types.ts'
import { BatonError, batonErrorFromBody } from '../errors/baton-error.ts'

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>

/** One line of a `?watch=true` stream, as the API sends it. */
export interface WatchEvent<K extends Kind = Kind> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED'
  object: KindMap[K]
}

/** An error the API server answered with (as opposed to one the CLI found by itself). */
export class ServerError extends BatonError {}

export interface ListQuery {
  namespace?: string
  labelSelector?: string
  fieldSelector?: string
}

export interface Scale {
  apiVersion: 'autoscaling/v1'
  kind: 'Scale'
  metadata: { name: string; namespace?: string; resourceVersion?: string }
  spec: { replicas: number }
  status: { replicas: number; selector: string }
}

export interface LogQuery {
  container?: string
  follow?: boolean
  previous?: boolean
  tailLines?: number
  timestamps?: boolean
}

export interface ClientOptions {
  server: string
  token?: string | undefined
  fetch?: Fetch
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== false) q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; errors?: Array<{ code?: string }> } })?.cause
  const codes = [cause?.code, ...(cause?.errors ?? []).map((e) => e.code)]
  return codes.some((c) => c === 'ECONNREFUSED' || c === 'ECONNRESET' || c === 'ENOTFOUND' || c === 'EHOSTUNREACH')
}

export class ApiClient {
  readonly server: string
  readonly #token: string | undefined
  readonly #fetch: Fetch

  constructor(opts: ClientOptions) {
    this.server = opts.server
    this.#token = opts.token
    this.#fetch = opts.fetch ?? ((url, init) => fetch(url, init))
  }

  /** Sends a request; resolves to the response when it is 2xx, throws the server's error otherwise. */
  async request(method: string, path: string, body?: BodyInit, contentType = 'application/json', signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.#token) headers.authorization = `Bearer ${this.#token}`
    if (body !== undefined) headers['content-type'] = contentType
    let res: Response
    try {
      // A streamed body (an artifact push) is sent as it is produced: fetch needs duplex 'half' for it.
      const streamed = body instanceof ReadableStream ? { duplex: 'half' } : {}
      res = await this.#fetch(`${this.server}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), ...streamed, ...(signal ? { signal } : {}) } as RequestInit)
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err
      if (isConnectionRefused(err) || (err as Error)?.message === 'fetch failed') {
        throw new BatonError('BATON_DAEMON_UNREACHABLE', `cannot reach the Baton daemon at ${this.server}`, {
          hint: 'start it with: baton up -d (or point --server / BATON_SERVER at a running daemon)',
          cause: err,
        })
      }
      throw err
    }
    if (res.ok) return res
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = { message: text.trim() || `request failed with HTTP ${res.status}` }
    }
    const e = batonErrorFromBody(parsed, res.status)
    throw new ServerError(e.code, e.message, { ...(e.hint !== undefined ? { hint: e.hint } : {}), httpStatus: e.httpStatus, causes: e.causes })
  }

  async #json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body), contentType)
    return (await res.json()) as T
  }

  get<K extends Kind>(kind: K, namespace: string, name: string): Promise<KindMap[K]> {
    return this.#json('GET', resourcePath(kind, namespace, name))
  }

  async list<K extends Kind>(kind: K, q: ListQuery = {}): Promise<{ items: KindMap[K][]; resourceVersion: string }> {
    const path = resourcePath(kind, q.namespace) + query({ labelSelector: q.labelSelector, fieldSelector: q.fieldSelector })
    const res = await this.#json<{ items: KindMap[K][]; metadata: { resourceVersion: string } }>('GET', path)
    return { items: res.items, resourceVersion: res.metadata.resourceVersion }
  }

  create<T extends KObject>(obj: T): Promise<T> {
    return this.#json('POST', resourcePath(obj.kind, obj.metadata.namespace ?? 'default'), obj)
  }

  update<T extends KObject>(obj: T): Promise<T> {
    return this.#json('PUT', resourcePath(obj.kind, obj.metadata.namespace ?? 'default', obj.metadata.name), obj)
  }

  patch<K extends Kind>(kind: K, namespace: string, name: string, patch: unknown): Promise<KindMap[K]> {
    return this.#json('PATCH', resourcePath(kind, namespace, name), patch, 'application/merge-patch+json')
  }

  delete<K extends Kind>(kind: K, namespace: string, name: string, opts: { propagationPolicy?: string; gracePeriodSeconds?: number } = {}): Promise<KindMap[K]> {
    return this.#json('DELETE', resourcePath(kind, namespace, name) + query(opts))
  }

  getScale(kind: Kind, namespace: string, name: string): Promise<Scale> {
    return this.#json('GET', `${resourcePath(kind, namespace, name)}/scale`)
  }

  setScale(kind: Kind, namespace: string, name: string, replicas: number, resourceVersion?: string): Promise<Scale> {
    const body = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) }, spec: { replicas } }
    return this.#json('PUT', `${resourcePath(kind, namespace, name)}/scale`, body)
  }

  /** Watch events until the server ends the stream or `signal` aborts. */
  async *watch<K extends Kind>(
    kind: K,
    q: ListQuery & { resourceVersion?: string; timeoutSeconds?: number },
    signal?: AbortSignal,
  ): AsyncGenerator<WatchEvent<K>> {
    const path =
      resourcePath(kind, q.namespace) +
      query({ watch: true, labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, resourceVersion: q.resourceVersion, timeoutSeconds: q.timeoutSeconds })
    const res = await this.request('GET', path, undefined, undefined, signal)
    for await (const line of lines(res, signal)) if (line.trim()) yield JSON.parse(line) as WatchEvent<K>
  }

  /** A pod's log, line by line. */
  async *logs(namespace: string, pod: string, q: LogQuery, signal?: AbortSignal): AsyncGenerator<string> {
    const path = `${resourcePath('Pod', namespace, pod)}/log` + query({ ...q })
    const res = await this.request('GET', path, undefined, undefined, signal)
    yield* lines(res, signal)
  }

  /** Sends a .tar.gz, whole or as a stream (memory stays flat whatever its size). */
  push(ref: string, archive: Uint8Array | ReadableStream<Uint8Array>, force: boolean): Promise<ArtifactInfo> {
    return this.request('POST', `/apis/baton.dev/v1/artifacts${query({ ref, force })}`, archive as BodyInit, 'application/gzip').then(
      (r) => r.json() as Promise<ArtifactInfo>,
    )
  }

  async artifacts(): Promise<ArtifactInfo[]> {
    return (await this.#json<{ items: ArtifactInfo[] }>('GET', '/apis/baton.dev/v1/artifacts')).items
  }

  traffic(): Promise<unknown> {
    return this.#json('GET', '/apis/baton.dev/v1/traffic')
  }

  version(): Promise<{ version: string }> {
    return this.#json('GET', '/version')
  }

  shutdown(all: boolean): Promise<unknown> {
    return this.#json('POST', `/apis/baton.dev/v1/shutdown${query({ all })}`)
  }
}

/**
 * The lines of a streamed body, without their newlines. Aborting `signal` cancels the body
 * itself: a fetch abort alone does not always reach a stream that is already flowing (an
 * in-process `app.request` never sees it), and the server must learn the watcher left.
 */
async function* lines(res: Response, signal?: AbortSignal): AsyncGenerator<string> {
  if (!res.body) return
  const reader = res.body.getReader()
  const cancel = () => void reader.cancel().catch(() => {})
  signal?.addEventListener('abort', cancel, { once: true })
  if (signal?.aborted) cancel()
  const decoder = new TextDecoder()
  let carry = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      carry += decoder.decode(value, { stream: true })
      let nl: number
      while ((nl = carry.indexOf('\n')) !== -1) {
        yield carry.slice(0, nl)
        carry = carry.slice(nl + 1)
      }
    }
  } finally {
    signal?.removeEventListener('abort', cancel)
    if (!signal?.aborted) cancel()
  }
  carry += decoder.decode()
  if (carry) yield carry
}
