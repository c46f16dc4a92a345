/**
 * @module
 * `kind: Fleet` (`apiVersion: baton.dev/v1`): several Baton hosts rolled window by window by
 * one coordinator (`baton fleet …`), behind a front load balancer. Each host's daemon stays the
 * authority for its own replicas; a fleet schedules nothing and fails nothing over.
 */

export const FLEET_API_VERSION = 'baton.dev/v1'
export const FLEET_KIND = 'Fleet'

/** How the coordinator reaches a target's Baton API. */
export type TargetConnection =
  /** A Baton API URL and its bearer token (inline, or a file holding it). */
  | { server: string; token?: string; tokenFile?: string }
  /** A kubeconfig file and the context in it that names the target's cluster and user. */
  | { kubeconfig: string; context: string }

export interface FleetTarget {
  name: string
  connection: TargetConnection
  /** Where the target serves the fleet's traffic: its own Service's listen address. */
  service: { host: string; port: number }
  tags: string[]
  /** Relative share of the front load balancer's traffic (1–100, default 1). */
  weight: number
}

export interface HealthCheck {
  path: string
  intervalSeconds: number
  timeoutSeconds: number
  /** Consecutive failed checks before a target is taken out of the front load balancer. */
  unhealthyThreshold: number
  /** Consecutive good checks before it is put back. */
  healthyThreshold: number
}

/** An HAProxy the user runs, driven through its runtime API: one `server` per target, named after it. */
export interface HaproxyFront {
  /** The runtime API: a Unix socket path (`stats socket PATH level admin`) or `host:port`. */
  socket: string
  /** The backend whose servers are the targets. */
  backend: string
}

export interface FrontLoadBalancer {
  /** Set: the front load balancer is this HAProxy, and `listen`/`healthCheck` are its own (haproxy.cfg), unused here. */
  haproxy?: HaproxyFront
  listen: { host: string; port: number }
  healthCheck: HealthCheck
  /** Longest wait for a drained target's in-flight requests to finish. */
  drainTimeoutSeconds: number
}

export type FailureAction = 'stop' | 'rollback' | 'continue'

export interface FailurePolicy {
  /**
   * The failed window is always rolled back as a whole. Then: `stop` ends the rollout
   * (earlier windows keep the new revision), `rollback` also rolls every earlier window back,
   * `continue` goes on with the next windows until more than `maxFailedTargets` failed.
   */
  action: FailureAction
  maxFailedTargets: number
}

export const HOOK_NAMES = ['beforeDrain', 'afterDeploy', 'verify', 'afterAdd'] as const
export type HookName = (typeof HOOK_NAMES)[number]

/** Shell commands (`sh -c`), each run once per target of the window, in order. */
export type Hooks = Record<HookName, string[]>

export interface FleetSpec {
  /** Manifest files or directories, relative to the fleet file, applied to every target. */
  manifests: string[]
  /** NAME:TAG → directory (relative to the fleet file) pushed to every target that lacks it. */
  artifacts: Record<string, string>
  targets: FleetTarget[]
  frontLoadBalancer: FrontLoadBalancer
  /** A count of targets, or a percentage of them ("50%"), rolled at once. */
  windowSize: number | string
  failurePolicy: FailurePolicy
  hooks: Hooks
  /** Longest wait for one target's own rolling update. */
  rolloutTimeoutSeconds: number
  hookTimeoutSeconds: number
}

export interface Fleet {
  apiVersion: typeof FLEET_API_VERSION
  kind: typeof FLEET_KIND
  metadata: { name: string }
  spec: FleetSpec
}
