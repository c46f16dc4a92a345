/**
 * @module
 * The overview's Rollouts (Argo's kind): the columns `baton get rollout` prints (desired,
 * available, status, step, set and actual weight) with the strategy, image and age, live. Shown
 * only when there is a Rollout; at phone width each row becomes a card, as the Deployments'.
 */
import { age } from '../../api/age.ts'
import { actualWeightText, setWeightText, stepText } from '../../api/rollout-text.ts'
import type { Rollout } from '../../api/types.ts'
import { DataTable } from './data-table.tsx'
import { followLink, rolloutHref } from './router.ts'

/** A Rollout's phase as a badge's tone (the Rollout page's too). */
export const PHASE_TONE = { Healthy: 'ok', Progressing: 'busy', Paused: 'idle', Degraded: 'bad' } as const
const pct = (text: string) => (text === '-' ? '–' : `${text}%`)

export function RolloutsTable(props: { rollouts: Rollout[]; now: number }) {
  if (props.rollouts.length === 0) return null
  const sorted = [...props.rollouts].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
  )
  return (
    <section aria-labelledby="rollouts-title">
      <h2 id="rollouts-title">Rollouts</h2>
      <DataTable
        class="overview"
        caption="Every rollout, updated live"
        hiddenCaption
        columns={[
          'Name',
          'Strategy',
          'Desired',
          'Available',
          'Status',
          'Step',
          'Set weight',
          'Actual weight',
          'Image',
          'Age',
        ]}
      >
        {sorted.map((r) => {
          const ns = r.metadata.namespace ?? 'default'
          const phase = r.status?.phase ?? 'Progressing'
          return (
            <tr key={r.metadata.uid} data-rollout={r.metadata.name}>
              <th scope="row" data-label="Name">
                <a href={rolloutHref(ns, r.metadata.name)} onClick={followLink}>
                  {r.metadata.name}
                </a>
                {ns !== 'default' && <span class="muted"> ({ns})</span>}
              </th>
              <td data-label="Strategy">{r.spec.strategy.blueGreen ? 'Blue-green' : 'Canary'}</td>
              <td data-label="Desired" class="num">
                {r.spec.replicas ?? 1}
              </td>
              <td data-label="Available" class="num">
                {r.status?.availableReplicas ?? 0}
              </td>
              <td data-label="Status">
                <span class={`badge ${PHASE_TONE[phase]}`}>{phase}</span>
              </td>
              <td data-label="Step" class="num">
                {stepText(r)}
              </td>
              <td data-label="Set weight" class="num">
                {pct(setWeightText(r))}
              </td>
              <td data-label="Actual weight" class="num">
                {pct(actualWeightText(r))}
              </td>
              <td data-label="Image" class="mono">
                {r.spec.template.spec.containers.map((c) => c.image).join(', ')}
              </td>
              <td data-label="Age">{age(r.metadata.creationTimestamp, props.now)}</td>
            </tr>
          )
        })}
      </DataTable>
    </section>
  )
}
