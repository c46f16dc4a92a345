/**
 * @module
 * The browser's way into the daemon's API: same-origin requests carrying the session cookie
 * (sent by the browser, never visible here) and the X-Baton-Dashboard header that makes the
 * API accept the cookie. Errors come back as the API's {code, message, hint}.
 */
import { retryOnConflict } from '../../api/retry-on-conflict.ts'
import { systemClock } from '../../platform/clock.ts'
import type { Deployment, Kind, KindMap } from '../../api/types.ts'

export const CSRF_HEADER = 'x-baton-dashboard'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly hint: string | undefined
  constructor(status: number, body: { code?: string; message?: string; hint?: string }) {
    super(body.message ?? `request failed with HTTP ${status}`)
    this.status = status
    this.code = body.code ?? 'BATON_INTERNAL'
    this.hint = body.hint
  }
}

/** Called once a request answers 401: the session ended (logout elsewhere, daemon restart). */
let onSignedOut: () => void = () => {}
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn
}

export async function request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { [CSRF_HEADER]: '1', accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(signal ? { signal } : {}),
  })
  if (res.ok) return res
  if (res.status === 401) onSignedOut()
  const text = await res.text()
  let parsed: { code?: string; message?: string; hint?: string }
  try {
    parsed = JSON.parse(text) as typeof parsed
  } catch {
    parsed = { message: text.trim() || undefined }
  }
  throw new ApiError(res.status, parsed)
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await request('GET', path, undefined, signal)).json()) as T
}

/** Kubernetes-shaped paths, as src/api/resources.ts builds them, for the kinds the dashboard reads. */
const PLURAL: Partial<Record<Kind, string>> = {
  Deployment: '/apis/apps/v1/deployments',
  ReplicaSet: '/apis/apps/v1/replicasets',
  Pod: '/api/v1/pods',
  Event: '/api/v1/events',
}
export function listPath(kind: Kind, namespace?: string): string {
  const all = PLURAL[kind]!
  if (namespace === undefined) return all
  const [base, plural] = [all.slice(0, all.lastIndexOf('/')), all.slice(all.lastIndexOf('/') + 1)]
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}`
}
export const deploymentPath = (ns: string, name: string) => `${listPath('Deployment', ns)}/${encodeURIComponent(name)}`

export interface WatchHandlers<T> {
  /** A full list: the cache starts over from it. */
  reset(items: T[]): void
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void
}

async function* lines(res: Response): AsyncGenerator<string> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (line.trim()) yield line
    }
  }
}

/**
 * List, then watch from the list's resourceVersion, as an informer does; when the stream ends
 * (daemon restart, a too-old version) list again after a second. Runs until `signal` aborts.
 */
export async function listAndWatch<K extends Kind>(kind: K, namespace: string | undefined, h: WatchHandlers<KindMap[K]>, signal: AbortSignal): Promise<void> {
  const path = listPath(kind, namespace)
  while (!signal.aborted) {
    try {
      const list = await getJson<{ items: KindMap[K][]; metadata: { resourceVersion: string } }>(path, signal)
      h.reset(list.items)
      const res = await request('GET', `${path}?watch=true&resourceVersion=${encodeURIComponent(list.metadata.resourceVersion)}`, undefined, signal)
      for await (const line of lines(res)) {
        const ev = JSON.parse(line) as { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR'; object: KindMap[K] }
        if (ev.type !== 'ERROR') h.event(ev.type, ev.object)
      }
    } catch (err) {
      if (signal.aborted) return
      if (err instanceof ApiError && err.status === 401) return
    }
    await systemClock.sleep(1000, signal)
  }
}

/**
 * Read-modify-write of a Deployment, with the resourceVersion that was read: a conflict (the
 * controller wrote status in between) means read again and redo, as the CLI does.
 * `change` returns false when there is nothing to write.
 */
export async function updateDeployment(ns: string, name: string, change: (d: Deployment) => Deployment | false): Promise<Deployment | undefined> {
  return retryOnConflict(async () => {
    const d = await getJson<Deployment>(deploymentPath(ns, name))
    const next = change(structuredClone(d))
    if (next === false) return undefined
    return (await (await request('PUT', deploymentPath(ns, name), next)).json()) as Deployment
  })
}

/** A followed container log, line by line, until `signal` aborts or the pod goes. */
export async function* followLog(ns: string, pod: string, signal: AbortSignal): AsyncGenerator<string> {
  const res = await request('GET', `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}/log?follow=true&tailLines=200`, undefined, signal)
  yield* lines(res)
}
