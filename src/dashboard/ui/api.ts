/**
 * @module
 * The browser's way into the daemon's API: the shared API client (client/api-client.ts) on the
 * page's own origin, with the session cookie (sent by the browser, never visible here) and the
 * X-Baton-Dashboard header that makes the API accept the cookie. What is the dashboard's own:
 * that header, the sign-in hook for a 401, and when to try again after a failed watch.
 */
import { retryOnConflict } from '../../api/retry-on-conflict.ts'
import { systemClock } from '../../platform/clock.ts'
import type { Deployment, Kind, KindMap } from '../../api/types.ts'
import { ApiClient, type ClientOptions } from '../../client/api-client.ts'
import { listAndWatch as listAndWatchApi } from '../../client/list-and-watch.ts'
import { isBatonError } from '../../errors/baton-error.ts'

export const CSRF_HEADER = 'x-baton-dashboard'

/** Called once a request answers 401: the session ended (logout elsewhere, daemon restart). */
let onSignedOut: () => void = () => {}
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn
}

export const api = new ApiClient({
  server: '',
  headers: { [CSRF_HEADER]: '1' },
  credentials: 'same-origin',
  onUnauthorized: () => onSignedOut(),
})

export interface WatchHandlers<T> {
  /** A full list: the cache starts over from it. */
  reset(items: T[]): void
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void
}

/**
 * Keeps `h` up to date with the kind's objects until `signal` aborts, through the shared
 * list-and-watch (which resumes dropped watches and lists again after BATON_GONE). When the
 * daemon cannot be reached, tries again a second later; a 401 ends it (the sign-in hook has
 * told the page).
 */
export async function listAndWatch<K extends Kind>(
  kind: K,
  namespace: string | undefined,
  h: WatchHandlers<KindMap[K]>,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      for await (const ev of listAndWatchApi(api, kind, namespace === undefined ? {} : { namespace }, { signal })) {
        if (ev.type === 'SYNC') h.reset(ev.items)
        else h.event(ev.type, ev.object)
      }
    } catch (err) {
      if (isBatonError(err) && err.code === 'BATON_UNAUTHORIZED') return
    }
    await systemClock.sleep(1000, signal)
  }
}

/**
 * Read-modify-write of a Deployment, with the resourceVersion that was read: a conflict (the
 * controller wrote status in between) means read again and redo, as the CLI does.
 * `change` returns false when there is nothing to write.
 */
export async function updateDeployment(
  ns: string,
  name: string,
  change: (d: Deployment) => Deployment | false,
): Promise<Deployment | undefined> {
  return retryOnConflict(async () => {
    const d = await api.get('Deployment', ns, name)
    const next = change(structuredClone(d))
    if (next === false) return undefined
    return await api.update(next)
  })
}

/** A followed container log, line by line, until `signal` aborts or the pod goes. */
export function followLog(ns: string, pod: string, signal: AbortSignal): AsyncGenerator<string> {
  return api.logs(ns, pod, { follow: true, tailLines: 200 }, signal)
}

/**
 * What the API would warn about writing `d` (a server-side dry run, as `baton set image` and
 * `rollout plan` show it: an image with no pushed artifact, no command...), for the dialogs.
 * Best effort: a dry run that fails (a conflict with a newer version) warns about nothing.
 */
export async function dryRunWarnings(d: Deployment, opts: Partial<ClientOptions> = {}): Promise<string[]> {
  const warnings: string[] = []
  const client = new ApiClient({
    server: '',
    headers: { [CSRF_HEADER]: '1' },
    credentials: 'same-origin',
    ...opts,
    onWarning: (w) => warnings.push(w),
  })
  try {
    await client.update(d, { dryRun: true })
  } catch {
    return []
  }
  return warnings
}
