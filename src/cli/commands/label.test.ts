import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aDeployment, aPod, deploymentAsServed, podAsServed } from '../../../test/support/builders.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
  h.store.create(aDeployment(deploymentAsServed('web')))
})
afterEach(() => h.close())

const labels = () => h.store.get('Deployment', 'default', 'web')!.metadata.labels
const annotations = () => h.store.get('Deployment', 'default', 'web')!.metadata.annotations

describe('baton label', () => {
  it('adds a label', async () => {
    expect(await h.run('label deployment web tier=front')).toEqual({
      code: 0,
      err: '',
      out: 'deployment.apps/web labeled\n',
    })
    expect(labels()).toEqual({ app: 'web', tier: 'front' })
  })

  it('refuses to change a label without --overwrite, and leaves it', async () => {
    const res = await h.run('label deploy/web app=api')
    expect(res).toEqual({
      code: 1,
      out: '',
      err: `error: 'app' already has a value (web), and --overwrite is false\nhint: Pass --overwrite to replace the value on deployments.apps "web"\n`,
    })
    expect(labels()).toEqual({ app: 'web' })
    expect((await h.run('label deploy/web app=api --overwrite')).out).toBe('deployment.apps/web labeled\n')
    expect(labels()).toEqual({ app: 'api' })
  })

  it('removes with KEY-, says unlabeled, and not labeled when nothing changes', async () => {
    await h.run('label deploy web tier=front')
    expect((await h.run('label deploy web tier-')).out).toBe('deployment.apps/web unlabeled\n')
    expect(labels()).toEqual({ app: 'web' })
    expect((await h.run('label deploy web app=web --overwrite')).out).toBe('deployment.apps/web not labeled\n')
    expect((await h.run('label deploy web app=web')).err).toMatch(
      /^error: 'app' already has a value \(web\), and --overwrite is false\n/,
    )
    expect((await h.run('label deploy web gone-')).out).toBe(
      'label "gone" not found.\ndeployment.apps/web not labeled\n',
    )
  })

  it('lists labels with --list, after the changes given with it', async () => {
    await h.run('label deploy web tier=front')
    expect((await h.run('label deploy web --list')).out).toBe('app=web\ntier=front\n')
    expect((await h.run('label deploy web --list tier- x=1')).out).toBe('app=web\nx=1\n')
  })

  it('labels every object matching -l', async () => {
    h.store.create(aPod({ ...podAsServed('a'), labels: { app: 'web' } }))
    h.store.create(aPod({ ...podAsServed('b'), labels: { app: 'web' } }))
    h.store.create(aPod({ ...podAsServed('c'), labels: { app: 'db' } }))
    expect((await h.run('label pods -l app=web canary=true')).out).toBe('pod/a labeled\npod/b labeled\n')
    expect(h.store.get('Pod', 'default', 'c')!.metadata.labels).toEqual({ app: 'db' })
  })

  it('refuses an invalid label value before sending it, and the server refuses an invalid key with the field', async () => {
    const value = await h.run('label deploy web tier=not/valid')
    expect(value.code).toBe(1)
    expect(value.err).toMatch(
      /^error: invalid label value: "tier=not\/valid": a valid label must be an empty string or consist of/,
    )
    const key = await h.run('label deploy web bad_key_=x')
    expect(key.code).toBe(1)
    expect(key.err).toMatch(/^Error from server \(Invalid\): The Deployment "web" is invalid\n\* metadata\.labels: /)
    expect(labels()).toEqual({ app: 'web' })
  })

  it('honours --resource-version as a precondition', async () => {
    const rv = h.store.get('Deployment', 'default', 'web')!.metadata.resourceVersion
    const res = await h.run('label deploy web tier=front --resource-version=999')
    expect(res.code).toBe(1)
    expect(res.err).toContain(`the object has been modified`)
    expect((await h.run(`label deploy web tier=front --resource-version=${rv}`)).out).toBe(
      'deployment.apps/web labeled\n',
    )
  })

  it.each([
    { argv: 'label deploy web', err: 'error: at least one label update is required' },
    { argv: 'label deploy tier=front', err: 'error: resource(s) were provided, but no name was specified' },
    { argv: 'label deploy web a=1 a-', err: 'error: can not both modify and remove a label in the same command' },
    { argv: 'label deploy web a=b=c', err: 'error: invalid label spec: a=b=c' },
  ])('usage errors: $argv', async ({ argv, err }) => {
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
  })
})

describe('baton annotate', () => {
  it('adds, refuses a changed value without --overwrite, overwrites, removes', async () => {
    expect(await h.run("annotate deployment web owner=team-a 'note=two words'")).toEqual({
      code: 0,
      err: '',
      out: 'deployment.apps/web annotated\n',
    })
    expect(annotations()).toEqual({ owner: 'team-a', note: 'two words' })
    const clash = await h.run('annotate deploy/web owner=team-b')
    expect(clash.code).toBe(1)
    expect(clash.err).toMatch(
      /^error: --overwrite is false but found the following declared annotation\(s\): 'owner' already has a value \(team-a\)\n/,
    )
    expect((await h.run('annotate deploy/web owner=team-b --overwrite')).out).toBe('deployment.apps/web annotated\n')
    expect((await h.run('annotate deploy/web owner- note-')).out).toBe('deployment.apps/web annotated\n')
    expect(annotations()).toBeUndefined()
  })

  it('allows the same value and always the change-cause; lists every clash', async () => {
    await h.run('annotate deploy web a=1 b=2 kubernetes.io/change-cause=first')
    expect((await h.run('annotate deploy web a=1 kubernetes.io/change-cause=second')).out).toBe(
      'deployment.apps/web annotated\n',
    )
    expect(annotations()).toEqual({ a: '1', b: '2', 'kubernetes.io/change-cause': 'second' })
    expect((await h.run('annotate deploy web a=9 b=9')).err).toMatch(
      /^error: --overwrite is false but found the following declared annotation\(s\): 'a' already has a value \(1\); 'b' already has a value \(2\)\n/,
    )
  })

  it('lists annotations with --list', async () => {
    await h.run('annotate deploy web b=2 a=1')
    expect((await h.run('annotate deploy web --list')).out).toBe('a=1\nb=2\n')
  })
})
