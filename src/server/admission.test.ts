import { describe, expect, it } from 'vitest'
import { deployment, pod, statefulSet, withChanges } from '../api/test-objects.ts'
import type { AnyObject } from '../api/types.ts'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { admit } from './admission.ts'

const admitted = (obj: unknown) => () => admit(obj as AnyObject)

describe('admit', () => {
  it('refuses a workload template that asks the process runtime for a volume, naming the field', () => {
    const d = withChanges(deployment(), {
      'spec.template.spec.volumes': [{ name: 'cfg', configMap: { name: 'cfg' } }],
      'spec.template.spec.containers.0.volumeMounts': [{ name: 'cfg', mountPath: '/config' }],
    })
    const err = expectBatonError(admitted(d), 'BATON_INVALID')
    expect(err.message).toBe('The Deployment "web" is invalid')
    expect(err.causes).toEqual([
      {
        field: 'spec.template.spec.volumes[0].configMap',
        message: 'Forbidden: the process runtime does not mount volumes',
      },
      {
        field: 'spec.template.spec.containers[0].volumeMounts[0]',
        message: 'Forbidden: the process runtime does not mount volumes',
      },
    ])
    expect(err.hint).toContain('pass the data in env')
  })

  it('refuses a Pod whose securityContext asks for more than the user to run as', () => {
    const err = expectBatonError(
      admitted(
        withChanges(pod(), { 'spec.securityContext': { runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } }),
      ),
      'BATON_INVALID',
    )
    expect(err.causes.map((c) => c.field)).toEqual(['spec.securityContext.seccompProfile'])
  })

  it('admits a StatefulSet with its defaults, and refuses a template field the process runtime does not honour', () => {
    expect(admit(statefulSet() as AnyObject)).toMatchObject({
      spec: { podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } },
    })
    const err = expectBatonError(
      admitted(withChanges(statefulSet(), { 'spec.template.spec.initContainers': [{ name: 'x', image: 'i' }] })),
      'BATON_INVALID',
    )
    expect(err.causes.map((c) => c.field)).toEqual(['spec.template.spec.initContainers[0]'])
  })

  it('stores what it runs: defaults filled in', () => {
    expect(admit(deployment() as AnyObject)).toMatchObject({
      spec: { template: { spec: { dnsPolicy: 'ClusterFirst' } } },
    })
  })
})
