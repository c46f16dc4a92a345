/**
 * @module
 * The watch of EndpointSlices, which Baton does not store: each slice is derived from its
 * Service's Endpoints (endpoint-slices.ts), so a watch follows the Endpoints and turns each
 * stored event into the slice events it makes, by comparing the Endpoints' slices with those
 * the watch last saw of it:
 *
 *   Endpoints web ADDED, slices {a}        → a ADDED
 *   Endpoints web MODIFIED, slices {a, b}  → b ADDED (a unchanged: nothing, as a slice that
 *                                            kube-controller-manager does not rewrite sends nothing)
 *   Endpoints web MODIFIED, slices {b'}    → a DELETED, b MODIFIED
 *   Endpoints web DELETED                  → b DELETED
 *
 * A slice carries the resourceVersion of the Endpoints version it was derived from, so a client
 * that resumes a watch from an event's resourceVersion resumes the Endpoints' watch there.
 *
 * What the watch has seen starts as the slices at its resourceVersion when that is the store's
 * current one (kubectl's list then watch, or a watch-list), and empty without a resourceVersion
 * (the store then sends every Endpoints as ADDED first). A watch resumed from an older
 * resourceVersion does not know the slices as they were there: the first replayed event of an
 * Endpoints sends its slices with the event's own type, and no DELETED for a slice it replaced.
 */
import type { Endpoints } from '../../api/types.ts'
import type { WatchEvent } from '../../store/types.ts'
import type { EndpointSlice } from './endpoint-slices.ts'

export interface SliceEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED'
  object: EndpointSlice
}

const keyOf = (ep: Endpoints) => `${ep.metadata.namespace ?? 'default'}/${ep.metadata.name}`

/** A slice without its resourceVersion: two derivations that differ only there are the same slice. */
const contentOf = (s: EndpointSlice) => JSON.stringify({ ...s, metadata: { ...s.metadata, resourceVersion: '' } })

const withVersion = (s: EndpointSlice, resourceVersion: string | undefined): EndpointSlice =>
  resourceVersion ? { ...s, metadata: { ...s.metadata, resourceVersion } } : s

export class SliceWatch {
  /** The slices the watch last sent, by Endpoints key and then slice name. */
  readonly #seen = new Map<string, Map<string, EndpointSlice>>()

  readonly #slicesOf: (ep: Endpoints) => EndpointSlice[]

  /**
   * @param slicesOf an Endpoints' slices as a list shows them (endpoint-slices.ts; it reads the
   *   Service's uid when an event comes, since the Service may be created after the watch starts).
   * @param start the Endpoints at the watch's resourceVersion, when known.
   */
  constructor(slicesOf: (ep: Endpoints) => EndpointSlice[], start: readonly Endpoints[] = []) {
    this.#slicesOf = slicesOf
    for (const ep of start) this.#seen.set(keyOf(ep), byName(slicesOf(ep)))
  }

  /** The slice events of one stored Endpoints event. */
  events(ev: WatchEvent<'Endpoints'>): SliceEvent[] {
    const ep = ev.object
    const key = keyOf(ep)
    const before = this.#seen.get(key)
    const rv = ep.metadata.resourceVersion
    if (ev.type === 'DELETED') {
      this.#seen.delete(key)
      const gone = before ? [...before.values()] : this.#slicesOf(ep)
      return gone.map((s) => ({ type: 'DELETED', object: withVersion(s, rv) }))
    }
    const now = byName(this.#slicesOf(ep))
    this.#seen.set(key, now)
    if (!before) return [...now.values()].map((object) => ({ type: ev.type, object }))
    const out: SliceEvent[] = []
    for (const [name, s] of before) {
      if (!now.has(name)) out.push({ type: 'DELETED', object: withVersion(s, rv) })
    }
    for (const [name, s] of now) {
      const old = before.get(name)
      if (!old) out.push({ type: 'ADDED', object: s })
      else if (contentOf(old) !== contentOf(s)) out.push({ type: 'MODIFIED', object: s })
    }
    return out
  }
}

function byName(slices: readonly EndpointSlice[]): Map<string, EndpointSlice> {
  return new Map(slices.map((s) => [s.metadata.name, s]))
}
