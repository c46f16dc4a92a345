import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { demoRollout } from '../api/test-objects.ts'
import type { ReplicaSet, Rollout } from '../api/types.ts'
import { argoRevisionTemplate, argoRolloutHistory } from './argo-history.ts'

const r: Rollout = { ...demoRollout(), metadata: { name: 'web', uid: 'ro-uid' } }
const rs = (name: string, revision: string, image: string, cause?: string, uid = 'ro-uid'): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name,
    annotations: {
      'rollout.argoproj.io/revision': revision,
      ...(cause ? { 'kubernetes.io/change-cause': cause } : {}),
    },
    ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid, controller: true }],
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
})

describe('a Rollout history', () => {
  const sets = [
    rs('web-b', '3', 'web:v1', 'undo'),
    rs('web-a', '2', 'web:v2'),
    rs('other', '1', 'x:y', undefined, 'other-uid'),
  ]
  it('lists the revisions of the ReplicaSets the Rollout controls, in order, with their change-cause', () => {
    expect(argoRolloutHistory(r, sets)).toEqual([{ revision: 2 }, { revision: 3, changeCause: 'undo' }])
  })
  it('gives a revision template, and a clear error for a revision it does not have', () => {
    expect(argoRevisionTemplate(r, sets, 2).spec.containers[0]!.image).toBe('web:v2')
    const err = expectBatonError(() => argoRevisionTemplate(r, sets, 1), 'BATON_REVISION_NOT_FOUND')
    expect(err.message).toBe("rollout 'web' has no revision 1")
  })
})
