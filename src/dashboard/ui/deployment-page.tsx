/**
 * @module
 * One Deployment, live: its rollout (status text as `rollout status` prints it, progress,
 * conditions), its ReplicaSets by revision with a dot per pod, per-revision traffic, events,
 * a followed pod log, and the actions (each behind a confirmation, see actions.tsx).
 */
import { useState } from 'preact/hooks'
import type { Deployment, Pod, ReplicaSet } from '../../api/types.ts'
import { age } from '../../api/age.ts'
import { maxSurge } from '../../rollout/fenceposts.ts'
import { isControlledBy } from '../../api/owner-refs.ts'
import { findNewReplicaSet, revision } from '../../rollout/replica-sets.ts'
import { deploymentStatusViewer } from '../../rollout/status-viewer.ts'
import { POD_TEMPLATE_HASH_LABEL } from '../../rollout/template-hash.ts'
import { ActionDialog, type Action } from './actions.tsx'
import { conditionSummary, images, strategyText } from './deployment-summary.ts'
import { type RolloutTrouble, rolloutTrouble } from '../../rollout/rollout-trouble.ts'
import { EventsPanel } from './events-panel.tsx'
import { LogsPanel } from './logs-panel.tsx'
import { Legend, RevisionDots, type RevisionRow } from './revision-dots.tsx'
import { Facts, Missing } from './page-parts.tsx'
import { followLink } from './router.ts'
import { TrafficChart } from './traffic-chart.tsx'
import { useNow, useWatch } from './use-watch.ts'

/** Why the rollout is stuck and what to do, above its progress (rollout-trouble.ts). */
function TroubleBanner(props: { trouble: RolloutTrouble | undefined }) {
  const t = props.trouble
  if (!t) return null
  return (
    <p class="banner error" role="alert" data-rollout-trouble={t.reason}>
      <strong>{t.reason}</strong>: {t.message}. Next: {t.next}.
    </p>
  )
}

function Progress(props: { d: Deployment }) {
  const { d } = props
  const s = d.status ?? {}
  const desired = d.spec.replicas ?? 1
  const status = deploymentStatusViewer(d)
  const pct = (n: number) => (desired === 0 ? 100 : Math.min(100, Math.round((n / desired) * 100)))
  return (
    <div class="progress-block">
      {status.error ? (
        <p class="banner error" role="alert" data-rollout-status="failed">
          Rollout failed: {status.error.message}.
        </p>
      ) : (
        <p
          class={status.done ? 'status done' : 'status'}
          aria-live="polite"
          data-rollout-status={status.done ? 'done' : 'progressing'}
        >
          {status.message.trim()}
        </p>
      )}
      <div class="bars">
        {(
          [
            ['Updated', s.updatedReplicas ?? 0],
            ['Available', s.availableReplicas ?? 0],
          ] as const
        ).map(([label, n]) => (
          <div class="bar-row" key={label}>
            <span>{label}</span>
            <div
              class="bar"
              role="progressbar"
              aria-label={`${label} replicas`}
              aria-valuemin={0}
              aria-valuemax={desired}
              aria-valuenow={n}
            >
              <div style={{ width: `${pct(n)}%` }} />
            </div>
            <span class="num">
              {n}/{desired}
            </span>
          </div>
        ))}
      </div>
    </div>
  )
}

function Conditions(props: { d: Deployment; now: number }) {
  const conditions = props.d.status?.conditions ?? []
  if (conditions.length === 0) return null
  return (
    <dl class="conditions">
      {conditions.map((c) => (
        <div key={c.type} class={c.reason === 'ProgressDeadlineExceeded' || c.status === 'False' ? 'bad' : undefined}>
          <dt>
            {c.type} <span class="muted">{c.status}</span>
          </dt>
          <dd>
            <strong>{c.reason}</strong> {c.message}{' '}
            <span class="muted">({age(c.lastUpdateTime ?? c.lastTransitionTime, props.now)} ago)</span>
          </dd>
        </div>
      ))}
    </dl>
  )
}

