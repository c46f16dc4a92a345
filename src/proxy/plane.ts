/**
 * @module
 * The data plane as the proxy's control API sees it, whether it runs in this process
 * (tests, one core) or in worker processes (proxy/cluster.ts).
 */
import type { DataPlane, ListenFailure } from './data-plane.ts'
import type { ServiceRoute, TrafficMetrics } from './types.ts'

export interface Plane {
  setRoutes(routes: ServiceRoute[]): Promise<ListenFailure[]>
  routes(): ServiceRoute[]
  inflight(podUid: string): Promise<number>
  waitDrained(podUid: string, deadlineMs: number): Promise<boolean>
  metrics(): Promise<TrafficMetrics>
  close(): Promise<void>
}

export function localPlane(dp: DataPlane): Plane {
  return {
    setRoutes: (routes) => dp.setRoutes(routes),
    routes: () => dp.routes(),
    inflight: async (uid) => dp.inflight(uid),
    waitDrained: (uid, deadline) => dp.waitDrained(uid, deadline),
    metrics: async () => dp.metrics(),
    close: async () => dp.close(),
  }
}
