/**
 * @module
 * One Argo Rollout, live: its phase and the buttons of the kubectl-argo-rollouts verbs
 * (rollout-actions.tsx), the canary's steps with the one it waits in, the weight the steps ask,
 * the one the load balancer applies and the share it measured, the revisions by role
 * (stable / canary, active / preview, a previous one kept warm) with a dot per pod, the
 * AnalysisRuns with every metric's measurements, the traffic by revision and the events.
 */
import { useState } from 'preact/hooks'
import { age } from '../../api/age.ts'
import { isControlledBy } from '../../api/owner-refs.ts'
import { stepText as progressText } from '../../api/rollout-text.ts'
import type { Pod, Rollout } from '../../api/types.ts'
import { analysisSummaries, phaseTone, type RunSummary } from './analysis-summary.ts'
import { DataTable } from './data-table.tsx'
import { EventsPanel } from './events-panel.tsx'
import { Legend, PodDots } from './revision-dots.tsx'
import { revisionColour } from './revision-colour.ts'
import { RolloutVerbDialog } from './rollout-actions.tsx'
import { PHASE_TONE } from './rollouts-table.tsx'
import { roleText, rolloutRevisions, type RevisionView } from './rollout-revisions.ts'
import { canaryRunning, stepViews } from './rollout-steps.ts'
import { type RolloutVerb, VERBS, verbStates } from './rollout-verbs.ts'
import { percentText, weightView, MEASURE_SECONDS } from './rollout-weight.ts'
import { Facts, Missing } from './page-parts.tsx'
import { followLink } from './router.ts'
import { TrafficView, useTraffic, type Sample } from './traffic-chart.tsx'
import { useNow, useWatch } from './use-watch.ts'

function strategyText(r: Rollout): string {
  const bg = r.spec.strategy.blueGreen
  if (bg) {
    const preview = bg.previewService ? `, preview ${bg.previewService}` : ''
    const auto = bg.autoPromotionEnabled === false ? 'promoted by hand' : 'auto-promoted'
    return `Blue-green (active ${bg.activeService}${preview}; ${auto})`
  }
  const steps = r.spec.strategy.canary?.steps?.length ?? 0
  return `Canary (${steps} step${steps === 1 ? '' : 's'})`
}

const images = (r: Rollout) => r.spec.template.spec.containers.map((c) => c.image).join(', ')

function Steps(props: { r: Rollout; now: number }) {
  const views = stepViews(props.r, props.now)
  if (views.length === 0) return <p class="muted">No steps: a new template goes straight to full size.</p>
  return (
    <ol class="steps" aria-label={`Steps, ${progressText(props.r)} done`}>
      {views.map((s, i) => (
        <li
          key={i}
          class={`step ${s.state}`}
          data-step={i}
          data-step-state={s.state}
          aria-current={s.state === 'current' || s.state === 'aborted' ? 'step' : undefined}
        >
          <span class="step-index">{i + 1}</span>
          <span>
            {s.text} <span class="sr-only">({s.state})</span>
            {s.detail && <span class="step-detail"> {s.detail}</span>}
          </span>
        </li>
      ))}
    </ol>
  )
}

function Weights(props: { r: Rollout; samples: Sample[] }) {
  const w = weightView(
    props.r,
    props.samples.map((s) => s.rates),
  )
  if (w.desired === undefined) return null
  if (!canaryRunning(props.r)) {
    return (
      <p class="muted" data-weight="none">
        No canary under way: the stable revision takes every request.
      </p>
    )
  }
  return (
    <dl class="facts weights">
      <div>
        <dt>Set weight (steps)</dt>
        <dd data-weight="desired">{percentText(w.desired)}</dd>
      </div>
      <div>
        <dt>Applied by the load balancer</dt>
        <dd data-weight="applied">{percentText(w.applied)}</dd>
      </div>
      <div>
        <dt>Measured, last {MEASURE_SECONDS} s</dt>
        <dd data-weight="measured">
          {w.measured === undefined ? (
            <span class="muted">no request in the last {MEASURE_SECONDS} s</span>
          ) : (
            <>
              {percentText(w.measured)} <span class="muted">of {w.requests} requests</span>
            </>
          )}
        </dd>
      </div>
    </dl>
  )
}