export function DeploymentPage(props: { namespace: string; name: string }) {
  const deployments = useWatch('Deployment', props.namespace)
  const replicaSets = useWatch('ReplicaSet', props.namespace)
  const pods = useWatch('Pod', props.namespace)
  const events = useWatch('Event', props.namespace)
  const now = useNow()
  const [action, setAction] = useState<Action | undefined>(undefined)

  const d = deployments.items.find((x) => x.metadata.name === props.name)
  if (!d) {
    return (
      <Missing
        kind="deployment"
        name={props.name}
        namespace={props.namespace}
        loaded={deployments.loaded}
        back="Deployments"
      />
    )
  }

  const owned: ReplicaSet[] = replicaSets.items.filter((rs) => isControlledBy(rs, d))
  const newRS = findNewReplicaSet(d, owned)
  const podsOf = (rs: ReplicaSet): Pod[] => pods.items.filter((p) => isControlledBy(p, rs))
  const rows: RevisionRow[] = owned
    .map((rs) => ({ rs, pods: podsOf(rs), current: rs === newRS }))
    .sort((a, b) => (revision(b.rs) ?? 0) - (revision(a.rs) ?? 0))
  const slots = (d.spec.replicas ?? 1) + maxSurge(d)
  const ownPods = owned.flatMap(podsOf)
  const about = new Set<string>([
    d.metadata.uid ?? '',
    ...owned.map((rs) => rs.metadata.uid ?? ''),
    ...ownPods.map((p) => p.metadata.uid ?? ''),
  ])
  for (const p of ownPods) about.add(`Pod/${p.metadata.name}`)
  const cond = conditionSummary(d)
  const trafficRevisions = owned
    .map((rs) => ({
      hash: rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '',
      revision: revision(rs) ?? 0,
      image: rs.spec.template.spec.containers.map((c) => c.image).join(', '),
    }))
    .filter((r) => r.hash)
    .sort((a, b) => b.revision - a.revision)

  return (
    <section aria-labelledby="deployment-title" class="deployment">
      <p class="crumbs">
        <a href="/ui/" onClick={followLink}>
          ← Deployments
        </a>
      </p>
      <div class="title-row">
        <h1 id="deployment-title">
          {d.metadata.name} <span class={`badge ${cond.tone}`}>{cond.text}</span>
        </h1>
        <div class="actions" role="group" aria-label="Actions">
          <button type="button" onClick={() => setAction({ kind: 'image' })}>
            Set image…
          </button>
          <button type="button" onClick={() => setAction({ kind: 'scale' })}>
            Scale…
          </button>
          {d.spec.paused ? (
            <button type="button" onClick={() => setAction({ kind: 'resume' })}>
              Resume…
            </button>
          ) : (
            <button type="button" onClick={() => setAction({ kind: 'pause' })}>
              Pause…
            </button>
          )}
          <button type="button" onClick={() => setAction({ kind: 'restart' })} disabled={d.spec.paused === true}>
            Restart…
          </button>
        </div>
      </div>
      <Facts
        facts={[
          { label: 'Namespace', value: props.namespace },
          { label: 'Image', value: images(d), class: 'mono' },
          { label: 'Strategy', value: strategyText(d) },
          { label: 'Revision', value: revision(d) ?? '–' },
          { label: 'Age', value: age(d.metadata.creationTimestamp, now) },
        ]}
      />

      <TroubleBanner trouble={rolloutTrouble(d, newRS ? podsOf(newRS) : [], now)} />

      <section class="card" aria-labelledby="rs-title">
        <h2 id="rs-title">ReplicaSets by revision</h2>
        <Legend />
        <RevisionDots
          rows={rows}
          slots={slots}
          paused={d.spec.paused === true}
          onRollback={(rev) => setAction({ kind: 'rollback', revision: rev })}
        />
      </section>

      <div class="grid">
        <section class="card" aria-labelledby="rollout-title">
          <h2 id="rollout-title">Rollout</h2>
          <Progress d={d} />
          <Conditions d={d} now={now} />
        </section>
        <section class="card" aria-labelledby="traffic-title">
          <h2 id="traffic-title">Traffic by revision</h2>
          <TrafficChart revisions={trafficRevisions} />
        </section>
      </div>

      <section class="card" aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <EventsPanel events={events.items} pods={ownPods} about={about} now={now} />
      </section>

      <section class="card" aria-labelledby="logs-title">
        <h2 id="logs-title">Logs</h2>
        <LogsPanel namespace={props.namespace} pods={ownPods} />
      </section>

      {action && (
        <ActionDialog
          action={action}
          deployment={d}
          replicaSets={owned}
          pods={ownPods}
          onClose={() => setAction(undefined)}
        />
      )}
    </section>
  )
}
