/**
 * @module
 * The implicit readiness gate: a container with no readinessProbe but a declared port is ready
 * only once its first declared containerPort accepts TCP connections (checked every second),
 * instead of as soon as its process runs. Kubernetes routes to such a container at once, and a
 * rolling update then sends requests to replicas that are not listening yet (seed 002 lost 34
 * of 506 requests so); Baton gates them unless the pod opts out with the annotation
 * `baton.dev/implicit-readiness: "false"`.
 */
import type { Container, Probe } from './types.ts'

/** The pod (template) annotation that turns the gate off. */
export const IMPLICIT_READINESS_ANNOTATION = 'baton.dev/implicit-readiness'

export const IMPLICIT_READINESS_PERIOD_SECONDS = 1

/** Whether the gate applies to pods with these annotations. */
export function implicitReadinessGate(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[IMPLICIT_READINESS_ANNOTATION] !== 'false'
}

/** The readiness probe the node agent runs for `container` when it has none of its own; undefined when none applies. */
export function implicitReadinessProbe(
  container: Container,
  annotations: Readonly<Record<string, string>> | undefined,
): Probe | undefined {
  const port = container.ports?.[0]
  if (container.readinessProbe || port === undefined || !implicitReadinessGate(annotations)) return undefined
  return {
    tcpSocket: { port: port.containerPort },
    periodSeconds: IMPLICIT_READINESS_PERIOD_SECONDS,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
  }
}
