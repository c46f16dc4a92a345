/**
 * @module
 * The ReplicaSets of a Deployment by revision, newest first, each with one dot per pod
 * coloured by its state. Every row keeps room for `slots` dots (replicas + surge) with
 * invisible place-holders, and dots are a fixed size, so a rollout changes colours and fills
 * slots without moving anything else on the page. A revision scaled to zero with no pod left
 * (an older one kept for rollbacks) is folded to its one-line head: its version and its
 * rollback button, without the row of empty slots.
 */
import type { Pod, ReplicaSet } from '../../api/types.ts'
import { revision } from '../../rollout/replica-sets.ts'
import { POD_STATES, podState, type PodState } from './pod-state.ts'
import { revisionColour } from './revision-colour.ts'

const STATE_TEXT: Record<PodState, string> = {
  pending: 'pending',
  starting: 'starting (not ready)',
  ready: 'ready',
  terminating: 'terminating',
  failed: 'failed',
}

export interface RevisionRow {
  rs: ReplicaSet
  pods: Pod[]
  current: boolean
}

/** Whether a row is folded: not the current revision, nothing desired and no pod (terminating ones included). */
export const folded = (row: RevisionRow): boolean =>
  !row.current && (row.rs.spec.replicas ?? 0) === 0 && row.pods.length === 0

export function Legend() {
  return (
    <ul class="legend" aria-label="Pod states">
      {POD_STATES.map((s) => (
        <li key={s}>
          <span class={`dot ${s}`} aria-hidden="true" />
          {STATE_TEXT[s]}
        </li>
      ))}
    </ul>
  )
}

function counts(pods: Pod[]): string {
  const by = new Map<PodState, number>()
  for (const p of pods) by.set(podState(p), (by.get(podState(p)) ?? 0) + 1)
  return POD_STATES.filter((s) => by.has(s))
    .map((s) => `${by.get(s)} ${s}`)
    .join(', ')
}

/**
 * One dot per pod, sorted by name, then invisible place-holders up to `slots`. The list's
 * accessible name is `label` with the count of pods in each state.
 */
export function PodDots(props: { pods: Pod[]; slots: number; label: string }) {
  const sorted = [...props.pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
  const free = Math.max(0, props.slots - sorted.length)
  const summary = sorted.length === 0 ? 'no pods' : counts(sorted)
  return (
    <div class="dots" role="list" aria-label={`${props.label}: ${summary}`}>
      {sorted.map((p) => {
        const state = podState(p)
        return (
          <span
            key={p.metadata.uid}
            role="listitem"
            class={`dot ${state}`}
            data-pod={p.metadata.name}
            data-state={state}
            title={`${p.metadata.name}: ${STATE_TEXT[state]}`}
            aria-label={`${p.metadata.name}: ${STATE_TEXT[state]}`}
          />
        )
      })}
      {Array.from({ length: free }, (_, i) => (
        <span key={`free-${i}`} class="dot slot" aria-hidden="true" />
      ))}
    </div>
  )
}

export function RevisionDots(props: {
  rows: RevisionRow[]
  slots: number
  onRollback: (rev: number) => void
  paused: boolean
}) {
  return (
    <ol class="revisions" aria-label="ReplicaSets by revision, newest first">
      {props.rows.map((row) => {
        const { rs, pods, current } = row
        const fold = folded(row)
        const rev = revision(rs) ?? 0
        const image = rs.spec.template.spec.containers.map((c) => c.image).join(', ')
        return (
          <li
            key={rs.metadata.uid}
            class={current ? 'revision current' : fold ? 'revision folded' : 'revision'}
            data-revision={rev}
            style={{ borderLeftColor: revisionColour(rev) }}
          >
            <div class="revision-head">
              <span class="rev">rev {rev}</span>
              <span class="mono">{image}</span>
              {current && <span class="badge busy">current</span>}
              <span class="muted">
                {fold ? 'scaled down' : `${rs.spec.replicas ?? 0} desired · ${rs.status?.readyReplicas ?? 0} ready`}
              </span>
              {!current && (
                <button
                  type="button"
                  class="small"
                  onClick={() => props.onRollback(rev)}
                  disabled={props.paused}
                  title={props.paused ? 'Resume the rollout first' : undefined}
                >
                  Roll back to rev {rev}…
                </button>
              )}
            </div>
            {!fold && <PodDots pods={pods} slots={props.slots} label={`Pods of revision ${rev}`} />}
          </li>
        )
      })}
    </ol>
  )
}
