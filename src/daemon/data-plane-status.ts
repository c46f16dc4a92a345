/**
 * @module
 * The data plane's health as the API shows it. Kubernetes reports its own parts' health as
 * ComponentStatus objects (`kubectl get componentstatuses`, condition type Healthy); Baton
 * does the same for the load balancer (`baton get componentstatuses`), and records each
 * replacement of the load balancer as a Warning Event (reason DataPlaneRestarted) about that
 * component.
 */
import { LOAD_BALANCER_COMPONENT, type ComponentStatus } from '../api/component-status.ts'
import { formatTimestamp } from '../api/timestamps.ts'
import type { KObject } from '../api/types.ts'
import { recordEvent } from '../events/record-event.ts'
import type { Clock } from '../platform/clock.ts'
import type { DataPlaneHealth, RestartRecord } from '../proxy/supervisor.ts'
import type { ObjectStore } from '../store/types.ts'

export const DATA_PLANE_RESTARTED = 'DataPlaneRestarted'

export function recordDataPlaneRestart(store: ObjectStore, clock: Clock, r: RestartRecord): void {
  recordEvent(
    store,
    clock,
    // An Event needs only a reference to its object; a ComponentStatus is not a stored kind.
    {
      apiVersion: 'v1',
      kind: 'ComponentStatus',
      metadata: { name: LOAD_BALANCER_COMPONENT, namespace: 'default' },
    } as unknown as KObject,
    'Warning',
    DATA_PLANE_RESTARTED,
    `${r.message}; replaced by pid ${r.newPid}, serving again ${r.tookMs} ms after the failure was noticed`,
    'data-plane-supervisor',
  )
}

export function dataPlaneComponentStatus(h: DataPlaneHealth): ComponentStatus {
  return {
    apiVersion: 'v1',
    kind: 'ComponentStatus',
    metadata: { name: LOAD_BALANCER_COMPONENT },
    conditions: [
      {
        type: 'Healthy',
        status: h.ready ? 'True' : 'False',
        reason: h.reason,
        message: h.message,
        ...(h.ready ? {} : { error: h.message }),
        lastTransitionTime: formatTimestamp(h.sinceMs),
      },
    ],
    restarts: h.restarts,
  }
}
