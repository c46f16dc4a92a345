/**
 * @module
 * The failure-policy controller's executor: read the Deployment, its ReplicaSets, the new
 * revision's pods and the load balancer's figures, ask the pure planner (plan.ts), and apply
 * its actions through the store. The rollback is `rollout undo`'s own plan (rollout/rollback.ts)
 * written by the controller; the deployment controller then rolls to the restored revision.
 *
 * Figures are cumulative in the load balancer; the window starts where this controller first
 * saw the revision under watch (kept in memory: after a daemon restart the window starts
 * again, so it can only be judged later, never on fewer requests).
 */
import type { Deployment, ReplicaSet } from '../../api/types.ts'
import { recordEvent } from '../../events/record-event.ts'
import {
  type Controller,
  enqueueController,
  enqueueGrandController,
  enqueueSelf,
  type ReconcileResult,
  TerminalError,
} from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import { removeDeploymentCondition, setDeploymentCondition } from '../../rollout/conditions.ts'
import { VERDICT_ANNOTATION } from '../../rollout/failure-outcome.ts'
import { type RevisionCounters, type TrafficSample, windowOf } from '../../rollout/revision-figures.ts'
import { POD_TEMPLATE_HASH_LABEL } from '../../rollout/template-hash.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { type FailurePolicyAction, type FailurePolicyInput, planFailurePolicy, watched } from './plan.ts'

export const FAILURE_POLICY_CONTROLLER = 'failure-policy-controller'

interface Baseline {
  proxyStartedAtMs: number
  candidate?: RevisionCounters
  stable?: RevisionCounters
}

export function createFailurePolicyController(deps: ControllerDeps): Controller {
  /** Keyed by Deployment key and new ReplicaSet name: where its window starts. */
  const baselines = new Map<string, Baseline>()
  return {
    name: FAILURE_POLICY_CONTROLLER,
    watches: [
      enqueueSelf('Deployment'),
      enqueueController('ReplicaSet', 'Deployment'),
      // Restarts, readiness and crash loops of the new pods are failure signals.
      enqueueGrandController('Pod', 'ReplicaSet', 'Deployment'),
    ],
    reconcile: (key) => reconcileFailurePolicy(deps, baselines, key),
  }
}

const hashOf = (rs: ReplicaSet): string => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? ''

function windowFigures(
  sample: TrafficSample | undefined,
  baselines: Map<string, Baseline>,
  id: string,
  newRS: ReplicaSet,
  stable: ReplicaSet,
): FailurePolicyInput['figures'] {
  if (!sample) return undefined
  const candidate = sample.revisions[hashOf(newRS)]
  const stableNow = sample.revisions[hashOf(stable)]
  let base = baselines.get(id)
  if (!base) {
    base = {
      proxyStartedAtMs: sample.proxyStartedAtMs,
      ...(candidate ? { candidate } : {}),
      ...(stableNow ? { stable: stableNow } : {}),
    }
    baselines.set(id, base)
  } else if (base.proxyStartedAtMs !== sample.proxyStartedAtMs) {
    // A replaced load balancer counts from zero: everything it has is inside the window.
    base = { proxyStartedAtMs: sample.proxyStartedAtMs }
    baselines.set(id, base)
  }
  if (!candidate) return { candidate: { requests: 0, errors: 0, failedConnections: 0, latency: [] } }
  return {
    candidate: windowOf(candidate, base.candidate),
    ...(stableNow ? { stable: windowOf(stableNow, base.stable) } : {}),
  }
}

export function reconcileFailurePolicy(
  deps: ControllerDeps,
  baselines: Map<string, Baseline>,
  key: string,
): ReconcileResult {
  const { namespace, name } = parseKey(key)
  const d = deps.cache.get('Deployment', namespace, name)
  const forget = () => {
    for (const k of baselines.keys()) if (k.startsWith(`${key}/`)) baselines.delete(k)
    return {}
  }
  if (!d?.metadata.uid || d.metadata.deletionTimestamp) return forget()
  const replicaSets = deps.cache.ownedBy('ReplicaSet', d.metadata.uid)
  const w = watched(d, replicaSets)
  if (!w) return forget()
  const id = `${key}/${w.newRS.metadata.name}`
  for (const k of baselines.keys()) if (k.startsWith(`${key}/`) && k !== id) baselines.delete(k)
  const newPods = w.newRS.metadata.uid ? deps.cache.ownedBy('Pod', w.newRS.metadata.uid) : []
  const figures = windowFigures(deps.traffic?.(), baselines, id, w.newRS, w.stable)
  const actions = planFailurePolicy(
    { deployment: d, replicaSets, newPods, ...(figures ? { figures } : {}) },
    deps.clock.now(),
  )
  return applyActions(deps, d, replicaSets, actions)
}

function applyActions(
  deps: ControllerDeps,
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  actions: readonly FailurePolicyAction[],
): ReconcileResult {
  const { store, clock } = deps
  let d = deployment
  let requeueAfterMs: number | undefined
  for (const a of actions) {
    switch (a.type) {
      case 'rollback':
        d = store.update<'Deployment'>({
          ...d,
          metadata: { ...d.metadata, annotations: a.annotations },
          spec: { ...d.spec, template: a.template },
        })
        break
      case 'pause':
        d = store.update<'Deployment'>({
          ...d,
          metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, ...a.annotations } },
          spec: { ...d.spec, paused: true },
        })
        break
      case 'markReplicaSet': {
        const rs = replicaSets.find((r) => r.metadata.name === a.name)
        if (!rs) throw new TerminalError(`planner named unknown replica set ${a.name}`)
        store.update<'ReplicaSet'>({
          ...rs,
          metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, [VERDICT_ANNOTATION]: a.verdict } },
        })
        break
      }
      case 'setCondition': {
        // Replaced, not merged: a second rollback has the same reason but its own message and time.
        const status = setDeploymentCondition(removeDeploymentCondition(d.status ?? {}, a.condition.type), a.condition)
        d = store.updateStatus<'Deployment'>({ ...d, status })
        break
      }
      case 'event':
        recordEvent(store, clock, d, a.eventType, a.reason, a.message, FAILURE_POLICY_CONTROLLER)
        break
      case 'requeue':
        requeueAfterMs = Math.min(requeueAfterMs ?? Number.POSITIVE_INFINITY, a.afterMs)
        break
    }
  }
  return requeueAfterMs === undefined ? {} : { requeueAfterMs }
}
