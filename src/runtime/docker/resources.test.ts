import { describe, expect, it } from 'vitest'
import type { Container, Pod } from '../../api/types.ts'
import { engineResources, qosClass } from './resources.ts'

const GiB = 2 ** 30
const pod = (...resources: Container['resources'][]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', ...(r ? { resources: r } : {}) })) },
})

describe('qosClass', () => {
  it.each<[string, Container['resources'][], string]>([
    ['no resources', [undefined], 'BestEffort'],
    ['limits only (requests default to them)', [{ limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    [
      'requests equal to limits',
      [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } }],
      'Guaranteed',
    ],
    ['request below limit', [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }], 'Burstable'],
    ['memory limit only', [{ limits: { memory: '64Mi' } }], 'Burstable'],
    ['one container without', [{ limits: { cpu: '1', memory: '1Gi' } }, undefined], 'Burstable'],
  ])('%s: %s', (_, rs, qos) => expect(qosClass(pod(...rs))).toBe(qos))
})

describe("engineResources (the kubelet's mapping)", () => {
  const map = (r: Container['resources'], oomScoreAdjFloor = -1000) => {
    const p = pod(r)
    const c = p.spec.containers[0] as Container
    return engineResources(p, c, { memoryCapacity: 8 * GiB, oomScoreAdjFloor })
  }
  it.each<[string, Container['resources'], object]>([
    ['nothing: BestEffort, engine defaults', undefined, { OomScoreAdj: 1000 }],
    [
      'cpu and memory limits: quota, shares from the limit, Guaranteed',
      { limits: { cpu: '500m', memory: '64Mi' } },
      { Memory: 67108864, CpuQuota: 50000, CpuPeriod: 100000, CpuShares: 512, OomScoreAdj: -997 },
    ],
    [
      'requests only: shares, Burstable score from the memory request',
      { requests: { cpu: '250m', memory: '2Gi' } },
      { CpuShares: 256, OomScoreAdj: 750 },
    ],
    [
      'a tiny cpu limit: the minimum quota',
      { limits: { cpu: '1m' } },
      { CpuQuota: 1000, CpuPeriod: 100000, CpuShares: 2, OomScoreAdj: 999 },
    ],
    ['a huge memory request: at least 3', { requests: { memory: '16Gi' } }, { OomScoreAdj: 3 }],
    ['two cpus', { requests: { cpu: '2' } }, { CpuShares: 2048, OomScoreAdj: 999 }],
  ])('%s', (_, r, want) => expect(map(r)).toEqual(want))

  it('keeps a Guaranteed container at the lowest score the node allows', () => {
    expect(map({ limits: { cpu: '1', memory: '1Gi' } }, 0).OomScoreAdj).toBe(0)
  })
})