function Revisions(props: { views: RevisionView[]; podsOf: (v: RevisionView) => Pod[]; slots: number; now: number }) {
  return (
    <ol class="revisions" aria-label="ReplicaSets by revision, newest first">
      {props.views.map((v) => {
        const pods = props.podsOf(v)
        const role = roleText(v)
        const tone = v.role === 'old' ? 'idle' : v.role === 'canary' || v.role === 'preview' ? 'busy' : 'ok'
        return (
          <li
            key={v.rs.metadata.uid}
            class={v.role === 'old' && pods.length === 0 ? 'revision folded' : 'revision'}
            data-revision={v.revision}
            data-role={v.role}
            style={{ borderLeftColor: revisionColour(v.revision) }}
          >
            <div class="revision-head">
              <span class="rev">rev {v.revision}</span>
              <span class="mono">{v.rs.spec.template.spec.containers.map((c) => c.image).join(', ')}</span>
              <span class={`badge ${tone}`}>{role}</span>
              <span class="muted">
                {v.rs.spec.replicas ?? 0} desired · {v.rs.status?.readyReplicas ?? 0} ready
              </span>
              {v.warmUntil !== undefined && (
                <span class="muted" data-warm-until={v.warmUntil}>
                  scaled down in {Math.max(0, Math.ceil((v.warmUntil - props.now) / 1000))} s (an undo before then
                  switches back at once)
                </span>
              )}
            </div>
            {!(v.role === 'old' && pods.length === 0) && (
              <PodDots pods={pods} slots={props.slots} label={`Pods of revision ${v.revision}`} />
            )}
          </li>
        )
      })}
    </ol>
  )
}

function AnalysisRuns(props: { runs: RunSummary[] }) {
  if (props.runs.length === 0) return <p class="muted">No analysis runs.</p>
  return (
    <div class="analysis">
      {props.runs.map((run) => (
        <section key={run.name} class="analysis-run" data-analysis-run={run.name} data-phase={run.phase}>
          <h3>
            {run.purpose} of rev {run.revision} <span class="mono muted">{run.name}</span>{' '}
            <span class={`badge ${phaseTone(run.phase)}`}>{run.phase}</span>
            {run.current && <span class="badge busy">in force</span>}
          </h3>
          {run.message && <p class="muted">{run.message}</p>}
          <div class="scroll">
            <DataTable
              class="metrics"
              caption={`Metrics of ${run.name}`}
              hiddenCaption
              columns={['Metric', 'Verdict', 'Judged by', 'Counts', 'Measurements']}
            >
              {run.metrics.map((m) => (
                <tr key={m.name} data-metric={m.name} data-phase={m.phase}>
                  <th scope="row">{m.name}</th>
                  <td>
                    <span class={`badge ${phaseTone(m.phase)}`}>{m.phase}</span>
                    {m.message && <div class="muted">{m.message}</div>}
                  </td>
                  <td>
                    {m.condition}
                    <div class="muted">{m.limits}</div>
                  </td>
                  <td>{m.counts}</td>
                  <td>
                    <ol class="measurements">
                      {m.measurements.map((x, i) => (
                        <li key={i} class={`measurement ${phaseTone(x.phase)}`} data-phase={x.phase}>
                          <span class="mono">{x.value ?? '–'}</span> {x.phase}
                          {x.message && <span class="muted"> {x.message}</span>}
                        </li>
                      ))}
                    </ol>
                  </td>
                </tr>
              ))}
            </DataTable>
          </div>
        </section>
      ))}
    </div>
  )
}

