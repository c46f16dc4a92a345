/**
 * @module
 * Helpers shared by the simulations in test/sim: a fake agent whose pods become ready at
 * staggered times (as real pods do, so the controllers see one pod at a time, like the
 * seed-001 trace), and the ScalingReplicaSet events in a compact form.
 */
import type { Pod } from '../../src/api/types.ts'
import type { FakeNodeAgentOptions } from '../../src/runtime/fake/fake-node-agent.ts'
import { type Simulation, createSimulation } from '../../src/sim/simulation.ts'

/** A deterministic 0-999 ms spread from the pod's name. */
export function jitterMs(pod: Pod): number {
  let h = 7
  for (const ch of pod.metadata.name) h = (h * 31 + ch.charCodeAt(0)) % 1009
  return h % 1000
}

/** Containers start after 500 ms, pass readiness 2–3 s later, and stop 1 s after deletion. */
export const STAGGERED_AGENT: Omit<FakeNodeAgentOptions, 'store' | 'clock'> = {
  startDelayMs: 500,
  terminateDelayMs: 1000,
  behavior: (pod) => ({ readyDelayMs: 2000 + jitterMs(pod) }),
}

export function staggeredSimulation(extra: Partial<FakeNodeAgentOptions> = {}): Simulation {
  return createSimulation({ agent: { ...STAGGERED_AGENT, ...extra } })
}

/**
 * ScalingReplicaSet events since `fromIndex`, as "up <rs> 3" / "down <rs> 9"; `names` maps
 * ReplicaSet names to readable labels (e.g. {[newRs]: 'new'}).
 */
export function scalingSteps(
  sim: Simulation,
  deployment: string,
  names: Record<string, string> = {},
  fromIndex = 0,
): string[] {
  return sim.recorder
    .events(deployment)
    .slice(fromIndex)
    .filter((e) => e.reason === 'ScalingReplicaSet')
    .map((e) => {
      // Past the tenth distinct message the recorder aggregates (client-go's EventAggregator):
      // each step is then an update of one Event whose message carries this prefix.
      const m = /^(?:\(combined from similar events\): )?Scaled (up|down) replica set (\S+) to (\d+)/.exec(e.message)
      if (!m) throw new Error(`unexpected ScalingReplicaSet message: ${e.message}`)
      return `${m[1]} ${names[m[2] as string] ?? m[2]} ${m[3]}`
    })
}
