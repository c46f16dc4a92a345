import { describe, expect, it } from 'vitest'
import type { Deployment, DeploymentStatus, Pod, ReplicaSet } from '../../api/types.ts'
import { getDeploymentCondition } from '../../rollout/conditions.ts'
import { T0, aDeployment, aPod, aReplicaSet, at, template } from '../../../test/support/builders.ts'
import { computeHash } from '../../rollout/template-hash.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import type { DeploymentAction } from './actions.ts'
import { planDeployment } from './plan.ts'

interface World {
  deployment: Deployment
  replicaSets: ReplicaSet[]
  pods: Pod[]
}

const REV = 'deployment.kubernetes.io/revision'
const DESIRED = 'deployment.kubernetes.io/desired-replicas'
const MAX = 'deployment.kubernetes.io/max-replicas'
const sec = (s: number) => T0 + s * 1000

/** Applies planned writes the way the store would (test-only stand-in for reconcile.ts). */
function apply(w: World, actions: DeploymentAction[], now: number): World {
  const next = structuredClone(w)
  const find = (name: string) => next.replicaSets.find((r) => r.metadata.name === name) as ReplicaSet
  for (const a of actions) {
    if (a.type === 'createReplicaSet') {
      const rs = structuredClone(a.replicaSet)
      rs.metadata = {
        ...rs.metadata,
        uid: `uid-${rs.metadata.name}`,
        creationTimestamp: formatTimestamp(now),
        generation: 1,
      }
      rs.status = { replicas: 0, observedGeneration: 1 }
      next.replicaSets.push(rs)
    } else if (a.type === 'scaleReplicaSet') {
      const rs = find(a.name)
      rs.spec.replicas = a.replicas
      rs.metadata.annotations = a.annotations
    } else if (a.type === 'updateReplicaSet') {
      const rs = find(a.name)
      rs.metadata.annotations = a.annotations
      if (a.minReadySeconds !== undefined) rs.spec.minReadySeconds = a.minReadySeconds
    } else if (a.type === 'deleteReplicaSet') {
      next.replicaSets = next.replicaSets.filter((r) => r.metadata.name !== a.name)
    } else if (a.type === 'updateDeploymentAnnotations') {
      next.deployment.metadata.annotations = a.annotations
    } else if (a.type === 'updateDeploymentStatus') {
      next.deployment.status = a.status
    }
  }
  return next
}

/** The RS controller's view: every RS runs spec.replicas pods, `available` of them available (default all). */
function observe(w: World, available: Record<string, number> = {}): World {
  const next = structuredClone(w)
  for (const rs of next.replicaSets) {
    const n = rs.spec.replicas ?? 0
    const a = Math.min(n, available[rs.metadata.name] ?? n)
    rs.status = { replicas: n, readyReplicas: a, availableReplicas: a, observedGeneration: rs.metadata.generation ?? 1 }
  }
  return next
}

const brief = (actions: DeploymentAction[]) =>
  actions.map((a) => {
    switch (a.type) {
      case 'createReplicaSet':
        return `create ${a.replicaSet.metadata.name} ${a.replicaSet.spec.replicas}`
      case 'scaleReplicaSet':
        return `scale ${a.name} ${a.replicas}`
      case 'updateReplicaSet':
        return `update ${a.name}`
      case 'deleteReplicaSet':
        return `delete ${a.name}`
      case 'updateDeploymentAnnotations':
        return `revision ${a.annotations[REV]}`
      case 'updateDeploymentStatus':
        return 'status'
      case 'event':
        return `${a.eventType} ${a.reason}: ${a.message}`
      case 'requeue':
        return `requeue ${a.afterMs}`
      default:
        return (a as { type: string }).type
    }
  })

const statusOf = (actions: DeploymentAction[]): DeploymentStatus | undefined => {
  const a = actions.find((x) => x.type === 'updateDeploymentStatus')
  return a?.type === 'updateDeploymentStatus' ? a.status : undefined
}

