/**
 * Pause/resume and the progress deadline on a fake clock: a paused Deployment does not roll
 * out, paused time never counts toward progressDeadlineSeconds, and a version that never
 * becomes ready is reported as ProgressDeadlineExceeded while the old pods keep serving.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../../src/api/types.ts'
import type { Simulation } from '../../src/sim/simulation.ts'
import { aDeployment } from '../support/builders.ts'
import { staggeredSimulation } from '../support/sim.ts'

let sim: Simulation
afterEach(() => sim.stop())

const progressing = (d: Deployment) => d.status?.conditions?.find((c) => c.type === 'Progressing')

function start(image = 'busy:1', deadlineSeconds = 60) {
  sim = staggeredSimulation({ images: { 'busy:broken': { readyDelayMs: Number.POSITIVE_INFINITY } } })
  sim.apply(
    aDeployment({
      name: 'busy',
      replicas: 10,
      maxSurge: 1,
      maxUnavailable: 1,
      image,
      progressDeadlineSeconds: deadlineSeconds,
    }),
  )
  expect(sim.runUntilRolledOut('busy', 120_000)).toBe(true)
}

describe('pause and resume', () => {
  it('does not roll out while paused, and rolls out after resume', () => {
    start()
    sim.pause('busy')
    sim.setImage('busy', 'busy:2')
    sim.runFor(600_000)
    expect(sim.replicaSets('busy')).toHaveLength(1)
    expect(sim.pods('busy').every((p) => p.spec.containers[0]?.image === 'busy:1')).toBe(true)
    expect(progressing(sim.deployment('busy'))).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' })
    sim.resume('busy')
    expect(sim.runUntilRolledOut('busy', 600_000)).toBe(true)
    expect(
      sim
        .pods('busy')
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => p.spec.containers[0]?.image),
    ).toEqual(Array(10).fill('busy:2'))
  })

  it('does not count paused time toward the progress deadline', () => {
    start('busy:1', 60)
    sim.setImage('busy', 'busy:broken')
    sim.runFor(40_000)
    sim.pause('busy')
    sim.runFor(600_000)
    expect(progressing(sim.deployment('busy'))?.reason).toBe('DeploymentPaused')
    sim.resume('busy')
    sim.runFor(40_000) // 80 s of unpaused time in total, but only 40 s since resume
    expect(progressing(sim.deployment('busy'))?.reason).not.toBe('ProgressDeadlineExceeded')
    sim.runFor(25_000)
    expect(progressing(sim.deployment('busy'))).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' })
  })
})

describe('a version that never becomes ready', () => {
  it('exceeds the progress deadline after progressDeadlineSeconds, keeping the old pods available', () => {
    start('busy:1', 60)
    const samplesFrom = sim.recorder.samples('busy').length
    sim.setImage('busy', 'busy:broken')
    sim.runFor(58_000)
    expect(progressing(sim.deployment('busy'))?.reason).toBe('ReplicaSetUpdated')
    sim.runFor(4_000)
    expect(progressing(sim.deployment('busy'))).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringMatching(/^ReplicaSet "busy-\w+" has timed out progressing\.$/),
    })
    sim.runFor(600_000)
    const samples = sim.recorder.samples('busy').slice(samplesFrom)
    expect(Math.min(...samples.map((s) => s.available))).toBe(9)
    expect(Math.max(...samples.map((s) => s.pods))).toBe(11)
    // The rollout is stuck, not undone: 9 old pods serve, 2 new ones wait.
    expect(sim.deployment('busy').status).toMatchObject({ availableReplicas: 9, updatedReplicas: 2, replicas: 11 })
  })
})
