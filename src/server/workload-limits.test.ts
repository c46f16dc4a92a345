import { describe, expect, it } from 'vitest'
import type { Deployment, Pod, ReplicaSet } from '../api/types.ts'
import { aDeployment, aPod, aReplicaSet } from '../../test/support/builders.ts'
import { checkWorkloadLimits, otherPodDemand } from './workload-limits.ts'

const deploy = (name: string, replicas: number): Deployment => {
  const d = aDeployment({ name, replicas })
  return { ...d, metadata: { ...d.metadata, uid: `uid-${name}` } }
}
const web = deploy('web', 5)
const api = deploy('api', 3)
const webOld = aReplicaSet({ name: 'web-old', owner: web, replicas: 2 })
const webNew = aReplicaSet({ name: 'web-new', owner: web, replicas: 5 })
const bareRs = aReplicaSet({ name: 'lone-rs', replicas: 4 })
const pods = (rs: ReplicaSet, n: number, extra: Partial<Parameters<typeof aPod>[0]> = {}): Pod[] =>
  Array.from({ length: n }, (_, i) => aPod({ name: `${rs.metadata.name}-${i}`, owner: rs, phase: 'Running', ...extra }))
const bare = aPod({ name: 'bare', phase: 'Running' })

describe('otherPodDemand (what the node is asked to run besides one workload)', () => {
  it.each([
    { name: 'nothing on the node', workloads: [], pods: [], exclude: undefined, want: 0 },
    {
      name: 'desired replicas count before their pods exist',
      workloads: [web, api],
      pods: [],
      exclude: undefined,
      want: 8,
    },
    {
      name: 'a Deployment mid-rollout counts its pods if they exceed its replicas (surge)',
      workloads: [web, webOld, webNew],
      pods: [...pods(webOld, 2), ...pods(webNew, 5)],
      exclude: undefined,
      want: 7,
    },
    {
      name: 'the written workload is left out, with its ReplicaSets and pods',
      workloads: [web, webOld, webNew, api],
      pods: [...pods(webOld, 2), ...pods(webNew, 4)],
      exclude: 'uid-web',
      want: 3,
    },
    {
      name: 'a ReplicaSet without a Deployment is a workload of its own',
      workloads: [bareRs],
      pods: pods(bareRs, 1),
      exclude: undefined,
      want: 4,
    },
    {
      name: 'terminating and finished pods free their slot',
      workloads: [],
      pods: [aPod({ name: 'a', phase: 'Running', deleting: true }), aPod({ name: 'b', phase: 'Succeeded' }), bare],
      exclude: undefined,
      want: 1,
    },
    { name: 'bare pods count one each', workloads: [api], pods: [bare], exclude: 'uid-api', want: 1 },
  ])('$name → $want', ({ workloads, pods: ps, exclude, want }) => {
    expect(otherPodDemand({ workloads, pods: ps }, exclude)).toBe(want)
  })
})

describe('checkWorkloadLimits', () => {
  const limits = { maxReplicas: 10, maxPods: 12 }
  const node = () => ({ workloads: [web, api], pods: [] })
  const scaled = (d: Deployment, replicas: number): Deployment => ({ ...d, spec: { ...d.spec, replicas } })
  it.each([
    { name: 'a create within both limits', next: deploy('new', 4), current: undefined, error: undefined },
    {
      name: 'a create over --max-replicas',
      next: deploy('new', 11),
      current: undefined,
      error: /must be less than or equal to 10 \(the daemon's --max-replicas\)/,
    },
    {
      name: 'a create that overfills the node',
      next: deploy('new', 5),
      current: undefined,
      error: /asked to run 13 pods \(8 for other workloads\), more than its limit of 12/,
    },
    {
      name: 'a raise of an existing workload, its own pods not counted twice',
      next: scaled(web, 9),
      current: web,
      error: undefined,
    },
    { name: 'a raise past the node', next: scaled(web, 10), current: web, error: /asked to run 13 pods/ },
    { name: 'a lowering, even over both limits', next: scaled(web, 20), current: scaled(web, 30), error: undefined },
    {
      name: 'a Service',
      next: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} },
      current: undefined,
      error: undefined,
    },
  ])('$name', ({ next, current, error }) => {
    const check = () => checkWorkloadLimits(next as never, current, node, limits)
    if (error) expect(check).toThrow(error)
    else expect(check).not.toThrow()
  })
})
