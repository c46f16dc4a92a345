import { describe, expect, it } from 'vitest'
import type { Deployment } from '../api/types.ts'
import { aDeployment, template, type DeploymentOptions } from '../../test/support/builders.ts'
import { previewRollout, type PreviewTiming, type RolloutPreview } from './preview.ts'

const TIMING: PreviewTiming = { readyMs: 1000, terminateMs: 1000 }

/** "new/old" after each step. */
const sizes = (p: RolloutPreview) => p.steps.map((s) => `${s.newReplicas}/${s.oldReplicas}`).join(' ')

/** `o` rolled out at app:v1 from nothing, then changed by `change` (template app:v2 by default). */
function rollout(
  o: DeploymentOptions,
  change: (d: Deployment) => Deployment = (d) => ({ ...d, spec: { ...d.spec, template: template('app:v2') } }),
  timing = TIMING,
) {
  const v1 = previewRollout({ deployment: aDeployment({ ...o, image: 'app:v1' }), replicaSets: [], pods: [] }, timing)
  const changed = change(v1.deployment)
  const next = { ...changed, metadata: { ...changed.metadata, generation: (changed.metadata.generation ?? 1) + 1 } }
  return previewRollout({ deployment: next, replicaSets: v1.replicaSets, pods: v1.pods }, timing)
}

describe('previewRollout runs the real controllers', () => {
  it.each([
    // Seed 001's `kubectl get deploy busy` during the update: CURRENT 11, AVAILABLE 9, UP-TO-DATE 2, 4, 6 …
    {
      name: 'seed 001: 10 replicas, maxSurge 1 / maxUnavailable 1',
      o: { replicas: 10, maxSurge: 1, maxUnavailable: 1 },
      want: '2/9 4/7 6/5 8/3 10/1 10/0',
      minAvailable: 9,
      maxPods: 11,
      completeMs: 5000,
    },
    // surge ceil(2.5) = 3, unavailable floor(2.5) = 2: 13 pods at most, 8 available at least.
    {
      name: '10 replicas, 25% / 25%',
      o: { replicas: 10, maxSurge: '25%', maxUnavailable: '25%' },
      want: '5/8 10/3 10/0',
      minAvailable: 8,
      maxPods: 13,
      completeMs: 2000,
    },
    // No room above 3: an old pod goes first, then its replacement comes.
    {
      name: 'maxSurge 0 / maxUnavailable 1',
      o: { replicas: 3, maxSurge: 0, maxUnavailable: 1 },
      want: '1/2 2/1 3/0',
      minAvailable: 2,
      maxPods: 3,
      completeMs: 3000,
    },
    {
      name: 'maxSurge 1 / maxUnavailable 0 (examples/web)',
      o: { replicas: 3, maxSurge: 1, maxUnavailable: 0 },
      want: '1/3 2/2 3/1 3/0',
      minAvailable: 3,
      maxPods: 4,
      completeMs: 3000,
    },
    // Old pods must be gone (1 s) before the new ReplicaSet is even created.
    {
      name: 'Recreate',
      o: { replicas: 3, strategy: 'Recreate' as const },
      want: '0/0 3/0',
      minAvailable: 0,
      maxPods: 3,
      completeMs: 2000,
    },
  ])('$name: $want', ({ o, want, minAvailable, maxPods, completeMs }) => {
    const p = rollout(o)
    expect(sizes(p)).toBe(want)
    expect({ minAvailable: p.minAvailable, maxPods: p.maxPods, completeMs: p.completeMs }).toEqual({
      minAvailable,
      maxPods,
      completeMs,
    })
  })

  it("seed 001's first step, event for event as `kubectl describe` lists it", () => {
    const p = rollout({ replicas: 10, maxSurge: 1, maxUnavailable: 1 })
    const [oldRs] = p.replicaSets.filter((rs) => rs.metadata.name !== p.newReplicaSet).map((rs) => rs.metadata.name)
    expect(p.steps[0]?.events).toEqual([
      `Scaled up replica set ${p.newReplicaSet} to 1`,
      `Scaled down replica set ${oldRs} to 9 from 10`,
      `Scaled up replica set ${p.newReplicaSet} to 2 from 1`,
    ])
  })

  it('pods getting ready one by one move one pod at a time: the whole event list of seed 001', () => {
    const p = rollout({ replicas: 10, maxSurge: 1, maxUnavailable: 1 }, undefined, { ...TIMING, spreadMs: 100 })
    const steps = p.steps
      .flatMap((s) => s.events)
      .map((e) =>
        e.replace(
          /^Scaled (up|down) replica set (\S+) to (\d+).*/,
          (_, dir, rs, n) => `${dir} ${rs === p.newReplicaSet ? 'new' : 'old'} ${n}`,
        ),
      )
    expect(steps).toEqual([
      'up new 1',
      ...Array.from({ length: 9 }, (_, i) => [`down old ${9 - i}`, `up new ${i + 2}`]).flat(),
      'down old 0',
    ])
    expect([p.minAvailable, p.maxPods]).toEqual([9, 11])
  })

  it('minReadySeconds holds every step back until new pods have been ready that long', () => {
    const p = rollout({ replicas: 3, maxSurge: 1, maxUnavailable: 0, minReadySeconds: 5 })
    expect(sizes(p)).toBe('1/3 2/2 3/1 3/0')
    // Each new pod: ready after 1 s, available 5 s later; Kubernetes counts "more than"
    // minReadySeconds, hence the 1 ms. The last old pod exits 1 s after that.
    expect(p.completeMs).toBe(3 * 6000 + 1)
    expect(p.settledMs).toBe(3 * 6000 + 1 + 1000)
  })

  it('terminating pods are counted apart: they hold memory, not traffic', () => {
    const p = rollout({ replicas: 10, maxSurge: '25%', maxUnavailable: '25%' })
    expect(p.maxTerminating).toBe(5)
    expect(p.settledMs).toBe(3000)
  })

  it('a scale-only change is one step of the current ReplicaSet', () => {
    const p = rollout({ replicas: 3 }, (d) => ({ ...d, spec: { ...d.spec, replicas: 5 } }))
    expect(sizes(p)).toBe('5/0')
    expect(p.completeMs).toBe(1000)
  })

  it('a new deployment starts at full size in one step', () => {
    const p = previewRollout({ deployment: aDeployment({ replicas: 4 }), replicaSets: [], pods: [] }, TIMING)
    expect(sizes(p)).toBe('4/0')
    expect([p.minAvailable, p.maxPods, p.completeMs]).toEqual([0, 4, 1000])
  })

  it('a rollout whose pods never get ready reports no completion', () => {
    const p = rollout({ replicas: 3, maxSurge: 1, maxUnavailable: 0 }, undefined, {
      readyMs: Infinity,
      terminateMs: 1000,
    })
    expect(sizes(p)).toBe('1/3')
    expect(p.completeMs).toBeUndefined()
  })
})
