import { describe, expect, it } from 'vitest'
import type { AnyObject } from '../../api/types.ts'
import { aDeployment, aPod } from '../../../test/support/builders.ts'
import { toTable, wantsTable } from './table.ts'

/** What kubectl v1.35 sends for `kubectl get`. */
const KUBECTL_GET =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'

describe('wantsTable', () => {
  it.each([
    { accept: KUBECTL_GET, wants: true },
    { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', wants: false },
    { accept: 'application/json', wants: false },
    { accept: 'application/json, application/json;as=Table;v=v1;g=meta.k8s.io', wants: false },
  ])('$accept -> $wants', ({ accept, wants }) => expect(wantsTable(accept)).toBe(wants))
})

describe("kube-apiserver's columns", () => {
  it.each([
    {
      kind: 'Deployment' as const,
      obj: aDeployment({ name: 'web' }),
      names: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
    },
    {
      kind: 'Pod' as const,
      obj: aPod({ name: 'web-1' }),
      names: ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Port'],
    },
  ])('$kind', ({ kind, obj, names }) => {
    const t = toTable(kind, [obj as AnyObject], Date.parse('2026-01-01T00:10:00Z'), 'Metadata')
    expect(t.kind).toBe('Table')
    expect(t.apiVersion).toBe('meta.k8s.io/v1')
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(names)
    expect(t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(names.slice(0, 5))
    expect(t.rows[0]?.cells[0]).toBe(obj.metadata.name)
    expect(t.rows[0]?.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: obj.metadata.name } })
  })

  it('sends counts as integers and the full object when asked', () => {
    const d = aDeployment({ name: 'web' })
    d.status = { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 }
    const t = toTable('Deployment', [d as AnyObject], Date.now(), 'Object')
    expect(t.rows[0]?.cells.slice(1, 4)).toEqual([`2/${d.spec.replicas}`, 3, 2])
    expect(t.rows[0]?.object).toBe(d)
    expect(toTable('Deployment', [d as AnyObject], Date.now(), 'None').rows[0]).not.toHaveProperty('object')
  })
})
