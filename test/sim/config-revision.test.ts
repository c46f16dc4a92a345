/**
 * Config as part of a revision, in a whole control plane (docs/config-revisions.md): the
 * config-revision and Deployment controllers over one store. A ConfigMap change makes a new
 * ReplicaSet, an undo (Baton's, or kubectl's that replaces the annotations) brings the old
 * snapshot back without rolling forward again, and the opt-out reads live config.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  CONFIG_HASH_ANNOTATION,
  CONFIG_SNAPSHOT_ANNOTATION,
  CONFIG_SNAPSHOT_TYPE,
  decodeSnapshot,
} from '../../src/api/config-snapshot.ts'
import type { Container, Deployment } from '../../src/api/types.ts'
import { CONFIG_SETTLE_MS } from '../../src/controllers/config-revision/plan.ts'
import type { Simulation } from '../../src/sim/simulation.ts'
import { createSimulation } from '../../src/sim/simulation.ts'
import { aConfigMap, aDeployment } from '../support/builders.ts'
import { STAGGERED_AGENT } from '../support/sim.ts'

let sim: Simulation
afterEach(() => sim.stop())

function readsConfig(annotations?: Record<string, string>): Deployment {
  const d = aDeployment({ name: 'web', replicas: 3, maxSurge: 1, maxUnavailable: 0 })
  const c = d.spec.template.spec.containers[0] as Container
  c.env = [{ name: 'APP_VERSION', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'version' } } }]
  if (annotations) d.metadata.annotations = annotations
  return d
}

const setVersion = (version: string) => {
  const cm = sim.store.get('ConfigMap', 'default', 'web-config')
  if (!cm) sim.store.create<'ConfigMap'>(aConfigMap({ name: 'web-config', data: { version } }))
  else sim.store.update<'ConfigMap'>({ ...cm, data: { version } })
  sim.runFor(CONFIG_SETTLE_MS) // a change becomes a revision once it has settled
}
const stamp = () => sim.deployment('web').spec.template.metadata?.annotations?.[CONFIG_SNAPSHOT_ANNOTATION]
const versionIn = (snapshot: string | undefined) => {
  const data = decodeSnapshot(sim.store.get('Secret', 'default', snapshot ?? ''))?.['configmap/web-config']
  return data?.data.version
}
const snapshots = () => sim.store.list('Secret').items.filter((s) => s.type === CONFIG_SNAPSHOT_TYPE)

describe('config revisions in a simulation', () => {
  it('rolls a ConfigMap change as a new revision, and an undo brings the old data back for good', () => {
    sim = createSimulation({ agent: STAGGERED_AGENT })
    setVersion('blue')
    sim.apply(readsConfig())
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    expect(sim.replicaSets('web')).toHaveLength(1)
    const first = stamp()
    expect(versionIn(first)).toBe('blue')
    // The first ReplicaSet already ran with the snapshot: the template was stamped before it was made.
    expect(sim.replicaSets('web')[0]?.spec.template.metadata?.annotations?.[CONFIG_SNAPSHOT_ANNOTATION]).toBe(first)

    setVersion('green')
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    const second = stamp()
    expect(second).not.toBe(first)
    expect(versionIn(second)).toBe('green')
    expect(
      sim
        .replicaSets('web')
        .map((rs) => rs.spec.replicas)
        .sort(),
    ).toEqual([0, 3])
    expect(sim.store.list('Event').items.some((e) => e.reason === 'ConfigChanged')).toBe(true)

    sim.undo('web')
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    sim.runFor(10_000)
    expect(stamp()).toBe(first) // not rolled forward to the live data again
    expect(sim.store.get('ConfigMap', 'default', 'web-config')?.data?.version).toBe('green')
    expect(
      snapshots()
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual([first, second].sort())

    // A later change of the data rolls forward again.
    setVersion('red')
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    expect(versionIn(stamp())).toBe('red')
  })

  it('makes one revision of changes that come together (a file with a ConfigMap and a Secret)', () => {
    sim = createSimulation({ agent: STAGGERED_AGENT })
    setVersion('blue')
    sim.apply(readsConfig())
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    const write = (version: string) => {
      const cm = sim.store.get('ConfigMap', 'default', 'web-config')
      if (cm) sim.store.update<'ConfigMap'>({ ...cm, data: { version } })
      sim.runFor(300)
    }
    write('green')
    write('red')
    sim.runFor(CONFIG_SETTLE_MS)
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    expect(sim.replicaSets('web')).toHaveLength(2)
    expect(versionIn(stamp())).toBe('red')
  })

  it("survives kubectl's undo, which replaces the Deployment's annotations", () => {
    sim = createSimulation({ agent: STAGGERED_AGENT })
    setVersion('blue')
    sim.apply(readsConfig())
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    const first = stamp()
    setVersion('green')
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    const old = sim
      .replicaSets('web')
      .find((rs) => rs.spec.template.metadata?.annotations?.[CONFIG_SNAPSHOT_ANNOTATION] === first)
    const d = sim.deployment('web')
    const template = structuredClone(old?.spec.template ?? d.spec.template)
    delete template.metadata?.labels?.['pod-template-hash']
    sim.store.update<'Deployment'>({
      ...d,
      metadata: { ...d.metadata, annotations: {} },
      spec: { ...d.spec, template },
    })
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    sim.runFor(10_000)
    expect(stamp()).toBe(first)
  })

  it('keeps the same revision when the data changes back, and stamps nothing when opted out', () => {
    sim = createSimulation({ agent: STAGGERED_AGENT })
    setVersion('blue')
    sim.apply(readsConfig())
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    const hash = sim.deployment('web').spec.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]
    setVersion('green')
    setVersion('blue')
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    expect(sim.deployment('web').spec.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]).toBe(hash)

    sim.apply({
      ...readsConfig({ 'baton.dev/config-rollout': 'false' }),
      metadata: { ...sim.deployment('web').metadata, annotations: { 'baton.dev/config-rollout': 'false' } },
    })
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    expect(stamp()).toBeUndefined()
    const sets = sim.replicaSets('web').length
    setVersion('green')
    sim.runFor(10_000)
    expect(sim.replicaSets('web')).toHaveLength(sets)
  })
})

describe('a snapshot name taken by a Secret of the user', () => {
  it('holds the new Deployment with a warning, and stamps it once the name is free', () => {
    sim = createSimulation({ agent: STAGGERED_AGENT })
    setVersion('blue')
    // Learn the snapshot's name from a first Deployment, then free it for the user's Secret.
    sim.apply(readsConfig())
    const name = stamp() ?? ''
    sim.store.delete('Deployment', 'default', 'web')
    sim.runFor(0)
    sim.store.create<'Secret'>({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, data: {} })
    sim.apply(readsConfig())
    sim.runFor(0)
    expect(stamp()).toBeUndefined()
    expect(sim.replicaSets('web')).toEqual([])
    expect(sim.store.list('Event').items.some((e) => e.reason === 'ConfigSnapshotNameTaken')).toBe(true)
    sim.store.delete('Secret', 'default', name)
    expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
    expect(stamp()).toBe(name)
  })
})
