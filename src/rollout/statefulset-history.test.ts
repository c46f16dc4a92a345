import { describe, expect, it } from 'vitest'
import type { ControllerRevision, PodTemplateSpec, StatefulSet } from '../api/types.ts'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { template } from '../../test/support/builders.ts'
import { planStatefulSetUndo, statefulSetHistory, statefulSetTemplateAt } from './statefulset-history.ts'

const set = (t: PodTemplateSpec): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: t },
})

const revision = (n: number, image: string, owner = 'u1', cause?: string): ControllerRevision => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name: `web-${image.replace(/\W/g, '')}`,
    namespace: 'default',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: owner, controller: true }],
    ...(cause ? { annotations: { 'kubernetes.io/change-cause': cause } } : {}),
  },
  revision: n,
  data: { spec: { template: { ...template(image, 'web'), $patch: 'replace' } } },
})

const history = [revision(2, 'web:v2', 'u1', 'set image v2'), revision(1, 'web:v1'), revision(9, 'other', 'u2')]

describe('statefulSetHistory (kubectl StatefulSetHistoryViewer)', () => {
  it('lists the revisions the set controls, by number, with their change-cause', () => {
    expect(statefulSetHistory(set(template('web:v2', 'web')), history)).toEqual([
      { revision: 1 },
      { revision: 2, changeCause: 'set image v2' },
    ])
  })

  it('--revision=N shows that revision’s template; an unknown one is refused', () => {
    expect(statefulSetTemplateAt(set(template('web:v2', 'web')), history, 1)).toEqual(template('web:v1', 'web'))
    const err = expectBatonError(
      () => statefulSetTemplateAt(set(template('web:v2', 'web')), history, 9),
      'BATON_REVISION_NOT_FOUND',
    )
    expect(err.message).toBe('unable to find specified revision 9 in history')
  })
})

describe('planStatefulSetUndo (kubectl StatefulSetRollbacker)', () => {
  it.each([
    [
      'to-revision 0 goes to the one before the latest',
      'web:v2',
      0,
      { kind: 'rollback', template: template('web:v1', 'web') },
    ],
    ['an explicit revision', 'web:v2', 1, { kind: 'rollback', template: template('web:v1', 'web') }],
    [
      'the set already runs it: skipped',
      'web:v1',
      1,
      { kind: 'skipped', message: 'skipped rollback (current template already matches revision 1)' },
    ],
  ] as const)('%s', (_name, image, to, want) => {
    expect(planStatefulSetUndo(set(template(image, 'web')), history, to)).toEqual(want)
  })

  it.each([
    ['a revision not in the history', history, 7],
    ['a negative revision', history, -1],
    ['no previous revision', [revision(1, 'web:v1')], 0],
  ])('%s: unable to find specified revision', (_name, revisions, to) => {
    const err = expectBatonError(
      () => planStatefulSetUndo(set(template('web:v2', 'web')), revisions, to),
      'BATON_REVISION_NOT_FOUND',
    )
    expect(err.message).toBe(`unable to find specified revision ${to} in history`)
  })
})