export function RolloutPage(props: { namespace: string; name: string }) {
  const rollouts = useWatch('Rollout', props.namespace)
  const replicaSets = useWatch('ReplicaSet', props.namespace)
  const pods = useWatch('Pod', props.namespace)
  const runs = useWatch('AnalysisRun', props.namespace)
  const events = useWatch('Event', props.namespace)
  const traffic = useTraffic()
  const now = useNow()
  const [verb, setVerb] = useState<RolloutVerb | undefined>(undefined)

  const r = rollouts.items.find((x) => x.metadata.name === props.name)
  if (!r) {
    return (
      <Missing kind="rollout" name={props.name} namespace={props.namespace} loaded={rollouts.loaded} back="Overview" />
    )
  }

  const owned = replicaSets.items.filter((rs) => isControlledBy(rs, r))
  const views = rolloutRevisions(r, owned)
  const podsOf = (v: RevisionView): Pod[] => pods.items.filter((p) => isControlledBy(p, v.rs))
  const ownPods = views.flatMap(podsOf)
  const ownRuns = runs.items.filter((x) => isControlledBy(x, r))
  const about = new Set<string>([
    r.metadata.uid ?? '',
    ...owned.map((rs) => rs.metadata.uid ?? ''),
    ...ownPods.map((p) => p.metadata.uid ?? ''),
    ...ownRuns.map((x) => x.metadata.uid ?? ''),
  ])
  const phase = r.status?.phase ?? 'Progressing'
  const replicas = r.spec.replicas ?? 1
  const trafficRevisions = views
    .filter((v) => v.hash)
    .map((v) => ({ hash: v.hash, revision: v.revision, image: v.rs.spec.template.spec.containers[0]?.image ?? '' }))

  return (
    <section aria-labelledby="rollout-title" class="deployment rollout">
      <p class="crumbs">
        <a href="/ui/" onClick={followLink}>
          ← Overview
        </a>
      </p>
      <div class="title-row">
        <h1 id="rollout-title">
          {r.metadata.name}{' '}
          <span class={`badge ${PHASE_TONE[phase]}`} data-rollout-phase={phase}>
            {phase}
          </span>
        </h1>
        <div class="actions" role="group" aria-label="Actions">
          {verbStates(r).map((s) => (
            <button
              key={s.verb}
              type="button"
              class={s.verb === 'abort' ? 'danger' : undefined}
              onClick={() => setVerb(s.verb)}
              disabled={!s.enabled}
              title={s.reason}
            >
              {VERBS[s.verb].label}…
            </button>
          ))}
        </div>
      </div>
      {r.status?.message && (
        <p class={phase === 'Degraded' ? 'banner error' : 'status'} aria-live="polite" data-rollout-message>
          {r.status.message}
        </p>
      )}
      <Facts
        facts={[
          { label: 'Namespace', value: props.namespace },
          { label: 'Image', value: images(r), class: 'mono' },
          { label: 'Strategy', value: strategyText(r) },
          {
            label: 'Replicas',
            value: `${replicas} desired · ${r.status?.availableReplicas ?? 0} available (every revision)`,
          },
          { label: 'Age', value: age(r.metadata.creationTimestamp, now) },
        ]}
      />

      <div class="grid">
        {r.spec.strategy.canary && (
          <section class="card" aria-labelledby="steps-title">
            <h2 id="steps-title">Steps</h2>
            <Steps r={r} now={now} />
            <h3>Canary weight</h3>
            <Weights r={r} samples={traffic.samples} />
          </section>
        )}
        <section class="card" aria-labelledby="rs-title">
          <h2 id="rs-title">Revisions</h2>
          <Legend />
          <Revisions views={views} podsOf={podsOf} slots={replicas} now={now} />
        </section>
      </div>

      <section class="card" aria-labelledby="analysis-title">
        <h2 id="analysis-title">Analysis</h2>
        <AnalysisRuns runs={analysisSummaries(r, ownRuns)} />
      </section>

      <section class="card" aria-labelledby="traffic-title">
        <h2 id="traffic-title">Traffic by revision</h2>
        <TrafficView
          revisions={trafficRevisions}
          samples={traffic.samples}
          {...(traffic.error ? { error: traffic.error } : {})}
        />
      </section>

      <section class="card" aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <EventsPanel events={events.items} pods={ownPods} about={about} now={now} />
      </section>

      {verb && <RolloutVerbDialog verb={verb} rollout={r} onClose={() => setVerb(undefined)} />}
    </section>
  )
}
