import { describe, expect, it } from 'vitest'
import { applyDefaults } from '../api/defaults.ts'
import type { Deployment } from '../api/types.ts'
import {
  desiredReplicas,
  progressDeadlineSeconds,
  revisionHistoryLimit,
  rollingUpdateParams,
  rsReplicas,
} from './spec-defaults.ts'

/** A Deployment that leaves every defaulted field out. */
const bare: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  },
}

describe('spec-defaults read an unset field as api/defaults.ts stores it', () => {
  const stored = applyDefaults(bare)
  it.each([
    { field: 'spec.replicas', read: desiredReplicas(bare), want: stored.spec.replicas },
    { field: 'rollingUpdate', read: rollingUpdateParams(bare), want: stored.spec.strategy?.rollingUpdate },
    {
      field: 'spec.progressDeadlineSeconds',
      read: progressDeadlineSeconds(bare),
      want: stored.spec.progressDeadlineSeconds,
    },
    { field: 'spec.revisionHistoryLimit', read: revisionHistoryLimit(bare), want: stored.spec.revisionHistoryLimit },
    {
      field: 'ReplicaSet spec.replicas',
      read: rsReplicas({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: bare.spec }),
      want: stored.spec.replicas,
    },
  ])('$field', ({ read, want }) => {
    expect(want).toBeDefined()
    expect(read).toEqual(want)
  })
})
