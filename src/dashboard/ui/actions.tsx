/**
 * @module
 * The changes the Deployment page can make, each behind a confirmation that says what will
 * happen: set image and scale show the rollout plan (sim/preview.ts, the real controllers
 * run on a fake clock, as `baton rollout plan` does), a rollback shows the
 * fields that revision changes back (template-diff.ts). The writes use the same pure helpers as
 * the CLI's rollout verbs (rollout/rollback.ts), so the two behave alike.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { Deployment, Pod, PodTemplateSpec, ReplicaSet } from '../../api/types.ts'
import { CHANGE_CAUSE_ANNOTATION } from '../../rollout/annotations.ts'
import { revisionTemplate } from '../../rollout/history.ts'
import { minReadySecondsAdvice } from '../../rollout/min-ready-advice.ts'
import { estimateTiming } from '../../rollout/preview-timing.ts'
import { previewRollout, type RolloutPreview } from '../../sim/preview.ts'
import { pauseDeployment, planUndo, restartTemplate, resumeDeployment } from '../../rollout/rollback.ts'
import { systemClock } from '../../platform/clock.ts'
import { dryRunWarnings, updateDeployment } from './api.ts'
import { Dialog } from './dialog.tsx'
import { templateDiff } from './template-diff.ts'
import { DataTable } from './data-table.tsx'

export type Action =
  | { kind: 'image' }
  | { kind: 'scale' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'restart' }
  | { kind: 'rollback'; revision: number }

interface Props {
  action: Action
  deployment: Deployment
  replicaSets: ReplicaSet[]
  /** The pods of those ReplicaSets, as the watch has them. */
  pods: Pod[]
  onClose: () => void
}

const ns = (d: Deployment) => d.metadata.namespace ?? 'default'

/** The controllers' steps for `d` changed by `change`, from the current ReplicaSets and pods. */
function preview(p: Props, change: (d: Deployment) => Deployment): RolloutPreview {
  const changed = change(structuredClone(p.deployment))
  const next = { ...changed, metadata: { ...changed.metadata, generation: (changed.metadata.generation ?? 1) + 1 } }
  return previewRollout(
    { deployment: next, replicaSets: p.replicaSets, pods: p.pods },
    estimateTiming(next),
    Date.now(),
  )
}

/**
 * The preview of `change`, played again only when an object changes (a new resourceVersion) or
 * the change does (`key`): the page re-renders with new arrays on every update, and a
 * simulation is not free.
 */
function usePreview(p: Props, key: string, change: (d: Deployment) => Deployment): RolloutPreview {
  const versions = [p.deployment, ...p.replicaSets, ...p.pods]
    .map((o) => `${o.metadata.uid}@${o.metadata.resourceVersion}`)
    .join(' ')
  return useMemo(() => preview(p, change), [versions, key])
}

/** The API's warnings about `next` (api.ts dryRunWarnings), asked again a moment after `key` stops changing. */
function useDryRunWarnings(next: Deployment | undefined, key: string): string[] {
  const [warnings, setWarnings] = useState<string[]>([])
  useEffect(() => {
    setWarnings([])
    if (!next) return
    let current = true
    const timer = systemClock.setTimeout(() => {
      void dryRunWarnings(next).then((w) => current && setWarnings(w))
    }, 300)
    return () => {
      current = false
      timer.cancel()
    }
  }, [key])
  return warnings
}

