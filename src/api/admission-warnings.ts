/**
 * @module
 * Warnings for an admitted object: what is valid and will be stored, but will probably not do
 * what the user expects. The API sends them as `Warning` headers, as the Kubernetes API server
 * does, and the CLI prints them as kubectl does (`Warning: ...` on stderr). Pure: the facts
 * that need the store or the artifact store are passed in.
 *
 * | warning | when |
 * | --- | --- |
 * | missing artifact | a container's image names no pushed artifact: the pod would wait in ImagePullBackOff |
 * | no command | a container sets neither command nor args and its artifact has no default command: RunContainerError |
 * | no port | a container of a Deployment behind a Service declares no port: no $PORT, no implicit readiness gate, nothing to target |
 * | no readiness | a Deployment behind a Service has no readinessProbe and no implicit gate (opted out, or no port) |
 * | targetPort | a Service's targetPort matches no port of the pods it selects |
 */
import { at, idx } from './field-errors.ts'
import { isRec, type Rec } from './guards.ts'
import { IMPLICIT_READINESS_ANNOTATION, implicitReadinessGate } from './implicit-readiness.ts'
import { matchesSelector } from './labels.ts'
import type { Deployment, KObject, PodTemplateSpec, Service } from './types.ts'

export interface WarningFacts {
  /** Whether an image resolves to a pushed artifact; absent when the API has no artifact store. */
  hasArtifact?: (image: string) => boolean
  /** A pushed artifact's default command (like an image's CMD); undefined when it has none. */
  defaultCommand?: (image: string) => readonly string[] | undefined
  /** The Services of the object's namespace. */
  services: readonly Service[]
  /** The Deployments of the object's namespace. */
  deployments: readonly Deployment[]
}

/** The template of a workload or the pod itself, with the path of its pod spec. */
function podOf(obj: KObject): { template: PodTemplateSpec; path: string } | undefined {
  const o = obj as unknown as Rec
  if (!isRec(o.spec)) return undefined
  if (obj.kind === 'Pod')
    return { template: { metadata: obj.metadata, spec: o.spec } as unknown as PodTemplateSpec, path: 'spec' }
  if ((obj.kind === 'Deployment' || obj.kind === 'ReplicaSet') && isRec(o.spec.template)) {
    return { template: o.spec.template as unknown as PodTemplateSpec, path: 'spec.template.spec' }
  }
  return undefined
}

const selects = (svc: Service, template: PodTemplateSpec) =>
  svc.spec.selector !== undefined &&
  Object.keys(svc.spec.selector).length > 0 &&
  matchesSelector({ matchLabels: svc.spec.selector }, template.metadata?.labels)

/** Whether a Service port's target is one of the template's container ports. */
function targets(port: Service['spec']['ports'][number], template: PodTemplateSpec): boolean {
  const target = port.targetPort ?? port.port
  const ports = template.spec.containers.flatMap((c) => c.ports ?? [])
  if (typeof target === 'number' || /^\d+$/.test(target)) return ports.some((p) => p.containerPort === Number(target))
  return ports.some((p) => p.name === target)
}

export function admissionWarnings(obj: KObject, facts: WarningFacts): string[] {
  if (obj.kind === 'Service') return serviceWarnings(obj as Service, facts)
  const pod = podOf(obj)
  if (!pod) return []
  const { template, path } = pod
  const out: string[] = []
  template.spec.containers.forEach((c, i) => {
    const cpath = idx(at(path, 'containers'), i)
    const pushed = c.image && facts.hasArtifact ? facts.hasArtifact(c.image) : undefined
    if (c.image && pushed === false) {
      out.push(
        `${cpath}.image: no artifact "${c.image}" has been pushed; its pods will wait in ImagePullBackOff until you run: baton push ${c.image} DIR (or, for a Docker image, set runtimeClassName: docker on a node started with baton up --runtime docker)`,
      )
    }
    const ownCommand = (c.command?.length ?? 0) + (c.args?.length ?? 0) > 0
    if (c.image && pushed && !ownCommand && facts.defaultCommand && !facts.defaultCommand(c.image)) {
      out.push(
        `${cpath}.command: container "${c.name}" sets no command and artifact "${c.image}" has no default command; its pods will fail with RunContainerError: set command (and args), or push the artifact with one: baton push ${c.image} DIR --cmd 'COMMAND'`,
      )
    }
  })
  if (obj.kind === 'Deployment') {
    for (const svc of facts.services.filter((s) => selects(s, template)))
      out.push(...behindServiceWarnings(svc, obj as Deployment))
  }
  return out
}

function serviceWarnings(svc: Service, facts: WarningFacts): string[] {
  return facts.deployments.filter((d) => selects(svc, d.spec.template)).flatMap((d) => behindServiceWarnings(svc, d))
}

/** A Deployment behind a Service: replicas must say when they listen, and the Service must target a port they have. */
function behindServiceWarnings(svc: Service, d: Deployment): string[] {
  const template = d.spec.template
  const out: string[] = []
  for (const c of template.spec.containers) {
    if ((c.ports ?? []).length > 0) continue
    out.push(
      `Deployment "${d.metadata.name}" is behind Service "${svc.metadata.name}" but its container "${c.name}" declares no port: ` +
        'it gets no $PORT and no implicit readiness gate, and the Service cannot target it; add ports: [{containerPort: N}]',
    )
  }
  const probed = template.spec.containers.some((c) => c.readinessProbe)
  const gated =
    implicitReadinessGate(template.metadata?.annotations) &&
    template.spec.containers.some((c) => (c.ports ?? []).length > 0)
  if (!probed && !gated) {
    out.push(
      `Deployment "${d.metadata.name}" is behind Service "${svc.metadata.name}" but has no readinessProbe and no implicit readiness gate ` +
        `(no port, or ${IMPLICIT_READINESS_ANNOTATION}: "false"): a rolling update will route requests to replicas that are not listening yet; add a readinessProbe`,
    )
  }
  out.push(...targetPortWarnings(svc, template, `Deployment "${d.metadata.name}"`))
  return out
}

function targetPortWarnings(svc: Service, template: PodTemplateSpec, what: string): string[] {
  return (svc.spec.ports ?? [])
    .filter((p) => !targets(p, template))
    .map(
      (p) =>
        `Service "${svc.metadata.name}" port ${p.port}: targetPort ${JSON.stringify(p.targetPort ?? p.port)} matches no container port of ${what}; requests to it will fail`,
    )
}
