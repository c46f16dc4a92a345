/**
 * @module
 * The config-revision planner (docs/config-revisions.md): one pure sync of a Deployment whose
 * pod template reads ConfigMaps or Secrets. It snapshots the referenced data and stamps the
 * snapshot into the template's annotations, so a change of the data is a change of the template
 * and the Deployment controller rolls it out as any other (kubernetes/kubernetes#22368).
 *
 * Level-triggered on two hashes: the live data's, and the one the controller last saw, which
 * is the snapshot with the highest `baton.dev/config-sequence` label. The template is
 * restamped when it has no stamp, a stamp for other references, or when the live data changed
 * since last seen (and then stayed unchanged for CONFIG_SETTLE_MS). A template an undo brought back keeps its old stamp (and so the old data):
 * the live data did not change, so there is nothing to restamp.
 *
 * Snapshots no ReplicaSet of the Deployment and not its template names any more are deleted
 * (they leave with the revisions `revisionHistoryLimit` cleans up), except the last seen.
 */
import {
  awaitsConfigStamp,
  CONFIG_HASH_ANNOTATION,
  CONFIG_REFS_ANNOTATION,
  CONFIG_SEQUENCE_LABEL,
  CONFIG_SNAPSHOT_ANNOTATION,
  CONFIG_SNAPSHOT_OF_LABEL,
  CONFIG_SNAPSHOT_TYPE,
  configRefs,
  configRolloutEnabled,
  type ConfigSnapshot,
  encodeSnapshot,
  refsAnnotation,
  takeSnapshot,
} from '../../api/config-snapshot.ts'
import { controllerRef } from '../../api/owner-refs.ts'
import type { ConfigMap, Deployment, PodTemplateSpec, ReplicaSet, Secret } from '../../api/types.ts'
import { snapshotHash, snapshotName } from '../../rollout/config-revision.ts'

const TEMPLATE_ANNOTATIONS = [CONFIG_HASH_ANNOTATION, CONFIG_SNAPSHOT_ANNOTATION, CONFIG_REFS_ANNOTATION]

/**
 * How long changed data must stay unchanged before it becomes a revision: `kubectl apply` of a
 * file with a ConfigMap and a Secret writes them one after the other, and they should make one
 * revision, not two.
 */
export const CONFIG_SETTLE_MS = 1000

/** The live data's hash when a change was first seen, and when (kept by reconcile.ts between syncs). */
export interface PendingChange {
  hash: string
  since: number
}

export interface ConfigRevisionInput {
  deployment: Deployment
  /** The Deployment's ReplicaSets (their templates name the snapshots still in use). */
  replicaSets: readonly ReplicaSet[]
  /** Live ConfigMaps and Secrets of the Deployment's namespace (at least those it references). */
  configMaps: readonly ConfigMap[]
  secrets: readonly Secret[]
  /** The change waiting to settle, from the last sync. */
  pending?: PendingChange
  now: number
}

export type ConfigRevisionAction =
  | { type: 'createSnapshot'; secret: Secret }
  /** Mark an existing snapshot as the live data last seen again. */
  | { type: 'labelSnapshot'; name: string; sequence: number }
  /** Set (value) or remove (undefined) these pod template annotations. */
  | { type: 'stampTemplate'; annotations: Record<string, string | undefined> }
  | { type: 'deleteSnapshot'; name: string }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  /** The data changed less than CONFIG_SETTLE_MS ago: remember it, sync again after `afterMs`. */
  | { type: 'wait'; pending: PendingChange; afterMs: number }

function templateSnapshot(t: PodTemplateSpec): string | undefined {
  return t.metadata?.annotations?.[CONFIG_SNAPSHOT_ANNOTATION]
}

function sequence(s: Secret): number {
  const n = Number(s.metadata.labels?.[CONFIG_SEQUENCE_LABEL])
  return Number.isSafeInteger(n) ? n : 0
}

