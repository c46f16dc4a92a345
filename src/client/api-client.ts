/**
 * @module
 * The typed client of the daemon's HTTP API, shared by the CLI and the dashboard. It uses only
 * what a browser has too (`fetch`'s Request/Response shapes, ReadableStream, TextDecoder), so the
 * dashboard's bundle carries it unchanged. Error bodies (`{code, message, hint, details}`) come
 * back as BatonErrors marked as coming from the server (kubectl prints those as "Error from
 * server (NotFound): ..."); a refused connection becomes BATON_DAEMON_UNREACHABLE with the
 * command that starts the daemon.
 *
 * What differs between the two callers is passed in: the CLI sends the bearer token, the
 * dashboard its CSRF header with the browser's session cookie and a hook for a 401. The
 * transport is injectable: tests pass `app.request` of an in-process API app, no socket.
 */
import { resourcePath } from '../api/resources.ts'
import type { Kind, KindMap, KObject } from '../api/types.ts'
import type { ArtifactInfo, ArtifactListItem } from '../artifacts/types.ts'
import { BatonError, batonErrorFromBody } from '../errors/baton-error.ts'
import { lines } from './lines.ts'
import type { ComponentStatus, ComponentStatusList } from '../api/component-status.ts'
import type { RuntimeClass, RuntimeClassList } from '../api/runtime-class.ts'
import { parseWarningHeader } from './warnings.ts'

/** How a request reaches the API: `fetch` unless the caller passes another. */
export type { ArtifactListItem }

export type Transport = (url: string, init: RequestInit) => Promise<Response>

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
  /** The API's origin, e.g. `http://127.0.0.1:7070`; '' for a page's own origin. */
  server: string
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | undefined
  /** Sent with every request (the dashboard's CSRF header). */
  headers?: Readonly<Record<string, string>>
  /** 'same-origin' in a page, so that the browser sends the session cookie. */
  credentials?: RequestCredentials
  transport?: Transport
  /** Called when the API answers 401 (the dashboard's session ended), before the error is thrown. */
  onUnauthorized?: () => void
  /** Called with each `Warning` the API sends (kubectl prints them as `Warning: ...` on stderr). */
  onWarning?: (text: string) => void
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== false) q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** A web ReadableStream, or any async iterable of bytes (a Node stream), as fetch takes it. */
function isStreamBody(body: unknown): boolean {
  return body instanceof ReadableStream || (typeof body === 'object' && body !== null && Symbol.asyncIterator in body)
}

function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; errors?: Array<{ code?: string }> } })?.cause
  const codes = [cause?.code, ...(cause?.errors ?? []).map((e) => e.code)]
  return codes.some((c) => c === 'ECONNREFUSED' || c === 'ECONNRESET' || c === 'ENOTFOUND' || c === 'EHOSTUNREACH')
}