function Warnings(props: { warnings: string[] }) {
  if (props.warnings.length === 0) return null
  return (
    <ul class="banner warn" aria-label="Warnings" data-dry-run-warnings={props.warnings.length}>
      {props.warnings.map((w) => (
        <li key={w}>{w}</li>
      ))}
    </ul>
  )
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`

function Plan(props: { preview: RolloutPreview }) {
  const { steps, completeMs, minAvailable, maxPods, deployment } = props.preview
  const moves = steps.filter((s) => s.events.length > 0)
  if (moves.length === 0) return <p class="muted">Nothing would change.</p>
  const replacing = steps.some((s) => s.oldReplicas > 0)
  const advice = replacing ? minReadySecondsAdvice(deployment) : undefined
  return (
    <div class="plan">
      <p>
        {completeMs === undefined ? 'This rollout would not complete.' : `Done after about ${secs(completeMs)}`}, with
        at least {minAvailable} pods available
        {replacing ? ' while the new pods stay ready' : ''} and at most {maxPods} pods at any time.
      </p>
      {advice && <p class="banner warn">{advice}</p>}
      <div class="scroll plan-steps">
        <DataTable
          caption={`Rollout plan (${moves.length} steps, estimated from the readiness probe)`}
          columns={['At', 'New', 'Old', 'Available', 'What happens']}
        >
          {moves.map((s, i) => (
            <tr key={i}>
              <td class="num">{secs(s.at)}</td>
              <td class="num">{s.newReplicas}</td>
              <td class="num">{s.oldReplicas}</td>
              <td class="num">≥ {s.minAvailable}</td>
              <td>{s.events.join('; ')}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    </div>
  )
}

function SetImage(props: Props) {
  const { deployment: d, onClose } = props
  const containers = d.spec.template.spec.containers
  const [images, setImages] = useState<Record<string, string>>(() =>
    Object.fromEntries(containers.map((c) => [c.name, c.image ?? ''])),
  )
  const [record, setRecord] = useState(true)
  const template: PodTemplateSpec = structuredClone(d.spec.template)
  for (const c of template.spec.containers) c.image = images[c.name]?.trim() || c.image
  const changed = containers.some((c) => (images[c.name]?.trim() || c.image) !== c.image)
  const cause = `set image ${Object.entries(images)
    .map(([k, v]) => `${k}=${v.trim()}`)
    .join(' ')} (dashboard)`
  const warnings = useDryRunWarnings(
    changed ? { ...d, spec: { ...d.spec, template } } : undefined,
    changed ? JSON.stringify(template.spec.containers.map((c) => c.image)) : '',
  )
  return (
    <Dialog
      title={`Set image of ${d.metadata.name}`}
      confirmLabel="Roll out"
      canConfirm={changed}
      onClose={onClose}
      onConfirm={async () => {
        await updateDeployment(ns(d), d.metadata.name, (cur) => {
          for (const c of cur.spec.template.spec.containers) c.image = images[c.name]?.trim() || c.image
          if (record) cur.metadata.annotations = { ...cur.metadata.annotations, [CHANGE_CAUSE_ANNOTATION]: cause }
          return cur
        })
      }}
    >
      {containers.map((c) => (
        <label key={c.name} class="field">
          <span>
            Image of container <code>{c.name}</code>
          </span>
          <input
            name={`image-${c.name}`}
            value={images[c.name]}
            onInput={(e) => setImages({ ...images, [c.name]: (e.currentTarget as HTMLInputElement).value })}
            required
            autoComplete="off"
            spellcheck={false}
          />
        </label>
      ))}
      <label class="check">
        <input
          type="checkbox"
          checked={record}
          onChange={(e) => setRecord((e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        Record the change cause in the history
      </label>
      {d.spec.paused && <p class="banner warn">The rollout is paused: the new template waits until it is resumed.</p>}
      <Warnings warnings={warnings} />
      {changed && <ImagePlan props={props} template={template} />}
    </Dialog>
  )
}

function ImagePlan({ props, template }: { props: Props; template: PodTemplateSpec }) {
  return (
    <Plan preview={usePreview(props, JSON.stringify(template), (x) => ({ ...x, spec: { ...x.spec, template } }))} />
  )
}

function ScalePlan({ props, replicas }: { props: Props; replicas: number }) {
  return <Plan preview={usePreview(props, String(replicas), (x) => ({ ...x, spec: { ...x.spec, replicas } }))} />
}

function Scale(props: Props) {
  const { deployment: d, onClose } = props
  const [text, setText] = useState(String(d.spec.replicas ?? 1))
  const n = Number(text)
  const valid = text.trim() !== '' && Number.isInteger(n) && n >= 0
  return (
    <Dialog
      title={`Scale ${d.metadata.name}`}
      confirmLabel={valid ? `Scale to ${n}` : 'Scale'}
      canConfirm={valid && n !== (d.spec.replicas ?? 1)}
      onClose={onClose}
      onConfirm={async () => {
        await updateDeployment(ns(d), d.metadata.name, (cur) => ({ ...cur, spec: { ...cur.spec, replicas: n } }))
      }}
    >
      <label class="field">
        Replicas
        <input
          name="replicas"
          type="number"
          min="0"
          step="1"
          inputMode="numeric"
          value={text}
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
          required
        />
      </label>
      {valid && <ScalePlan props={props} replicas={n} />}
    </Dialog>
  )
}

function Rollback(props: Props & { revision: number }) {
  const { deployment: d, replicaSets, onClose, revision } = props
  const target = revisionTemplate(replicaSets, revision)
  const plan = usePreview(props, String(revision), (x) => ({
    ...x,
    spec: { ...x.spec, template: structuredClone(target) },
  }))
  const diff = templateDiff(d.spec.template, target)
  return (
    <Dialog
      title={`Roll back ${d.metadata.name} to revision ${revision}`}
      confirmLabel={`Roll back to rev ${revision}`}
      danger
      onClose={onClose}
      onConfirm={async () => {
        await updateDeployment(ns(d), d.metadata.name, (cur) => {
          const plan = planUndo(cur, replicaSets, revision)
          if (plan.kind === 'skipped') return false
          return {
            ...cur,
            metadata: { ...cur.metadata, annotations: plan.annotations },
            spec: { ...cur.spec, template: plan.template },
          }
        })
      }}
    >
      {diff.length === 0 ? (
        <p>The current template already matches revision {revision}: nothing would change.</p>
      ) : (
        <div class="scroll">
          <DataTable
            class="diff"
            caption={`What changes: current template → revision ${revision}`}
            columns={['Field', 'Current', <>Revision {revision}</>]}
          >
            {diff.map((c) => (
              <tr key={c.path}>
                <th scope="row" class="mono">
                  {c.path}
                </th>
                <td class="mono del">{c.current ?? '(none)'}</td>
                <td class="mono ins">{c.target ?? '(none)'}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
      <Plan preview={plan} />
    </Dialog>
  )
}

const SIMPLE = {
  pause: {
    title: 'Pause the rollout',
    label: 'Pause',
    text: 'Template changes will wait until the rollout is resumed; scaling still works.',
    apply: (d: Deployment) => pauseDeployment(d),
  },
  resume: {
    title: 'Resume the rollout',
    label: 'Resume',
    text: 'The controller takes up any template change made while paused.',
    apply: (d: Deployment) => resumeDeployment(d),
  },
  restart: {
    title: 'Restart every pod',
    label: 'Restart',
    text: 'A rolling restart: new pods replace the old ones within the strategy’s budget, as a rollout does.',
    apply: (d: Deployment) => ({ ...d, spec: { ...d.spec, template: restartTemplate(d, Date.now()) } }),
  },
}

export function ActionDialog(props: Props) {
  const a = props.action
  if (a.kind === 'image') return <SetImage {...props} />
  if (a.kind === 'scale') return <Scale {...props} />
  if (a.kind === 'rollback') return <Rollback {...props} revision={a.revision} />
  const s = SIMPLE[a.kind]
  return (
    <Dialog
      title={`${s.title}: ${props.deployment.metadata.name}`}
      confirmLabel={s.label}
      onClose={props.onClose}
      onConfirm={async () => {
        await updateDeployment(ns(props.deployment), props.deployment.metadata.name, s.apply)
      }}
    >
      <p>{s.text}</p>
    </Dialog>
  )
}
