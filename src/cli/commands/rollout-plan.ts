/**
 * @module
 * `baton rollout plan`: what a change will do before it is made. For a manifest (-f) or a
 * `set image` / `scale`-style change of a live Deployment, it reads the Deployment, its
 * ReplicaSets and their pods, builds the object the change would store, and plays the rollout
 * with the real controllers on a fake clock (sim/preview.ts): the steps, the fewest available
 * and the most running pods, and an estimated duration from the probes' timing. Nothing is
 * written.
 *
 * This is the one CLI module that reaches past the HTTP API, into sim/preview.ts: a preview
 * that reimplemented the controllers could disagree with them; this one runs them. It is
 * imported when a plan is asked for, so no other command pays for loading the control plane.
 */
import { applyDefaults } from '../../api/defaults.ts'
import type { AnyObject, Deployment, Pod, ReplicaSet } from '../../api/types.ts'
import { LAST_APPLIED_ANNOTATION } from '../../rollout/annotations.ts'
import { estimateTiming, type TimingBasis } from '../../rollout/preview-timing.ts'
import { canonicalJson } from '../../rollout/template-hash.ts'
import { ServerError, type ApiClient } from '../client.ts'
import { countFlag, defineCommand, str, usageError, type CliContext } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { filenames, readManifests } from './manifests.ts'
import { ownedReplicaSets, podsOfReplicaSets } from './owned.ts'
import { parseOutput } from './output.ts'
import { renderRolloutPlan } from './rollout-plan-table.ts'
import { setImages } from './set-image.ts'
import { threeWayMerge } from './three-way-merge.ts'
import type { RolloutPreview } from '../../sim/preview.ts'

export interface RolloutPlanOptions {
  /** -f: the Deployments of these manifests. */
  files: string[]
  /** Or a live Deployment with --image / --replicas. */
  ref?: ResourceRef
  images: Array<{ container: string; image: string }>
  replicas?: number
  output: 'table' | 'json'
  namespace: string
}

export interface PlannedRollout {
  deployment: string
  preview: RolloutPreview
  timing: TimingBasis
  after: Deployment
}

const isNotFound = (err: unknown) => err instanceof ServerError && err.code === 'BATON_NOT_FOUND'

