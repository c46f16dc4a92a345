import { describe, expect, it } from 'vitest'
import { implicitReadinessProbe } from './implicit-readiness.ts'
import type { Container } from './types.ts'

const web = (over: Partial<Container> = {}): Container => ({
  name: 'web',
  image: 'web:v1',
  ports: [{ containerPort: 8080 }, { containerPort: 9090 }],
  ...over,
})
const off = { 'baton.dev/implicit-readiness': 'false' }

const CASES: Array<{ name: string; container: Container; annotations?: Record<string, string>; probe: unknown }> = [
  {
    name: 'no probe, ports: TCP on the first port every second',
    container: web(),
    probe: { tcpSocket: { port: 8080 }, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
  },
  {
    name: 'its own readiness probe wins',
    container: web({ readinessProbe: { httpGet: { port: 8080, path: '/' } } }),
    probe: undefined,
  },
  { name: 'no port: nothing to check', container: web({ ports: [] }), probe: undefined },
  { name: 'opted out by annotation', container: web(), annotations: off, probe: undefined },
  {
    name: 'an annotation other than "false" keeps it',
    container: web(),
    annotations: { 'baton.dev/implicit-readiness': 'true' },
    probe: { tcpSocket: { port: 8080 } },
  },
]

describe('implicitReadinessProbe', () => {
  it.each(CASES)('$name', ({ container, annotations, probe }) => {
    const got = implicitReadinessProbe(container, annotations)
    if (probe === undefined) expect(got).toBeUndefined()
    else expect(got).toMatchObject(probe as object)
  })
})
