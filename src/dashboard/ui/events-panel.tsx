/**
 * @module
 * The newest events about the Deployment, its ReplicaSets and their pods, as `describe` lists
 * them: type, reason, age, what said it, and the message. Start-up probe failures of pods that
 * are ready now are folded into one quiet row (startup-probe-events.ts).
 */
import type { Event, Pod } from '../../api/types.ts'
import { age } from '../../api/age.ts'
import { groupStartupProbeEvents } from './startup-probe-events.ts'
import { DataTable } from './data-table.tsx'

const when = (e: Event) => e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp

export function EventsPanel(props: { events: Event[]; pods: Pod[]; about: Set<string>; now: number }) {
  const events = props.events
    .filter(
      (e) =>
        props.about.has(e.involvedObject.uid ?? '') ||
        props.about.has(`${e.involvedObject.kind}/${e.involvedObject.name}`),
    )
    .sort((a, b) => (when(b) ?? '').localeCompare(when(a) ?? ''))
  const rows = groupStartupProbeEvents(events, props.pods).slice(0, 25)
  if (rows.length === 0) return <p class="muted">No events yet.</p>
  return (
    <div class="scroll events-scroll" tabIndex={0} role="region" aria-label="Events">
      <DataTable
        class="events"
        caption="Events, newest first"
        hiddenCaption
        columns={['Type', 'Reason', 'Age', 'Object', 'Message']}
      >
        {rows.map((row) => {
          if ('folded' in row) {
            const f = row.folded
            return (
              <tr key={`folded-${f.message}`} class="muted" data-folded-probe-failures={f.count}>
                <td>Normal</td>
                <td>Starting</td>
                <td>
                  {age(f.lastTimestamp, props.now)}
                  {f.count > 1 ? ` (×${f.count})` : ''}
                </td>
                <td class="mono">pods</td>
                <td>{f.message}</td>
              </tr>
            )
          }
          const e = row.event
          return (
            <tr key={e.metadata.uid ?? e.metadata.name} class={e.type === 'Warning' ? 'warning' : undefined}>
              <td>{e.type}</td>
              <td>{e.reason}</td>
              <td>
                {age(when(e), props.now)}
                {(e.count ?? 1) > 1 ? ` (×${e.count})` : ''}
              </td>
              <td class="mono">
                {e.involvedObject.kind.toLowerCase()}/{e.involvedObject.name}
              </td>
              <td>{e.message}</td>
            </tr>
          )
        })}
      </DataTable>
    </div>
  )
}
