import { describe, expect, it } from 'vitest'
import type { ContainerState, ContainerStatus, Pod, RestartPolicy } from '../api/types.ts'
import { buildPodStatus, podPhase } from './pod-status.ts'

const T0 = Date.parse('2026-11-21T20:57:00Z')

function pod(restartPolicy: RestartPolicy = 'Always', names = ['web']): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-abc', namespace: 'default', uid: 'u1' },
    spec: { restartPolicy, containers: names.map((name) => ({ name, image: 'web:v1' })) },
  }
}

function cs(name: string, state: ContainerState, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, state, lastState: {}, ready: false, restartCount: 0, image: 'web:v1', imageID: '', ...extra }
}

const running = { running: { startedAt: '2026-11-21T20:57:00Z' } }
const exited = (exitCode: number) => ({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } })

describe('podPhase', () => {
  it.each([
    { name: 'creating', policy: 'Always', state: { waiting: { reason: 'ContainerCreating' } }, phase: 'Pending' },
    {
      name: 'image pull failing',
      policy: 'Always',
      state: { waiting: { reason: 'ImagePullBackOff' } },
      phase: 'Pending',
    },
    { name: 'running', policy: 'Always', state: running, phase: 'Running' },
    {
      name: 'crash-looping (ran before)',
      policy: 'Always',
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      last: exited(1),
      phase: 'Running',
    },
    { name: 'completed, OnFailure', policy: 'OnFailure', state: exited(0), phase: 'Succeeded' },
    { name: 'completed, Never', policy: 'Never', state: exited(0), phase: 'Succeeded' },
    { name: 'failed, Never', policy: 'Never', state: exited(1), phase: 'Failed' },
    { name: 'failed, OnFailure (about to restart)', policy: 'OnFailure', state: exited(1), phase: 'Running' },
    { name: 'exited, Always (about to restart)', policy: 'Always', state: exited(0), phase: 'Running' },
  ] as const)('$name → $phase', ({ policy, state, phase, ...rest }) => {
    const last = 'last' in rest ? rest.last : {}
    expect(podPhase(pod(policy), [cs('web', state, { lastState: last })])).toBe(phase)
  })

  it('is Pending while a container has no status yet', () => {
    expect(podPhase(pod('Always', ['web', 'sidecar']), [cs('web', running)])).toBe('Pending')
  })
})

describe('buildPodStatus', () => {
  const input = (containers: ContainerStatus[], over: Partial<Parameters<typeof buildPodStatus>[0]> = {}) => ({
    pod: pod('Always', ['web', 'sidecar']),
    containers,
    portMappings: [{ containerName: 'web', name: 'http', containerPort: 8080, hostPort: 20001 }],
    startTime: T0,
    terminating: false,
    now: T0 + 5000,
    ...over,
  })

  it('is Ready when every container is ready, with port mappings and loopback addresses', () => {
    const s = buildPodStatus(input([cs('web', running, { ready: true }), cs('sidecar', running, { ready: true })]))
    expect(s.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ])
    expect(s).toMatchObject({
      phase: 'Running',
      podIP: '127.0.0.1',
      hostIP: '127.0.0.1',
      startTime: '2026-11-21T20:57:00Z',
    })
    expect(s.portMappings).toEqual([{ containerName: 'web', name: 'http', containerPort: 8080, hostPort: 20001 }])
  })

  it('names the unready containers as the kubelet does', () => {
    const s = buildPodStatus(input([cs('web', running, { ready: true }), cs('sidecar', running)]))
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [sidecar]',
    })
  })

  it('turns a terminating pod unready whatever its probes said', () => {
    const s = buildPodStatus(
      input([cs('web', running, { ready: true }), cs('sidecar', running, { ready: true })], { terminating: true }),
    )
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False')
    expect(s.containerStatuses?.map((c) => c.ready)).toEqual([false, false])
  })

  it('keeps lastTransitionTime while a condition holds and moves it when it flips', () => {
    const ready = [cs('web', running, { ready: true }), cs('sidecar', running, { ready: true })]
    const first = buildPodStatus(input(ready))
    const later = { ...pod('Always', ['web', 'sidecar']), status: first }
    const same = buildPodStatus(input(ready, { pod: later, now: T0 + 60_000 }))
    expect(same.conditions).toEqual(first.conditions)
    const flipped = buildPodStatus(
      input([cs('web', running), cs('sidecar', running, { ready: true })], { pod: later, now: T0 + 60_000 }),
    )
    expect(flipped.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-11-21T20:58:00Z')
    expect(flipped.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime).toBe('2026-11-21T20:57:05Z')
  })
})
