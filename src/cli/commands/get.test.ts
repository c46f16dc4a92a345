import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import {
  aService,
  T0,
  aDeployment,
  aPod,
  deploymentAsServed,
  podAsServed,
  serviceAsServed,
} from '../../../test/support/builders.ts'
import { createHarness, cutIdleWatches, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

function seed(): void {
  const d = aDeployment(deploymentAsServed('web'))
  delete d.metadata.uid
  delete d.metadata.creationTimestamp
  h.store.create(d)
  h.store.create(aService(serviceAsServed('web')))
  const other = aDeployment(deploymentAsServed('api'))
  other.metadata.namespace = 'prod'
  delete other.metadata.uid
  h.store.create(other)
}

describe('baton get', () => {
  it('prints a table of one type', async () => {
    seed()
    h.clock.advance(5000)
    expect(await h.run('get deployments')).toEqual({
      code: 0,
      err: '',
      out: 'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/3     0            0           5s\n',
    })
  })

  it('lists across namespaces with -A and by name in another namespace with -n', async () => {
    seed()
    const all = await h.run('get deploy -A')
    expect(all.out).toBe(
      'NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE\ndefault     web    0/3     0            0           0s\nprod        api    0/3     0            0           0s\n',
    )
    expect((await h.run('get deploy api -n prod -o name')).out).toBe('deployment.apps/api\n')
  })

  it('prints TYPE/name tables for several types', async () => {
    seed()
    const res = await h.run('get deploy,svc')
    expect(res.out).toBe(
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   0/3     0            0           0s\n\n' +
        'NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nservice/web   ClusterIP   127.0.0.1    <none>        80/TCP    0s\n',
    )
  })

  it('prints json and yaml of one object, and a List of several', async () => {
    seed()
    const one = JSON.parse((await h.run('get deploy/web -o json')).out)
    expect(one).toMatchObject({ kind: 'Deployment', metadata: { name: 'web' } })
    expect((await h.run('get svc web -o yaml')).out).toMatch(/^apiVersion: v1\nkind: Service\n/)
    expect(JSON.parse((await h.run('get deploy -o json')).out)).toMatchObject({
      kind: 'List',
      items: [{ metadata: { name: 'web' } }],
    })
  })

  it('filters by label', async () => {
    h.store.create({
      ...aPod({ ...podAsServed('a'), labels: { app: 'web' } }),
      metadata: { name: 'a', namespace: 'default', labels: { app: 'web' } },
    })
    h.store.create({ ...aPod(podAsServed('b')), metadata: { name: 'b', namespace: 'default', labels: { app: 'db' } } })
    expect((await h.run('get pods -l app=db -o name')).out).toBe('pod/b\n')
  })

  it('says so on stderr when nothing is found, exit 0', async () => {
    expect(await h.run('get pods')).toEqual({ code: 0, out: '', err: 'No resources found in default namespace.\n' })
  })

  it('fails with kubectl wording for a missing object, exit 1', async () => {
    expect(await h.run('get deployment x')).toEqual({
      code: 1,
      out: '',
      err: 'Error from server (NotFound): deployments.apps "x" not found\nhint: Check the name and namespace with `baton get deployments -n default`\n',
    })
  })

  it('fails with usage for an unknown type, exit 1', async () => {
    const res = await h.run('get widgets')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(
      /^error: the server doesn't have a resource type "widgets"\nhint: Known types: .*\nUsage:\n {2}baton get /,
    )
  })

  it('rejects an unknown output format and an unknown flag', async () => {
    expect((await h.run('get pods -o xml')).err).toMatch(
      /^error: unable to match a printer suitable for the output format "xml"/,
    )
    const flag = await h.run('get pods --bogus')
    expect(flag.code).toBe(1)
    expect(flag.err).toContain("unknown option '--bogus'")
  })

  it.each([
    { name: 'idle streams are cut at 300 s (undici)', cutMs: 300_000 },
    { name: 'the stream breaks after 60 s', cutMs: 60_000 },
  ])('watches on through 15 idle minutes, printing each change once: $name', async ({ cutMs }) => {
    h.close()
    const clock = new FakeClock(T0)
    let watches = 0
    h = createHarness({}, clock, { wrapFetch: (f) => cutIdleWatches(f, clock, cutMs, () => watches++) })
    seed()
    const abort = new AbortController()
    const running = h.start('get deploy web -w', { signal: abort.signal })
    await running.waitFor('0/3')
    for (let minute = 1; minute <= 15; minute++) {
      const before = watches
      clock.advance(60_000)
      if (minute % 5 === 0) await vi.waitFor(() => expect(watches).toBeGreaterThan(before))
    }
    const d = h.store.get('Deployment', 'default', 'web')!
    h.store.updateStatus({ ...d, status: { readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3, replicas: 3 } })
    await running.waitFor('3/3')
    abort.abort()
    const res = await running.result
    expect(res.err).toBe('')
    expect(res.code).toBe(0)
    expect(res.out).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/3     0            0           0s\nweb    3/3     3            3           15m\n',
    )
  })

  it('watches: prints rows for later changes, then stops when aborted', async () => {
    seed()
    const abort = new AbortController()
    const running = h.start('get deploy web -w', { signal: abort.signal })
    await running.waitFor('0/3')
    const d = h.store.get('Deployment', 'default', 'web')!
    h.store.updateStatus({ ...d, status: { readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3, replicas: 3 } })
    await running.waitFor('3/3')
    abort.abort()
    const res = await running.result
    expect(res.code).toBe(0)
    expect(res.out).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/3     0            0           0s\nweb    3/3     3            3           0s\n',
    )
  })
})
