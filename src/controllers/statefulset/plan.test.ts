/**
 * Kubernetes' own StatefulSet controller cases (stateful_set_control_test.go), names kept,
 * played in the test world (testing.ts): each sync plans with the pure planner and the test
 * plays the kubelet.
 */
import { describe, expect, it } from 'vitest'
import { template } from '../../../test/support/builders.ts'
import { POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL } from './identity.ts'
import { RECOVER_ANNOTATION } from './plan.ts'
import { aStatefulSet, type SetOptions, World } from './testing.ts'

const POLICIES: Array<[string, SetOptions['policy']]> = [
  ['Monotonic', 'OrderedReady'],
  ['Burst', 'Parallel'],
]

function upAndReady(o: SetOptions = {}): World {
  const w = new World(aStatefulSet(o))
  w.settle()
  return w
}

describe('TestStatefulSetControl', () => {
  describe.each(POLICIES)('%s', (_name, policy) => {
    it('CreatesPodsWithPodIndexLabelFeature', () => {
      const w = upAndReady({ policy })
      expect(w.set.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3 })
      for (const [i, p] of [...w.pods.values()].entries()) {
        expect(p.metadata.name).toBe(`foo-${i}`)
        expect(p.metadata.labels?.[POD_INDEX_LABEL]).toBe(String(i))
        expect(p.metadata.labels?.[POD_NAME_LABEL]).toBe(`foo-${i}`)
        expect(p.metadata.labels?.[REVISION_LABEL]).toBe(w.set.status?.updateRevision)
        expect(p.spec).toMatchObject({ hostname: `foo-${i}`, subdomain: 'foo', nodeName: 'baton' })
        expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'foo', controller: true })
      }
    })

    it('ScalesUp', () => {
      const w = upAndReady({ policy })
      w.updateSpec((s) => ({ ...s, replicas: 4 }))
      w.settle()
      expect(w.set.status).toMatchObject({ replicas: 4, readyReplicas: 4, updatedReplicas: 4 })
    })

    it('ScalesDown', () => {
      const w = upAndReady({ policy })
      w.updateSpec((s) => ({ ...s, replicas: 0 }))
      w.settle()
      expect(w.pods.size).toBe(0)
      expect(w.set.status).toMatchObject({ replicas: 0, readyReplicas: 0, updatedReplicas: 0 })
    })

    it('ReplacesPods', () => {
      const w = upAndReady({ policy, replicas: 5 })
      for (const i of [0, 2, 4]) w.pods.delete(`foo-${i}`)
      w.settle()
      expect([...w.pods.keys()].sort()).toEqual(['foo-0', 'foo-1', 'foo-2', 'foo-3', 'foo-4'])
      expect(w.set.status?.replicas).toBe(5)
    })

    it.each(['Failed', 'Succeeded'] as const)('RecreatesPod in phase %s', (phase) => {
      const w = upAndReady({ policy })
      w.setPhase(0, phase, false)
      w.sync()
      expect(w.pod(0).metadata.deletionTimestamp).toBeDefined()
      w.finishTerminations()
      w.sync()
      expect(w.pod(0).metadata.deletionTimestamp).toBeUndefined()
      expect(w.pod(0).status?.phase).toBe('Pending')
    })
  })

  it('Monotonic creates in ordinal order, each after its predecessor is Running and Ready', () => {
    const w = new World(aStatefulSet({ replicas: 3 }))
    w.sync()
    expect([...w.pods.keys()]).toEqual(['foo-0'])
    w.sync()
    expect([...w.pods.keys()]).toEqual(['foo-0'])
    w.setRunning(0)
    w.sync()
    expect([...w.pods.keys()]).toEqual(['foo-0'])
    w.setReady(0)
    w.sync()
    expect([...w.pods.keys()]).toEqual(['foo-0', 'foo-1'])
  })

  it('Burst creates every pod in one sync', () => {
    const w = new World(aStatefulSet({ replicas: 3, policy: 'Parallel' }))
    w.sync()
    expect([...w.pods.keys()]).toEqual(['foo-0', 'foo-1', 'foo-2'])
  })

  it('Monotonic scales down from the highest ordinal, one at a time', () => {
    const w = upAndReady({ replicas: 4 })
    w.log.length = 0
    w.updateSpec((s) => ({ ...s, replicas: 1 }))
    w.sync()
    expect(w.log).toEqual(['delete foo-3'])
    w.sync()
    expect(w.log).toEqual(['delete foo-3'])
    w.finishTerminations()
    w.settle()
    expect(w.log).toEqual(['delete foo-3', 'delete foo-2', 'delete foo-1'])
  })

  it('Monotonic scale-down waits while a remaining replica is unready', () => {
    const w = upAndReady({ replicas: 3 })
    w.updateSpec((s) => ({ ...s, replicas: 1 }))
    w.setRunning(0)
    w.log.length = 0
    w.sync()
    expect(w.log).toEqual([])
  })

  it('Monotonic scale-down: an unhealthy condemned pod blocks unless it is the first unhealthy one', () => {
    const w = upAndReady({ replicas: 3 })
    w.updateSpec((s) => ({ ...s, replicas: 1 }))
    w.setRunning(1)
    w.setRunning(2)
    w.log.length = 0
    w.sync()
    // foo-2 is unhealthy and foo-1 is the first unhealthy pod: foo-2 blocks.
    expect(w.log).toEqual([])
    w.setReady(2)
    w.sync()
    expect(w.log).toEqual(['delete foo-2'])
    w.finishTerminations()
    w.sync()
    // foo-1 is the first unhealthy pod: it may go.
    expect(w.log).toEqual(['delete foo-2', 'delete foo-1'])
  })
})

