import { describe, expect, it } from 'vitest'
import type { Pod, PodPhase, ReplicaSet } from '../../api/types.ts'
import { aPod, aReplicaSet } from '../../../test/support/builders.ts'
import { oldPodsRunning } from './recreate.ts'

const pods = (...phases: Array<PodPhase | undefined>): Pod[] =>
  phases.map((phase, i) => {
    const p = aPod({ name: `p${i}` })
    p.status = phase ? { phase } : {}
    return p
  })
const rs = (name: string, statusReplicas: number): ReplicaSet => aReplicaSet({ name, replicas: 0, statusReplicas })

// TestOldPodsRunning
describe('oldPodsRunning', () => {
  it.each([
    { name: 'no old RSs', newRS: undefined, oldRSs: [], pods: {}, want: false },
    {
      name: 'old RSs with running pods (no phase yet)',
      newRS: undefined,
      oldRSs: [rs('some', 0), rs('other', 0)],
      pods: { some: pods(undefined, undefined), other: pods(undefined, undefined) },
      want: true,
    },
    { name: 'no pods but non-zero status replicas', newRS: undefined, oldRSs: [rs('rs-1', 1)], pods: {}, want: true },
    { name: 'no pods, zero status replicas', newRS: undefined, oldRSs: [rs('rs-1', 0)], pods: {}, want: false },
    {
      name: 'only terminal pods',
      newRS: undefined,
      oldRSs: [rs('rs-1', 0)],
      pods: { 'rs-1': pods('Failed', 'Succeeded') },
      want: false,
    },
    {
      name: 'a pod in Unknown phase',
      newRS: undefined,
      oldRSs: [rs('rs-1', 0)],
      pods: { 'rs-1': pods('Unknown') },
      want: true,
    },
    { name: 'a pending pod', newRS: undefined, oldRSs: [rs('rs-1', 0)], pods: { 'rs-1': pods('Pending') }, want: true },
    { name: 'a running pod', newRS: undefined, oldRSs: [rs('rs-1', 0)], pods: { 'rs-1': pods('Running') }, want: true },
    {
      name: 'terminal pods and a pending pod elsewhere',
      newRS: undefined,
      oldRSs: [rs('rs-1', 0)],
      pods: { 'rs-1': pods('Failed', 'Succeeded'), 'rs-2': [], 'rs-3': pods('Pending') },
      want: true,
    },
    {
      name: 'pods of the new RS are ignored',
      newRS: rs('new', 1),
      oldRSs: [rs('rs-1', 0)],
      pods: { new: pods('Running') },
      want: false,
    },
  ] as Array<{ name: string; newRS?: ReplicaSet; oldRSs: ReplicaSet[]; pods: Record<string, Pod[]>; want: boolean }>)(
    '$name',
    ({ newRS, oldRSs, pods: byRS, want }) => {
      expect(oldPodsRunning(newRS, oldRSs, new Map(Object.entries(byRS)))).toBe(want)
    },
  )
})
