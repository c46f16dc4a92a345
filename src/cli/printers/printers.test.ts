import { describe, expect, it } from 'vitest'
import type { Endpoints, Pod } from '../../api/types.ts'
import {
  aDeployment,
  anEvent,
  aPod,
  aReplicaSet,
  aService,
  at,
  deploymentAsServed,
  podAsServed,
  replicaSetOf,
  serviceAsServed,
  T0,
} from '../../../test/support/builders.ts'
import { describePod, describeReplicaSet, describeService } from './describe-others.ts'
import { podStatus } from '../../api/pod-status.ts'
import { printTable } from './tables.ts'
import { DESCRIBE_TABS, tabulate, table } from './tabwriter.ts'

describe('tabwriter', () => {
  it('aligns a column only over the lines that have it', () => {
    expect(tabulate('a:\t1\nlonger:\t2\nbreak\nx:\t3\n', DESCRIBE_TABS)).toBe('a:       1\nlonger:  2\nbreak\nx:  3\n')
  })
  it('pads to the minimum width and leaves the last cell alone', () => {
    expect(
      table([
        ['NAME', 'AGE'],
        ['a', '5s'],
      ]),
    ).toBe('NAME   AGE\na      5s\n')
  })
})

describe('pod STATUS', () => {
  const withState = (state: NonNullable<Pod['status']>['containerStatuses']) => {
    const p = aPod(podAsServed('p'))
    p.status!.containerStatuses = state
    return p
  }
  const cs = (state: object, ready = false) => [
    { name: 'web', ready, restartCount: 0, image: '', imageID: '', state, lastState: {} },
  ]
  it.each([
    { name: 'running', pod: aPod(podAsServed('p')), want: 'Running' },
    { name: 'pending', pod: withState([]), phase: 'Pending', want: 'Pending' },
    { name: 'creating', pod: withState(cs({ waiting: { reason: 'ContainerCreating' } })), want: 'ContainerCreating' },
    { name: 'crash loop', pod: withState(cs({ waiting: { reason: 'CrashLoopBackOff' } })), want: 'CrashLoopBackOff' },
    { name: 'image pull', pod: withState(cs({ waiting: { reason: 'ImagePullBackOff' } })), want: 'ImagePullBackOff' },
    { name: 'completed', pod: withState(cs({ terminated: { exitCode: 0, reason: 'Completed' } })), want: 'Completed' },
    { name: 'error', pod: withState(cs({ terminated: { exitCode: 1, reason: 'Error' } })), want: 'Error' },
    { name: 'exit code without reason', pod: withState(cs({ terminated: { exitCode: 2 } })), want: 'ExitCode:2' },
  ])('$name -> $want', ({ pod, phase, want }) => {
    if (phase) pod.status!.phase = phase as 'Pending'
    expect(podStatus(pod)).toBe(want)
  })
  it('terminating wins', () => {
    const p = aPod({ ...podAsServed('p'), deleting: true })
    expect(podStatus(p)).toBe('Terminating')
  })
})

describe('get tables', () => {
  const now = T0 + 125_000
  it('deployments, plain and wide', () => {
    const d = aDeployment({
      ...deploymentAsServed('web'),
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    })
    expect(printTable('Deployment', [d], { now })).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/3     3            2           2m5s\n',
    )
    expect(printTable('Deployment', [d], { now, wide: true })).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE    CONTAINERS   IMAGES   SELECTOR\n' +
        'web    2/3     3            2           2m5s   web          web:v1   app=web\n',
    )
  })
  it('replicasets with namespace column', () => {
    const rs = aReplicaSet({ ...replicaSetOf(aDeployment(deploymentAsServed('web')), '5d8f9c7b6'), ready: 1 })
    expect(printTable('ReplicaSet', [rs], { now, withNamespace: true })).toBe(
      'NAMESPACE   NAME            DESIRED   CURRENT   READY   AGE\n' +
        'default     web-5d8f9c7b6   3         3         1       2m5s\n',
    )
  })
  it('pods, plain and wide', () => {
    const pods = [
      aPod(podAsServed('web-5d8f9c7b6-abcde')),
      aPod({
        ...podAsServed('web-5d8f9c7b6-fghij'),
        ready: false,
        restarts: 2,
        ports: [{ containerPort: 8080, hostPort: 41002 }],
      }),
    ]
    pods[1]!.status!.containerStatuses![0]!.lastState = { terminated: { exitCode: 1, finishedAt: at(95) } }
    expect(printTable('Pod', pods, { now })).toBe(
      'NAME                  READY   STATUS    RESTARTS      AGE\n' +
        'web-5d8f9c7b6-abcde   1/1     Running   0             2m5s\n' +
        'web-5d8f9c7b6-fghij   0/1     Running   2 (30s ago)   2m5s\n',
    )
    expect(printTable('Pod', pods.slice(0, 1), { now, wide: true })).toBe(
      'NAME                  READY   STATUS    RESTARTS   AGE    IP          NODE         PORT\n' +
        'web-5d8f9c7b6-abcde   1/1     Running   0          2m5s   127.0.0.1   baton-node   41001\n',
    )
  })
  it('services and endpoints', () => {
    expect(
      printTable(
        'Service',
        [
          aService({
            name: 'web',
            type: 'NodePort',
            ports: [{ port: 5001, nodePort: 32334 }],
            clusterIP: '127.0.0.1',
            created: 0,
          }),
        ],
        { now },
      ),
    ).toBe(
      'NAME   TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)          AGE\nweb    NodePort   127.0.0.1    <none>        5001:32334/TCP   2m5s\n',
    )
    const ep: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: at(0) },
      subsets: [41001, 41002, 41003, 41004].map((port) => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ port }] })),
    }
    expect(printTable('Endpoints', [ep], { now })).toBe(
      'NAME   ENDPOINTS                                                     AGE\n' +
        'web    127.0.0.1:41001,127.0.0.1:41002,127.0.0.1:41003 + 1 more...   2m5s\n',
    )
  })
  it('events', () => {
    const ev = anEvent({
      about: { kind: 'Deployment', name: 'web' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-5d8f9c7b6 to 3',
      at: 5,
    })
    expect(printTable('Event', [ev], { now })).toBe(
      'LAST SEEN   TYPE     REASON              OBJECT           MESSAGE\n' +
        '2m          Normal   ScalingReplicaSet   deployment/web   Scaled up replica set web-5d8f9c7b6 to 3\n',
    )
  })
  it('TYPE/name rows for get all', () => {
    expect(printTable('Deployment', [aDeployment(deploymentAsServed('web'))], { now, withKind: true })).toBe(
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   0/3     0            0           2m5s\n',
    )
  })
})

