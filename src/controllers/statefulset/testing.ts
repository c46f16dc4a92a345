/**
 * @module
 * The StatefulSet planner's test world, after upstream's fakeObjectManager: a set, its pods
 * and revisions held in maps, `sync()` plans and applies the actions the way the store would
 * (a delete only marks the pod terminating), and the test plays the kubelet (`setRunning`,
 * `setReady`, `finishTerminations`). Pure: time is the world's `now`.
 */
import { formatTimestamp } from '../../api/timestamps.ts'
import type {
  ControllerRevision,
  IntOrString,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
  StatefulSetSpec,
} from '../../api/types.ts'
import { T0, template } from '../../../test/support/builders.ts'
import type { StatefulSetAction } from './actions.ts'
import { getOrdinal, podRevision } from './identity.ts'
import { planStatefulSet } from './plan.ts'

export interface SetOptions {
  replicas?: number
  image?: string
  policy?: 'OrderedReady' | 'Parallel'
  type?: 'RollingUpdate' | 'OnDelete'
  partition?: number
  maxUnavailable?: IntOrString
  minReadySeconds?: number
  revisionHistoryLimit?: number
  start?: number
  annotations?: Record<string, string>
  /** A volumeClaimTemplate named `datadir`. */
  claim?: boolean
  whenDeleted?: 'Retain' | 'Delete'
  whenScaled?: 'Retain' | 'Delete'
}

