/**
 * @module
 * `describe deployment`, in kubectl's layout (see seeds/001: Replicas line, RollingUpdateStrategy
 * "1 max unavailable, 1 max surge", Conditions, OldReplicaSets/NewReplicaSet, Events).
 */
import { selectorToString } from '../../api/labels.ts'
import type { Deployment, Event, ReplicaSet } from '../../api/types.ts'
import { podTemplateSection } from './describe-containers.ts'
import {
  annotationsMultiline,
  conditionsTable,
  DescribeWriter,
  eventsSection,
  labelsMultiline,
  LEVEL_0,
  nameAndNamespace,
  rfc1123z,
} from './describe-writer.ts'
import { isControlledBy } from '../../api/owner-refs.ts'
import { findNewReplicaSet, findOldReplicaSets } from '../../rollout/replica-sets.ts'

export interface DeploymentDescription {
  deployment: Deployment
  replicaSets: readonly ReplicaSet[]
  /** Events about the deployment; omit to leave out the Events section (--show-events=false). */
  events?: readonly Event[]
  now: number
}

/** "busy-84cb46955d (10/10 replicas created)", comma-joined; "<none>" for none. */
export function replicaSetsByLabels(sets: readonly ReplicaSet[]): string {
  if (sets.length === 0) return '<none>'
  return sets
    .map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 0} replicas created)`)
    .join(', ')
}

export function describeDeployment({ deployment: d, replicaSets, events, now }: DeploymentDescription): string {
  const w = new DescribeWriter()
  const st = d.status ?? {}
  nameAndNamespace(w, d.metadata)
  w.line(LEVEL_0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}`)
  labelsMultiline(w, 'Labels', d.metadata.labels)
  annotationsMultiline(w, 'Annotations', d.metadata.annotations)
  w.line(LEVEL_0, `Selector:\t${selectorToString(d.spec.selector) || '<none>'}`)
  w.line(
    LEVEL_0,
    `Replicas:\t${d.spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ` +
      `${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
  )
  if (d.spec.paused) w.line(LEVEL_0, 'Paused:\ttrue')
  w.line(LEVEL_0, `StrategyType:\t${d.spec.strategy?.type ?? 'RollingUpdate'}`)
  w.line(LEVEL_0, `MinReadySeconds:\t${d.spec.minReadySeconds ?? 0}`)
  const ru = d.spec.strategy?.rollingUpdate
  if (ru) {
    w.line(
      LEVEL_0,
      `RollingUpdateStrategy:\t${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`,
    )
  }
  podTemplateSection(w, d.spec.template)
  conditionsTable(w, st.conditions)
  const owned = replicaSets.filter((rs) => isControlledBy(rs, d))
  const newRS = findNewReplicaSet(d, owned)
  w.line(LEVEL_0, `OldReplicaSets:\t${replicaSetsByLabels(findOldReplicaSets(d, owned).active)}`)
  w.line(LEVEL_0, `NewReplicaSet:\t${replicaSetsByLabels(newRS ? [newRS] : [])}`)
  eventsSection(w, events, now)
  return w.toString()
}
