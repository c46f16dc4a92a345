/**
 * @module
 * `describe` for pods, replica sets and services, in kubectl's layout.
 */
import { selectorToString } from '../../api/labels.ts'
import type { Endpoints, Event, Pod, ReplicaSet, Service } from '../../api/types.ts'
import { containersSection, podTemplateSection, volumesSection } from './describe-containers.ts'
import {
  annotationsMultiline,
  conditionsTable,
  controlledBy,
  DescribeWriter,
  eventsSection,
  labelsMultiline,
  LEVEL_0,
  LEVEL_1,
  nameAndNamespace,
  podsStatusLine,
  rfc1123z,
} from './describe-writer.ts'
import { podStatus } from '../../api/pod-status.ts'

export function describePod(pod: Pod, events: readonly Event[] | undefined, now: number): string {
  const w = new DescribeWriter()
  const st = pod.status ?? {}
  nameAndNamespace(w, pod.metadata)
  w.line(LEVEL_0, `Node:\t${pod.spec.nodeName ? `${pod.spec.nodeName}/${st.hostIP ?? '127.0.0.1'}` : '<none>'}`)
  if (st.startTime) w.line(LEVEL_0, `Start Time:\t${rfc1123z(st.startTime)}`)
  labelsMultiline(w, 'Labels', pod.metadata.labels)
  annotationsMultiline(w, 'Annotations', pod.metadata.annotations)
  if (pod.metadata.deletionTimestamp) {
    w.line(LEVEL_0, `Status:\tTerminating (lasts ${pod.metadata.deletionGracePeriodSeconds ?? 30}s)`)
    w.line(LEVEL_0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 30}s`)
  } else {
    w.line(LEVEL_0, `Status:\t${podStatus(pod) === 'Terminating' ? 'Terminating' : (st.phase ?? 'Pending')}`)
  }
  if (st.reason) w.line(LEVEL_0, `Reason:\t${st.reason}`)
  if (st.message) w.line(LEVEL_0, `Message:\t${st.message.trim()}`)
  w.line(LEVEL_0, `IP:\t${st.podIP ?? ''}`)
  controlledBy(w, pod.metadata)
  containersSection(w, pod.spec.containers, '', pod)
  if (st.conditions?.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n')
    for (const c of st.conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`)
  }
  volumesSection(w, pod.spec.volumes, '')
  eventsSection(w, events, now)
  return w.toString()
}

export function describeReplicaSet(
  rs: ReplicaSet,
  pods: readonly Pod[],
  events: readonly Event[] | undefined,
  now: number,
): string {
  const w = new DescribeWriter()
  nameAndNamespace(w, rs.metadata)
  w.line(LEVEL_0, `Selector:\t${selectorToString(rs.spec.selector) || '<none>'}`)
  labelsMultiline(w, 'Labels', rs.metadata.labels)
  annotationsMultiline(w, 'Annotations', rs.metadata.annotations)
  controlledBy(w, rs.metadata)
  w.line(LEVEL_0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec.replicas ?? 1} desired`)
  podsStatusLine(w, pods)
  podTemplateSection(w, rs.spec.template)
  conditionsTable(w, rs.status?.conditions)
  eventsSection(w, events, now)
  return w.toString()
}

/** The endpoints of one service port: every ready address with that port's number. */
function endpointsFor(ep: Endpoints | undefined, portName: string | undefined): string {
  const all: string[] = []
  for (const subset of ep?.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      if ((port.name ?? '') !== (portName ?? '')) continue
      for (const a of subset.addresses ?? []) all.push(`${a.ip}:${port.port}`)
    }
  }
  if (all.length === 0) return '<none>'
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',')
}

export function describeService(
  svc: Service,
  ep: Endpoints | undefined,
  events: readonly Event[] | undefined,
  now: number,
): string {
  const w = new DescribeWriter()
  nameAndNamespace(w, svc.metadata)
  labelsMultiline(w, 'Labels', svc.metadata.labels)
  annotationsMultiline(w, 'Annotations', svc.metadata.annotations)
  const sel = svc.spec.selector ?? {}
  w.line(LEVEL_0, `Selector:\t${Object.keys(sel).length ? selectorToString({ matchLabels: sel }) : '<none>'}`)
  w.line(LEVEL_0, `Type:\t${svc.spec.type ?? 'ClusterIP'}`)
  w.line(LEVEL_0, `IP:\t${svc.spec.clusterIP ?? '<none>'}`)
  for (const p of svc.spec.ports) {
    const proto = p.protocol ?? 'TCP'
    const name = p.name || '<unset>'
    w.line(LEVEL_0, `Port:\t${name}\t${p.port}/${proto}`)
    w.line(LEVEL_0, `TargetPort:\t${p.targetPort ?? p.port}/${proto}`)
    if (p.nodePort) w.line(LEVEL_0, `NodePort:\t${name}\t${p.nodePort}/${proto}`)
    w.line(LEVEL_0, `Endpoints:\t${endpointsFor(ep, p.name)}`)
  }
  w.line(LEVEL_0, `Session Affinity:\t${svc.spec.sessionAffinity ?? 'None'}`)
  eventsSection(w, events, now)
  return w.toString()
}
