import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

describe('baton get runtimeclass', () => {
  it('prints the built-in RuntimeClasses as kubectl does (NAME HANDLER AGE)', async () => {
    h.clock.advance(90_000)
    expect(await h.run('get runtimeclass')).toEqual({
      code: 0,
      err: '',
      out: 'NAME      HANDLER   AGE\nprocess   process   90s\ndocker    docker    90s\n',
    })
  })

  it.each([
    { cmd: 'get runtimeclasses -o name', out: 'runtimeclass.node.k8s.io/process\nruntimeclass.node.k8s.io/docker\n' },
    { cmd: 'get runtimeclass docker -o name', out: 'runtimeclass.node.k8s.io/docker\n' },
    { cmd: 'get runtimeclass.node.k8s.io process --no-headers', out: 'process   process   0s\n' },
  ])('$cmd', async ({ cmd, out }) => {
    expect(await h.run(cmd)).toMatchObject({ code: 0, out })
  })

  it('prints one by name as its object in -o yaml', async () => {
    const r = await h.run('get runtimeclass docker -o yaml')
    expect(r.out).toBe(
      'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: docker\n  creationTimestamp: 2026-01-01T00:00:00Z\nhandler: docker\n',
    )
  })

  it('refuses a name that is not one, naming the ones there are', async () => {
    const r = await h.run('get runtimeclass gvisor')
    expect(r.code).not.toBe(0)
    expect(r.err).toContain('runtimeclasses.node.k8s.io "gvisor" not found')
    expect(r.err).toContain('process and docker')
  })
})
