import { describe, expect, it } from 'vitest'
import type { Pod, StatefulSet } from '../../api/types.ts'
import { aPod, at, podAsServed, T0, template } from '../../../test/support/builders.ts'
import { describeStatefulSet } from './describe-statefulset.ts'

const set: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: at(0) },
  spec: {
    replicas: 3,
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2, maxUnavailable: '50%' } },
    template: template('web:v1', 'web'),
  },
  status: { replicas: 2 },
}

describe('describeStatefulSet (kubectl describe statefulset)', () => {
  it('prints kubectl layout: replicas desired | total, the strategy with partition and maxUnavailable, pods status', () => {
    const pods: Pod[] = [aPod(podAsServed('web-0')), aPod({ ...podAsServed('web-1'), phase: 'Pending' })]
    expect(describeStatefulSet(set, pods, undefined, T0 + 60_000)).toBe(`Name:               web
Namespace:          default
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Selector:           app=web
Labels:             <none>
Annotations:        <none>
Replicas:           3 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        2
  MaxUnavailable:   50%
Pods Status:        1 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web
  Containers:
   app:
    Image:        web:v1
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Volume Claims:    <none>
`)
  })

  it('OnDelete has no partition line', () => {
    const onDelete = { ...set, spec: { ...set.spec, updateStrategy: { type: 'OnDelete' as const } } }
    expect(describeStatefulSet(onDelete, [], undefined, T0)).toContain('Update Strategy:    OnDelete\nPods Status:')
  })
})
