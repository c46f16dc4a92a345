/**
 * @module
 * When a rollout plan must say that it cannot know when pods are ready. The plan counts a new
 * pod as available once it is ready; Baton knows a container is ready from its readinessProbe,
 * or, without one, from the implicit readiness gate (api/implicit-readiness.ts: its first
 * declared port accepts connections). A container with neither is ready as soon as its process
 * runs, so the plan's capacity floor holds only if the app serves from its first instant.
 *
 * @example
 * uncheckedReadinessNote(aDeployment({ readinessProbe: false })) // undefined: port 8080 is gated
 * uncheckedReadinessNote(withAnnotation('baton.dev/implicit-readiness', 'false')) // 'Readiness cannot be checked …'
 */
import { IMPLICIT_READINESS_ANNOTATION, implicitReadinessProbe } from '../api/implicit-readiness.ts'
import type { Container, Deployment } from '../api/types.ts'
import { desiredReplicas } from './spec-defaults.ts'

function why(c: Container): string {
  return c.ports?.length ? `implicit readiness is off (${IMPLICIT_READINESS_ANNOTATION}: "false")` : 'no declared port'
}

/** The note for `d`'s plan, or undefined when every container's readiness is checked (or nothing runs). */
export function uncheckedReadinessNote(d: Deployment): string | undefined {
  if (desiredReplicas(d) === 0) return undefined
  const annotations = d.spec.template.metadata?.annotations
  const unchecked = d.spec.template.spec.containers.filter(
    (c) => !c.readinessProbe && !implicitReadinessProbe(c, annotations),
  )
  if (unchecked.length === 0) return undefined
  const which = unchecked.map((c) => `"${c.name}" (no readinessProbe, ${why(c)})`).join(', ')
  return (
    `Readiness cannot be checked for container ${which}: a pod counts as ready as soon as it starts, so these figures assume ` +
    'the app serves from its first instant. Add a readinessProbe (or declare the port it listens on) to make them hold.'
  )
}
