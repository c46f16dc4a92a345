/**
 * @module
 * ComponentStatus, Kubernetes' report on the health of the cluster's own parts
 * (`kubectl get componentstatuses`): one condition, type Healthy. Baton has one such part that
 * replicas' traffic depends on, the load balancer (the data plane). Computed by the daemon on
 * every read, never stored, as in Kubernetes.
 */
import type { Timestamp } from './types.ts'

export const LOAD_BALANCER_COMPONENT = 'load-balancer'

export interface ComponentCondition {
  type: 'Healthy'
  status: 'True' | 'False' | 'Unknown'
  /** Baton's addition (CamelCase, as other conditions): Serving, Exited, Unresponsive, StartFailed. */
  reason?: string
  message?: string
  error?: string
  lastTransitionTime?: Timestamp
}

export interface ComponentStatus {
  apiVersion: 'v1'
  kind: 'ComponentStatus'
  metadata: { name: string }
  conditions: ComponentCondition[]
  /** Baton's addition: how often the daemon has replaced this component. */
  restarts?: number
}

export interface ComponentStatusList {
  apiVersion: 'v1'
  kind: 'ComponentStatusList'
  items: ComponentStatus[]
}

/** True when the component reports Healthy=True. */
export function componentHealthy(cs: ComponentStatus): boolean {
  return cs.conditions.some((c) => c.type === 'Healthy' && c.status === 'True')
}
