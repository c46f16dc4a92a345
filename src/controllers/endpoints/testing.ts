/**
 * @module
 * Builders for endpoints and route tests: pods with declared ports, loopback port mappings
 * and readiness; services with selectors and ports.
 */
import type { Pod } from '../../api/types.ts'

export interface PodOpts {
  uid?: string
  labels?: Record<string, string>
  ready?: boolean
  terminating?: boolean
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed'
  /** containerPort -> hostPort, with an optional port name. */
  ports?: Array<{ containerPort: number; hostPort: number; name?: string }>
}

export function aPod(name: string, o: PodOpts = {}): Pod {
  const ports = o.ports ?? [{ containerPort: 8080, hostPort: 30001, name: 'http' }]
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: o.uid ?? `uid-${name}`,
      labels: o.labels ?? { app: 'web', 'pod-template-hash': 'abc' },
      ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers: [
        { name: 'app', ports: ports.map((p) => ({ containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}) })) },
      ],
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      portMappings: ports.map((p) => ({ containerName: 'app', containerPort: p.containerPort, hostPort: p.hostPort, ...(p.name ? { name: p.name } : {}) })),
    },
  }
}
