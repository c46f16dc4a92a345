import { describe, expect, it } from 'vitest'
import type { DeploymentStatus, StatefulSet, StatefulSetStatus } from '../api/types.ts'
import { deploymentStatusViewer, statefulSetStatusViewer } from './status-viewer.ts'
import { aDeployment } from '../../test/support/builders.ts'

const foo = (generation: number, replicas: number, status: DeploymentStatus) =>
  aDeployment({ name: 'foo', generation, replicas, status })

// kubectl TestDeploymentStatusViewerStatus (test1–test5), then Baton's own rows.
describe('deploymentStatusViewer', () => {
  it.each([
    {
      name: 'test1: not all replicas updated',
      d: foo(0, 1, {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 0,
        availableReplicas: 1,
        unavailableReplicas: 0,
      }),
      message: 'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...\n',
      done: false,
    },
    {
      name: 'test2: old replicas pending termination',
      d: foo(1, 1, {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 1,
        availableReplicas: 2,
        unavailableReplicas: 0,
      }),
      message: 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...\n',
      done: false,
    },
    {
      name: 'test3: updated replicas not all available',
      d: foo(1, 2, {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 1,
        unavailableReplicas: 1,
      }),
      message: 'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...\n',
      done: false,
    },
    {
      name: 'test4: rolled out',
      d: foo(1, 2, {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        unavailableReplicas: 0,
      }),
      message: 'deployment "foo" successfully rolled out\n',
      done: true,
    },
    {
      name: 'test5: spec change not yet observed',
      d: foo(2, 2, {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        unavailableReplicas: 0,
      }),
      message: 'Waiting for deployment spec update to be observed...\n',
      done: false,
    },
    {
      name: 'terminating pods do not count: done while they shut down',
      d: foo(3, 3, { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      message: 'deployment "foo" successfully rolled out\n',
      done: true,
    },
    {
      name: 'empty status of a new object',
      d: foo(1, 3, { observedGeneration: 1 }),
      message: 'Waiting for deployment "foo" rollout to finish: 0 out of 3 new replicas have been updated...\n',
      done: false,
    },
  ])('$name', ({ d, message, done }) => {
    expect(deploymentStatusViewer(d)).toEqual({ message, done })
  })

  it('reports an exceeded progress deadline as an error', () => {
    const d = aDeployment({
      name: 'web',
      replicas: 3,
      status: { observedGeneration: 1, replicas: 3, updatedReplicas: 1 },
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    })
    expect(deploymentStatusViewer(d)).toEqual({
      message: '',
      done: false,
      error: { code: 'BATON_ROLLOUT_FAILED', message: 'deployment "web" exceeded its progress deadline' },
    })
  })

  it.each([
    {
      name: 'matching revision',
      running: '3',
      want: { message: 'deployment "web" successfully rolled out\n', done: true },
    },
    {
      name: 'revision mismatch',
      running: '2',
      want: {
        message: '',
        done: false,
        error: {
          code: 'BATON_BAD_REQUEST',
          message: 'desired revision (3) is different from the running revision (2)',
        },
      },
    },
  ])('--revision: $name', ({ running, want }) => {
    const d = aDeployment({
      annotations: { 'deployment.kubernetes.io/revision': running },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    })
    expect(deploymentStatusViewer(d, 3)).toEqual(want)
  })
})

// kubectl TestStatefulSetStatusViewerStatus
describe('statefulSetStatusViewer', () => {
  const sts = (
    generation: number,
    strategy: StatefulSet['spec']['updateStrategy'],
    status: StatefulSetStatus,
  ): StatefulSet => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'foo', generation },
    spec: {
      replicas: 3,
      selector: { matchLabels: { a: 'b' } },
      template: { spec: { containers: [] } },
      updateStrategy: strategy,
      podManagementPolicy: 'OrderedReady',
    },
    status,
  })
  it.each([
    {
      name: 'OnDelete returns an error',
      s: sts(1, { type: 'OnDelete' }, { observedGeneration: 1, replicas: 0, readyReplicas: 1 }),
      want: {
        message: '',
        done: true,
        error: {
          code: 'BATON_BAD_REQUEST',
          message: 'rollout status is only available for RollingUpdate strategy type',
        },
      },
    },
    {
      name: 'unobserved update is not complete',
      s: sts(
        2,
        { type: 'RollingUpdate' },
        { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 0 },
      ),
      want: { message: 'Waiting for statefulset spec update to be observed...\n', done: false },
    },
    {
      name: 'not all pods ready',
      s: sts(
        1,
        { type: 'RollingUpdate' },
        { observedGeneration: 2, replicas: 3, readyReplicas: 2, currentReplicas: 3, updatedReplicas: 0 },
      ),
      want: { message: 'Waiting for 1 pods to be ready...\n', done: false },
    },
    {
      name: 'partition complete when all above it are updated',
      s: sts(
        1,
        { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
        { observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1 },
      ),
      want: { message: 'partitioned roll out complete: 1 new pods have been updated...\n', done: true },
    },
    {
      name: 'partition in progress',
      s: sts(
        1,
        { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
        { observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 0 },
      ),
      want: {
        message: 'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...\n',
        done: false,
      },
    },
    {
      name: 'complete when all replicas are current',
      s: sts(
        1,
        { type: 'RollingUpdate' },
        {
          observedGeneration: 2,
          replicas: 3,
          readyReplicas: 3,
          currentReplicas: 3,
          updatedReplicas: 3,
          currentRevision: 'foo',
          updateRevision: 'foo',
        },
      ),
      want: { message: 'statefulset rolling update complete 3 pods at revision foo...\n', done: true },
    },
    {
      name: 'rolling update in progress',
      s: sts(
        1,
        { type: 'RollingUpdate' },
        {
          observedGeneration: 1,
          replicas: 3,
          readyReplicas: 3,
          currentReplicas: 2,
          updatedReplicas: 1,
          currentRevision: 'a',
          updateRevision: 'b',
        },
      ),
      want: { message: 'waiting for statefulset rolling update to complete 1 pods at revision b...\n', done: false },
    },
    {
      name: 'defaulted rollingUpdate block says "partitioned" even at partition 0',
      s: sts(
        1,
        { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 3 },
      ),
      want: { message: 'partitioned roll out complete: 3 new pods have been updated...\n', done: true },
    },
  ])('$name', ({ s, want }) => {
    expect(statefulSetStatusViewer(s)).toEqual(want)
  })
})