describe('TestStatefulSetControlRollingUpdate', () => {
  it.each([
    [
      'monotonic image update',
      'OrderedReady',
      ['delete foo-2', 'create foo-2', 'delete foo-1', 'create foo-1', 'delete foo-0', 'create foo-0'],
    ],
  ] as const)('%s', (_name, policy, order) => {
    const w = upAndReady({ policy })
    w.log.length = 0
    w.setImage('nginx:2')
    w.settle()
    expect(w.log).toEqual(order)
    const s = w.set.status
    expect(s?.currentRevision).toBe(s?.updateRevision)
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 3 })
    expect(new Set(Object.values(w.revisionsByOrdinal()))).toEqual(new Set([s?.updateRevision]))
  })

  it('burst image update', () => {
    const w = upAndReady({ policy: 'Parallel' })
    w.setImage('nginx:2')
    w.settle()
    const s = w.set.status
    expect(s?.currentRevision).toBe(s?.updateRevision)
    expect(new Set(Object.values(w.revisionsByOrdinal()))).toEqual(new Set([s?.updateRevision]))
  })

  it('monotonic image update and scale up', () => {
    const w = upAndReady()
    w.updateSpec((s) => ({ ...s, replicas: 5, template: template('nginx:2', 'foo') }))
    w.settle()
    const s = w.set.status
    expect(s).toMatchObject({ replicas: 5, updatedReplicas: 5, currentReplicas: 5 })
    expect(s?.currentRevision).toBe(s?.updateRevision)
  })

  it('an update is blocked by an unready pod (OrderedReady and Parallel alike)', () => {
    for (const policy of ['OrderedReady', 'Parallel'] as const) {
      const w = upAndReady({ policy })
      w.setRunning(1)
      w.log.length = 0
      w.setImage('nginx:2')
      w.sync()
      expect(w.log).toEqual([])
      expect(w.set.status).toMatchObject({ readyReplicas: 2, currentReplicas: 3, updatedReplicas: 0 })
    }
  })

  it('status during an update: currentRevision stays until every pod is updated and ready', () => {
    const w = upAndReady()
    const first = w.set.status?.currentRevision
    w.setImage('nginx:2')
    w.sync()
    expect(w.set.status?.currentRevision).toBe(first)
    expect(w.set.status?.updateRevision).not.toBe(first)
    expect(w.set.status?.observedGeneration).toBe(2)
    expect(w.set.status?.currentReplicas).toBe(2)
  })
})

