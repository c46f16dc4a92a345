/**
 * @module
 * The Rollout planner: one pure sync of Argo Rollouts' canary (rollout/canary.go) with Baton's
 * load balancer as the traffic router. Input is the Rollout, the ReplicaSets it controls and
 * the Services it names; output is the ordered list of writes (actions.ts).
 *
 * Because the load balancer applies `status.canary.weights` exactly (route-sync reads them),
 * this is Argo's traffic-routed canary: the canary ReplicaSet is sized from the weight
 * (ceil(replicas × weight / 100)) and the stable one stays at full size, unless
 * `dynamicStableScale` shrinks it as the weight moves (bounded by maxSurge / maxUnavailable).
 * A setWeight step moves the weight only once the canary's pods for it are available, so a
 * share of the traffic is never sent to pods that cannot take it.
 *
 * Order of one sync:
 *  1. a new pod template or new steps restart the steps (and clear an abort of an old template);
 *  2. the ReplicaSet for spec.template is created when missing;
 *  3. no stable yet (first apply) or the template is the stable one → full size, weight 0;
 *  4. aborted → all traffic to stable at once, canary scaled down after abortScaleDownDelaySeconds;
 *  5. otherwise the steps run from status.currentStepIndex; past the last one the canary is
 *     scaled to full size, then becomes the stable revision.
 */
import { controllerOf, controllerRef } from '../../api/owner-refs.ts'
import { formatTimestamp, parseTimestamp } from '../../api/timestamps.ts'
import type {
  AnalysisRun,
  AnalysisTemplate,
  ReplicaSet,
  Rollout,
  RolloutCanaryStep,
  RolloutHeaderRoute,
  RolloutPhase,
  Service,
} from '../../api/types.ts'
import { resolveFenceposts } from '../../rollout/fenceposts.ts'
import { computeHash, replicaSetName } from '../../rollout/template-hash.ts'
import type { RolloutAction } from './actions.ts'
import {
  POD_TEMPLATE_HASH_LABEL,
  ROLLOUT_HASH_LABEL,
  ROLLOUT_REVISION_ANNOTATION,
  available,
  event,
  hashOf,
  requeue,
  revisionOf,
  scale,
  type Sync,
  weights,
  pauseStartedAt,
} from './sync.ts'

export { ROLLOUT_HASH_LABEL, ROLLOUT_REVISION_ANNOTATION } from './sync.ts'
import { pauseSeconds } from '../../api/rollout-duration.ts'
import { replicasForWeight, setWeightAt, stepsHash } from './steps.ts'
import { planBlueGreen } from './blue-green.ts'
import { type AnalysisView, abortFromAnalysis, ensureRun, failed, inconclusivePause, terminate } from './analysis.ts'

/** Argo's default abortScaleDownDelaySeconds with a traffic router. */
export const DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30

export interface RolloutPlanInput {
  rollout: Rollout
  /** ReplicaSets the Rollout controls. */
  replicaSets: readonly ReplicaSet[]
  /** The Services spec.strategy.canary names that exist. */
  services: readonly Service[]
  /** The AnalysisTemplates the canary's analysis names that exist. */
  analysisTemplates?: readonly AnalysisTemplate[]
  /** AnalysisRuns the Rollout owns. */
  analysisRuns?: readonly AnalysisRun[]
}

function newReplicaSet(r: Rollout, hash: string, revision: number): ReplicaSet {
  const template = structuredClone(r.spec.template)
  const hashLabels = { [ROLLOUT_HASH_LABEL]: hash, [POD_TEMPLATE_HASH_LABEL]: hash }
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...hashLabels } }
  const selector = structuredClone(r.spec.selector)
  selector.matchLabels = { ...selector.matchLabels, [ROLLOUT_HASH_LABEL]: hash }
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(r.metadata.name, hash),
      ...(r.metadata.namespace !== undefined ? { namespace: r.metadata.namespace } : {}),
      labels: { ...template.metadata.labels },
      annotations: { [ROLLOUT_REVISION_ANNOTATION]: String(revision) },
      ownerReferences: [controllerRef('argoproj.io/v1alpha1', 'Rollout', r.metadata)],
    },
    spec: { replicas: 0, minReadySeconds: r.spec.minReadySeconds ?? 0, selector, template },
  }
}

/**
 * Runs the steps from status.currentStepIndex as far as they can go in this sync. Returns the
 * canary weight now in force (what the load balancer applies).
 */