/** Plans one sync of `input.deployment`. */
export function planConfigRevision(input: ConfigRevisionInput): ConfigRevisionAction[] {
  const d = input.deployment
  if (d.metadata.deletionTimestamp !== undefined) return []
  const actions: ConfigRevisionAction[] = []
  const template = d.spec.template
  const refs = configRefs(template)
  const tAnn = template.metadata?.annotations ?? {}
  let current = templateSnapshot(template)
  const snapshots = input.secrets
    .filter(
      (s) =>
        s.type === CONFIG_SNAPSHOT_TYPE &&
        s.metadata.labels?.[CONFIG_SNAPSHOT_OF_LABEL] === d.metadata.name &&
        s.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid),
    )
    .sort((a, b) => sequence(b) - sequence(a))
  let lastSeen = snapshots[0]?.metadata.name

  if (!configRolloutEnabled(d.metadata.annotations) || refs.length === 0) {
    if (TEMPLATE_ANNOTATIONS.some((k) => tAnn[k] !== undefined)) {
      actions.push({
        type: 'stampTemplate',
        annotations: Object.fromEntries(TEMPLATE_ANNOTATIONS.map((k) => [k, undefined])),
      })
      current = undefined
    }
  } else {
    const byName = <T extends { metadata: { name: string } }>(list: readonly T[]) =>
      new Map(list.map((o) => [o.metadata.name, o]))
    const cms = byName(input.configMaps)
    const secrets = byName(input.secrets)
    const snapshot = takeSnapshot(refs, { configMap: (n) => cms.get(n), secret: (n) => secrets.get(n) })
    const hash = snapshotHash(snapshot)
    const name = snapshotName(d.metadata.name, hash)
    const unstamped = awaitsConfigStamp(d.metadata.annotations, template)
    const since = input.pending?.hash === hash ? input.pending.since : input.now
    if (!unstamped && lastSeen !== name && input.now - since < CONFIG_SETTLE_MS) {
      actions.push({ type: 'wait', pending: { hash, since }, afterMs: since + CONFIG_SETTLE_MS - input.now })
    } else if (unstamped || lastSeen !== name) {
      const next = (snapshots[0] ? sequence(snapshots[0]) : 0) + 1
      if (secrets.has(name) && !snapshots.some((s) => s.metadata.name === name)) {
        // A Secret that is not this Deployment's snapshot holds the name: never read it as one.
        return [
          {
            type: 'event',
            eventType: 'Warning',
            reason: 'ConfigSnapshotNameTaken',
            message: `Secret ${name} is not a config snapshot of this Deployment: rename or delete it so the config can be snapshotted`,
          },
        ]
      }
      if (!secrets.has(name)) actions.push({ type: 'createSnapshot', secret: snapshotSecret(d, name, snapshot, next) })
      else if (lastSeen !== name) actions.push({ type: 'labelSnapshot', name, sequence: next })
      lastSeen = name
      if (unstamped || tAnn[CONFIG_HASH_ANNOTATION] !== hash || current !== name) {
        if (current !== undefined && current !== name)
          actions.push({
            type: 'event',
            eventType: 'Normal',
            reason: 'ConfigChanged',
            message: `Referenced config changed: the pod template now runs with snapshot ${name}`,
          })
        actions.push({
          type: 'stampTemplate',
          annotations: {
            [CONFIG_HASH_ANNOTATION]: hash,
            [CONFIG_SNAPSHOT_ANNOTATION]: name,
            [CONFIG_REFS_ANNOTATION]: refsAnnotation(refs),
          },
        })
        current = name
      }
    }
  }

  const inUse = new Set(input.replicaSets.map((rs) => templateSnapshot(rs.spec.template)))
  if (current !== undefined) inUse.add(current)
  if (lastSeen !== undefined) inUse.add(lastSeen)
  for (const s of snapshots)
    if (!inUse.has(s.metadata.name)) actions.push({ type: 'deleteSnapshot', name: s.metadata.name })
  return actions
}

/** The immutable Secret holding `snapshot`, owned by the Deployment (deleted with it). */
function snapshotSecret(d: Deployment, name: string, snapshot: ConfigSnapshot, seq: number): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      ...(d.metadata.namespace !== undefined ? { namespace: d.metadata.namespace } : {}),
      labels: { [CONFIG_SNAPSHOT_OF_LABEL]: d.metadata.name, [CONFIG_SEQUENCE_LABEL]: String(seq) },
      ownerReferences: [controllerRef('apps/v1', 'Deployment', d.metadata)],
    },
    type: CONFIG_SNAPSHOT_TYPE,
    immutable: true,
    data: encodeSnapshot(snapshot),
  }
}