/** A Deployment whose revision-1 rollout of app:v1 finished, now edited to app:v2 (generation 2). */
function editedWorld(replicas: number, opts: Parameters<typeof aDeployment>[0] = {}): World {
  const done: DeploymentStatus = {
    observedGeneration: 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    unavailableReplicas: 0,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: at(0),
        lastTransitionTime: at(0),
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: 'ReplicaSet "web-old" has successfully progressed.',
        lastUpdateTime: at(0),
        lastTransitionTime: at(0),
      },
    ],
  }
  const deployment = aDeployment({
    replicas,
    image: 'app:v2',
    generation: 2,
    annotations: { [REV]: '1' },
    status: done,
    ...opts,
  })
  const old = aReplicaSet({
    name: 'web-old',
    replicas,
    available: replicas,
    revision: 1,
    image: 'app:v1',
    owner: deployment,
  })
  const surge = deployment.spec.strategy?.rollingUpdate ? Math.ceil((replicas * 25) / 100) : 0
  old.metadata.annotations = {
    ...old.metadata.annotations,
    [DESIRED]: String(replicas),
    [MAX]: String(replicas + surge),
  }
  return { deployment, replicaSets: [old], pods: [] }
}

const newName = (d: Deployment) => `web-${computeHash(d.spec.template)}`

describe('planDeployment: the DeploymentReplicaSetTerminatingReplicas gate', () => {
  // An edit: the old set still shuts 2 pods down; the new one is created in this sync.
  const world = () => {
    const w = editedWorld(3)
    const [old] = w.replicaSets
    if (old?.status) old.status = { ...old.status, terminatingReplicas: 2 }
    return w
  }
  it("on (the default): the sets' terminating pods are summed into status.terminatingReplicas", () => {
    expect(statusOf(planDeployment(world(), sec(10)))).toMatchObject({ terminatingReplicas: 2 })
  })
  it('off: the field is absent, whatever the sets report', () => {
    const features = { DeploymentReplicaSetTerminatingReplicas: false }
    const status = statusOf(planDeployment({ ...world(), features }, sec(10)))
    expect(status).toBeDefined()
    expect(status).not.toHaveProperty('terminatingReplicas')
  })
})

describe('planDeployment: a new Deployment', () => {
  it('creates the first ReplicaSet, complete and exact', () => {
    const d = aDeployment({ replicas: 3, template: template('app:v1') })
    const hash = computeHash(template('app:v1'))
    const name = `web-${hash}`
    const actions = planDeployment({ deployment: d, replicaSets: [], pods: [] }, sec(10))
    expect(actions).toEqual([
      {
        type: 'createReplicaSet',
        replicaSet: {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name,
            namespace: 'default',
            labels: { app: 'web', 'pod-template-hash': hash },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: 'web',
                uid: 'uid-web',
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
            annotations: { [REV]: '1', [DESIRED]: '3', [MAX]: '4' },
          },
          spec: {
            replicas: 3,
            minReadySeconds: 0,
            selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
            template: {
              metadata: { labels: { app: 'web', 'pod-template-hash': hash } },
              spec: { containers: [{ name: 'app', image: 'app:v1' }] },
            },
          },
        },
      },
      {
        type: 'event',
        eventType: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${name} to 3`,
      },
      { type: 'updateDeploymentAnnotations', annotations: { [REV]: '1' } },
      {
        type: 'updateDeploymentStatus',
        status: {
          observedGeneration: 1,
          replicas: 0,
          updatedReplicas: 0,
          readyReplicas: 0,
          availableReplicas: 0,
          unavailableReplicas: 3,
          // The new set, not yet seen by its controller, counts as 0 terminating.
          terminatingReplicas: 0,
          conditions: [
            {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetCreated',
              message: `Created new replica set "${name}"`,
              lastUpdateTime: at(10),
              lastTransitionTime: at(10),
            },
            {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
              lastUpdateTime: at(10),
              lastTransitionTime: at(10),
            },
          ],
        },
      },
    ])
  })

  it('runs to completion: Available, then NewReplicaSetAvailable, then quiet', () => {
    let w: World = { deployment: aDeployment({ replicas: 3, image: 'app:v1' }), replicaSets: [], pods: [] }
    w = observe(apply(w, planDeployment(w, sec(0)), sec(0)), { [newName(w.deployment)]: 0 })
    w = observe(apply(w, planDeployment(w, sec(5)), sec(5)))
    const done = planDeployment(w, sec(20))
    expect(getDeploymentCondition(statusOf(done), 'Progressing')).toMatchObject({
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${newName(w.deployment)}" has successfully progressed.`,
    })
    expect(getDeploymentCondition(statusOf(done), 'Available')?.status).toBe('True')
    w = apply(w, done, sec(20))
    expect(planDeployment(w, sec(30))).toEqual([])
  })

  it('records an empty selector as SelectingAll and only observes the generation', () => {
    const d = aDeployment({ generation: 3 })
    d.spec.selector = {}
    expect(planDeployment({ deployment: d, replicaSets: [], pods: [] }, T0)).toEqual([
      {
        type: 'event',
        eventType: 'Warning',
        reason: 'SelectingAll',
        message: 'This deployment is selecting all pods. A non-empty selector is required.',
      },
      { type: 'updateDeploymentStatus', status: { observedGeneration: 3 } },
    ])
  })
})