function runSteps(s: Sync, v: AnalysisView, canaryRS: ReplicaSet, replicas: number, appliedWeight: number): number {
  const steps = s.r.spec.strategy.canary?.steps ?? []
  const st = s.st
  let weight = appliedWeight
  if (st.promoteFull) {
    st.currentStepIndex = steps.length
    terminate(s, v, s.stepRun)
    delete s.stepRun
  }
  while (!s.r.spec.paused && !st.abort && (st.currentStepIndex ?? 0) < steps.length) {
    const index = st.currentStepIndex ?? 0
    const step = steps[index]!
    if (step.analysis) {
      if (!analysisStep(s, v, step.analysis, index)) break
      continue
    }
    if (step.setHeaderRoute) {
      setHeaderRoute(s, step.setHeaderRoute)
      st.currentStepIndex = index + 1
      continue
    }
    if (step.setWeight !== undefined) {
      const need = replicasForWeight(replicas, step.setWeight)
      if ((canaryRS.spec.replicas ?? 0) < need || available(canaryRS) < need) break
      weight = step.setWeight
      st.currentStepIndex = index + 1
      continue
    }
    // A pause step. Argo's protocol: the controller adds the pause condition and sets
    // controllerPause; `promote` removes the condition, so controllerPause without one means
    // the user let this step go.
    const conditions = st.pauseConditions ?? []
    if (st.controllerPause && conditions.length === 0) {
      st.controllerPause = false
      st.currentStepIndex = index + 1
      continue
    }
    if (conditions.length === 0) {
      st.pauseConditions = [{ reason: 'CanaryPauseStep', startTime: formatTimestamp(s.now) }]
      st.controllerPause = true
      event(s, 'RolloutPaused', `Rollout is paused (CanaryPauseStep) at step ${index + 1} of ${steps.length}`)
    }
    const duration = step.pause?.duration
    const seconds = duration === undefined ? undefined : pauseSeconds(duration)
    if (seconds === undefined) break
    const endsAt = pauseStartedAt(s) + seconds * 1000
    if (s.now < endsAt) {
      requeue(s, endsAt - s.now)
      break
    }
    delete st.pauseConditions
    st.controllerPause = false
    st.currentStepIndex = index + 1
    event(s, 'RolloutResumed', `Rollout resumed after a pause of ${seconds}s`)
  }
  return weight
}

/** A setHeaderRoute step: the route named is set (replacing one of that name) or, without a match, removed. */
function setHeaderRoute(s: Sync, route: RolloutHeaderRoute): void {
  const others = (s.headerRoutes ?? []).filter((r) => r.name !== route.name)
  s.headerRoutes = route.match && route.match.length > 0 ? [...others, structuredClone(route)] : others
  const what = route.match && route.match.length > 0 ? 'set' : 'removed'
  event(s, 'HeaderRouteSet', `Header route '${route.name}' ${what}`)
}

/**
 * One `analysis` step: its run made or read. True when the step is done (the run succeeded, or
 * the user promoted past an Inconclusive one); a failed run aborts the Rollout.
 */
function analysisStep(
  s: Sync,
  v: AnalysisView,
  ref: NonNullable<RolloutCanaryStep['analysis']>,
  index: number,
): boolean {
  const st = s.st
  const verdict = ensureRun(s, v, ref, s.stepRun, 'Step', index)
  if ('invalid' in verdict) {
    abortFromAnalysis(s, `spec.strategy.canary.steps[${index}].analysis: ${verdict.invalid}`)
    return false
  }
  s.stepRun = verdict.status
  if (verdict.phase === 'Successful') {
    event(s, 'AnalysisRunSuccessful', `Step Analysis Run '${verdict.status.name}' Status New: 'Successful'`)
    delete s.stepRun
    st.currentStepIndex = index + 1
    return true
  }
  if (failed(verdict.phase)) {
    abortFromAnalysis(
      s,
      `analysis run '${verdict.status.name}' ${verdict.phase}${verdict.status.message ? `: ${verdict.status.message}` : ''}`,
    )
    return false
  }
  if (verdict.phase === 'Inconclusive') {
    if (!inconclusivePause(s, verdict.status)) return false
    delete s.stepRun
    st.currentStepIndex = index + 1
    return true
  }
  return false
}