describe('TestStatefulSetControlRollingUpdateWithPartition', () => {
  it.each([
    ['partition 2 of 3 moves only ordinal 2', 3, 2, [2]],
    ['partition 2 of 5', 5, 2, [2, 3, 4]],
    ['partition beyond replicas moves nothing', 3, 5, []],
  ])('%s', (_name, replicas, partition, moved) => {
    const w = upAndReady({ replicas, partition })
    const old = w.set.status?.currentRevision
    w.setImage('nginx:2')
    w.settle()
    const update = w.set.status?.updateRevision
    const byOrdinal = w.revisionsByOrdinal()
    for (let i = 0; i < replicas; i++) expect(byOrdinal[i]).toBe(moved.includes(i) ? update : old)
    expect(w.set.status?.updatedReplicas).toBe(moved.length)
    expect(w.set.status?.currentRevision).toBe(old)
  })

  it('lowering the partition finishes the update', () => {
    const w = upAndReady({ replicas: 3, partition: 2 })
    w.setImage('nginx:2')
    w.settle()
    w.updateSpec((s) => ({ ...s, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } }))
    w.settle()
    expect(w.set.status?.currentRevision).toBe(w.set.status?.updateRevision)
    expect(w.set.status?.updatedReplicas).toBe(3)
  })

  it('a pod below the partition deleted by hand comes back at the current revision', () => {
    const w = upAndReady({ replicas: 3, partition: 2 })
    const old = w.set.status?.currentRevision
    w.setImage('nginx:2')
    w.settle()
    w.pods.delete('foo-0')
    w.settle()
    expect(w.revisionsByOrdinal()[0]).toBe(old)
  })
})

describe('TestStatefulSetControlOnDeleteUpdate', () => {
  it('an image change replaces nothing until a pod is deleted', () => {
    const w = upAndReady({ type: 'OnDelete' })
    const old = w.set.status?.currentRevision
    w.log.length = 0
    w.setImage('nginx:2')
    w.settle()
    expect(w.log).toEqual([])
    const update = w.set.status?.updateRevision
    expect(update).not.toBe(old)
    w.pods.delete('foo-1')
    w.settle()
    expect(w.revisionsByOrdinal()).toEqual({ 0: old, 1: update, 2: old })
    expect(w.set.status).toMatchObject({ currentRevision: old, currentReplicas: 2, updatedReplicas: 1 })
  })
})

