/**
 * Issue 16, item 1, as a user meets it: the real kubectl v1.35 talks to a real daemon through
 * the kubeconfig the daemon wrote (HTTPS, its own CA, the token), `baton kubeconfig --merge`
 * adds it to a kubeconfig that holds another context, and the baton CLI follows --kubeconfig
 * and --context. Security: the files are 0600, no token means 401, a client without the CA
 * cannot connect, the token is refused over plain HTTP, and the dashboard's plain-HTTP link works.
 */
import { execFile } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { kubeTools } from './support/kube-tools.ts'
import { errorOf } from '../support/status-body.ts'

let baton: Baton
let kubectl: string

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** The real kubectl with `env` added to this process's environment (HOME kept away from the user's). */
function runKubectl(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      kubectl,
      [...args, '--request-timeout=30s'],
      { env: { PATH: process.env.PATH ?? '', HOME: baton.dataDir, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? ((err as { code?: number }).code ?? -1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    )
  })
}

beforeAll(async () => {
  kubectl = kubeTools().kubectl
  baton = await startBaton()
}, 180_000)
afterAll(async () => baton?.stop(), 60_000)

describe('the kubeconfig the daemon writes', () => {
  it('lets the real kubectl in: /version, a list, and the objects the CLI applied', async () => {
    const KUBECONFIG = join(baton.dataDir, 'kubeconfig')
    const version = await runKubectl(['get', '--raw', '/version'], { KUBECONFIG })
    expect(version, version.stderr).toMatchObject({ code: 0 })
    expect(JSON.parse(version.stdout)).toMatchObject({ platform: 'baton' })

    // A retry (P16) may find the ConfigMap its failed attempt created.
    expectOk('delete configmap', await baton.cli(['delete', 'configmap', 'hello', '--ignore-not-found']))
    expectOk('create configmap', await baton.cli(['create', 'configmap', 'hello', '--from-literal=a=1']))
    const list = await runKubectl(['get', '--raw', '/api/v1/namespaces/default/configmaps'], { KUBECONFIG })
    expect(list.code, list.stderr).toBe(0)
    expect(
      (JSON.parse(list.stdout) as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name),
    ).toContain('hello')
  }, 120_000)

  it('is what `baton kubeconfig` prints, with the CA, the token and the https server', async () => {
    const printed = expectOk('baton kubeconfig', await baton.cli(['kubeconfig'])).stdout
    expect(printed).toBe(readFileSync(join(baton.dataDir, 'kubeconfig'), 'utf8'))
    const config = parse(printed)
    expect(config['current-context']).toBe('baton')
    expect(config.clusters[0].cluster.server).toBe(`https://127.0.0.1:${baton.port}`)
    expect(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(
      readFileSync(join(baton.dataDir, 'ca.crt'), 'utf8'),
    )
    expect(config.users[0].user.token).toBe(readFileSync(join(baton.dataDir, 'token'), 'utf8').trim())
  })

  it('merges into a kubeconfig beside another context, which kubectl and baton --context then use', async () => {
    const file = join(baton.dataDir, 'user-kubeconfig')
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://prod.invalid:6443"}\n' +
        'users:\n- name: prod\n  user: {token: prod-token}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: prod}\n' +
        'current-context: prod\n',
    )
    const merged = await baton.cli(['kubeconfig', '--merge', '--kubeconfig', file])
    expect(expectOk('kubeconfig --merge', merged).stdout).toBe(
      `Context "baton" merged into ${file}. Use it with: kubectl --context baton get pods\n`,
    )
    const config = parse(readFileSync(file, 'utf8'))
    expect(config.contexts.map((c: { name: string }) => c.name)).toEqual(['prod', 'baton'])
    expect(config['current-context']).toBe('prod')
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const viaContext = await runKubectl(['--context', 'baton', 'get', '--raw', '/version'], { KUBECONFIG: file })
    expect(viaContext.code, viaContext.stderr).toBe(0)
    // The baton CLI, sent elsewhere by BATON_HOME, follows --kubeconfig and --context.
    const cli = await baton.cli([
      '--kubeconfig',
      file,
      '--context',
      'baton',
      '--data-dir',
      '/nonexistent',
      'get',
      'configmap',
      'hello',
    ])
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout).toMatch(/^NAME\s+DATA\s+AGE\nhello\s+1\s+/)
    const unknown = await baton.cli(['--kubeconfig', file, '--context', 'nope', 'get', 'pods'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain(`error: context "nope" is not in ${file}`)
  }, 120_000)
})

describe('security', () => {
  it('keeps the keys, certificates, token and kubeconfig 0600', () => {
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'token', 'kubeconfig'])
      expect((statSync(join(baton.dataDir, f)).mode & 0o777).toString(8), f).toBe('600')
  })

  it('answers 401 without the token and 401 for a wrong one', async () => {
    // Trust the CA (baton.api does), then ask without the token.
    await baton.api('/version')
    expect((await fetch(baton.apiUrl('/api/v1/namespaces/default/pods'))).status).toBe(401)
    expect((await baton.api('/api/v1/pods', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
  })

  it('cannot be reached by a client without the CA: kubectl and the baton CLI refuse the certificate', async () => {
    const config = parse(readFileSync(join(baton.dataDir, 'kubeconfig'), 'utf8'))
    delete config.clusters[0].cluster['certificate-authority-data']
    const file = join(baton.dataDir, 'no-ca-kubeconfig')
    writeFileSync(file, JSON.stringify(config), { mode: 0o600 })
    const k = await runKubectl(['get', '--raw', '/version'], { KUBECONFIG: file })
    expect(k.code).not.toBe(0)
    expect(k.stderr).toContain('certificate signed by unknown authority')
    const cli = await baton.cli(['--kubeconfig', file, 'version'])
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain(
      `error: the certificate of https://127.0.0.1:${baton.port} is not one this client trusts`,
    )
  }, 60_000)

  it('refuses the token over plain HTTP, and serves the dashboard link there', async () => {
    const token = readFileSync(join(baton.dataDir, 'token'), 'utf8').trim()
    const plain = await fetch(`http://127.0.0.1:${baton.port}/version`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(plain.status).toBe(403)
    expect((await errorOf(plain)).code).toBe('BATON_TLS_REQUIRED')
    const link = expectOk('baton dashboard', await baton.cli(['dashboard', '--no-open'])).stdout.trim()
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${baton.port}/ui/login\\?code=`))
    const page = await fetch(link, { redirect: 'manual' })
    expect([200, 302, 303]).toContain(page.status)
  })

  it('reuses the CA across a restart, so a merged kubeconfig keeps working', async () => {
    const ca = readFileSync(join(baton.dataDir, 'ca.crt'), 'utf8')
    expectOk('baton down', await baton.cli(['down']))
    await baton.up()
    expect(readFileSync(join(baton.dataDir, 'ca.crt'), 'utf8')).toBe(ca)
    const again = await runKubectl(['get', '--raw', '/version'], { KUBECONFIG: join(baton.dataDir, 'kubeconfig') })
    expect(again.code, again.stderr).toBe(0)
  }, 120_000)
})
