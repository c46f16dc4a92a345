import { describe, expect, it } from 'vitest'
import { type PodOptions, aPod } from '../../../test/support/builders.ts'
import { POD_DELETION_COST, podsToDelete } from './delete-order.ts'

const running = (o: Partial<PodOptions> & { name: string }) =>
  aPod({ phase: 'Running', ready: true, readySince: 1, created: 0, ...o })

describe('podsToDelete (Kubernetes ActivePods order)', () => {
  it.each([
    {
      name: 'unscheduled before scheduled',
      pods: [running({ name: 'scheduled' }), aPod({ name: 'unscheduled', scheduled: false, phase: 'Running' })],
      first: 'unscheduled',
    },
    {
      name: 'Pending before Unknown before Running',
      pods: [
        running({ name: 'running' }),
        aPod({ name: 'unknown', phase: 'Unknown' }),
        aPod({ name: 'pending', phase: 'Pending' }),
      ],
      first: 'pending',
      order: ['pending', 'unknown', 'running'],
    },
    {
      name: 'a pod without status counts as Pending',
      pods: [running({ name: 'running' }), aPod({ name: 'fresh', phase: null })],
      first: 'fresh',
    },
    {
      name: 'not ready before ready',
      pods: [running({ name: 'ready' }), running({ name: 'unready', ready: false })],
      first: 'unready',
    },
    {
      name: 'lower pod-deletion-cost first',
      pods: [
        running({ name: 'cheap' }),
        (() => {
          const p = running({ name: 'costly' })
          p.metadata.annotations = { [POD_DELETION_COST]: '100' }
          return p
        })(),
      ],
      first: 'cheap',
    },
    {
      name: 'more recently ready first',
      pods: [running({ name: 'old-ready', readySince: 1 }), running({ name: 'new-ready', readySince: 9 })],
      first: 'new-ready',
    },
    {
      name: 'higher restart count first',
      pods: [running({ name: 'stable' }), running({ name: 'flaky', restarts: 4 })],
      first: 'flaky',
    },
    {
      name: 'newer first',
      pods: [running({ name: 'older', created: 1 }), running({ name: 'newer', created: 5 })],
      first: 'newer',
    },
  ])('$name', ({ pods, first, order }) => {
    const ranked = podsToDelete(pods, pods.length).map((p) => p.metadata.name)
    expect(ranked[0]).toBe(first)
    if (order) expect(ranked).toEqual(order)
  })

  it('takes only the requested count and is deterministic on full ties', () => {
    const pods = ['web-b', 'web-d', 'web-c'].map((name) => running({ name }))
    expect(podsToDelete(pods, 2).map((p) => p.metadata.name)).toEqual(['web-d', 'web-c'])
    expect(podsToDelete(pods, 0)).toEqual([])
  })
})