describe('planDeployment: a worked rolling trace (D 10, 25%/25%)', () => {
  it('follows the worked trace step by step', () => {
    let w = editedWorld(10)
    const name = newName(w.deployment)

    const s1 = planDeployment(w, sec(100))
    expect(brief(s1)).toEqual([
      `create ${name} 3`,
      `Normal ScalingReplicaSet: Scaled up replica set ${name} to 3`,
      'revision 2',
      'scale web-old 8',
      'Normal ScalingReplicaSet: Scaled down replica set web-old to 8 from 10',
      'status',
    ])
    expect(statusOf(s1)).toMatchObject({
      observedGeneration: 2,
      replicas: 10,
      updatedReplicas: 0,
      availableReplicas: 10,
      unavailableReplicas: 3,
    })
    expect(getDeploymentCondition(statusOf(s1), 'Progressing')).toMatchObject({
      reason: 'NewReplicaSetCreated',
      lastUpdateTime: at(100),
      lastTransitionTime: at(0),
    })
    w = observe(apply(w, s1, sec(100)), { [name]: 0 })

    const s2 = planDeployment(w, sec(101))
    expect(brief(s2)).toEqual([
      `scale ${name} 5`,
      `Normal ScalingReplicaSet: Scaled up replica set ${name} to 5 from 3`,
      'status',
    ])
    expect(getDeploymentCondition(statusOf(s2), 'Progressing')).toMatchObject({
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${name}" is progressing.`,
    })
    w = observe(apply(w, s2, sec(101)), { [name]: 0 })

    const s3 = planDeployment(w, sec(102))
    expect(brief(s3)).toEqual(['status'])
    w = apply(w, s3, sec(102))

    // Nothing changes: the planner asks to be woken when the deadline (600 s) would pass, +1 s.
    expect(planDeployment(w, sec(110))).toEqual([{ type: 'requeue', afterMs: (102 + 600 - 110 + 1) * 1000 }])

    w = observe(w, { [name]: 3 })
    const s4 = planDeployment(w, sec(120))
    expect(brief(s4)).toEqual([
      'scale web-old 5',
      'Normal ScalingReplicaSet: Scaled down replica set web-old to 5 from 8',
      'status',
    ])
    w = observe(apply(w, s4, sec(120)), { [name]: 3 })

    const s5 = planDeployment(w, sec(121))
    expect(brief(s5)).toEqual([
      `scale ${name} 8`,
      `Normal ScalingReplicaSet: Scaled up replica set ${name} to 8 from 5`,
      'status',
    ])
  })

  it('never exceeds 13 pods nor drops below 8 available, and finishes with history clean-up', () => {
    let w = editedWorld(10, { revisionHistoryLimit: 0 })
    const name = newName(w.deployment)
    let t = 200
    for (let i = 0; i < 30; i++) {
      const actions = planDeployment(w, sec(t))
      w = observe(apply(w, actions, sec(t)))
      const total = w.replicaSets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0)
      const available = w.replicaSets.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0)
      expect(total).toBeLessThanOrEqual(13)
      expect(available).toBeGreaterThanOrEqual(8)
      t += 1
      if (actions.some((a) => a.type === 'deleteReplicaSet')) break
    }
    expect(w.replicaSets.map((r) => [r.metadata.name, r.spec.replicas])).toEqual([[name, 10]])
    expect(w.deployment.status).toMatchObject({ replicas: 10, updatedReplicas: 10, availableReplicas: 10 })
    expect(getDeploymentCondition(w.deployment.status, 'Progressing')?.reason).toBe('NewReplicaSetAvailable')
  })
})

describe('planDeployment: surge 0 goes down first', () => {
  it('scales the old RS down by maxUnavailable before creating room', () => {
    const w = editedWorld(4, { maxSurge: 0, maxUnavailable: 1 })
    expect(brief(planDeployment(w, sec(1)))).toEqual([
      `create ${newName(w.deployment)} 0`,
      'revision 2',
      'scale web-old 3',
      'Normal ScalingReplicaSet: Scaled down replica set web-old to 3 from 4',
      'status',
    ])
  })
})

