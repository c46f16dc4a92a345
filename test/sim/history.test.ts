/**
 * Revisions on a fake clock: `rollout undo` re-promotes the old ReplicaSet with revision
 * max+1 (its old number moves to revision-history), `--to-revision` picks any kept revision,
 * and revisionHistoryLimit deletes the oldest fully scaled-down ReplicaSets.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { isBatonError } from '../../src/errors/baton-error.ts'
import type { Simulation } from '../../src/sim/simulation.ts'
import { aDeployment } from '../support/builders.ts'
import { staggeredSimulation } from '../support/sim.ts'

const REVISION = 'deployment.kubernetes.io/revision'
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history'

let sim: Simulation
afterEach(() => sim.stop())

function rollThrough(images: string[], extra: Parameters<typeof aDeployment>[0] = {}) {
  sim = staggeredSimulation()
  const [first, ...rest] = images
  sim.apply(aDeployment({ name: 'busy', replicas: 4, maxSurge: 1, maxUnavailable: 1, image: first, ...extra }))
  expect(sim.runUntilRolledOut('busy')).toBe(true)
  for (const image of rest) {
    sim.setImage('busy', image)
    expect(sim.runUntilRolledOut('busy')).toBe(true)
  }
  sim.runFor(10_000) // old pods finish terminating; a completed status allows history clean-up
}

/** image → [revision, revision-history] of the ReplicaSet running it. */
function revisions(): Record<string, [string | undefined, string | undefined]> {
  const out: Record<string, [string | undefined, string | undefined]> = {}
  for (const rs of sim.replicaSets('busy')) {
    const a = rs.metadata.annotations ?? {}
    out[rs.spec.template.spec.containers[0]?.image ?? ''] = [a[REVISION], a[REVISION_HISTORY]]
  }
  return out
}

function images(): string[] {
  return [
    ...new Set(
      sim
        .pods('busy')
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => p.spec.containers[0]?.image),
    ),
  ] as string[]
}

describe('rollout undo', () => {
  it('goes back to the previous template, renumbering its ReplicaSet to max+1', () => {
    rollThrough(['busybox:1.28.4', 'busybox:1.29'])
    expect(revisions()).toEqual({ 'busybox:1.28.4': ['1', undefined], 'busybox:1.29': ['2', undefined] })
    const plan = sim.undo('busy')
    expect(plan.kind).toBe('rollback')
    expect(sim.runUntilRolledOut('busy')).toBe(true)
    sim.runFor(10_000)
    expect(revisions()).toEqual({ 'busybox:1.28.4': ['3', '1'], 'busybox:1.29': ['2', undefined] })
    expect(sim.deployment('busy').metadata.annotations?.[REVISION]).toBe('3')
    expect(images()).toEqual(['busybox:1.28.4'])
    // No third ReplicaSet: the old one was re-promoted, not recreated.
    expect(sim.replicaSets('busy')).toHaveLength(2)
  })

  it('--to-revision picks an older revision; the rest keep their numbers', () => {
    rollThrough(['app:1', 'app:2', 'app:3'])
    sim.undo('busy', 1)
    expect(sim.runUntilRolledOut('busy')).toBe(true)
    sim.runFor(10_000)
    expect(revisions()).toEqual({ 'app:1': ['4', '1'], 'app:2': ['2', undefined], 'app:3': ['3', undefined] })
    expect(images()).toEqual(['app:1'])
  })

  it('refuses a revision that is not in the history', () => {
    rollThrough(['app:1', 'app:2'])
    let error: unknown
    try {
      sim.undo('busy', 7)
    } catch (err) {
      error = err
    }
    expect(isBatonError(error) && error.code).toBe('BATON_REVISION_NOT_FOUND')
  })
})

describe('revisionHistoryLimit', () => {
  it('keeps only the newest `limit` old ReplicaSets once the rollout is complete', () => {
    rollThrough(['app:1', 'app:2', 'app:3', 'app:4', 'app:5'], { revisionHistoryLimit: 2 })
    const kept = sim
      .replicaSets('busy')
      .map((rs) => rs.metadata.annotations?.[REVISION])
      .sort()
    expect(kept).toEqual(['3', '4', '5'])
  })

  it('with limit 0 keeps no old ReplicaSet at all', () => {
    rollThrough(['app:1', 'app:2', 'app:3'], { revisionHistoryLimit: 0 })
    expect(sim.replicaSets('busy').map((rs) => rs.metadata.annotations?.[REVISION])).toEqual(['3'])
  })
})
