/**
 * @module
 * `?watch=true`: a chunked response of newline-delimited watch events, as the Kubernetes API
 * streams them (`{"type":"ADDED","object":{...}}\n`). The store calls back synchronously
 * after each commit; the handler only serialises and enqueues. The subscription ends when
 * the client goes away, when `timeoutSeconds` passes, or when the server closes.
 */
import type { Kind } from '../api/types.ts'
import type { Clock } from '../platform/clock.ts'
import type { ObjectStore, WatchEvent, WatchOptions } from '../store/types.ts'
import { type FieldRequirement, matchesFields } from './field-selector.ts'

export interface WatchRequest {
  kind: Kind
  opts: WatchOptions
  fields: FieldRequirement[]
  timeoutSeconds?: number
  signal: AbortSignal
  /** What each event carries instead of the object (a one-row Table for `kubectl get -w`). */
  encode?: (object: unknown, first: boolean) => unknown
  /**
   * Events sent before the live ones: the ADDED events of the objects listed and the BOOKMARK
   * ending them, for a watch that asked `sendInitialEvents=true` (client-go's watch-list).
   */
  initial?: ReadonlyArray<{ type: string; object: unknown }>
  /**
   * For a kind derived from a stored one (EndpointSlices from Endpoints): the events of the
   * derived objects one stored event makes, zero or more; the field selector applies to those.
   */
  derive?: (ev: WatchEvent) => ReadonlyArray<{ type: string; object: unknown }>
}

export function watchResponse(store: ObjectStore, clock: Clock, req: WatchRequest): Response {
  const encoder = new TextEncoder()
  let stop = (): void => {}
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true
      const close = () => {
        if (!open) return
        open = false
        unsubscribe()
        timer?.cancel()
        req.signal.removeEventListener('abort', close)
        try {
          controller.close()
        } catch {
          // already closed by a cancelled reader
        }
      }
      // Throws BATON_GONE for a too-old resourceVersion before anything is streamed; the
      // caller turns that into a 410 answer.
      let first = true
      const send = (type: string, obj: unknown) => {
        const object = req.encode && type !== 'BOOKMARK' ? req.encode(obj, first) : obj
        if (type !== 'BOOKMARK') first = false
        controller.enqueue(encoder.encode(`${JSON.stringify({ type, object })}\n`))
      }
      const unsubscribe = store.watch(req.kind, req.opts, (ev) => {
        if (!open) return
        for (const out of req.derive ? req.derive(ev) : [ev]) {
          if (matchesFields(out.object, req.fields)) send(out.type, out.object)
        }
      })
      for (const ev of req.initial ?? []) send(ev.type, ev.object)
      const timer = req.timeoutSeconds ? clock.setTimeout(close, req.timeoutSeconds * 1000) : undefined
      req.signal.addEventListener('abort', close, { once: true })
      stop = close
      if (req.signal.aborted) close()
    },
    cancel() {
      stop()
    },
  })
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'application/json; stream=watch', 'cache-control': 'no-store' },
  })
}