describe('TestStatefulSetControlRollingUpdateWithMaxUnavailable', () => {
  it.each([
    [
      'maxUnavailable 2, Parallel: two at a time, highest first',
      'Parallel',
      2,
      [['foo-4', 'foo-3'], ['foo-2', 'foo-1'], ['foo-0']],
    ],
    ['maxUnavailable 40%, Parallel', 'Parallel', '40%', [['foo-4', 'foo-3'], ['foo-2', 'foo-1'], ['foo-0']]],
    ['maxUnavailable 1 (the default)', 'Parallel', 1, [['foo-4'], ['foo-3'], ['foo-2'], ['foo-1'], ['foo-0']]],
    [
      'maxUnavailable 10% rounds down, then up to 1',
      'Parallel',
      '10%',
      [['foo-4'], ['foo-3'], ['foo-2'], ['foo-1'], ['foo-0']],
    ],
  ] as const)('%s', (_name, policy, maxUnavailable, waves) => {
    const w = upAndReady({ replicas: 5, policy, maxUnavailable })
    w.setImage('nginx:2')
    const seen: string[][] = []
    for (let i = 0; i < 20; i++) {
      if (i > 0 && w.set.status?.currentRevision === w.set.status?.updateRevision) break
      w.log.length = 0
      w.sync()
      const deleted = w.log.filter((l) => l.startsWith('delete')).map((l) => l.slice(7))
      if (deleted.length > 0) seen.push(deleted)
      w.finishTerminations()
      w.sync()
      for (const p of w.pods.values()) if (p.status?.phase === 'Pending') w.setReady(Number(p.metadata.name.slice(4)))
    }
    expect(seen).toEqual(waves)
  })

  it('TestStatefulSetControlRollingUpdateBlockedByMaxUnavailable: as many unavailable as allowed → no deletion', () => {
    const w = upAndReady({ replicas: 5, policy: 'Parallel', maxUnavailable: 2 })
    w.setRunning(0)
    w.setRunning(1)
    w.log.length = 0
    w.setImage('nginx:2')
    w.sync()
    expect(w.log).toEqual([])
  })

  it('OrderedReady with maxUnavailable 2 deletes two, then recreates them in ordinal order', () => {
    const w = upAndReady({ replicas: 3, maxUnavailable: 2 })
    w.log.length = 0
    w.setImage('nginx:2')
    w.sync()
    expect(w.log).toEqual(['delete foo-2', 'delete foo-1'])
    w.finishTerminations()
    w.sync()
    expect(w.log.slice(2)).toEqual(['create foo-1'])
  })
})

describe('TestStatefulSetControlRollback', () => {
  it('reverting the template renumbers the old revision instead of creating one', () => {
    const w = upAndReady()
    const first = w.set.status?.updateRevision as string
    w.setImage('nginx:2')
    w.settle()
    const second = w.set.status?.updateRevision as string
    w.setImage('nginx:1')
    w.settle()
    expect(w.set.status?.updateRevision).toBe(first)
    expect(w.set.status?.currentRevision).toBe(first)
    expect(w.revisions.get(first)?.revision).toBe(3)
    expect(w.revisions.get(second)?.revision).toBe(2)
    expect(w.revisions.size).toBe(2)
  })
})

describe('TestStatefulSetControlLimitsHistory / TestStatefulSetHonorRevisionHistoryLimit', () => {
  it.each([
    ['limit 2 keeps two past revisions beside the live one', 2, 3],
    ['limit 0 keeps only the live one', 0, 1],
  ])('%s', (_name, limit, kept) => {
    const w = upAndReady({ revisionHistoryLimit: limit })
    for (let i = 2; i <= 6; i++) {
      w.setImage(`nginx:${i}`)
      w.settle()
    }
    w.sync()
    expect(w.revisions.size).toBe(kept)
    expect(w.revisions.has(w.set.status?.updateRevision as string)).toBe(true)
  })

  it('a revision a pod still runs is live and never deleted', () => {
    const w = upAndReady({ revisionHistoryLimit: 0, partition: 2 })
    const old = w.set.status?.currentRevision as string
    w.setImage('nginx:2')
    w.settle()
    w.setImage('nginx:3')
    w.settle()
    expect(w.revisions.has(old)).toBe(true)
  })
})

describe('TestStatefulSetControlWithStartOrdinal', () => {
  it.each([
    ['start 2, replicas 3', 2, 3, ['foo-2', 'foo-3', 'foo-4']],
    ['start 0 is the default', 0, 2, ['foo-0', 'foo-1']],
  ])('%s', (_name, start, replicas, names) => {
    const w = upAndReady({ start, replicas })
    expect([...w.pods.keys()].sort()).toEqual(names)
  })

  it('moving the start condemns the pods left out of the range', () => {
    const w = upAndReady({ start: 0, replicas: 3 })
    w.updateSpec((s) => ({ ...s, ordinals: { start: 1 } }))
    w.settle()
    expect([...w.pods.keys()].sort()).toEqual(['foo-1', 'foo-2', 'foo-3'])
  })
})