describe('describe pod, replicaset, service', () => {
  const now = T0 + 125_000
  it('pod', () => {
    const pod = aPod({
      ...podAsServed('web-5d8f9c7b6-abcde'),
      labels: { app: 'web', 'pod-template-hash': '5d8f9c7b6' },
    })
    pod.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f9c7b6', uid: 'u', controller: true },
    ]
    pod.spec.containers[0]!.readinessProbe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 }
    pod.status!.conditions = [
      { type: 'Ready', status: 'True' },
      { type: 'ContainersReady', status: 'True' },
    ]
    expect(describePod(pod, [], now)).toBe(`Name:           web-5d8f9c7b6-abcde
Namespace:      default
Node:           baton-node/127.0.0.1
Start Time:     Thu, 01 Jan 2026 00:00:00 +0000
Labels:         app=web
                pod-template-hash=5d8f9c7b6
Annotations:    <none>
Status:         Running
IP:             127.0.0.1
Controlled By:  ReplicaSet/web-5d8f9c7b6
Containers:
  web:
    Container ID:   baton://4242
    Image:          web:v1
    Image ID:       sha256:1111
    Port:           8080/TCP
    Host Port:      41001/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:01 +0000
    Ready:          True
    Restart Count:  0
    Readiness:      http-get http://:8080/healthz delay=0s timeout=1s period=1s #success=1 #failure=3
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type              Status
  Ready             True 
  ContainersReady   True 
Volumes:            <none>
Events:             <none>
`)
  })

  it('replicaset', () => {
    const rs = aReplicaSet(replicaSetOf(aDeployment({ ...deploymentAsServed('web'), replicas: 2 }), '5d8f9c7b6'))
    rs.spec.template.spec.containers[0]!.env = [{ name: 'MODE', value: 'blue' }]
    const text = describeReplicaSet(
      rs,
      [aPod(podAsServed('a')), aPod({ ...podAsServed('b'), phase: 'Pending' })],
      undefined,
      now,
    )
    expect(text).toBe(`Name:           web-5d8f9c7b6
Namespace:      default
Selector:       app=web,pod-template-hash=5d8f9c7b6
Labels:         app=web
                pod-template-hash=5d8f9c7b6
Annotations:    deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/web
Replicas:       2 current / 2 desired
Pods Status:    1 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web
           pod-template-hash=5d8f9c7b6
  Containers:
   web:
    Image:      web:v1
    Port:       8080/TCP
    Host Port:  0/TCP
    Environment:
      MODE:  blue
    Mounts:  <none>
  Volumes:   <none>
`)
  })

  it('replicaset env from a ConfigMap and a Secret, in kubectl words', () => {
    const rs = aReplicaSet(replicaSetOf(aDeployment({ ...deploymentAsServed('web'), replicas: 2 }), '5d8f9c7b6'))
    rs.spec.template.spec.containers[0]!.env = [
      { name: 'VERSION', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'version' } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'token', optional: true } } },
    ]
    const text = describeReplicaSet(rs, [], undefined, now)
    expect(text).toContain(`    Environment:
      VERSION:  <set to the key 'version' of config map 'web-config'>  Optional: false
      TOKEN:    <set to the key 'token' in secret 'web-secret'>        Optional: true
`)
  })

  it('service', () => {
    const ep: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port: 41001 }] }],
    }
    expect(describeService(aService(serviceAsServed('web')), ep, [], now)).toBe(`Name:              web
Namespace:         default
Labels:            <none>
Annotations:       <none>
Selector:          app=web
Type:              ClusterIP
IP:                127.0.0.1
Port:              http  80/TCP
TargetPort:        8080/TCP
Endpoints:         127.0.0.1:41001
Session Affinity:  None
Events:            <none>
`)
  })
})
