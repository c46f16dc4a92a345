import { describe, expect, it } from 'vitest'
import { aConfigMap, aDeployment, aReplicaSet } from '../../../test/support/builders.ts'
import {
  CONFIG_HASH_ANNOTATION,
  CONFIG_REFS_ANNOTATION,
  CONFIG_SEQUENCE_LABEL,
  CONFIG_SNAPSHOT_ANNOTATION,
  CONFIG_SNAPSHOT_OF_LABEL,
  CONFIG_SNAPSHOT_TYPE,
  encodeSnapshot,
} from '../../api/config-snapshot.ts'
import type { ConfigMap, Container, Deployment, Secret } from '../../api/types.ts'
import { snapshotHash, snapshotName } from '../../rollout/config-revision.ts'
import { type ConfigRevisionAction, planConfigRevision } from './plan.ts'

const blue = { 'configmap/web-config': { data: { version: 'blue' } } }
const green = { 'configmap/web-config': { data: { version: 'green' } } }
const nameOf = (s: typeof blue) => snapshotName('web', snapshotHash(s))

function deployment(stampedWith?: typeof blue, annotations?: Record<string, string>): Deployment {
  const d = aDeployment({ name: 'web', ...(annotations ? { annotations } : {}) })
  const c = d.spec.template.spec.containers[0] as Container
  c.env = [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'version' } } }]
  if (stampedWith)
    d.spec.template.metadata = {
      ...d.spec.template.metadata,
      annotations: {
        [CONFIG_HASH_ANNOTATION]: snapshotHash(stampedWith),
        [CONFIG_SNAPSHOT_ANNOTATION]: nameOf(stampedWith),
        [CONFIG_REFS_ANNOTATION]: 'configmap/web-config',
      },
    }
  return d
}

function snapshot(of: typeof blue, sequence: number): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: CONFIG_SNAPSHOT_TYPE,
    metadata: {
      name: nameOf(of),
      namespace: 'default',
      labels: { [CONFIG_SNAPSHOT_OF_LABEL]: 'web', [CONFIG_SEQUENCE_LABEL]: String(sequence) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }],
    },
    data: encodeSnapshot(of),
  }
}

const live = (version: string): ConfigMap[] => [aConfigMap({ name: 'web-config', data: { version } })]
const brief = (actions: ConfigRevisionAction[]) =>
  actions.map((a) => {
    switch (a.type) {
      case 'createSnapshot':
        return `create ${a.secret.metadata.name} #${a.secret.metadata.labels?.[CONFIG_SEQUENCE_LABEL]}`
      case 'labelSnapshot':
        return `label ${a.name} #${a.sequence}`
      case 'stampTemplate':
        return `stamp ${a.annotations[CONFIG_SNAPSHOT_ANNOTATION] ?? '(none)'}`
      case 'deleteSnapshot':
        return `delete ${a.name}`
      case 'wait':
        return `wait ${a.afterMs}`
      default:
        return `event ${a.reason}`
    }
  })

describe('planConfigRevision', () => {
  const B = nameOf(blue)
  const G = nameOf(green)
  const cases: Array<{
    name: string
    d: Deployment
    configMaps: ConfigMap[]
    secrets: Secret[]
    rsSnapshots?: Array<typeof blue>
    /** ms since the change was first seen (default: long settled). */
    changedAgo?: number
    actions: string[]
  }> = [
    {
      name: 'first sync: snapshot, then stamp',
      d: deployment(),
      configMaps: live('blue'),
      secrets: [],
      actions: [`create ${B} #1`, `stamp ${B}`],
    },
    {
      name: 'in step: nothing',
      d: deployment(blue),
      configMaps: live('blue'),
      secrets: [snapshot(blue, 1)],
      rsSnapshots: [blue],
      actions: [],
    },
    {
      name: 'the data changed: new snapshot, event, restamp',
      d: deployment(blue),
      configMaps: live('green'),
      secrets: [snapshot(blue, 1)],
      rsSnapshots: [blue],
      actions: [`create ${G} #2`, 'event ConfigChanged', `stamp ${G}`],
    },
    {
      name: 'the data changed 300 ms ago: wait for it to settle',
      d: deployment(blue),
      configMaps: live('green'),
      secrets: [snapshot(blue, 1)],
      rsSnapshots: [blue],
      changedAgo: 300,
      actions: ['wait 700'],
    },
    {
      name: 'the data changed just now (first seen): wait the whole window',
      d: deployment(blue),
      configMaps: live('green'),
      secrets: [snapshot(blue, 1)],
      rsSnapshots: [blue],
      changedAgo: 0,
      actions: ['wait 1000'],
    },
    {
      name: 'after an undo (template on an old snapshot, live data last seen): nothing',
      d: deployment(blue),
      configMaps: live('green'),
      secrets: [snapshot(blue, 1), snapshot(green, 2)],
      rsSnapshots: [blue, green],
      actions: [],
    },
    {
      name: 'the data changed back to an existing snapshot: relabel it, restamp',
      d: deployment(green),
      configMaps: live('blue'),
      secrets: [snapshot(blue, 1), snapshot(green, 2)],
      rsSnapshots: [blue, green],
      actions: [`label ${B} #3`, 'event ConfigChanged', `stamp ${B}`],
    },
    {
      name: 'a snapshot no revision names is deleted, the last seen is kept',
      d: deployment(green),
      configMaps: live('green'),
      secrets: [snapshot(blue, 1), snapshot(green, 2)],
      rsSnapshots: [green],
      actions: [`delete ${B}`],
    },
    {
      name: 'a Secret that is not a snapshot holds the name: a warning, nothing stamped or deleted',
      d: deployment(),
      configMaps: live('blue'),
      secrets: [{ ...snapshot(blue, 1), type: 'Opaque' }],
      actions: ['event ConfigSnapshotNameTaken'],
    },
    {
      name: 'opted out: the stamp is removed',
      d: deployment(blue, { 'baton.dev/config-rollout': 'false' }),
      configMaps: live('blue'),
      secrets: [snapshot(blue, 1)],
      rsSnapshots: [blue],
      actions: ['stamp (none)'],
    },
    {
      name: 'a ConfigMap that opted out is read live: its data is not in the snapshot',
      d: deployment(),
      configMaps: [
        { ...live('blue')[0]!, metadata: { name: 'web-config', annotations: { 'baton.dev/config-rollout': 'false' } } },
      ],
      secrets: [],
      actions: [`create ${nameOf({} as typeof blue)} #1`, `stamp ${nameOf({} as typeof blue)}`],
    },
  ]
  for (const c of cases)
    it(c.name, () => {
      const replicaSets = (c.rsSnapshots ?? []).map((s, i) =>
        aReplicaSet({ name: `web-${i}`, replicas: 1, owner: c.d, template: deployment(s).spec.template }),
      )
      const now = 50_000
      const hash = snapshotHash({ 'configmap/web-config': { data: { ...c.configMaps[0]?.data } } })
      const pending = { hash, since: now - (c.changedAgo ?? 5000) }
      const input = { deployment: c.d, replicaSets, configMaps: c.configMaps, secrets: c.secrets, pending, now }
      expect(brief(planConfigRevision(input))).toEqual(c.actions)
    })
})