describe('planDeployment: Recreate', () => {
  it('scales old down, waits for old pods to terminate, then creates the new RS at full size', () => {
    let w = editedWorld(3, { strategy: 'Recreate' })
    const name = newName(w.deployment)
    const s1 = planDeployment(w, sec(1))
    expect(brief(s1)).toEqual([
      'scale web-old 0',
      'Normal ScalingReplicaSet: Scaled down replica set web-old to 0 from 3',
      'status',
    ])
    w = apply(w, s1, sec(1))

    // The old RS still reports 2 pods, and one terminating pod still runs.
    const old = w.replicaSets[0] as ReplicaSet
    old.status = { replicas: 2, availableReplicas: 2 }
    w.pods = [aPod({ name: 'old-1', owner: old, readySince: 0, deleting: true })]
    expect(brief(planDeployment(w, sec(2))).filter((b) => b !== 'status' && !b?.startsWith('requeue'))).toEqual([])

    old.status = { replicas: 0, availableReplicas: 0 }
    expect(brief(planDeployment(w, sec(3))).filter((b) => !b?.startsWith('requeue'))).toEqual(['status'])

    w.pods = [aPod({ name: 'old-1', owner: old, phase: 'Succeeded' })]
    const s4 = planDeployment(w, sec(4))
    expect(brief(s4)).toEqual([
      `create ${name} 3`,
      `Normal ScalingReplicaSet: Scaled up replica set ${name} to 3`,
      'revision 2',
      'status',
    ])
  })
})

describe('planDeployment: paused and scaling events', () => {
  it('a paused Deployment with a new template creates nothing, marks DeploymentPaused and cleans history', () => {
    const w = editedWorld(3, { paused: true, revisionHistoryLimit: 0 })
    w.replicaSets.push(
      aReplicaSet({ name: 'web-ancient', replicas: 0, revision: 0, owner: w.deployment, created: -100 }),
    )
    const actions = planDeployment(w, sec(5))
    expect(brief(actions)).toEqual(['delete web-ancient', 'status'])
    expect(getDeploymentCondition(statusOf(actions), 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    })
  })

  it('replicas changed while paused are applied proportionally', () => {
    const w = editedWorld(10, { paused: true })
    w.deployment.spec.replicas = 20
    const actions = planDeployment(w, sec(5))
    expect(brief(actions).slice(0, 2)).toEqual([
      'scale web-old 20',
      'Normal ScalingReplicaSet: Scaled up replica set web-old to 20 from 10',
    ])
  })

  it('resuming resets the deadline clock with DeploymentResumed, then rolls out', () => {
    const w = editedWorld(3)
    w.deployment.status = {
      ...w.deployment.status,
      conditions: [
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
          lastUpdateTime: at(0),
          lastTransitionTime: at(0),
        },
      ],
    }
    const actions = planDeployment(w, sec(50))
    expect(brief(actions)[0]).toBe(`create ${newName(w.deployment)} 1`)
    // Progressing then becomes NewReplicaSetCreated (status Unknown → True: a new transition).
    expect(getDeploymentCondition(statusOf(actions), 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetCreated',
      lastTransitionTime: at(50),
    })
  })

  it('a replica change mid-rollout is a scaling event: proportional, no rollout step', () => {
    let w = editedWorld(10)
    w = observe(apply(w, planDeployment(w, sec(1)), sec(1)), { [newName(w.deployment)]: 0 })
    w.deployment.spec.replicas = 20
    w.deployment.metadata.generation = 3
    const actions = planDeployment(w, sec(2))
    // new 3 / old 8, both sized for 13: allowed 20 + 5 = 25, toAdd 14 → old 8 + 7 = 15, new 3 + 3 = 6, leftover 4 to old (largest).
    expect(brief(actions).filter((b) => b?.startsWith('scale'))).toEqual([
      'scale web-old 19',
      `scale ${newName(w.deployment)} 6`,
    ])
  })
})