describe('TestStatefulSetAvailability / minReadySeconds', () => {
  it('a Ready pod counts as available only after minReadySeconds; the sync asks to come back', () => {
    const w = new World(aStatefulSet({ replicas: 1, minReadySeconds: 30 }))
    w.sync()
    w.setReady(0)
    const actions = w.sync()
    expect(w.set.status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 })
    expect(actions).toContainEqual({ type: 'requeue', afterMs: 30_000 })
    w.now += 31_000
    w.sync()
    expect(w.set.status).toMatchObject({ readyReplicas: 1, availableReplicas: 1 })
  })

  it('TestScaleUpStatefulSetWithMinReadySeconds: the next ordinal waits for availability', () => {
    const w = new World(aStatefulSet({ replicas: 2, minReadySeconds: 10 }))
    w.sync()
    w.setReady(0)
    w.sync()
    expect(w.pods.has('foo-1')).toBe(false)
    w.now += 11_000
    w.sync()
    expect(w.pods.has('foo-1')).toBe(true)
  })
})

describe('TestStatefulSetStatusUpdate', () => {
  it('writes status only when it changes', () => {
    const w = upAndReady()
    expect(w.sync().filter((a) => a.type === 'updateStatus')).toEqual([])
  })

  it('reports every field with collisionCount 0 and no conditions', () => {
    const w = upAndReady()
    const s = w.set.status
    expect(Object.keys(s ?? {}).sort()).toEqual(
      [
        'availableReplicas',
        'collisionCount',
        'currentReplicas',
        'currentRevision',
        'observedGeneration',
        'readyReplicas',
        'replicas',
        'updateRevision',
        'updatedReplicas',
      ].sort(),
    )
    expect(s?.collisionCount).toBe(0)
  })

  it('a being-deleted set only gets its status', () => {
    const w = new World(aStatefulSet())
    w.set = { ...w.set, metadata: { ...w.set.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }
    const actions = w.sync()
    expect(actions.map((a) => a.type)).toEqual(['createRevision', 'updateStatus'])
  })
})

describe('revision collisions', () => {
  it('a name taken by a revision with other data bumps collisionCount', () => {
    const w = new World(aStatefulSet())
    w.sync()
    const [name] = [...w.revisions.keys()]
    const mine = w.revisions.get(name as string)
    // Another owner's revision with that name and different data.
    w.revisions.clear()
    w.pods.clear()
    w.revisions.set(name as string, {
      ...(mine as NonNullable<typeof mine>),
      metadata: { ...(mine as NonNullable<typeof mine>).metadata, ownerReferences: [] },
      data: { other: true },
    })
    w.set = { ...w.set, status: undefined as never }
    w.sync()
    expect(w.set.status?.collisionCount).toBe(1)
    expect(w.set.status?.updateRevision).not.toBe(name)
  })
})

describe(`${RECOVER_ANNOTATION} (kubernetes#67250)`, () => {
  /** Rolls a broken revision onto foo-2 (never ready), then reverts the template. */
  function stuck(annotations?: Record<string, string>): World {
    const w = upAndReady(annotations ? { annotations } : {})
    w.setImage('broken')
    w.settle(20, (p) => p.spec.containers[0]?.image !== 'broken')
    expect(w.pod(2).spec.containers[0]?.image).toBe('broken')
    w.setImage('nginx:1')
    w.log.length = 0
    return w
  }

  it('without the annotation the rollout stays stuck, as in Kubernetes', () => {
    const w = stuck()
    for (let i = 0; i < 5; i++) w.sync()
    expect(w.log).toEqual([])
    expect(w.pod(2).spec.containers[0]?.image).toBe('broken')
  })

  it('with the annotation the broken pod is replaced and the set recovers', () => {
    const w = stuck({ [RECOVER_ANNOTATION]: 'true' })
    w.settle()
    expect(w.log).toEqual(['delete foo-2', 'create foo-2'])
    expect(w.pod(2).spec.containers[0]?.image).toBe('nginx:1')
    expect(w.set.status?.currentRevision).toBe(w.set.status?.updateRevision)
    expect(w.set.status?.readyReplicas).toBe(3)
  })

  it('never jumps the reverse order: a ready higher ordinal of an old revision goes first by the normal update', () => {
    const w = upAndReady({ annotations: { [RECOVER_ANNOTATION]: 'true' } })
    w.setRunning(0) // unready, old revision, but foo-2 and foo-1 are not updated yet
    w.log.length = 0
    w.setImage('nginx:2')
    w.sync()
    expect(w.log).toEqual([])
  })
})

describe('volumeClaimTemplates (stateful_pod_control_test.go, stateful_set_utils_test.go)', () => {
  it('TestCreatePodWithClaims: each ordinal gets its claim before its pod, mounted by name', () => {
    const w = upAndReady({ claim: true })
    expect(w.log.slice(0, 3)).toEqual(['create claim datadir-foo-0', 'create foo-0', 'create claim datadir-foo-1'])
    expect([...w.claims.keys()].sort()).toEqual(['datadir-foo-0', 'datadir-foo-1', 'datadir-foo-2'])
    expect(w.pod(1).spec.volumes).toEqual([{ name: 'datadir', persistentVolumeClaim: { claimName: 'datadir-foo-1' } }])
    const claim = w.claims.get('datadir-foo-1')
    expect(claim?.metadata.labels).toEqual({ app: 'foo' })
    expect(claim?.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } })
  })

  it('a rolling update replaces pods and keeps every claim (same names, same objects)', () => {
    const w = upAndReady({ claim: true, whenScaled: 'Delete', whenDeleted: 'Delete' })
    const uids = [...w.claims.values()].map((c) => c.metadata.uid)
    w.setImage('nginx:2')
    w.settle()
    expect([...w.claims.values()].map((c) => c.metadata.uid)).toEqual(uids)
    expect(w.set.status?.currentRevision).toBe(w.set.status?.updateRevision)
  })

  describe('TestClaimOwnerMatchesSetAndPod', () => {
    it.each([
      ['Retain / Retain: no owner', 'Retain', 'Retain', [], []],
      ['whenDeleted Delete: the set owns every claim', 'Delete', 'Retain', ['StatefulSet'], ['StatefulSet']],
      ['whenScaled Delete: a condemned pod owns its claim', 'Retain', 'Delete', [], ['Pod']],
      ['both Delete', 'Delete', 'Delete', ['StatefulSet'], ['Pod', 'StatefulSet']],
    ] as const)('%s', (_name, whenDeleted, whenScaled, inRange, condemned) => {
      const w = upAndReady({ claim: true, whenDeleted, whenScaled })
      const owners = (name: string) => (w.claims.get(name)?.metadata.ownerReferences ?? []).map((r) => r.kind).sort()
      expect(owners('datadir-foo-2')).toEqual(inRange)
      w.updateSpec((s) => ({ ...s, replicas: 2 }))
      w.sync()
      expect(owners('datadir-foo-2')).toEqual([...condemned])
      expect(owners('datadir-foo-1')).toEqual(inRange)
    })
  })

  it.each([
    ['Retain keeps the claim of a scaled-down ordinal; scaling up again mounts the same claim', 'Retain', true],
    ['whenScaled Delete removes it with its pod; scaling up again creates a new one', 'Delete', false],
  ] as const)('%s', (_name, whenScaled, kept) => {
    const w = upAndReady({ claim: true, whenScaled })
    const uid = w.claims.get('datadir-foo-2')?.metadata.uid
    w.updateSpec((s) => ({ ...s, replicas: 2 }))
    w.settle()
    expect(w.claims.has('datadir-foo-2')).toBe(kept)
    w.updateSpec((s) => ({ ...s, replicas: 3 }))
    w.settle()
    expect(w.claims.get('datadir-foo-2')?.metadata.uid === uid).toBe(kept)
  })
})