async function live(client: ApiClient, namespace: string, name: string): Promise<Deployment | undefined> {
  try {
    return await client.get('Deployment', namespace, name)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** The Deployment `apply -f` would store: the three-way merge apply does, with the server's defaults. */
function appliedDeployment(current: Deployment | undefined, manifest: Deployment): Deployment {
  if (!current)
    return applyDefaults({ ...manifest, metadata: { ...manifest.metadata, uid: 'preview-deployment', generation: 1 } })
  const lastText = current.metadata.annotations?.[LAST_APPLIED_ANNOTATION]
  const { status, ...withoutStatus } = current
  const merged = applyDefaults(
    threeWayMerge(withoutStatus, lastText ? JSON.parse(lastText) : {}, manifest) as Deployment,
  )
  return {
    ...merged,
    metadata: { ...current.metadata, labels: merged.metadata.labels ?? {} },
    ...(status ? { status } : {}),
  }
}

type PreviewRollout = typeof import('../../sim/preview.ts')['previewRollout']

/** Simulates `current` (with its ReplicaSets and pods) becoming `after`, from `now`. */
function planRollout(
  previewRollout: PreviewRollout,
  now: number,
  after: Deployment,
  current: Deployment | undefined,
  owned: { replicaSets: readonly ReplicaSet[]; pods: readonly Pod[] },
): PlannedRollout {
  const changed = !current || canonicalJson(current.spec) !== canonicalJson(after.spec)
  const generation = (current?.metadata.generation ?? 0) + (changed ? 1 : 0)
  const next: Deployment = { ...after, metadata: { ...after.metadata, generation } }
  const timing = estimateTiming(next)
  const preview = previewRollout(
    { deployment: next, ...owned },
    { readyMs: timing.readyMs, terminateMs: timing.terminateMs },
    now,
  )
  return { deployment: next.metadata.name, preview, timing, after: next }
}

async function plansFor(o: RolloutPlanOptions, ctx: CliContext): Promise<PlannedRollout[]> {
  const client = ctx.client()
  const targets: Array<{ current: Deployment | undefined; after: (current: Deployment | undefined) => Deployment }> = []
  if (o.ref) {
    const current = await client.get('Deployment', o.namespace, o.ref.name)
    targets.push({
      current,
      after: (c) => {
        const d = structuredClone(c as Deployment)
        setImages(d.spec.template.spec.containers, d.spec.template.spec.initContainers, o.images)
        if (o.replicas !== undefined) d.spec.replicas = o.replicas
        return d
      },
    })
  } else {
    const deployments = (await readManifests(o.files, ctx)).filter(
      (obj: AnyObject): obj is Deployment => obj.kind === 'Deployment',
    )
    if (deployments.length === 0)
      throw usageError(
        'no Deployment in the given manifests',
        'rollout plan previews Deployments; other kinds change no pods',
      )
    for (const m of deployments) {
      const current = await live(client, m.metadata.namespace ?? o.namespace, m.metadata.name)
      targets.push({ current, after: (c) => appliedDeployment(c, m) })
    }
  }
  // The control plane is loaded only now: every other command would pay for importing it.
  const { previewRollout } = await import('../../sim/preview.ts')
  const plans: PlannedRollout[] = []
  for (const t of targets) {
    const replicaSets = t.current ? await ownedReplicaSets(client, t.current) : []
    const after = t.after(t.current)
    // A server-side dry run: the API's admission refuses or warns (a missing artifact...) as it would for the change itself.
    await (t.current ? client.update(after, { dryRun: true }) : client.create(after, { dryRun: true }))
    const pods = t.current ? await podsOfReplicaSets(client, t.current, replicaSets) : []
    plans.push(planRollout(previewRollout, ctx.clock.now(), after, t.current, { replicaSets, pods }))
  }
  return plans
}

function toJson(p: PlannedRollout): object {
  const { preview, timing } = p
  return {
    deployment: p.deployment,
    newReplicaSet: preview.newReplicaSet ?? null,
    steps: preview.steps.map((s, i) => ({
      step: i + 1,
      atSeconds: s.at / 1000,
      newReplicas: s.newReplicas,
      oldReplicas: s.oldReplicas,
      minAvailable: s.minAvailable,
      maxPods: s.maxPods,
      maxTerminating: s.maxTerminating,
      events: s.events,
    })),
    minAvailable: preview.minAvailable,
    maxPods: preview.maxPods,
    maxTerminating: preview.maxTerminating,
    estimatedSeconds: preview.completeMs === undefined ? null : preview.completeMs / 1000,
    settledSeconds: preview.settledMs === undefined ? null : preview.settledMs / 1000,
    timing,
  }
}

export const rolloutPlanCommand = defineCommand<RolloutPlanOptions>({
  path: ['rollout', 'plan'],
  summary: 'Preview the steps and duration of a rollout before making the change',
  args: '[resource...]',
  usage: '(-f FILENAME | TYPE/NAME [--image CONTAINER=IMAGE ...] [--replicas N]) [flags]',
  examples: [
    '  baton rollout plan deployment/web --image web=web:v2',
    '  baton rollout plan deployment/web --replicas 10',
    '  baton rollout plan -f examples/web/deployment-10.yaml -o json',
  ].join('\n'),
  flags: [
    {
      flags: '-f, --filename <file>',
      description: 'A manifest (file, directory or - for stdin) whose Deployments to preview',
      repeatable: true,
    },
    {
      flags: '--image <container=image>',
      description: 'Preview `set image CONTAINER=IMAGE` (repeatable; * for every container)',
      repeatable: true,
    },
    { flags: '--replicas <count>', description: 'Preview a new size' },
    { flags: '-o, --output <format>', description: 'Output format: json' },
  ],
  complete(args, flags, ctx) {
    const files = filenames(flags)
    const images = ((flags.image as string[] | undefined) ?? []).map((p) => {
      const i = p.indexOf('=')
      if (i <= 0 || i === p.length - 1) throw usageError(`invalid image update "${p}"`, 'Write --image CONTAINER=IMAGE')
      return { container: p.slice(0, i), image: p.slice(i + 1) }
    })
    const replicas = countFlag(flags.replicas, 'replicas')
    const output = parseOutput(str(flags.output), ['table', 'json']) as 'table' | 'json'
    const base = { files, images, output, namespace: ctx.namespace, ...(replicas !== undefined ? { replicas } : {}) }
    if (files.length > 0) {
      if (args.length > 0 || images.length > 0 || replicas !== undefined)
        throw usageError('-f cannot be combined with a resource, --image or --replicas')
      return base
    }
    if (images.length === 0 && replicas === undefined) {
      throw usageError(
        'nothing to preview',
        'Give -f FILE, or a deployment with --image CONTAINER=IMAGE and/or --replicas N',
      )
    }
    return { ...base, ref: parseSingleRef(args, ['Deployment']) }
  },
  async run(o, ctx) {
    const plans = await plansFor(o, ctx)
    if (o.output === 'json') {
      const docs = plans.map(toJson)
      ctx.io.out.write(`${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`)
      return 0
    }
    ctx.io.out.write(plans.map((p) => renderRolloutPlan(p.after, p.preview, p.timing)).join('\n'))
    return 0
  },
})
