/**
 * @module
 * Start-up probe failures, grouped: a new pod fails its readiness probe a few times while the
 * app starts, and a healthy rollout (or rollback) then fills the events with Warning lines that
 * look alarming. Unhealthy events about pods that are ready now are folded into one Normal row
 * per probe kind; those about pods still not ready stay as they are, since they may be why a
 * rollout is stuck. Pure.
 */
import type { Event, Pod } from '../../api/types.ts'
import { isPodReady } from '../../api/pod-readiness.ts'

/** A row of the events panel: an event, or the failures folded into one line. */
export type EventRow = { event: Event } | { folded: { message: string; count: number; lastTimestamp?: string } }

const PROBE = /^(Readiness|Startup) probe failed/

const when = (e: Event) => e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp

/** `events` newest first, with start-up probe failures of now-ready pods folded where the newest of them was. */
export function groupStartupProbeEvents(events: readonly Event[], pods: readonly Pod[]): EventRow[] {
  const ready = new Set(pods.filter((p) => isPodReady(p)).map((p) => p.metadata.name))
  const groups = new Map<string, { pods: Set<string>; count: number; lastTimestamp?: string; at: number }>()
  const rows: EventRow[] = []
  for (const e of events) {
    const kind = PROBE.exec(e.message ?? '')?.[1]
    const foldable =
      kind !== undefined &&
      e.reason === 'Unhealthy' &&
      e.involvedObject.kind === 'Pod' &&
      ready.has(e.involvedObject.name)
    if (!foldable) {
      rows.push({ event: e })
      continue
    }
    let g = groups.get(kind)
    if (!g) {
      const at = rows.length
      const ts = when(e)
      g = { pods: new Set(), count: 0, at, ...(ts ? { lastTimestamp: ts } : {}) }
      groups.set(kind, g)
      rows.push({ folded: { message: '', count: 0 } })
    }
    g.pods.add(e.involvedObject.name)
    g.count += e.count ?? 1
  }
  for (const [kind, g] of groups) {
    const n = g.pods.size
    rows[g.at] = {
      folded: {
        message: `${kind} probe failed while starting on ${n} pod${n === 1 ? '' : 's'} that ${n === 1 ? 'is' : 'are'} ready now (normal while an app starts)`,
        count: g.count,
        ...(g.lastTimestamp ? { lastTimestamp: g.lastTimestamp } : {}),
      },
    }
  }
  return rows
}
