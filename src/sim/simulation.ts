/**
 * @module
 * A whole Baton control plane on a FakeClock: a store, the controllers, a fake node agent and
 * a recorder, plus the verbs a user would type (apply, set image, scale, rollout
 * undo/pause/resume/restart). Everything is synchronous and deterministic, so a ten-minute
 * rollout runs in milliseconds and the same input always gives the same trace.
 *
 * @example
 * const sim = createSimulation({ agent: { readyDelayMs: 2000 } })
 * sim.apply(aDeployment({ name: 'busy', replicas: 10, maxSurge: 1, maxUnavailable: 1 }))
 * sim.runFor(60_000)
 * sim.setImage('busy', 'busybox:1.29')
 * sim.runUntilRolledOut('busy')
 * sim.recorder.extremes('busy', 'pods') // { min: 10, max: 11 }
 */
import type { Deployment, Pod, ReplicaSet } from '../api/types.ts'
import { type ControllerManager, type StartControllersOptions, startControllers } from '../controllers/manager.ts'
import { EventReaper } from '../events/event-reaper.ts'
import { FakeClock } from '../platform/clock.ts'
import { type IdSource, sequentialIds } from '../platform/ids.ts'
import { type Logger, silentLogger } from '../platform/logger.ts'
import { pauseDeployment, planUndo, restartTemplate, resumeDeployment, type UndoPlan } from '../rollout/rollback.ts'
import { deploymentStatusViewer } from '../rollout/status-viewer.ts'
import { FakeNodeAgent, type FakeNodeAgentOptions } from '../runtime/fake/fake-node-agent.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { Recorder } from './recorder.ts'

export interface SimulationOptions {
  /** Epoch ms the FakeClock starts at. */
  start?: number
  /** Fake agent behaviour (delays, images); store and clock are the simulation's. */
  agent?: Omit<FakeNodeAgentOptions, 'store' | 'clock'>
  /**
   * Sample every change (default true; the benchmark turns it off to measure the controllers
   * alone); 'on-demand': record events, sample only when asked (Recorder.sample).
   */
  record?: boolean | 'on-demand'
  /** Uids and name suffixes (default: sequentialIds()). */
  ids?: IdSource
  /** Build the store (default: the memory store). */
  store?: (clock: FakeClock, ids: IdSource) => ObjectStore
  /** Events are deleted this long after they last occur, as in the daemon (default 1h); false: kept. */
  eventTtlMs?: number | false
  /** The node the controllers bind pods to and the fake agent runs (default DEFAULT_NODE_NAME). */
  nodeName?: string
  logger?: Logger
  /** The controllers to run (default: every controller of the daemon, manager.ts CONTROLLERS). */
  controllers?: StartControllersOptions['controllers']
}

export interface Simulation {
  readonly clock: FakeClock
  readonly store: ObjectStore
  readonly controllers: ControllerManager
  readonly agent: FakeNodeAgent
  /** Throws when the simulation was created with `record: false`. */
  readonly recorder: Recorder
  /** kubectl apply: creates the Deployment, or replaces its spec, labels and annotations. */
  apply(d: Deployment): Deployment
  setImage(name: string, image: string, container?: string): Deployment
  scale(name: string, replicas: number): Deployment
  /** kubectl rollout undo [--to-revision]. */
  undo(name: string, toRevision?: number): UndoPlan
  pause(name: string): Deployment
  resume(name: string): Deployment
  restart(name: string): Deployment
  /** Lets `ms` of fake time pass, running every timer and reconcile due in it. */
  runFor(ms: number): void
  /** Advances in `stepMs` steps until `done()` or `maxMs` passed; returns whether done. */
  runUntil(done: () => boolean, maxMs: number, stepMs?: number): boolean
  /** runUntil kubectl's `rollout status` would report success. */
  runUntilRolledOut(name: string, maxMs?: number): boolean
  deployment(name: string): Deployment
  replicaSets(name: string): ReplicaSet[]
  pods(name: string): Pod[]
  stop(): void
}

const NAMESPACE = 'default'

