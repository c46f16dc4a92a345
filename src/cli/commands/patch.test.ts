import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aDeployment, deploymentAsServed } from '../../../test/support/builders.ts'
import type { Deployment } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
  const d = aDeployment(deploymentAsServed('web'))
  d.spec.template.spec.containers.push({ name: 'sidecar', image: 'proxy:v1' })
  h.store.create(d)
})
afterEach(() => h.close())

const live = () => h.store.get('Deployment', 'default', 'web') as Deployment
const images = () => live().spec.template.spec.containers.map((c) => `${c.name}=${c.image}`)

describe('baton patch', () => {
  it('strategic (the default) merges containers by name: a template change that rolls out', async () => {
    const gen = live().metadata.generation!
    const res = await h.run(
      `patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:v2"}]}}}}'`,
    )
    expect(res).toEqual({ code: 0, err: '', out: 'deployment.apps/web patched\n' })
    expect(images()).toEqual(['web=web:v2', 'sidecar=proxy:v1'])
    expect(live().metadata.generation).toBe(gen + 1)
  })

  it('merge replaces the list, and YAML patches are accepted', async () => {
    expect(
      (
        await h.run(
          `patch deploy/web --type merge -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:v3"}]}}}}'`,
        )
      ).out,
    ).toBe('deployment.apps/web patched\n')
    expect(images()).toEqual(['web=web:v3'])
    expect((await h.run(`patch deploy/web --type merge -p 'spec: {replicas: 5}'`)).code).toBe(0)
    expect(live().spec.replicas).toBe(5)
  })

  it('json applies operations', async () => {
    const res = await h.run(
      `patch deploy web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"proxy:v2"},{"op":"add","path":"/metadata/labels/tier","value":"front"}]'`,
    )
    expect(res.out).toBe('deployment.apps/web patched\n')
    expect(images()).toEqual(['web=web:v1', 'sidecar=proxy:v2'])
    expect(live().metadata.labels).toEqual({ app: 'web', tier: 'front' })
  })

  it('says (no change) and writes nothing when the patch changes nothing', async () => {
    const rv = live().metadata.resourceVersion
    expect((await h.run(`patch deploy web -p '{"spec":{"replicas":3}}'`)).out).toBe(
      'deployment.apps/web patched (no change)\n',
    )
    expect(live().metadata.resourceVersion).toBe(rv)
  })

  it('reads --patch-file and prints the object with -o', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-patch-'))
    try {
      writeFileSync(join(dir, 'p.yaml'), 'spec:\n  replicas: 2\n')
      const res = await h.run(`patch deploy web --patch-file ${join(dir, 'p.yaml')} -o jsonpath`)
      expect(res.code).toBe(1)
      const ok = await h.run(`patch deploy web --patch-file ${join(dir, 'p.yaml')} -o name`)
      expect(ok.out).toBe('deployment.apps/web\n')
      expect(live().spec.replicas).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a failing JSON patch changes nothing', async () => {
    const rv = live().metadata.resourceVersion
    const res = await h.run(
      `patch deploy web --type json -p '[{"op":"replace","path":"/spec/replicas","value":9},{"op":"test","path":"/spec/paused","value":true}]'`,
    )
    expect(res.code).toBe(1)
    expect(res.err).toMatch(
      /^error: the JSON patch's operation 1 \(.*\) failed: the path "\/spec\/paused" does not exist\n/,
    )
    expect(live().metadata.resourceVersion).toBe(rv)
    expect(live().spec.replicas).toBe(3)
  })

  it('a patch the server refuses is reported with the field, and nothing changes', async () => {
    const res = await h.run(`patch deploy web -p '{"spec":{"replicas":-1}}'`)
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^Error from server \(Invalid\): .*\n\* spec\.replicas: /)
    expect(live().spec.replicas).toBe(3)
  })

  it.each([
    {
      argv: 'patch deploy web',
      err: 'error: must specify --patch or --patch-file containing the contents of the patch',
    },
    {
      argv: `patch deploy web --type apply -p '{}'`,
      err: 'error: --type must be one of [json merge strategic], not "apply"',
    },
    { argv: `patch deploy web -p '{"spec": '`, err: 'error: unable to parse' },
    { argv: `patch deploy web --type merge -p '[1]'`, err: 'error: a merge patch must be an object' },
    { argv: `patch deploy x -p '{}'`, err: 'Error from server (NotFound): deployments.apps "x" not found' },
  ])('refuses: $argv', async ({ argv, err }) => {
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
  })
})
