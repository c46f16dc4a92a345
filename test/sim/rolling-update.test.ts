/**
 * Deterministic rollouts on a fake clock: the invariants a rolling update promises (never
 * more than replicas + maxSurge pods, never fewer than replicas − maxUnavailable available)
 * checked after every single store change, and Kubernetes' event sequence from seed 001.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { IntOrString } from '../../src/api/types.ts'
import type { Simulation } from '../../src/sim/simulation.ts'
import { aDeployment } from '../support/builders.ts'
import { scalingSteps, staggeredSimulation } from '../support/sim.ts'

let sim: Simulation
afterEach(() => sim.stop())

/** Applies `busy` at busybox:1.28.4, waits for it, then sets busybox:1.29; returns the marks. */
function rollBusy(o: {
  replicas: number
  maxSurge?: IntOrString
  maxUnavailable?: IntOrString
  strategy?: 'Recreate'
}) {
  sim = staggeredSimulation()
  sim.apply(aDeployment({ name: 'busy', image: 'busybox:1.28.4', ...o }))
  expect(sim.runUntilRolledOut('busy', 120_000)).toBe(true)
  const oldRs = sim.replicaSets('busy')[0]?.metadata.name ?? ''
  const samplesFrom = sim.recorder.samples('busy').length
  const eventsFrom = sim.recorder.events('busy').length
  sim.setImage('busy', 'busybox:1.29')
  return { oldRs, samplesFrom, eventsFrom }
}

function newRsName(oldRs: string): string {
  return sim.replicaSets('busy').find((rs) => rs.metadata.name !== oldRs)?.metadata.name ?? ''
}

describe('rolling update invariants at every store change', () => {
  it.each([
    { name: 'maxSurge 1 / maxUnavailable 1 (seed 001)', maxSurge: 1, maxUnavailable: 1, maxPods: 11, minAvailable: 9 },
    {
      name: '25% / 25% (surge rounds up, unavailable down)',
      maxSurge: '25%',
      maxUnavailable: '25%',
      maxPods: 13,
      minAvailable: 8,
    },
    { name: 'maxSurge 0 / maxUnavailable 1', maxSurge: 0, maxUnavailable: 1, maxPods: 10, minAvailable: 9 },
    { name: 'maxSurge 3 / maxUnavailable 0', maxSurge: 3, maxUnavailable: 0, maxPods: 13, minAvailable: 10 },
  ])('$name: pods ≤ $maxPods, available ≥ $minAvailable', ({ maxSurge, maxUnavailable, maxPods, minAvailable }) => {
    const { samplesFrom } = rollBusy({ replicas: 10, maxSurge, maxUnavailable })
    expect(sim.runUntilRolledOut('busy', 600_000)).toBe(true)
    const samples = sim.recorder.samples('busy').slice(samplesFrom)
    expect(samples.length).toBeGreaterThan(50)
    // The bounds hold and are reached: the rollout uses its whole budget, no more.
    expect(Math.max(...samples.map((s) => s.pods))).toBe(maxPods)
    expect(Math.min(...samples.map((s) => s.available))).toBe(minAvailable)
    expect(sim.deployment('busy').status).toMatchObject({
      replicas: 10,
      updatedReplicas: 10,
      readyReplicas: 10,
      availableReplicas: 10,
    })
  })

  it('scales in the order of seed 001: new +1, old −1, one pod at a time', () => {
    const { oldRs, eventsFrom } = rollBusy({ replicas: 10, maxSurge: 1, maxUnavailable: 1 })
    expect(sim.runUntilRolledOut('busy', 600_000)).toBe(true)
    const steps = scalingSteps(sim, 'busy', { [newRsName(oldRs)]: 'new', [oldRs]: 'old' }, eventsFrom)
    const expected = Array.from({ length: 10 }, (_, i) => [`up new ${i + 1}`, `down old ${9 - i}`]).flat()
    expect(steps).toEqual(expected)
    // The first four, exactly as `kubectl describe deploy busy` lists them in the seed.
    const first = sim.recorder
      .events('busy')
      .slice(eventsFrom, eventsFrom + 4)
      .map((e) => e.message)
    expect(first[0]).toBe(`Scaled up replica set ${newRsName(oldRs)} to 1`)
    expect(first[1]).toMatch(new RegExp(`^Scaled down replica set ${oldRs} to 9( from 10)?$`))
    expect(first[2]).toMatch(new RegExp(`^Scaled up replica set ${newRsName(oldRs)} to 2( from 1)?$`))
    expect(first[3]).toMatch(new RegExp(`^Scaled down replica set ${oldRs} to 8( from 9)?$`))
    // And as the seed's Events section ends: 9 Events, then the 12 scalings after them
    // combined into one (client-go aggregates from the tenth distinct message on).
    const stored = sim.store
      .list('Event')
      .items.filter((e) => e.involvedObject.name === 'busy' && e.reason === 'ScalingReplicaSet')
      .map((e) => `${e.message} x${e.count ?? 1}`)
    expect(stored).toHaveLength(10)
    const combined = stored.filter((m) => m.startsWith('(combined from similar events): '))
    expect(combined).toHaveLength(1)
    expect(combined[0]).toMatch(
      new RegExp(`^\\(combined from similar events\\): Scaled down replica set ${oldRs} to 0( from 1)? x12$`),
    )
  })

  it('leaves only new pods behind once old ones finished terminating', () => {
    const { oldRs } = rollBusy({ replicas: 10, maxSurge: 1, maxUnavailable: 1 })
    expect(sim.runUntilRolledOut('busy', 600_000)).toBe(true)
    sim.runFor(5_000)
    const pods = sim.pods('busy')
    expect(pods).toHaveLength(10)
    expect(pods.every((p) => p.spec.containers[0]?.image === 'busybox:1.29')).toBe(true)
    expect(sim.replicaSets('busy').find((rs) => rs.metadata.name === oldRs)?.spec.replicas).toBe(0)
  })
})

