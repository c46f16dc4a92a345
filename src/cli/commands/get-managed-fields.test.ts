import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConfigMap, ManagedFieldsEntry } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

const MANAGED: ManagedFieldsEntry[] = [
  {
    manager: 'kubectl',
    operation: 'Apply',
    apiVersion: 'v1',
    time: '2026-01-01T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { 'f:color': {} } },
  },
]

function seed(): void {
  const cm: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', namespace: 'default', managedFields: MANAGED },
    data: { color: 'blue' },
  }
  h.store.create(cm)
}

// `kubectl get cm cfg -o yaml` against a cluster, less the server's uid, resourceVersion and timestamp.
const GOLDEN_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: default
data:
  color: blue
`

const stable = (out: string) => out.replace(/^ {2}(uid|resourceVersion|creationTimestamp|generation): .*\n/gm, '')

describe('baton get -o yaml|json and managedFields', () => {
  it('hides metadata.managedFields by default, as kubectl does (golden)', async () => {
    seed()
    const res = await h.run('get configmap cfg -o yaml')
    expect(res.code).toBe(0)
    expect(stable(res.out)).toBe(GOLDEN_YAML)
    const json = await h.run('get configmaps -o json')
    expect(JSON.parse(json.out).items[0].metadata).not.toHaveProperty('managedFields')
    // The stored object keeps them.
    expect(h.store.get('ConfigMap', 'default', 'cfg')?.metadata.managedFields).toEqual(MANAGED)
  })

  it('prints them with --show-managed-fields', async () => {
    seed()
    const yaml = await h.run('get configmap cfg -o yaml --show-managed-fields')
    expect(yaml.out).toContain('  managedFields:\n    - manager: kubectl\n')
    const json = await h.run('get configmap cfg -o json --show-managed-fields')
    expect(JSON.parse(json.out).metadata.managedFields).toEqual(MANAGED)
  })
})
