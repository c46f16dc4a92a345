/**
 * @module
 * A fleet's status as its targets' daemons hold it (docs/fleets.md): the fleet's front load
 * balancer writes it every few seconds into a ConfigMap on each target it can reach, so each
 * target's dashboard shows the fleet with nothing more to connect to. The same shape is what
 * `baton fleet status -o json` prints. Here: the shape, where it is kept, and its reading back
 * (pure; the dashboard and src/fleet/ share it).
 */

export const FLEET_STATUS_LABEL = 'fleet.baton.dev/name'
export const FLEET_STATUS_KEY = 'status.json'
export const FLEET_STATUS_NAMESPACE = 'default'
export const fleetStatusConfigMapName = (fleet: string) => `baton-fleet-${fleet}`

export type FleetStep =
  | 'beforeDrain'
  | 'drain'
  | 'push'
  | 'apply'
  | 'rollout'
  | 'afterDeploy'
  | 'verify'
  | 'add'
  | 'afterAdd'

export interface FleetTargetStatus {
  name: string
  /** host:port of the target's Service. */
  address: string
  weight: number
  tags: string[]
  /** The fleet revision the target runs, when the history records one. */
  revision?: number
  health: 'healthy' | 'unhealthy' | 'unknown'
  /** `in`: in the front balancer's route; `drained`: taken out by a rollout; `out`: added but not routed. */
  frontBalancer: 'in' | 'drained' | 'out' | 'unknown'
  requests: number
  errors: number
  /** Its part of the requests the front balancer has sent (0–1). */
  share: number
}

export interface FleetWindowStatus {
  index: number
  targets: string[]
  outcome: 'succeeded' | 'rolled-back' | 'not-started' | 'running'
  /** While it runs: the step each of its targets is at. */
  steps?: Partial<Record<string, FleetStep>>
  failures: Array<{ target: string; step: FleetStep; message: string }>
}

export interface FleetRolloutStatus {
  revision: number
  outcome: 'running' | 'succeeded' | 'failed'
  cause: string
  startedAt: string
  finishedAt?: string
  reason?: string
  interrupted?: boolean
  windows: FleetWindowStatus[]
}

export interface FleetStatus {
  fleet: string
  /** When this status was taken (RFC 3339). */
  at: string
  targets: FleetTargetStatus[]
  rollout?: FleetRolloutStatus
  /** `running`, or why the front load balancer could not be read. */
  frontBalancer: string
}

interface ConfigMapLike {
  metadata: { name: string; labels?: Record<string, string> }
  data?: Record<string, string>
}

/** The fleet status a ConfigMap holds, or undefined when it holds none (or one this version cannot read). */
export function fleetStatusOf(cm: ConfigMapLike): FleetStatus | undefined {
  const fleet = cm.metadata.labels?.[FLEET_STATUS_LABEL]
  const text = cm.data?.[FLEET_STATUS_KEY]
  if (!fleet || text === undefined || cm.metadata.name !== fleetStatusConfigMapName(fleet)) return undefined
  let s: unknown
  try {
    s = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof s !== 'object' || s === null) return undefined
  const o = s as Partial<FleetStatus>
  if (o.fleet !== fleet || !Array.isArray(o.targets) || typeof o.at !== 'string') return undefined
  return o as FleetStatus
}

/** Where the rollout is: the running window and what each of its targets is doing, in words. */
export function rolloutPlace(r: FleetRolloutStatus): string {
  if (r.outcome !== 'running') return `revision ${r.revision} ${r.outcome}${r.reason ? `: ${r.reason}` : ''}`
  const w = r.windows.find((x) => x.outcome === 'running')
  if (!w) return `revision ${r.revision} running`
  const steps = Object.entries(w.steps ?? {}).map(([t, s]) => `${t} at ${s}`)
  return `revision ${r.revision}: window ${w.index} of ${r.windows.length}${steps.length ? ` (${steps.join(', ')})` : ''}`
}
