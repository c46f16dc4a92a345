/**
 * @module
 * The pods endpoints and route tests start from: ready, of app `web`, serving http on 8080
 * through loopback host port 30001 (built by the test kit's aPod).
 */
import type { Pod } from '../../api/types.ts'
import { aPod, type PodOptions } from '../../../test/support/builders.ts'

export interface ServingPodOptions {
  labels?: Record<string, string>
  ready?: boolean
  terminating?: boolean
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed'
  /** containerPort -> hostPort, with an optional port name. */
  ports?: PodOptions['ports']
}

export function aServingPod(name: string, o: ServingPodOptions = {}): Pod {
  return aPod({
    name,
    labels: o.labels ?? { app: 'web', 'pod-template-hash': 'abc' },
    ready: o.ready ?? true,
    ports: o.ports ?? [{ containerPort: 8080, hostPort: 30001, name: 'http' }],
    ...(o.phase ? { phase: o.phase } : {}),
    ...(o.terminating ? { deleting: true } : {}),
  })
}