/** The background analysis from its startingStep until promotion; a failure aborts. */
function backgroundAnalysis(s: Sync, v: AnalysisView): void {
  const ref = s.r.spec.strategy.canary?.analysis
  if (!ref || s.st.promoteFull || (s.st.currentStepIndex ?? 0) < (ref.startingStep ?? 0)) return
  const verdict = ensureRun(s, v, ref, s.backgroundRun, 'Background')
  if ('invalid' in verdict) {
    abortFromAnalysis(s, `spec.strategy.canary.analysis: ${verdict.invalid}`)
    return
  }
  s.backgroundRun = verdict.status
  if (failed(verdict.phase)) {
    abortFromAnalysis(
      s,
      `analysis run '${verdict.status.name}' ${verdict.phase}${verdict.status.message ? `: ${verdict.status.message}` : ''}`,
    )
  } else if (verdict.phase === 'Inconclusive' && inconclusivePause(s, verdict.status)) {
    // Promoted past it: a new background run measures from here.
    delete s.backgroundRun
  }
}

/**
 * The abort: every request to stable at once, the analysis stopped, the canary scaled down
 * after abortScaleDownDelaySeconds (0 keeps it up, as in Argo).
 */
function abortCanary(
  s: Sync,
  v: AnalysisView,
  canaryRS: ReplicaSet,
  stableRS: ReplicaSet,
  others: readonly ReplicaSet[],
  replicas: number,
): void {
  const st = s.st
  const canary = s.r.spec.strategy.canary ?? {}
  if (!st.abortedAt) {
    st.abortedAt = formatTimestamp(s.now)
    st.message = `RolloutAborted: Rollout aborted update to revision ${revisionOf(canaryRS)}`
    event(s, 'RolloutAborted', `${st.message}: all traffic back to stable (${v.stableHash})`, 'Warning')
  }
  terminate(s, v, s.stepRun)
  terminate(s, v, s.backgroundRun)
  delete s.headerRoutes
  delete st.pauseConditions
  delete st.controllerPause
  st.canary = weights(v.stableHash, v.hash, 0)
  scale(s, stableRS, replicas)
  const delay = canary.abortScaleDownDelaySeconds ?? DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS
  if (delay > 0) {
    const at = parseTimestamp(st.abortedAt) + delay * 1000
    if (s.now >= at) scale(s, canaryRS, 0)
    else requeue(s, at - s.now)
  }
  for (const rs of others) scale(s, rs, 0)
}

/** The runs and header routes in force go back into status.canary, which the weights were written over. */
function keepRunStatuses(s: Sync): void {
  const c = { ...s.st.canary }
  delete c.currentStepAnalysisRunStatus
  delete c.currentBackgroundAnalysisRunStatus
  delete c.headerRoutes
  if (s.stepRun) c.currentStepAnalysisRunStatus = s.stepRun
  if (s.backgroundRun) c.currentBackgroundAnalysisRunStatus = s.backgroundRun
  if (s.headerRoutes && s.headerRoutes.length > 0) c.headerRoutes = s.headerRoutes
  s.st.canary = c
}

function phaseOf(s: Sync, healthy: boolean): { phase: RolloutPhase; message?: string } {
  if (s.st.abort) return { phase: 'Degraded', message: s.st.message ?? 'RolloutAborted' }
  if (s.r.spec.paused) return { phase: 'Paused', message: 'RolloutPaused: spec.paused is true' }
  const pause = s.st.pauseConditions?.[0]
  if (pause) return { phase: 'Paused', message: pause.reason }
  if (healthy) return { phase: 'Healthy' }
  return { phase: 'Progressing', message: 'more replicas need to be updated' }
}

/**
 * Plans one sync of `input.rollout` at `now` (epoch ms).
 *
 * @example
 * planRollout({ rollout, replicaSets, services }, clock.now())
 * // [{ type: 'scaleReplicaSet', name: 'demo-6b8f', replicas: 1 }, …, { type: 'updateStatus', status }]
 */
