import { afterEach, describe, expect, it } from 'vitest'
import { aDeployment, deploymentAsServed } from '../../../test/support/builders.ts'
import type { ComponentStatus } from '../../api/component-status.ts'
import type { Deployment, DeploymentStatus } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

const complete: DeploymentStatus = {
  observedGeneration: 1,
  replicas: 3,
  updatedReplicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
}

function loadBalancer(healthy: boolean): ComponentStatus {
  const message = healthy ? 'load balancer pid 42 is serving' : 'load balancer pid 41 exited; starting a replacement'
  return {
    apiVersion: 'v1',
    kind: 'ComponentStatus',
    metadata: { name: 'load-balancer' },
    conditions: [
      { type: 'Healthy', status: healthy ? 'True' : 'False', message, ...(healthy ? {} : { error: message }) },
    ],
  }
}

let h: Harness | undefined
afterEach(() => h?.close())

/** A harness whose daemon reports the load balancer as `state.healthy` says. */
function withLoadBalancer(state: { healthy: boolean }): Harness {
  h = createHarness({ components: () => [loadBalancer(state.healthy)] })
  const d = aDeployment(deploymentAsServed('web'))
  delete d.metadata.uid
  const created = h.store.create(d) as Deployment
  h.store.updateStatus({ ...created, status: complete })
  return h
}

describe('rollout status and the data plane', () => {
  it('a finished rollout is not done while the load balancer is down: it waits, then says so', async () => {
    const state = { healthy: false }
    const h = withLoadBalancer(state)
    const running = h.start('rollout status deployment/web')
    await running.waitFor('Waiting for the load balancer')
    expect(running.output()).not.toContain('successfully rolled out')
    state.healthy = true
    h.clock.advance(500)
    expect(await running.result).toEqual({
      code: 0,
      err: '',
      out:
        'Waiting for the load balancer to serve again: load balancer pid 41 exited; starting a replacement\n' +
        'deployment "web" successfully rolled out\n',
    })
  })

  it('--timeout while the load balancer stays down: exit 5 (timed out), never "successfully rolled out"', async () => {
    const h = withLoadBalancer({ healthy: false })
    const running = h.start('rollout status deployment/web --timeout=3s')
    await running.waitFor('Waiting for the load balancer')
    h.clock.advance(3000)
    const res = await running.result
    expect(res.code).toBe(5)
    expect(res.out).not.toContain('successfully rolled out')
    expect(res.err).toMatch(/^error: timed out waiting for the condition\n/)
  })

  it('--watch=false reports the load balancer instead of success', async () => {
    const h = withLoadBalancer({ healthy: false })
    expect(await h.run('rollout status deployment/web --watch=false')).toEqual({
      code: 0,
      err: '',
      out: 'Waiting for the load balancer to serve again: load balancer pid 41 exited; starting a replacement\n',
    })
  })

  it('a healthy load balancer changes nothing', async () => {
    const h = withLoadBalancer({ healthy: true })
    expect(await h.run('rollout status deployment/web')).toEqual({
      code: 0,
      out: 'deployment "web" successfully rolled out\n',
      err: '',
    })
  })
})

describe('get componentstatuses', () => {
  const cases = [
    { name: 'healthy', healthy: true, row: /^load-balancer\s+Healthy\s+load balancer pid 42 is serving\s*$/m },
    {
      name: 'being replaced',
      healthy: false,
      row: /^load-balancer\s+Unhealthy\s+load balancer pid 41 exited; starting a replacement$/m,
    },
  ]
  for (const c of cases) {
    it(`prints kubectl's columns (${c.name})`, async () => {
      const h = withLoadBalancer({ healthy: c.healthy })
      for (const alias of ['componentstatuses', 'cs']) {
        const res = await h.run(`get ${alias}`)
        expect(res.code).toBe(0)
        expect(res.out).toMatch(/^NAME\s+STATUS\s+MESSAGE\s+ERROR\n/)
        expect(res.out).toMatch(c.row)
      }
    })
  }

  it('-o json is a v1 List of ComponentStatus; -w is refused', async () => {
    const h = withLoadBalancer({ healthy: true })
    const res = await h.run('get cs -o json')
    expect(JSON.parse(res.out)).toMatchObject({
      kind: 'List',
      items: [{ kind: 'ComponentStatus', metadata: { name: 'load-balancer' } }],
    })
    const watched = await h.run('get cs -w')
    expect(watched.code).not.toBe(0)
    expect(watched.err).toContain('componentstatuses are computed on each read')
  })
})