/** The TLS verification failures (OpenSSL's codes, as Node reports them) of a server the client does not trust. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

function untrustedCertificate(err: unknown): string | undefined {
  const code = (err as { cause?: { code?: string } })?.cause?.code
  return code && UNTRUSTED.has(code) ? code : undefined
}

export class ApiClient {
  readonly server: string
  readonly #opts: ClientOptions
  readonly #transport: Transport

  constructor(opts: ClientOptions) {
    this.server = opts.server
    this.#opts = opts
    this.#transport = opts.transport ?? ((url, init) => fetch(url, init))
  }

  /** Sends a request; resolves to the response when it is 2xx, throws the server's error otherwise. */
  async request(
    method: string,
    path: string,
    body?: BodyInit,
    contentType = 'application/json',
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { ...this.#opts.headers, accept: 'application/json' }
    if (this.#opts.token) headers.authorization = `Bearer ${this.#opts.token}`
    if (body !== undefined) headers['content-type'] = contentType
    // A streamed body (an artifact push) is sent as it is produced: fetch needs duplex 'half' for it.
    const streamed = isStreamBody(body) ? { duplex: 'half' } : {}
    const init = {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...streamed,
      ...(signal ? { signal } : {}),
    } as RequestInit
    if (this.#opts.credentials) init.credentials = this.#opts.credentials
    let res: Response
    try {
      res = await this.#transport(`${this.server}${path}`, init)
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err
      const tls = untrustedCertificate(err)
      if (tls) {
        throw new BatonError(
          'BATON_TLS_UNTRUSTED',
          `the certificate of ${this.server} is not one this client trusts (${tls})`,
          {
            hint: "On the daemon's machine the CLI trusts <data-dir>/ca.crt by itself; elsewhere use the daemon's kubeconfig (`baton kubeconfig`) with --kubeconfig, which carries its CA",
            cause: err,
          },
        )
      }
      if (isConnectionRefused(err) || (err as Error)?.message === 'fetch failed') {
        throw new BatonError('BATON_DAEMON_UNREACHABLE', `cannot reach the Baton daemon at ${this.server}`, {
          hint: 'start it with: baton up -d (or point --server / BATON_SERVER at a running daemon)',
          cause: err,
        })
      }
      throw err
    }
    if (this.#opts.onWarning) for (const w of parseWarningHeader(res.headers.get('warning'))) this.#opts.onWarning(w)
    if (res.ok) return res
    if (res.status === 401) this.#opts.onUnauthorized?.()
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = { message: text.trim() || `request failed with HTTP ${res.status}` }
    }
    const e = batonErrorFromBody(parsed, res.status)
    throw new ServerError(e.code, e.message, {
      ...(e.hint !== undefined ? { hint: e.hint } : {}),
      httpStatus: e.httpStatus,
      causes: e.causes,
    })
  }

  /** A JSON request and its JSON answer; `body` is serialised. */
  async json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body), contentType)
    return (await res.json()) as T
  }

  get<K extends Kind>(kind: K, namespace: string, name: string): Promise<KindMap[K]> {
    return this.json('GET', resourcePath(kind, namespace, name))
  }

  async list<K extends Kind>(kind: K, q: ListQuery = {}): Promise<{ items: KindMap[K][]; resourceVersion: string }> {
    const path =
      resourcePath(kind, q.namespace) + query({ labelSelector: q.labelSelector, fieldSelector: q.fieldSelector })
    const res = await this.json<{ items: KindMap[K][]; metadata: { resourceVersion: string } }>('GET', path)
    return { items: res.items, resourceVersion: res.metadata.resourceVersion }
  }

  /** `dryRun`: admitted and warned about by the API, not stored (kubectl's --dry-run=server). */
  create<T extends KObject>(obj: T, opts: { dryRun?: boolean } = {}): Promise<T> {
    return this.json(
      'POST',
      resourcePath(obj.kind, obj.metadata.namespace ?? 'default') + query({ dryRun: opts.dryRun ? 'All' : undefined }),
      obj,
    )
  }

  update<T extends KObject>(obj: T, opts: { dryRun?: boolean } = {}): Promise<T> {
    return this.json(
      'PUT',
      resourcePath(obj.kind, obj.metadata.namespace ?? 'default', obj.metadata.name) +
        query({ dryRun: opts.dryRun ? 'All' : undefined }),
      obj,
    )
  }

  patch<K extends Kind>(kind: K, namespace: string, name: string, patch: unknown): Promise<KindMap[K]> {
    return this.json('PATCH', resourcePath(kind, namespace, name), patch, 'application/merge-patch+json')
  }

  delete<K extends Kind>(
    kind: K,
    namespace: string,
    name: string,
    opts: { propagationPolicy?: string; gracePeriodSeconds?: number } = {},
  ): Promise<KindMap[K]> {
    return this.json('DELETE', resourcePath(kind, namespace, name) + query(opts))
  }

  getScale(kind: Kind, namespace: string, name: string): Promise<Scale> {
    return this.json('GET', `${resourcePath(kind, namespace, name)}/scale`)
  }

  setScale(kind: Kind, namespace: string, name: string, replicas: number, resourceVersion?: string): Promise<Scale> {
    const body = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
      spec: { replicas },
    }
    return this.json('PUT', `${resourcePath(kind, namespace, name)}/scale`, body)
  }

  /** Watch events until the server ends the stream or `signal` aborts. */
  async *watch<K extends Kind>(
    kind: K,
    q: ListQuery & { resourceVersion?: string; timeoutSeconds?: number },
    signal?: AbortSignal,
  ): AsyncGenerator<WatchEvent<K>> {
    const path =
      resourcePath(kind, q.namespace) +
      query({
        watch: true,
        labelSelector: q.labelSelector,
        fieldSelector: q.fieldSelector,
        resourceVersion: q.resourceVersion,
        timeoutSeconds: q.timeoutSeconds,
      })
    const res = await this.request('GET', path, undefined, undefined, signal)
    for await (const line of lines(res, signal)) if (line.trim()) yield JSON.parse(line) as WatchEvent<K>
  }

  /** A pod's log, line by line. */
  async *logs(namespace: string, pod: string, q: LogQuery, signal?: AbortSignal): AsyncGenerator<string> {
    const path = `${resourcePath('Pod', namespace, pod)}/log${query({ ...q })}`
    const res = await this.request('GET', path, undefined, undefined, signal)
    yield* lines(res, signal)
  }

  /** Sends a .tar.gz, whole or as a stream (memory stays flat whatever its size). */
  /** `cmd`: the artifact's default command (like an image's CMD). */
  push(
    ref: string,
    archive: Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
    force: boolean,
    cmd?: readonly string[],
  ): Promise<ArtifactInfo> {
    return this.request(
      'POST',
      `/apis/baton.dev/v1/artifacts${query({ ref, force, cmd: cmd ? JSON.stringify(cmd) : undefined })}`,
      archive as BodyInit,
      'application/gzip',
    ).then((r) => r.json() as Promise<ArtifactInfo>)
  }

  async artifacts(): Promise<ArtifactListItem[]> {
    return (await this.json<{ items: ArtifactListItem[] }>('GET', '/apis/baton.dev/v1/artifacts')).items
  }

  /** Removes a tag (BATON_ARTIFACT_IN_USE while objects use it); `deleted`: its content went too. */
  removeArtifact(ref: string): Promise<{ removed: ArtifactInfo; deleted: boolean }> {
    return this.json('DELETE', `/apis/baton.dev/v1/artifacts${query({ ref })}`)
  }

  /** The daemon's parts and their health (Kubernetes' ComponentStatus). */
  async componentStatuses(): Promise<ComponentStatus[]> {
    return (await this.json<ComponentStatusList>('GET', '/api/v1/componentstatuses')).items
  }

  /** The built-in RuntimeClasses (node.k8s.io/v1): process and docker. */
  async runtimeClasses(): Promise<RuntimeClass[]> {
    return (await this.json<RuntimeClassList>('GET', '/apis/node.k8s.io/v1/runtimeclasses')).items
  }

  traffic(): Promise<unknown> {
    return this.json('GET', '/apis/baton.dev/v1/traffic')
  }

  version(): Promise<{ version: string }> {
    return this.json('GET', '/version')
  }

  shutdown(all: boolean): Promise<unknown> {
    return this.json('POST', `/apis/baton.dev/v1/shutdown${query({ all })}`)
  }
}
