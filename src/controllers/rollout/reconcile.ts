/**
 * @module
 * The Rollout controller's executor: read the Rollout, the ReplicaSets it controls and the
 * Services it names, ask the pure planner (plan.ts) what to do, and apply the actions in order
 * with compare-and-swap writes. The ReplicaSet controller runs the pods, as it does for a
 * Deployment's ReplicaSets; route-sync gives the load balancer the weights in
 * status.canary.weights.
 */
import type { AnalysisRun, AnalysisTemplate, ReplicaSet, Rollout, Service } from '../../api/types.ts'
import { recordEvent } from '../../events/record-event.ts'
import {
  type Controller,
  type ReconcileResult,
  TerminalError,
  enqueueController,
  enqueueSelf,
} from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import type { RolloutAction } from './actions.ts'
import { planRollout } from './plan.ts'

export const ROLLOUT_CONTROLLER = 'rollouts-controller'

export function createRolloutController(deps: ControllerDeps): Controller {
  return {
    name: ROLLOUT_CONTROLLER,
    watches: [
      enqueueSelf('Rollout'),
      enqueueController('ReplicaSet', 'Rollout'),
      enqueueController('AnalysisRun', 'Rollout'),
    ],
    reconcile: (key) => reconcileRollout(deps, key),
  }
}

export function reconcileRollout(deps: ControllerDeps, key: string): ReconcileResult {
  const { namespace, name } = parseKey(key)
  const rollout = deps.cache.get('Rollout', namespace, name)
  if (!rollout?.metadata.uid || rollout.metadata.deletionTimestamp) return {}
  const replicaSets = deps.cache.ownedBy('ReplicaSet', rollout.metadata.uid)
  const canary = rollout.spec.strategy.canary ?? {}
  const bg = rollout.spec.strategy.blueGreen
  const services = [canary.canaryService, canary.stableService, bg?.activeService, bg?.previewService]
    .filter((n): n is string => n !== undefined)
    .map((n) => deps.store.get('Service', namespace, n))
    .filter((svc): svc is Service => svc !== undefined)
  const steps = canary.steps ?? []
  const templateNames = new Set(
    [canary.analysis, ...steps.map((s) => s.analysis), bg?.prePromotionAnalysis, bg?.postPromotionAnalysis].flatMap(
      (a) => a?.templates.map((t) => t.templateName) ?? [],
    ),
  )
  const analysisTemplates = [...templateNames]
    .map((n) => deps.store.get('AnalysisTemplate', namespace, n))
    .filter((t): t is AnalysisTemplate => t !== undefined)
  const analysisRuns = deps.cache.ownedBy('AnalysisRun', rollout.metadata.uid)
  const actions = planRollout({ rollout, replicaSets, services, analysisTemplates, analysisRuns }, deps.clock.now())
  return applyActions(deps, rollout, replicaSets, services, analysisRuns, actions)
}

function applyActions(
  deps: ControllerDeps,
  rollout: Rollout,
  replicaSets: readonly ReplicaSet[],
  services: readonly Service[],
  runs: readonly AnalysisRun[],
  actions: readonly RolloutAction[],
): ReconcileResult {
  const { store, clock } = deps
  const namespace = rollout.metadata.namespace ?? 'default'
  const sets = new Map(replicaSets.map((rs) => [rs.metadata.name, rs]))
  const setNamed = (name: string): ReplicaSet => {
    const rs = sets.get(name)
    if (!rs) throw new TerminalError(`planner named unknown replica set ${namespace}/${name}`)
    return rs
  }
  let r = rollout
  let requeueAfterMs: number | undefined
  for (const a of actions) {
    switch (a.type) {
      case 'createReplicaSet':
        sets.set(a.replicaSet.metadata.name, store.create<'ReplicaSet'>(a.replicaSet))
        break
      case 'scaleReplicaSet': {
        const rs = setNamed(a.name)
        sets.set(a.name, store.update<'ReplicaSet'>({ ...rs, spec: { ...rs.spec, replicas: a.replicas } }))
        break
      }
      case 'annotateReplicaSet': {
        const rs = setNamed(a.name)
        const annotations = { ...rs.metadata.annotations, ...a.annotations }
        sets.set(a.name, store.update<'ReplicaSet'>({ ...rs, metadata: { ...rs.metadata, annotations } }))
        break
      }
      case 'setServiceSelector': {
        const svc = services.find((s) => s.metadata.name === a.service)
        if (svc) store.update<'Service'>({ ...svc, spec: { ...svc.spec, selector: a.selector } })
        break
      }
      case 'createAnalysisRun':
        store.create<'AnalysisRun'>(a.run)
        break
      case 'terminateAnalysisRun': {
        const run = runs.find((x) => x.metadata.name === a.name)
        if (run) store.update<'AnalysisRun'>({ ...run, spec: { ...run.spec, terminate: true } })
        break
      }
      case 'updateStatus':
        r = store.updateStatus<'Rollout'>({ ...r, status: a.status })
        break
      case 'event':
        recordEvent(store, clock, r, a.eventType, a.reason, a.message, ROLLOUT_CONTROLLER)
        break
      case 'requeue':
        requeueAfterMs = Math.min(requeueAfterMs ?? Number.POSITIVE_INFINITY, a.afterMs)
        break
      default:
        throw new TerminalError(`unhandled rollout action ${JSON.stringify(a satisfies never)}`)
    }
  }
  return requeueAfterMs === undefined ? {} : { requeueAfterMs }
}
