import { describe, expect, it } from 'vitest'
import { serviceAccountErrors } from './service-account-ref.ts'
import { configMap, deployment, pod, withChanges } from './test-objects.ts'

const T = 'spec.template.spec'
// The ServiceAccounts that exist: "deployer" in namespace "default".
const exists = (namespace: string, name: string) => namespace === 'default' && name === 'deployer'

describe('serviceAccountErrors', () => {
  it.each([
    { name: 'no service account', obj: deployment(), fields: [] },
    {
      name: '"default", which needs no object',
      obj: withChanges(deployment(), { [`${T}.serviceAccountName`]: 'default' }),
      fields: [],
    },
    {
      name: 'an existing ServiceAccount',
      obj: withChanges(deployment(), { [`${T}.serviceAccountName`]: 'deployer' }),
      fields: [],
    },
    {
      name: 'a missing ServiceAccount in a template',
      obj: withChanges(deployment(), { [`${T}.serviceAccountName`]: 'builder' }),
      fields: [`${T}.serviceAccountName`],
    },
    {
      name: 'the deprecated serviceAccount field',
      obj: withChanges(deployment(), { [`${T}.serviceAccount`]: 'builder' }),
      fields: [`${T}.serviceAccount`],
    },
    {
      name: 'an account of that name in another namespace only',
      obj: withChanges(pod(), { 'metadata.namespace': 'shop', 'spec.serviceAccountName': 'deployer' }),
      fields: ['spec.serviceAccountName'],
    },
    { name: 'an object without pods', obj: configMap(), fields: [] },
  ])('$name', ({ obj, fields }) => {
    expect(serviceAccountErrors(obj, exists).map((e) => e.field)).toEqual(fields)
  })

  it('words the refusal as kube-apiserver does and hints at the fix', () => {
    const [err] = serviceAccountErrors(withChanges(deployment(), { [`${T}.serviceAccountName`]: 'builder' }), exists)
    expect(err?.message).toBe(
      'Forbidden: error looking up service account default/builder: serviceaccount "builder" not found',
    )
    expect(err?.hint).toContain('kubectl create serviceaccount builder -n default')
  })
})
