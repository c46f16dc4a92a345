import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Deployment } from '../../api/types.ts'
import {
  aService as kitService,
  aDeployment,
  aPod,
  deploymentAsServed,
  podAsServed,
  serviceAsServed,
} from '../../../test/support/builders.ts'
import { createHarness, type Harness } from '../testing/harness.ts'
import { conditionMet, parseWaitFor } from './wait.ts'

const aService = (name: string) => kitService(serviceAsServed(name))

let h: Harness
beforeEach(() => {
  h = createHarness()
  h.store.create(aDeployment(deploymentAsServed('web')))
})
afterEach(() => h.close())

function setAvailable(status: 'True' | 'False', ready = 3): void {
  const d = h.store.get('Deployment', 'default', 'web') as Deployment
  h.store.updateStatus({
    ...d,
    status: {
      observedGeneration: d.metadata.generation,
      readyReplicas: ready,
      conditions: [{ type: 'Available', status, reason: 'MinimumReplicasAvailable', message: '' }],
    },
  } as Deployment)
}

describe('wait --for conditions (pure)', () => {
  const d = (status: string, observed: number, generation = 2) =>
    ({
      ...aDeployment(deploymentAsServed('web')),
      metadata: { name: 'web', generation },
      status: { observedGeneration: observed, conditions: [{ type: 'Available', status }] },
    }) as Deployment
  it.each([
    { name: 'condition true', for: 'condition=Available', obj: d('True', 2), want: true },
    { name: 'case-insensitive', for: 'condition=available=true', obj: d('True', 2), want: true },
    { name: 'condition false wanted', for: 'condition=Available=False', obj: d('False', 2), want: true },
    { name: 'status is older than the spec', for: 'condition=Available', obj: d('True', 1), want: false },
    { name: 'no such condition', for: 'condition=Progressing', obj: d('True', 2), want: false },
    { name: 'jsonpath value', for: 'jsonpath={.status.observedGeneration}=2', obj: d('True', 2), want: true },
    {
      name: 'jsonpath relaxed, filter with ==',
      for: 'jsonpath={.status.conditions[?(@.type=="Available")].status}=True',
      obj: d('True', 2),
      want: true,
    },
    { name: 'jsonpath without a value', for: 'jsonpath=.status.observedGeneration', obj: d('True', 2), want: true },
    { name: 'jsonpath missing', for: 'jsonpath={.status.readyReplicas}=3', obj: d('True', 2), want: false },
  ])('$name', ({ for: f, obj, want }) => {
    expect(conditionMet(obj, parseWaitFor(f))).toBe(want)
  })
  it.each([
    { for: 'ready', message: 'unrecognized condition: "ready"' },
    { for: 'jsonpath={.status.x}=', message: 'jsonpath wait has to have a value after equal sign' },
    { for: 'jsonpath={.status', message: 'unexpected path string "{.status"' },
  ])('refuses --for=$for', ({ for: f, message }) => {
    expect(() => parseWaitFor(f)).toThrow(message)
  })
  it('refuses a jsonpath that leads to a map', () => {
    expect(() => conditionMet(d('True', 2), parseWaitFor('jsonpath={.status}=x'))).toThrow(
      'jsonpath leads to a nested object or list which is not supported',
    )
  })
})

describe('baton wait', () => {
  it('returns at once when the condition already holds', async () => {
    setAvailable('True')
    expect(await h.run('wait --for=condition=Available deployment/web')).toEqual({
      code: 0,
      err: '',
      out: 'deployment.apps/web condition met\n',
    })
  })

  it('watches until the condition holds', async () => {
    const running = h.start('wait --for=condition=Available deploy/web --timeout=1m')
    setAvailable('False')
    expect(running.output()).toBe('')
    setAvailable('True')
    expect(await running.result).toEqual({ code: 0, err: '', out: 'deployment.apps/web condition met\n' })
  })

  it('waits for a jsonpath value', async () => {
    const running = h.start('wait deploy web --for=jsonpath={.status.readyReplicas}=2')
    setAvailable('True', 1)
    setAvailable('True', 2)
    expect((await running.result).out).toBe('deployment.apps/web condition met\n')
  })

  it('times out with kubectl wording, exit 1', async () => {
    const running = h.start('wait --for=condition=Available deploy/web --timeout=30s')
    let ended = false
    void running.result.then(() => (ended = true))
    // The timer exists once the command has read the object; advance until it has fired.
    await vi.waitFor(() => {
      h.clock.advance(30_000)
      expect(ended).toBe(true)
    })
    const res = await running.result
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: timed out waiting for the condition on deployments\/web\n/)
  })

  it('--timeout=0 looks once', async () => {
    expect((await h.run('wait --for=condition=Available deploy/web --timeout=0')).err).toMatch(
      /^error: timed out waiting for the condition on deployments\/web/,
    )
  })

  it('waits for deletion; an object already gone counts', async () => {
    h.store.create(aService('s'))
    const running = h.start('wait --for=delete svc/s')
    h.store.delete('Service', 'default', 's')
    expect((await running.result).out).toBe('service/s condition met\n')
    expect((await h.run('wait --for=delete service/s')).out).toBe('service/s condition met\n')
  })

  it('waits for creation', async () => {
    const running = h.start('wait --for=create pod/q')
    h.store.create(aPod(podAsServed('q')))
    expect((await running.result).out).toBe('pod/q condition met\n')
  })

  it('waits for every object matching -l, and refuses an empty match', async () => {
    const ready = (name: string) => {
      const p = aPod({ ...podAsServed(name), labels: { app: 'web' } })
      return p
    }
    h.store.create(ready('a'))
    h.store.create(ready('b'))
    expect((await h.run('wait --for=condition=Ready pods -l app=web')).out).toBe(
      'pod/a condition met\npod/b condition met\n',
    )
    const none = await h.run('wait --for=condition=Ready pods -l app=none')
    expect(none.code).toBe(1)
    expect(none.err).toMatch(/^error: no matching resources found\n/)
  })

  it('fails for a missing object on a condition wait', async () => {
    expect((await h.run('wait --for=condition=Available deploy/nope')).err).toMatch(
      /^Error from server \(NotFound\): deployments.apps "nope" not found/,
    )
  })
})
