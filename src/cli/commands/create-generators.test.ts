import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConfigMap, Deployment } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
let dir: string
beforeEach(() => {
  h = createHarness()
  dir = mkdtempSync(join(tmpdir(), 'baton-create-'))
})
afterEach(() => {
  h.close()
  rmSync(dir, { recursive: true, force: true })
})

const cm = (name: string) => h.store.get('ConfigMap', 'default', name) as ConfigMap

describe('create configmap', () => {
  it('from literals and a file named by its base name (seed 003: create cm NAME --from-file=application.yml)', async () => {
    writeFileSync(join(dir, 'application.yml'), 'server:\n  port: 8080\n')
    const res = await h.run(
      `create cm spring-conf --from-file=${join(dir, 'application.yml')} --from-literal=MODE=blue --from-literal=EMPTY=`,
    )
    expect(res).toEqual({ code: 0, err: '', out: 'configmap/spring-conf created\n' })
    expect(cm('spring-conf').data).toEqual({ 'application.yml': 'server:\n  port: 8080\n', MODE: 'blue', EMPTY: '' })
  })

  it('from a file under another key, a directory, an env file, binary as binaryData', async () => {
    mkdirSync(join(dir, 'conf'))
    writeFileSync(join(dir, 'conf', 'a.txt'), 'A')
    writeFileSync(join(dir, 'conf', 'b.bin'), Buffer.from([0xff, 0xfe, 0x00]))
    writeFileSync(join(dir, 'x.txt'), 'X')
    writeFileSync(join(dir, 'app.env'), '# comment\nK1=v1\n\nK2=a=b\n')
    const res = await h.run(
      `create configmap c --from-file=renamed=${join(dir, 'x.txt')} --from-file=${join(dir, 'conf')} --from-env-file=${join(dir, 'app.env')}`,
    )
    expect(res.out).toBe('configmap/c created\n')
    expect(cm('c').data).toEqual({ renamed: 'X', 'a.txt': 'A', K1: 'v1', K2: 'a=b' })
    expect(cm('c').binaryData).toEqual({ 'b.bin': Buffer.from([0xff, 0xfe, 0x00]).toString('base64') })
  })

  it.each([
    {
      name: 'a duplicate key',
      argv: 'create cm d --from-literal=a=1 --from-literal=a=2',
      err: 'error: cannot add key "a", another key by that name already exists in Data for ConfigMap "d"',
    },
    {
      name: 'an invalid key',
      argv: 'create cm d --from-literal=a/b=1',
      err: 'error: "a/b" is not a valid key name for a ConfigMap',
    },
    {
      name: 'a literal without =',
      argv: 'create cm d --from-literal=abc',
      err: 'error: invalid literal source abc, expected key=value',
    },
    {
      name: 'a missing file',
      argv: 'create cm d --from-file=/nonexistent/f',
      err: 'error: error reading /nonexistent/f',
    },
    {
      name: 'a deployment flag',
      argv: 'create cm d --image=x',
      err: 'error: --image is not a flag of create configmap',
    },
    {
      name: 'a secret',
      argv: 'create secret generic s --from-literal=a=1',
      err: 'error: baton create cannot generate "secret": Baton serves no Secrets',
    },
  ])('refuses $name, creating nothing', async ({ argv, err }) => {
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
    expect(h.store.list('ConfigMap').items).toEqual([])
  })
})

describe('create deployment -- COMMAND', () => {
  it('sets the container command from the words after --', async () => {
    const res = await h.run('create deployment worker --image=tools:v1 --replicas=2 -- node worker.js --queue jobs')
    expect(res).toEqual({ code: 0, err: '', out: 'deployment.apps/worker created\n' })
    const d = h.store.get('Deployment', 'default', 'worker') as Deployment
    expect(d.spec.replicas).toBe(2)
    expect(d.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'tools', image: 'tools:v1', command: ['node', 'worker.js', '--queue', 'jobs'] }),
    ])
  })

  it('refuses a config map flag', async () => {
    expect((await h.run('create deployment w --image=i --from-literal=a=1')).err).toMatch(
      /^error: --from-literal is not a flag of create deployment/,
    )
  })
})

describe('create --dry-run=client', () => {
  it('prints the generated object and creates nothing', async () => {
    const res = await h.run('create deployment web --image=web:v1 --dry-run=client -o yaml')
    expect(res.out).toBe(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\n  labels:\n    app: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web:v1\n',
    )
    expect((await h.run('create cm c --from-literal=a=1 --dry-run=client')).out).toBe('configmap/c created (dry run)\n')
    expect(h.store.list('Deployment').items).toEqual([])
    expect(h.store.list('ConfigMap').items).toEqual([])
  })
})
