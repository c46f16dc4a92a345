/**
 * Events expire in a whole control plane as in the daemon: a rollout's ScalingReplicaSet
 * Events are gone an hour after they last occurred, and a later rollout records new ones.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Simulation } from '../../src/sim/simulation.ts'
import { createSimulation } from '../../src/sim/simulation.ts'
import { aDeployment } from '../support/builders.ts'
import { STAGGERED_AGENT } from '../support/sim.ts'

const MINUTE = 60_000
let sim: Simulation
afterEach(() => sim.stop())

const eventReasons = () => new Set(sim.store.list('Event').items.map((e) => e.reason))

describe('Event expiry in a simulation', () => {
  it('removes the Events of a rollout one TTL after they last occurred', () => {
    sim = createSimulation({ agent: STAGGERED_AGENT, eventTtlMs: 30 * MINUTE })
    sim.apply(aDeployment({ name: 'busy', replicas: 5, maxSurge: 1, maxUnavailable: 0 }))
    expect(sim.runUntilRolledOut('busy', 120_000)).toBe(true)
    expect(eventReasons()).toContain('ScalingReplicaSet')

    sim.runFor(25 * MINUTE)
    expect(sim.store.list('Event').items.length).toBeGreaterThan(0)
    sim.runFor(7 * MINUTE) // past 30m after the last event plus one sweep interval
    expect(sim.store.list('Event').items).toEqual([])

    const reapedAt = sim.clock.now()
    sim.setImage('busy', 'busy:2')
    expect(sim.runUntilRolledOut('busy', 120_000)).toBe(true)
    const fresh = sim.store.list('Event').items
    expect(fresh.length).toBeGreaterThan(0)
    expect(fresh.filter((e) => Date.parse(e.firstTimestamp ?? '') < reapedAt - 1000)).toEqual([])
  })
})
