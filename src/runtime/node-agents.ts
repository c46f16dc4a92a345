/**
 * @module
 * One node, several runtimes: the agents of a node that runs both the Docker and the process
 * runtime, behind the one NodeAgent port the daemon starts and stops. Each agent runs only the
 * pods of its own RuntimeClass (its `runs` option), so they never contend for a pod.
 */
import type { NodeAgent } from './types.ts'

export function combineNodeAgents(agents: readonly NodeAgent[]): NodeAgent {
  const first = agents[0]
  if (!first) throw new Error('combineNodeAgents needs at least one agent')
  return {
    nodeName: first.nodeName,
    async start() {
      for (const a of agents) await a.start()
    },
    async stop(opts) {
      await Promise.all(agents.map((a) => a.stop(opts)))
    },
  }
}
