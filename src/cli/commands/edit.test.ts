import { existsSync, rmSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aDeployment, deploymentAsServed } from '../../../test/support/builders.ts'
import type { Deployment } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'
import { mergePatchBetween } from './edit.ts'

// The editor is a real process: a sed script run the way an editor is, on the temp file.
let h: Harness
const saved = process.env.KUBE_EDITOR
beforeEach(() => {
  h = createHarness()
  h.store.create(aDeployment(deploymentAsServed('web')))
})
afterEach(() => {
  h.close()
  if (saved === undefined) delete process.env.KUBE_EDITOR
  else process.env.KUBE_EDITOR = saved
})

const live = () => h.store.get('Deployment', 'default', 'web') as Deployment

describe('mergePatchBetween', () => {
  it('keeps only what changed, removed keys as null, lists whole', () => {
    expect(
      mergePatchBetween({ a: 1, b: { c: 1, d: 2 }, e: [1, 2], f: 'x' }, { a: 1, b: { c: 1, d: 3 }, e: [1], g: true }),
    ).toEqual({ f: null, b: { d: 3 }, e: [1], g: true })
  })
})

describe('baton edit', () => {
  it('applies what was changed in the editor', async () => {
    process.env.KUBE_EDITOR = `sed -i -e 's/^  replicas: 3$/  replicas: 5/'`
    expect(await h.run('edit deployment web')).toEqual({ code: 0, err: '', out: 'deployment.apps/web edited\n' })
    expect(live().spec.replicas).toBe(5)
  })

  it('edits JSON with -o json', async () => {
    // The object's own labels only (the first match): the selector is immutable.
    process.env.KUBE_EDITOR = `sed -i -e '0,/"app": "web"/s//"app": "web", "tier": "front"/'`
    expect((await h.run('edit deploy/web -o json')).out).toBe('deployment.apps/web edited\n')
    expect(live().metadata.labels).toEqual({ app: 'web', tier: 'front' })
  })

  it('says so when nothing changed or the file was emptied, and writes nothing', async () => {
    const rv = live().metadata.resourceVersion
    process.env.KUBE_EDITOR = 'true'
    expect((await h.run('edit deploy web')).out).toBe('Edit cancelled, no changes made.\n')
    process.env.KUBE_EDITOR = 'truncate -s 0'
    expect((await h.run('edit deploy web')).out).toBe('Edit cancelled, no objects found.\n')
    expect(live().metadata.resourceVersion).toBe(rv)
  })

  it('reopens a refused edit with the error, and gives up (keeping a copy) when it is saved unchanged', async () => {
    process.env.KUBE_EDITOR = `sed -i -e 's/^  replicas: 3$/  replicas: -1/'`
    const res = await h.run('edit deploy web')
    expect(res.code).toBe(1)
    const copy = /stored to "([^"]+)"/.exec(res.err)?.[1]
    expect(res.err).toMatch(
      /^error: Edit cancelled, no valid changes were saved\.\nA copy of your changes has been stored to "/,
    )
    expect(copy && existsSync(copy)).toBe(true)
    rmSync(copy!, { force: true })
    expect(live().spec.replicas).toBe(3)
  })

  it('fails when the editor fails, changing nothing', async () => {
    process.env.KUBE_EDITOR = 'false'
    const res = await h.run('edit deploy web')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: the editor "false" exited with status 1\n/)
  })
})