describe('planDeployment: revisions, collisions, deadlines, deletion', () => {
  it('rolling back to an old template re-promotes its RS with revision max+1', () => {
    const d = aDeployment({ replicas: 2, image: 'app:v1', annotations: { [REV]: '2' } })
    const v1 = aReplicaSet({ name: 'web-v1', replicas: 0, revision: 1, image: 'app:v1', owner: d })
    const v2 = aReplicaSet({ name: 'web-v2', replicas: 2, available: 2, revision: 2, image: 'app:v2', owner: d })
    const actions = planDeployment({ deployment: d, replicaSets: [v1, v2], pods: [] }, sec(1))
    expect(actions[0]).toEqual({
      type: 'updateReplicaSet',
      name: 'web-v1',
      annotations: { [REV]: '3', 'deployment.kubernetes.io/revision-history': '1' },
      minReadySeconds: 0,
    })
    expect(brief(actions).slice(1, 3)).toEqual([
      'scale web-v1 1',
      'Normal ScalingReplicaSet: Scaled up replica set web-v1 to 1 from 0',
    ])
  })

  it('mirrors the new RS revision on the Deployment once the RS is in step', () => {
    const d = aDeployment({ replicas: 1, image: 'app:v1', annotations: { [REV]: '1' } })
    const rs = aReplicaSet({
      name: 'web-v1',
      replicas: 1,
      available: 1,
      revision: 3,
      image: 'app:v1',
      owner: d,
      annotations: { [DESIRED]: '1', [MAX]: '2' },
    })
    expect(brief(planDeployment({ deployment: d, replicaSets: [rs], pods: [] }, sec(1))).slice(0, 1)).toEqual([
      'revision 3',
    ])
  })

  it('carries a changed minReadySeconds to the existing new RS', () => {
    const d = aDeployment({ replicas: 1, image: 'app:v1', minReadySeconds: 5, annotations: { [REV]: '1' } })
    const rs = aReplicaSet({ name: 'web-v1', replicas: 1, available: 1, revision: 1, image: 'app:v1', owner: d })
    expect(planDeployment({ deployment: d, replicaSets: [rs], pods: [] }, sec(1))[0]).toEqual({
      type: 'updateReplicaSet',
      name: 'web-v1',
      annotations: { [REV]: '1' },
      minReadySeconds: 5,
    })
  })

  it('notes FoundNewReplicaSet when a new RS exists but no Progressing condition does', () => {
    // Counts as stored already, so no progress is seen and the condition stays as found.
    const stored = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 }
    const d = aDeployment({ replicas: 1, image: 'app:v1', annotations: { [REV]: '1' }, status: stored })
    const rs = aReplicaSet({
      name: 'web-v1',
      replicas: 1,
      revision: 1,
      image: 'app:v1',
      owner: d,
      annotations: { [DESIRED]: '1', [MAX]: '2' },
    })
    const status = statusOf(planDeployment({ deployment: d, replicaSets: [rs], pods: [] }, sec(7)))
    expect(getDeploymentCondition(status, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'FoundNewReplicaSet',
      message: 'Found new replica set "web-v1"',
      lastUpdateTime: at(7),
    })
  })

  it('bumps collisionCount when another RS holds the computed name', () => {
    const d = aDeployment({ replicas: 1, image: 'app:v1' })
    const squatter = aReplicaSet({
      name: newName(d),
      replicas: 1,
      image: 'other',
      owner: aDeployment({ name: 'other' }),
    })
    expect(planDeployment({ deployment: d, replicaSets: [squatter], pods: [] }, sec(1))).toEqual([
      { type: 'updateDeploymentStatus', status: { collisionCount: 1 } },
    ])
    const bumped = { ...d, status: { collisionCount: 1 } }
    const created = planDeployment({ deployment: bumped, replicaSets: [squatter], pods: [] }, sec(2))[0]
    expect(created?.type === 'createReplicaSet' && created.replicaSet.metadata.name).toBe(
      `web-${computeHash(d.spec.template, 1)}`,
    )
  })

  it('turns ProgressDeadlineExceeded when the deadline passes without progress', () => {
    let w = editedWorld(2, { progressDeadlineSeconds: 30 })
    const name = newName(w.deployment)
    w = observe(apply(w, planDeployment(w, sec(0)), sec(0)), { [name]: 0 })
    w = apply(w, planDeployment(w, sec(1)), sec(1))
    const waiting = planDeployment(w, sec(20))
    expect(waiting).toEqual([{ type: 'requeue', afterMs: 12_000 }])
    const timedOut = planDeployment(w, sec(32))
    expect(getDeploymentCondition(statusOf(timedOut), 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${name}" has timed out progressing.`,
    })
  })

  it('a Deployment being deleted only gets its status recomputed', () => {
    const w = editedWorld(3)
    w.deployment.metadata.deletionTimestamp = at(0)
    expect(brief(planDeployment(w, sec(1)))).toEqual(['status'])
  })

  it('ignores ReplicaSets other Deployments control', () => {
    const d = aDeployment({ replicas: 1, image: 'app:v1' })
    const foreign = aReplicaSet({ name: 'api-x', replicas: 5, image: 'app:v1', owner: aDeployment({ name: 'api' }) })
    expect(brief(planDeployment({ deployment: d, replicaSets: [foreign], pods: [] }, sec(1)))[0]).toBe(
      `create ${newName(d)} 1`,
    )
  })
})
