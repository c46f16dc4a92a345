/**
 * A Deployment's warm window on a fake clock (docs/instant-rollback.md): the old revision's
 * pods leave service but keep running; `rollout undo` inside the window brings those very pods
 * back, starting none, and the rollback completes before a new pod could even become ready;
 * after the window the warm pods are deleted. The failure policy's automatic rollback inside the
 * window is the same undo: it too brings the warm pods back and starts none for the old revision.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Pod } from '../../src/api/types.ts'
import { FAILURE_ACTION_ANNOTATION, FAILURE_MONITOR_ANNOTATION } from '../../src/api/failure-policy.ts'
import { isPodWarm, SCALE_DOWN_DELAY_ANNOTATION } from '../../src/api/warm-window.ts'
import { REASON_ROLLED_BACK } from '../../src/rollout/failure-outcome.ts'
import type { Simulation } from '../../src/sim/simulation.ts'
import { aDeployment } from '../support/builders.ts'
import { scalingSteps, staggeredSimulation } from '../support/sim.ts'

let sim: Simulation
afterEach(() => sim.stop())

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name).sort()
const ofImage = (image: string) =>
  sim.pods('web').filter((p) => p.spec.containers[0]?.image === image && !p.metadata.deletionTimestamp)

function rollToV2(delay: string | undefined) {
  sim = staggeredSimulation()
  const annotations = delay === undefined ? undefined : { [SCALE_DOWN_DELAY_ANNOTATION]: delay }
  sim.apply(aDeployment({ name: 'web', replicas: 4, image: 'app:v1', ...(annotations ? { annotations } : {}) }))
  expect(sim.runUntilRolledOut('web', 60_000)).toBe(true)
  const v1 = names(ofImage('app:v1'))
  sim.setImage('web', 'app:v2')
  expect(sim.runUntilRolledOut('web', 60_000)).toBe(true)
  return v1
}

describe('warm window', () => {
  it('keeps the old pods running out of service, and undo brings the same pods back at once', () => {
    const v1 = rollToV2('60')
    // Rolled out: the v1 set counts no replica, yet its four pods still run, marked warm.
    const warmV1 = ofImage('app:v1')
    expect(names(warmV1)).toEqual(v1)
    expect(warmV1.every(isPodWarm)).toBe(true)
    expect(warmV1.every((p) => p.status?.phase === 'Running')).toBe(true)
    const oldRs = sim.replicaSets('web').find((rs) => rs.spec.template.spec.containers[0]?.image === 'app:v1')
    expect(oldRs?.spec.replicas).toBe(0)
    expect(oldRs?.status?.replicas).toBe(0)

    const v2 = names(ofImage('app:v2'))
    const undoAt = sim.clock.now()
    const eventsFrom = sim.recorder.events('web').length
    sim.undo('web')
    // Pods here become ready 2–3 s after they start: done sooner, no pod was started.
    expect(sim.runUntilRolledOut('web', 10_000)).toBe(true)
    expect(sim.clock.now() - undoAt).toBeLessThan(2000)
    // All four back in one step (maxSurge is 1), then v2 out in one step.
    expect(scalingSteps(sim, 'web', { [oldRs?.metadata.name ?? '']: 'v1' }, eventsFrom).slice(0, 2)).toEqual([
      'up v1 4',
      expect.stringMatching(/^down \S+ 0$/),
    ])
    expect(names(ofImage('app:v1'))).toEqual(v1)
    expect(ofImage('app:v1').some(isPodWarm)).toBe(false)
    // The roles swap: v2's pods are now the warm ones.
    expect(names(ofImage('app:v2'))).toEqual(v2)
    expect(ofImage('app:v2').every(isPodWarm)).toBe(true)

    // After the window they go.
    sim.runFor(62_000)
    expect(ofImage('app:v2')).toEqual([])
    expect(names(ofImage('app:v1'))).toEqual(v1)
  })

  it('without the window, undo starts new pods as in Kubernetes', () => {
    const v1 = rollToV2(undefined)
    expect(ofImage('app:v1')).toEqual([])
    sim.undo('web')
    expect(sim.runUntilRolledOut('web', 60_000)).toBe(true)
    const back = names(ofImage('app:v1'))
    expect(back).toHaveLength(4)
    expect(back.some((n) => v1.includes(n))).toBe(false)
  })

  it('a window that ended leaves nothing warm: undo starts new pods', () => {
    const v1 = rollToV2('5')
    sim.runFor(7_000)
    expect(ofImage('app:v1')).toEqual([])
    sim.undo('web')
    expect(sim.runUntilRolledOut('web', 60_000)).toBe(true)
    expect(names(ofImage('app:v1')).some((n) => v1.includes(n))).toBe(false)
  })

  it("the failure policy's automatic rollback inside the window brings the warm pods back, starting none for the old revision", () => {
    sim = staggeredSimulation({
      images: { 'app:v1': {}, 'app:never-ready': { readyDelayMs: Number.POSITIVE_INFINITY } },
    })
    sim.apply(
      aDeployment({
        name: 'web',
        replicas: 4,
        image: 'app:v1',
        annotations: {
          [SCALE_DOWN_DELAY_ANNOTATION]: '60',
          [FAILURE_ACTION_ANNOTATION]: 'rollback',
          [FAILURE_MONITOR_ANNOTATION]: '5s',
        },
      }),
    )
    expect(sim.runUntilRolledOut('web', 60_000)).toBe(true)
    const v1 = names(ofImage('app:v1'))
    const v1Created = new Set(sim.pods('web').map((p) => p.metadata.uid))
    sim.setImage('web', 'app:never-ready')
    // The rolling update gives up one v1 pod (maxUnavailable 1), which stays warm, out of service.
    sim.runFor(3_000)
    expect(ofImage('app:v1').filter(isPodWarm)).toHaveLength(1)
    // The new pods never become ready: after the monitor window the policy rolls back.
    expect(sim.runUntilRolledOut('web', 60_000)).toBe(true)
    const d = sim.store.get('Deployment', 'default', 'web')
    expect(d?.spec.template.spec.containers[0]?.image).toBe('app:v1')
    expect(d?.status?.conditions?.find((c) => c.reason === REASON_ROLLED_BACK)).toBeDefined()
    // The same four v1 pods serve again: the warm one came back, no v1 pod was started.
    expect(names(ofImage('app:v1'))).toEqual(v1)
    expect(ofImage('app:v1').some(isPodWarm)).toBe(false)
    const startedForV1 = ofImage('app:v1').filter((p) => !v1Created.has(p.metadata.uid))
    expect(startedForV1).toEqual([])
  })
})
