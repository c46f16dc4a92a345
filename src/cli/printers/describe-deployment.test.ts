import { describe, expect, it } from 'vitest'
import {
  aDeployment,
  anEvent,
  aReplicaSet,
  at as atSeconds,
  deploymentAsServed,
  replicaSetOf,
  T0,
} from '../../../test/support/builders.ts'
import { describeDeployment } from './describe-deployment.ts'

/** The `kubectl describe deploy busy` of seeds/001, rebuilt as objects (timestamps in UTC). */
function seed001() {
  const d = aDeployment({ ...deploymentAsServed('busy'), replicas: 10, image: 'busybox:1.29' })
  d.metadata.labels = { run: 'busy' }
  d.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' }
  d.metadata.creationTimestamp = '2018-08-19T04:27:19Z'
  d.spec.selector = { matchLabels: { run: 'busy' } }
  d.spec.template.metadata = { labels: { run: 'busy' } }
  d.spec.template.spec.containers = [{ name: 'busy', image: 'busybox:1.29', args: ['sleep', '3600000'] }]
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }
  d.status = {
    replicas: 10,
    updatedReplicas: 10,
    availableReplicas: 10,
    unavailableReplicas: 0,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ],
  }
  const newRS = aReplicaSet(replicaSetOf(d, '84cb46955d'))
  const old = aReplicaSet({ ...replicaSetOf(d, '9669c8599'), image: 'busybox:1.28.4', replicas: 0, available: 0 })
  const now = T0 + 120_000
  const at = (secondsAgo: number) => 120 - secondsAgo
  const busy = { kind: 'Deployment', name: 'busy' }
  const scaled = (message: string, secondsAgo: number) =>
    anEvent({ about: busy, reason: 'ScalingReplicaSet', message, at: at(secondsAgo) })
  const events = [
    scaled('Scaled up replica set busy-9669c8599 to 10', 60),
    scaled('Scaled up replica set busy-84cb46955d to 1', 46),
    scaled('Scaled down replica set busy-9669c8599 to 9', 46),
    scaled('Scaled up replica set busy-84cb46955d to 2', 46),
    scaled('Scaled down replica set busy-9669c8599 to 8', 43),
    scaled('Scaled up replica set busy-84cb46955d to 3', 43),
    scaled('Scaled down replica set busy-9669c8599 to 7', 43),
    scaled('Scaled up replica set busy-84cb46955d to 4', 43),
    scaled('Scaled down replica set busy-9669c8599 to 6', 40),
    anEvent({
      about: busy,
      reason: 'ScalingReplicaSet',
      message: '(combined from similar events): Scaled down replica set busy-9669c8599 to 0',
      at: at(40),
      over: { lastTimestamp: atSeconds(at(28)), count: 12 },
    }),
  ]
  return { deployment: d, replicaSets: [old, newRS], events, now }
}

describe('describeDeployment', () => {
  it('prints the seed 001 layout', () => {
    expect(describeDeployment(seed001())).toBe(
      `Name:                   busy
Namespace:              default
CreationTimestamp:      Sun, 19 Aug 2018 04:27:19 +0000
Labels:                 run=busy
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               run=busy
Replicas:               10 desired | 10 updated | 10 total | 10 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  1 max unavailable, 1 max surge
Pod Template:
  Labels:  run=busy
  Containers:
   busy:
    Image:      busybox:1.29
    Port:       <none>
    Host Port:  <none>
    Args:
      sleep
      3600000
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   busy-84cb46955d (10/10 replicas created)
Events:
  Type    Reason             Age                 From                   Message
  ----    ------             ----                ----                   -------
  Normal  ScalingReplicaSet  60s                 deployment-controller  Scaled up replica set busy-9669c8599 to 10
  Normal  ScalingReplicaSet  46s                 deployment-controller  Scaled up replica set busy-84cb46955d to 1
  Normal  ScalingReplicaSet  46s                 deployment-controller  Scaled down replica set busy-9669c8599 to 9
  Normal  ScalingReplicaSet  46s                 deployment-controller  Scaled up replica set busy-84cb46955d to 2
  Normal  ScalingReplicaSet  43s                 deployment-controller  Scaled down replica set busy-9669c8599 to 8
  Normal  ScalingReplicaSet  43s                 deployment-controller  Scaled up replica set busy-84cb46955d to 3
  Normal  ScalingReplicaSet  43s                 deployment-controller  Scaled down replica set busy-9669c8599 to 7
  Normal  ScalingReplicaSet  43s                 deployment-controller  Scaled up replica set busy-84cb46955d to 4
  Normal  ScalingReplicaSet  40s                 deployment-controller  Scaled down replica set busy-9669c8599 to 6
  Normal  ScalingReplicaSet  28s (x12 over 40s)  deployment-controller  (combined from similar events): Scaled down replica set busy-9669c8599 to 0
`,
    )
  })

  it('lists old replica sets that still have replicas, and says <none> without events', () => {
    const s = seed001()
    const old = s.replicaSets[0]!
    old.spec.replicas = 2
    old.status = { replicas: 2 }
    const text = describeDeployment({ ...s, events: [] })
    expect(text).toContain('OldReplicaSets:  busy-9669c8599 (2/2 replicas created)\n')
    expect(text).toMatch(/\nEvents: {10}<none>\n$/)
  })
})
