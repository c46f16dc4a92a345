/**
 * @module
 * The container and pod-template sections of `describe`, in kubectl's layout: the template
 * form (Deployment, ReplicaSet) shows what is declared; the pod form adds each container's
 * id, state, readiness and restart count.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodTemplateSpec, Probe } from '../../api/types.ts'
import {
  annotationsMultiline,
  type DescribeWriter,
  labelsMultiline,
  LEVEL_0,
  LEVEL_1,
  LEVEL_2,
  LEVEL_3,
  rfc1123z,
} from './describe-writer.ts'

/** "delay=0s timeout=1s period=10s #success=1 #failure=3" with the probe's action first. */
export function describeProbe(p: Probe): string {
  const attrs =
    `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s ` +
    `#success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`
  if (p.exec) return `exec [${p.exec.command.join(' ')}] ${attrs}`
  if (p.httpGet) {
    const scheme = (p.httpGet.scheme ?? 'HTTP').toLowerCase()
    return `http-get ${scheme}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? ''} ${attrs}`
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`
  return `unknown ${attrs}`
}

function portLines(w: DescribeWriter, c: Container, pod?: Pod): void {
  const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ')
  w.line(LEVEL_2, ports.includes(',') ? `Ports:\t${ports}` : `Port:\t${ports || '<none>'}`)
  // On one machine every replica gets its own loopback port: Baton shows it as the host port.
  const mapped = (c.ports ?? []).map((p) => {
    const m = pod?.status?.portMappings?.find((x) => x.containerName === c.name && x.containerPort === p.containerPort)
    return `${m?.hostPort ?? p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`
  })
  const hostPorts = mapped.join(', ')
  w.line(LEVEL_2, hostPorts.includes(',') ? `Host Ports:\t${hostPorts}` : `Host Port:\t${hostPorts || '<none>'}`)
}

function commandLines(w: DescribeWriter, c: Container): void {
  for (const [title, items] of [
    ['Command', c.command],
    ['Args', c.args],
  ] as const) {
    if (!items?.length) continue
    w.line(LEVEL_2, `${title}:`)
    for (const item of items) for (const s of item.split('\n')) w.line(LEVEL_3, s)
  }
}

function stateLines(w: DescribeWriter, title: string, state: ContainerState | undefined): void {
  if (state?.running) {
    w.line(LEVEL_2, `${title}:\tRunning`)
    w.line(LEVEL_3, `Started:\t${rfc1123z(state.running.startedAt)}`)
  } else if (state?.terminated) {
    const t = state.terminated
    w.line(LEVEL_2, `${title}:\tTerminated`)
    if (t.reason) w.line(LEVEL_3, `Reason:\t${t.reason}`)
    if (t.message) w.line(LEVEL_3, `Message:\t${t.message}`)
    w.line(LEVEL_3, `Exit Code:\t${t.exitCode}`)
    if (t.signal) w.line(LEVEL_3, `Signal:\t${t.signal}`)
    w.line(LEVEL_3, `Started:\t${rfc1123z(t.startedAt)}`)
    w.line(LEVEL_3, `Finished:\t${rfc1123z(t.finishedAt)}`)
  } else {
    w.line(LEVEL_2, `${title}:\tWaiting`)
    if (state?.waiting?.reason) w.line(LEVEL_3, `Reason:\t${state.waiting.reason}`)
  }
}

function envLines(w: DescribeWriter, c: Container): void {
  if (!c.env?.length) return w.line(LEVEL_2, 'Environment:\t<none>')
  w.line(LEVEL_2, 'Environment:')
  for (const e of c.env) {
    const cm = e.valueFrom?.configMapKeyRef
    const secret = e.valueFrom?.secretKeyRef
    const field = e.valueFrom?.fieldRef
    if (cm) {
      w.line(
        LEVEL_3,
        `${e.name}:\t<set to the key '${cm.key}' of config map '${cm.name}'>\tOptional: ${cm.optional === true}`,
      )
    } else if (secret) {
      // kubectl's words: "in secret", where a ConfigMap's are "of config map".
      w.line(
        LEVEL_3,
        `${e.name}:\t<set to the key '${secret.key}' in secret '${secret.name}'>\tOptional: ${secret.optional === true}`,
      )
    } else if (field) {
      w.line(LEVEL_3, `${e.name}:\t (${field.apiVersion ?? 'v1'}:${field.fieldPath})`)
    } else {
      for (const [i, s] of (e.value ?? '').split('\n').entries())
        w.line(LEVEL_3, i === 0 ? `${e.name}:\t${s}` : `\t${s}`)
    }
  }
}

/** One container; `status` and `pod` are given for pods, absent for templates. */
function containerLines(
  w: DescribeWriter,
  c: Container,
  nameIndent: string,
  status?: ContainerStatus,
  pod?: Pod,
): void {
  w.line(LEVEL_1, `${nameIndent}${c.name}:`)
  if (status) w.line(LEVEL_2, `Container ID:\t${status.containerID ?? ''}`)
  w.line(LEVEL_2, `Image:\t${c.image ?? ''}`)
  if (status) w.line(LEVEL_2, `Image ID:\t${status.imageID ?? ''}`)
  portLines(w, c, pod)
  commandLines(w, c)
  if (status) {
    stateLines(w, 'State', status.state)
    const last = status.lastState
    if (last?.terminated || last?.running || last?.waiting) stateLines(w, 'Last State', last)
    w.line(LEVEL_2, `Ready:\t${status.ready ? 'True' : 'False'}`)
    w.line(LEVEL_2, `Restart Count:\t${status.restartCount ?? 0}`)
  } else if (pod) {
    // A pod whose container has not started yet has no status.
    stateLines(w, 'State', undefined)
    w.line(LEVEL_2, 'Ready:\tFalse')
    w.line(LEVEL_2, 'Restart Count:\t0')
  }
  for (const [title, items] of [
    ['Limits', c.resources?.limits],
    ['Requests', c.resources?.requests],
  ] as const) {
    if (!items || Object.keys(items).length === 0) continue
    w.line(LEVEL_2, `${title}:`)
    for (const k of Object.keys(items).sort()) w.line(LEVEL_3, `${k}:\t${items[k]}`)
  }
  if (c.livenessProbe) w.line(LEVEL_2, `Liveness:\t${describeProbe(c.livenessProbe)}`)
  if (c.readinessProbe) w.line(LEVEL_2, `Readiness:\t${describeProbe(c.readinessProbe)}`)
  if (c.startupProbe) w.line(LEVEL_2, `Startup:\t${describeProbe(c.startupProbe)}`)
  envLines(w, c)
  const mounts = c.volumeMounts ?? []
  if (mounts.length === 0) w.line(LEVEL_2, 'Mounts:\t<none>')
  else {
    w.line(LEVEL_2, 'Mounts:')
    for (const m of mounts) w.line(LEVEL_3, `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`)
  }
}

/** "Containers:" with each container; `space` is "  " inside a pod template. */
export function containersSection(w: DescribeWriter, containers: readonly Container[], space: string, pod?: Pod): void {
  w.line(LEVEL_0, `${space}Containers:`)
  const nameIndent = space ? ' ' : ''
  for (const c of containers) {
    const status = pod?.status?.containerStatuses?.find((s) => s.name === c.name)
    containerLines(w, c, nameIndent, status, pod)
  }
}

export function volumesSection(w: DescribeWriter, volumes: PodTemplateSpec['spec']['volumes'], space: string): void {
  if (!volumes?.length) return w.line(LEVEL_0, `${space}Volumes:\t<none>`)
  w.line(LEVEL_0, `${space}Volumes:`)
  for (const v of volumes) {
    w.line(LEVEL_1, `${space ? ' ' : ''}${v.name}:`)
    const type = Object.keys(v).find((k) => k !== 'name') ?? 'EmptyDir'
    w.line(LEVEL_2, `Type:\t${type}`)
  }
}

/** "Pod Template:" as a Deployment or ReplicaSet describes it. */
export function podTemplateSection(w: DescribeWriter, t: PodTemplateSpec): void {
  w.line(LEVEL_0, 'Pod Template:')
  labelsMultiline(w, '  Labels', t.metadata?.labels)
  if (t.metadata?.annotations && Object.keys(t.metadata.annotations).length > 0) {
    annotationsMultiline(w, '  Annotations', t.metadata.annotations)
  }
  if (t.spec.initContainers?.length) {
    w.line(LEVEL_0, '  Init Containers:')
    for (const c of t.spec.initContainers) containerLines(w, c, ' ')
  }
  containersSection(w, t.spec.containers, '  ')
  volumesSection(w, t.spec.volumes, '  ')
}