export function createSimulation(opts: SimulationOptions = {}): Simulation {
  const clock = new FakeClock(opts.start)
  const ids = opts.ids ?? sequentialIds()
  const store = opts.store ? opts.store(clock, ids) : createMemoryStore({ clock, ids })
  const logger = opts.logger ?? silentLogger
  const node = opts.nodeName !== undefined ? { nodeName: opts.nodeName } : {}
  const only = opts.controllers ? { controllers: opts.controllers } : {}
  const controllers = startControllers({ store, clock, ids, logger, ...node, ...only })
  const agent = new FakeNodeAgent({ ...opts.agent, ...node, store, clock })
  // The fake agent subscribes synchronously; its promise only reports completion.
  void agent.start()
  const reaper =
    opts.eventTtlMs === false
      ? undefined
      : new EventReaper({ store, clock, ...(opts.eventTtlMs !== undefined ? { ttlMs: opts.eventTtlMs } : {}) })
  reaper?.start()
  const recorder =
    opts.record === false
      ? undefined
      : new Recorder(store, controllers.cache, clock, {
          samples: opts.record === 'on-demand' ? 'on-demand' : 'every-change',
        })

  const deployment = (name: string): Deployment => {
    const d = store.get('Deployment', NAMESPACE, name)
    if (!d) throw new Error(`simulation has no deployment ${name}`)
    return d
  }
  const update = (name: string, change: (d: Deployment) => Deployment): Deployment => {
    const d = store.update<'Deployment'>(change(deployment(name)))
    controllers.runUntilIdle()
    return d
  }
  const replicaSets = (name: string) => {
    const uid = deployment(name).metadata.uid ?? ''
    return controllers.cache.ownedBy('ReplicaSet', uid)
  }

  const sim: Simulation = {
    clock,
    store,
    controllers,
    agent,
    get recorder() {
      if (!recorder) throw new Error('this simulation does not record (record: false)')
      return recorder
    },
    apply(d) {
      const existing = store.get('Deployment', d.metadata.namespace ?? NAMESPACE, d.metadata.name)
      const written = existing
        ? store.update<'Deployment'>({
            ...existing,
            metadata: {
              ...existing.metadata,
              labels: d.metadata.labels ?? {},
              annotations: { ...existing.metadata.annotations, ...d.metadata.annotations },
            },
            spec: d.spec,
          })
        : store.create<'Deployment'>(d)
      controllers.runUntilIdle()
      return written
    },
    setImage: (name, image, container) =>
      update(name, (d) => {
        const template = structuredClone(d.spec.template)
        for (const c of template.spec.containers) if (container === undefined || c.name === container) c.image = image
        return { ...d, spec: { ...d.spec, template } }
      }),
    scale: (name, replicas) => update(name, (d) => ({ ...d, spec: { ...d.spec, replicas } })),
    undo(name, toRevision = 0) {
      const plan = planUndo(deployment(name), replicaSets(name), toRevision)
      if (plan.kind === 'rollback') {
        update(name, (d) => ({
          ...d,
          metadata: { ...d.metadata, annotations: plan.annotations },
          spec: { ...d.spec, template: plan.template },
        }))
      }
      return plan
    },
    pause: (name) => update(name, pauseDeployment),
    resume: (name) => update(name, resumeDeployment),
    restart: (name) => update(name, (d) => ({ ...d, spec: { ...d.spec, template: restartTemplate(d, clock.now()) } })),
    runFor(ms) {
      controllers.runUntilIdle()
      clock.advance(ms)
      controllers.runUntilIdle()
    },
    runUntil(done, maxMs, stepMs = 100) {
      for (let waited = 0; waited <= maxMs; waited += stepMs) {
        sim.runFor(0)
        if (done()) return true
        clock.advance(stepMs)
      }
      return done()
    },
    runUntilRolledOut: (name, maxMs = 3_600_000) =>
      sim.runUntil(() => deploymentStatusViewer(deployment(name)).done, maxMs),
    deployment,
    replicaSets,
    pods(name) {
      return replicaSets(name).flatMap((rs) => controllers.cache.ownedBy('Pod', rs.metadata.uid ?? ''))
    },
    stop() {
      recorder?.stop()
      reaper?.stop()
      void agent.stop()
      controllers.stop()
      store.close()
    },
  }
  return sim
}
