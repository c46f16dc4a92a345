/**
 * @module
 * `describe statefulset` in kubectl's layout (describe.go describeStatefulSet).
 */
import { selectorToString } from '../../api/labels.ts'
import type { Event, Pod, StatefulSet } from '../../api/types.ts'
import { podTemplateSection } from './describe-containers.ts'
import {
  annotationsMultiline,
  DescribeWriter,
  eventsSection,
  labelsMultiline,
  LEVEL_0,
  LEVEL_1,
  nameAndNamespace,
  podsStatusLine,
  rfc1123z,
} from './describe-writer.ts'

export function describeStatefulSet(
  set: StatefulSet,
  pods: readonly Pod[],
  events: readonly Event[] | undefined,
  now: number,
): string {
  const w = new DescribeWriter()
  nameAndNamespace(w, set.metadata)
  w.line(LEVEL_0, `CreationTimestamp:\t${rfc1123z(set.metadata.creationTimestamp)}`)
  w.line(LEVEL_0, `Selector:\t${selectorToString(set.spec.selector) || '<none>'}`)
  labelsMultiline(w, 'Labels', set.metadata.labels)
  annotationsMultiline(w, 'Annotations', set.metadata.annotations)
  w.line(LEVEL_0, `Replicas:\t${set.spec.replicas ?? 1} desired | ${set.status?.replicas ?? 0} total`)
  const strategy = set.spec.updateStrategy
  w.line(LEVEL_0, `Update Strategy:\t${strategy?.type ?? 'RollingUpdate'}`)
  const ru = strategy?.rollingUpdate
  if (ru?.partition !== undefined) {
    w.line(LEVEL_1, `Partition:\t${ru.partition}`)
    if (ru.maxUnavailable !== undefined) w.line(LEVEL_1, `MaxUnavailable:\t${ru.maxUnavailable}`)
  }
  podsStatusLine(w, pods)
  podTemplateSection(w, set.spec.template)
  w.line(LEVEL_0, 'Volume Claims:\t<none>')
  eventsSection(w, events, now)
  return w.toString()
}
