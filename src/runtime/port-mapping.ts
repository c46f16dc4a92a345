/**
 * @module
 * A pod's port mappings (`status.portMappings`: each declared containerPort and the loopback
 * host port it is reached on) and how a probe's or hook's port resolves against them, for
 * both runtimes: the process runtime allocates the host ports (process/port-allocator.ts),
 * the Docker engine picks them (docker/docker-container.ts).
 */
import type { IntOrString, PodStatus } from '../api/types.ts'

export type PortMapping = NonNullable<PodStatus['portMappings']>[number]

/**
 * A probe's port to the host port to dial: a declared containerPort (number) or port name
 * maps to its allocated loopback port, this container's first; an undeclared number is
 * dialled as is (the app may listen on a fixed port of its own).
 */
export function resolvePort(
  mappings: readonly PortMapping[],
  container: string,
  port: IntOrString,
): number | undefined {
  const mine = (m: PortMapping) => (m.containerName === container ? 0 : 1)
  const sorted = [...mappings].sort((a, b) => mine(a) - mine(b))
  const n = typeof port === 'number' ? port : /^\d+$/.test(port) ? Number(port) : undefined
  if (n !== undefined) return sorted.find((m) => m.containerPort === n)?.hostPort ?? n
  return sorted.find((m) => m.name === port)?.hostPort
}