describe('Recreate', () => {
  it('never runs old and new pods at the same time, terminating ones included', () => {
    const { samplesFrom } = rollBusy({ replicas: 10, strategy: 'Recreate' })
    expect(sim.runUntilRolledOut('busy', 600_000)).toBe(true)
    const samples = sim.recorder.samples('busy').slice(samplesFrom)
    const overlap = samples.filter((s) => s.oldPods > 0 && s.newPods > 0)
    expect(overlap).toEqual([])
    // It really went down to zero in between, and came back to 10.
    expect(Math.min(...samples.map((s) => s.pods))).toBe(0)
    expect(sim.deployment('busy').status).toMatchObject({ replicas: 10, updatedReplicas: 10, availableReplicas: 10 })
  })
})

describe('scaling in the middle of a rollout', () => {
  it('10 → 20 resizes both ReplicaSets in proportion (Kubernetes sync.go scale)', () => {
    const { oldRs } = rollBusy({ replicas: 10, maxSurge: '25%', maxUnavailable: '25%' })
    sim.runFor(1000) // new pods exist but none is ready yet
    const size = (name: string) => sim.replicaSets('busy').find((rs) => rs.metadata.name === name)?.spec.replicas
    const newRs = newRsName(oldRs)
    expect([size(newRs), size(oldRs)]).toEqual([5, 8])
    sim.scale('busy', 20)
    // allowed = 20 + 5 = 25, toAdd = 25 − 13 = 12; old: round(8·25/13) − 8 = 7; new: round(5·25/13) − 5 = 5.
    expect([size(newRs), size(oldRs)]).toEqual([10, 15])
    expect(sim.runUntilRolledOut('busy', 600_000)).toBe(true)
    expect(sim.deployment('busy').status).toMatchObject({ replicas: 20, updatedReplicas: 20, availableReplicas: 20 })
  })
})

describe('rollout restart', () => {
  it('replaces every pod through a normal rolling update, template otherwise unchanged', () => {
    sim = staggeredSimulation()
    sim.apply(aDeployment({ name: 'busy', replicas: 4, maxSurge: 1, maxUnavailable: 0 }))
    expect(sim.runUntilRolledOut('busy', 120_000)).toBe(true)
    const before = new Set(sim.pods('busy').map((p) => p.metadata.name))
    const samplesFrom = sim.recorder.samples('busy').length
    sim.restart('busy')
    expect(sim.runUntilRolledOut('busy', 600_000)).toBe(true)
    sim.runFor(5_000)
    const after = sim.pods('busy')
    expect(after).toHaveLength(4)
    expect(after.filter((p) => before.has(p.metadata.name))).toEqual([])
    expect(sim.replicaSets('busy')).toHaveLength(2)
    const samples = sim.recorder.samples('busy').slice(samplesFrom)
    expect(Math.min(...samples.map((s) => s.available))).toBe(4)
    expect(Math.max(...samples.map((s) => s.pods))).toBe(5)
  })
})