export function planRollout(input: RolloutPlanInput, now: number): RolloutAction[] {
  const r = input.rollout
  const canary = r.spec.strategy.canary ?? {}
  const steps = canary.steps ?? []
  const replicas = r.spec.replicas ?? 1
  const prev = r.status ?? {}
  const s: Sync = { r, now, actions: [], st: structuredClone(prev) }
  const st = s.st
  const hash = computeHash(r.spec.template)
  const stepHash = stepsHash(steps)
  const owned = input.replicaSets.filter((rs) => controllerOf(rs)?.uid === r.metadata.uid)

  // 1. A new template (or new steps) starts the steps again.
  if (prev.currentPodHash !== hash || prev.currentStepHash !== stepHash) {
    if (prev.currentPodHash !== hash) {
      delete st.abort
      delete st.abortedAt
      delete st.message
    }
    st.currentPodHash = hash
    st.currentStepHash = stepHash
    if (st.canary) {
      delete st.canary.currentStepAnalysisRunStatus
      delete st.canary.currentBackgroundAnalysisRunStatus
      delete st.canary.headerRoutes
    }
    // A blueGreen's promotion runs (and a switch awaiting its post-promotion analysis) were the old template's.
    delete st.blueGreen
    st.currentStepIndex = 0
    delete st.pauseConditions
    delete st.controllerPause
    delete st.promoteFull
  }

  const runs = st.canary ?? {}
  if (runs.currentStepAnalysisRunStatus) s.stepRun = runs.currentStepAnalysisRunStatus
  if (runs.currentBackgroundAnalysisRunStatus) s.backgroundRun = runs.currentBackgroundAnalysisRunStatus
  if (runs.headerRoutes) s.headerRoutes = runs.headerRoutes

  // 2. The ReplicaSet of spec.template.
  const maxRevision = Math.max(0, ...owned.map(revisionOf))
  let canaryRS = owned.find((rs) => hashOf(rs) === hash)
  if (!canaryRS) {
    canaryRS = newReplicaSet(r, hash, maxRevision + 1)
    s.actions.push({ type: 'createReplicaSet', replicaSet: canaryRS })
  } else if (revisionOf(canaryRS) < maxRevision) {
    // An old revision becoming the canary again (undo) gets the next revision number, as in Argo.
    const annotations = { [ROLLOUT_REVISION_ANNOTATION]: String(maxRevision + 1) }
    s.actions.push({ type: 'annotateReplicaSet', name: canaryRS.metadata.name, annotations })
    canaryRS = {
      ...canaryRS,
      metadata: { ...canaryRS.metadata, annotations: { ...canaryRS.metadata.annotations, ...annotations } },
    }
  }
  if (!st.stableRS || !owned.some((rs) => hashOf(rs) === st.stableRS)) st.stableRS = hash
  const stableRS = owned.find((rs) => hashOf(rs) === st.stableRS) ?? canaryRS
  const others = owned.filter((rs) => rs !== stableRS && rs !== canaryRS && hashOf(rs) !== hash)
  const stableHash = st.stableRS
  const view: AnalysisView = {
    templates: input.analysisTemplates ?? [],
    runs: (input.analysisRuns ?? []).filter((x) => controllerOf(x)?.uid === r.metadata.uid),
    hash,
    stableHash,
    revision: revisionOf(canaryRS),
  }
  const prevWeights = prev.canary?.weights
  const appliedWeight =
    prevWeights?.canary.podTemplateHash === hash && stableHash !== hash ? prevWeights.canary.weight : 0

  let healthy = false
  if (r.spec.strategy.blueGreen) {
    healthy = planBlueGreen(s, view, { newRS: canaryRS, stableRS, others, hash, replicas })
    if (healthy && prev.phase !== 'Healthy' && prev.phase !== undefined) {
      event(s, 'RolloutCompleted', `Rollout completed update to revision ${revisionOf(canaryRS)} (${hash})`)
    }
  } else if (stableHash === hash) {
    // 3. Fully promoted (or the first version): the canary is the stable revision.
    terminate(s, view, s.backgroundRun)
    terminate(s, view, s.stepRun)
    delete s.stepRun
    delete s.backgroundRun
    delete s.headerRoutes
    st.currentStepIndex = steps.length
    delete st.pauseConditions
    delete st.controllerPause
    delete st.promoteFull
    st.canary = weights(hash, hash, 0)
    scale(s, canaryRS, replicas)
    for (const rs of others) scale(s, rs, 0)
    healthy =
      (canaryRS.spec.replicas ?? 0) === replicas &&
      available(canaryRS) >= replicas &&
      others.every((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0)
    if (healthy && prev.phase !== 'Healthy' && prev.phase !== undefined) {
      event(s, 'RolloutCompleted', `Rollout completed update to revision ${revisionOf(canaryRS)} (${hash})`)
    }
  } else if (st.abort) {
    // 4. Aborted: every request to stable at once; the canary stays up for the delay.
    abortCanary(s, view, canaryRS, stableRS, others, replicas)
  } else {
    // 5. The steps, with the background analysis beside them.
    backgroundAnalysis(s, view)
    let weight = st.abort ? 0 : runSteps(s, view, canaryRS, replicas, appliedWeight)
    const index = st.currentStepIndex ?? 0
    if (st.abort) abortCanary(s, view, canaryRS, stableRS, others, replicas)
    else if (index >= steps.length && (canaryRS.spec.replicas ?? 0) >= replicas && available(canaryRS) >= replicas) {
      // Every step has run and the canary can take all the traffic: it becomes stable.
      st.stableRS = hash
      st.canary = weights(hash, hash, 0)
      delete st.promoteFull
      event(s, 'RolloutPromoted', `Rollout promoted revision ${revisionOf(canaryRS)} (${hash}) to stable`)
      terminate(s, view, s.backgroundRun)
      delete s.backgroundRun
      delete s.headerRoutes
      scale(s, canaryRS, replicas)
      scale(s, stableRS, 0)
      for (const rs of others) scale(s, rs, 0)
      weight = 0
    } else {
      st.canary = weights(stableHash, hash, weight)
      sizeCanary(s, canaryRS, stableRS, replicas, setWeightAt(steps, index))
      for (const rs of others) scale(s, rs, 0)
    }
  }

  keepRunStatuses(s)
  syncServices(s, input.services, hash, st.blueGreen?.activeSelector ?? st.stableRS ?? hash)
  const all = owned.includes(canaryRS) ? owned : [...owned, canaryRS]
  st.replicas = all.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0)
  st.updatedReplicas = canaryRS.status?.replicas ?? 0
  st.readyReplicas = all.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0)
  st.availableReplicas = all.reduce((n, rs) => n + available(rs), 0)
  st.observedGeneration = String(r.metadata.generation ?? 0)
  const { phase, message } = phaseOf(s, healthy)
  st.phase = phase
  if (message !== undefined) st.message = message
  else delete st.message
  if (JSON.stringify(st) !== JSON.stringify(prev)) s.actions.push({ type: 'updateStatus', status: st })
  if (s.requeueMs !== undefined) s.actions.push({ type: 'requeue', afterMs: s.requeueMs })
  return s.actions
}