/** newStatefulSet(replicas) of upstream's tests: `foo`, selector app=foo, one container. */
export function aStatefulSet(o: SetOptions = {}): StatefulSet {
  const spec: StatefulSetSpec = {
    replicas: o.replicas ?? 3,
    selector: { matchLabels: { app: 'foo' } },
    template: template(o.image ?? 'nginx:1', 'foo'),
    serviceName: 'foo',
    podManagementPolicy: o.policy ?? 'OrderedReady',
    updateStrategy:
      (o.type ?? 'RollingUpdate') === 'OnDelete'
        ? { type: 'OnDelete' }
        : {
            type: 'RollingUpdate',
            rollingUpdate: {
              partition: o.partition ?? 0,
              ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}),
            },
          },
    revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
    ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
    ...(o.start !== undefined ? { ordinals: { start: o.start } } : {}),
    ...(o.claim
      ? {
          volumeClaimTemplates: [
            {
              metadata: { name: 'datadir' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
          persistentVolumeClaimRetentionPolicy: {
            whenDeleted: o.whenDeleted ?? 'Retain',
            whenScaled: o.whenScaled ?? 'Retain',
          },
        }
      : {}),
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: 'foo',
      namespace: 'default',
      uid: 'uid-foo',
      generation: 1,
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec,
  }
}

export class World {
  set: StatefulSet
  readonly pods = new Map<string, Pod>()
  readonly revisions = new Map<string, ControllerRevision>()
  readonly claims = new Map<string, PersistentVolumeClaim>()
  #uids = 0
  now = T0
  /** "create foo-0", "delete foo-2", … in the order applied. */
  readonly log: string[] = []
  lastActions: StatefulSetAction[] = []

  constructor(set: StatefulSet) {
    this.set = set
  }

  /** One sync: plan, then apply every action. */
  sync(): StatefulSetAction[] {
    const actions = planStatefulSet(
      {
        set: this.set,
        pods: [...this.pods.values()],
        revisions: [...this.revisions.values()],
        nodeName: 'baton',
        claims: [...this.claims.values()],
      },
      this.now,
    )
    for (const a of actions) this.#apply(a)
    this.lastActions = actions
    return actions
  }

  #apply(a: StatefulSetAction): void {
    const ts = formatTimestamp(this.now)
    switch (a.type) {
      case 'createRevision':
        if (this.revisions.has(a.revision.metadata.name)) throw new Error(`revision ${a.revision.metadata.name} exists`)
        this.revisions.set(a.revision.metadata.name, {
          ...a.revision,
          metadata: { ...a.revision.metadata, creationTimestamp: ts },
        })
        break
      case 'renumberRevision': {
        const r = this.revisions.get(a.name)
        if (!r) throw new Error(`no revision ${a.name}`)
        this.revisions.set(a.name, { ...r, revision: a.revision })
        break
      }
      case 'createClaim':
        if (this.claims.has(a.claim.metadata.name)) throw new Error(`claim ${a.claim.metadata.name} exists`)
        this.claims.set(a.claim.metadata.name, {
          ...a.claim,
          metadata: { ...a.claim.metadata, uid: `uid-${++this.#uids}` },
        })
        this.log.push(`create claim ${a.claim.metadata.name}`)
        break
      case 'updateClaimOwners': {
        const c = this.claims.get(a.name)
        if (c) this.claims.set(a.name, { ...c, metadata: { ...c.metadata, ownerReferences: a.ownerReferences } })
        break
      }
      case 'createPod':
        if (this.pods.has(a.pod.metadata.name)) throw new Error(`pod ${a.pod.metadata.name} exists`)
        this.pods.set(a.pod.metadata.name, { ...a.pod, metadata: { ...a.pod.metadata, uid: `uid-${++this.#uids}` } })
        this.log.push(`create ${a.pod.metadata.name}`)
        break
      case 'updatePod':
        this.pods.set(a.pod.metadata.name, a.pod)
        break
      case 'deletePod': {
        const p = this.pods.get(a.name)
        if (!p) break
        this.pods.set(a.name, { ...p, metadata: { ...p.metadata, deletionTimestamp: ts } })
        this.log.push(`delete ${a.name}`)
        break
      }
      case 'updateStatus':
        this.set = { ...this.set, status: a.status }
        break
      case 'deleteRevision':
        this.revisions.delete(a.name)
        break
      case 'event':
      case 'requeue':
        break
    }
  }

  pod(ordinal: number): Pod {
    const p = this.pods.get(`foo-${ordinal}`)
    if (!p) throw new Error(`no pod foo-${ordinal}`)
    return p
  }

  setPhase(ordinal: number, phase: 'Pending' | 'Running' | 'Failed' | 'Succeeded', ready: boolean): void {
    const p = this.pod(ordinal)
    const since = formatTimestamp(this.now)
    this.pods.set(p.metadata.name, {
      ...p,
      status: {
        phase,
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since }],
      },
    })
  }

  setRunning(ordinal: number): void {
    this.setPhase(ordinal, 'Running', false)
  }

  setReady(ordinal: number): void {
    this.setPhase(ordinal, 'Running', true)
  }

  /** The kubelet finishing every graceful deletion, and the store collecting what only they owned. */
  finishTerminations(): void {
    const gone = new Set<string>()
    for (const [name, p] of this.pods) {
      if (!p.metadata.deletionTimestamp) continue
      this.pods.delete(name)
      gone.add(p.metadata.uid ?? '')
    }
    for (const [name, c] of this.claims) {
      const refs = c.metadata.ownerReferences ?? []
      if (refs.length > 0 && refs.every((r) => gone.has(r.uid))) this.claims.delete(name)
    }
  }

  /** A user's change of the spec: generation moves. */
  updateSpec(change: (spec: StatefulSetSpec) => StatefulSetSpec): void {
    this.set = {
      ...this.set,
      metadata: { ...this.set.metadata, generation: (this.set.metadata.generation ?? 0) + 1 },
      spec: change(this.set.spec),
    }
  }

  setImage(image: string): void {
    this.updateSpec((spec) => ({ ...spec, template: template(image, 'foo') }))
  }

  /**
   * Syncs, makes every new pod Running and Ready and finishes terminations, until a sync asks
   * for no pod write (or `limit` syncs). `healthy` decides which pods become ready.
   */
  settle(limit = 100, healthy: (pod: Pod) => boolean = () => true): void {
    for (let i = 0; i < limit; i++) {
      const actions = this.sync()
      const podWrites = actions.filter((a) => a.type === 'createPod' || a.type === 'deletePod')
      for (const p of [...this.pods.values()]) {
        if (p.metadata.deletionTimestamp) continue
        const ready = healthy(p)
        if (p.status?.phase === 'Pending' || (ready && p.status?.conditions?.[0]?.status !== 'True')) {
          this.setPhase(getOrdinal(p), 'Running', ready)
        }
      }
      this.finishTerminations()
      if (podWrites.length === 0) {
        this.sync()
        return
      }
    }
    throw new Error('did not settle')
  }

  /** Ordinal → revision name of every pod, sorted by ordinal. */
  revisionsByOrdinal(): Record<number, string> {
    const out: Record<number, string> = {}
    for (const p of [...this.pods.values()].sort((a, b) => getOrdinal(a) - getOrdinal(b)))
      out[getOrdinal(p)] = podRevision(p)
    return out
  }
}
