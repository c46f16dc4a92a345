import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConfigMap, Deployment, Secret } from '../../api/types.ts'
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

/** A directory of two files (one not UTF-8), a file x.txt and an env file, for --from-file and --from-env-file. */
function writeSources(): void {
  mkdirSync(join(dir, 'conf'))
  writeFileSync(join(dir, 'conf', 'a.txt'), 'A')
  writeFileSync(join(dir, 'conf', 'b.bin'), Buffer.from([0xff, 0xfe, 0x00]))
  writeFileSync(join(dir, 'x.txt'), 'X')
  writeFileSync(join(dir, 'app.env'), '# comment\nK1=v1\n\nK2=a=b\n')
}

const cm = (name: string) => h.store.get('ConfigMap', 'default', name) as ConfigMap

describe('create configmap (and the refusals of create secret generic)', () => {
  it('from literals and a file named by its base name (seed 003: create cm NAME --from-file=application.yml)', async () => {
    writeFileSync(join(dir, 'application.yml'), 'server:\n  port: 8080\n')
    const res = await h.run(
      `create cm spring-conf --from-file=${join(dir, 'application.yml')} --from-literal=MODE=blue --from-literal=EMPTY=`,
    )
    expect(res).toEqual({ code: 0, err: '', out: 'configmap/spring-conf created\n' })
    expect(cm('spring-conf').data).toEqual({ 'application.yml': 'server:\n  port: 8080\n', MODE: 'blue', EMPTY: '' })
  })

  it('from a file under another key, a directory, an env file, binary as binaryData', async () => {
    writeSources()
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
      name: '--type, a flag of create secret generic',
      argv: 'create cm d --from-literal=a=1 --type=Opaque',
      err: 'error: --type is a flag of create secret generic only',
    },
    {
      name: 'a secret: another generator',
      argv: 'create secret tls t',
      err: 'error: baton create secret cannot generate "tls"',
    },
    { name: 'a secret: no generator', argv: 'create secret', err: 'error: create secret needs a generator' },
    {
      name: 'a secret: no name',
      argv: 'create secret generic --from-literal=a=1',
      err: 'error: create secret generic takes exactly one NAME',
    },
    {
      name: 'a secret: a duplicate key',
      argv: 'create secret generic s --from-literal=a=1 --from-literal=a=2',
      err: 'error: cannot add key "a", another key by that name already exists in Data for Secret "s"',
    },
    {
      name: 'a secret: an invalid key',
      argv: 'create secret generic s --from-literal=a/b=1',
      err: 'error: "a/b" is not a valid key name for a Secret',
    },
    {
      name: 'a secret: a deployment flag',
      argv: 'create secret generic s --image=x',
      err: 'error: --image is not a flag of create secret generic',
    },
  ])('refuses $name, creating nothing', async ({ argv, err }) => {
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
    expect(h.store.list('ConfigMap').items).toEqual([])
    expect(h.store.list('Secret').items).toEqual([])
  })
})

const secret = (name: string) => h.store.get('Secret', 'default', name) as Secret
const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64')

describe('create secret generic', () => {
  it('from literals, a file under its name or a key, a directory and an env file, every value base64 in data', async () => {
    writeSources()
    const res = await h.run(
      `create secret generic db --from-literal=password=s3cret --from-file=${join(dir, 'x.txt')} --from-file=tls.key=${join(dir, 'x.txt')} --from-file=${join(dir, 'conf')} --from-env-file=${join(dir, 'app.env')}`,
    )
    expect(res).toEqual({ code: 0, err: '', out: 'secret/db created\n' })
    expect(secret('db').data).toEqual({
      password: b64('s3cret'),
      'x.txt': b64('X'),
      'tls.key': b64('X'),
      'a.txt': b64('A'),
      'b.bin': b64(Buffer.from([0xff, 0xfe, 0x00])),
      K1: b64('v1'),
      K2: b64('a=b'),
    })
    // kubectl sends no type for generic without --type; the server defaults it.
    expect(secret('db').type).toBe('Opaque')
  })

  it('takes --type, -n, and --dry-run=client -o yaml as kubectl prints it', async () => {
    const res = await h.run('create secret generic s --from-literal=a=b --type=example.com/x -n team')
    expect(res.out).toBe('secret/s created\n')
    expect(h.store.get('Secret', 'team', 's')).toMatchObject({ type: 'example.com/x', data: { a: b64('b') } })
    const dry = await h.run('create secret generic d --from-literal=a=b --dry-run=client -o yaml')
    expect(dry.out).toBe('apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\n  namespace: default\ndata:\n  a: Yg==\n')
    expect(h.store.get('Secret', 'default', 'd')).toBeUndefined()
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