/**
 * The canary sized for the step's weight and the stable at full size. With dynamicStableScale
 * the stable shrinks towards the share the step leaves it, keeping at least
 * replicas − maxUnavailable pods available in all, and the canary grows only within
 * replicas + maxSurge pods in all (Argo's fenceposts, defaults 25% / 25%).
 */
function sizeCanary(s: Sync, canaryRS: ReplicaSet, stableRS: ReplicaSet, replicas: number, weight: number): void {
  const c = s.r.spec.strategy.canary ?? {}
  // A header route needs a canary pod to reach, whatever the weight (Argo asks for setCanaryScale).
  const target = Math.max(replicasForWeight(replicas, weight), s.headerRoutes?.length ? 1 : 0)
  if (!c.dynamicStableScale) {
    scale(s, canaryRS, target)
    scale(s, stableRS, replicas)
    return
  }
  const { surge, unavailable } = resolveFenceposts(c.maxSurge ?? '25%', c.maxUnavailable ?? '25%', replicas)
  const stableNow = stableRS.spec.replicas ?? 0
  const canaryNow = canaryRS.spec.replicas ?? 0
  const canaryNext = Math.min(target, Math.max(canaryNow, replicas + surge - stableNow))
  const stableFloor = Math.max(replicasForWeight(replicas, 100 - weight), replicas - unavailable - available(canaryRS))
  scale(s, canaryRS, canaryNext)
  scale(s, stableRS, Math.min(replicas, stableFloor))
}

/**
 * canaryService / previewService → the template's pods, stableService / activeService → the
 * stable pods (Argo adds the hash to their selectors).
 */
function syncServices(s: Sync, services: readonly Service[], canaryHash: string, stableHash: string): void {
  const c = s.r.spec.strategy.canary ?? {}
  const bg = s.r.spec.strategy.blueGreen
  for (const [name, hash] of [
    [c.canaryService ?? bg?.previewService, canaryHash],
    [c.stableService ?? bg?.activeService, stableHash],
  ] as const) {
    const svc = services.find((x) => x.metadata.name === name)
    if (!svc || svc.spec.selector?.[ROLLOUT_HASH_LABEL] === hash) continue
    s.actions.push({
      type: 'setServiceSelector',
      service: svc.metadata.name,
      selector: { ...svc.spec.selector, [ROLLOUT_HASH_LABEL]: hash },
    })
  }
}
