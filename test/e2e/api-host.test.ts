/**
 * `baton up --host ADDR`: the API on another address than 127.0.0.1, HTTPS with the address in
 * its certificate, reached by baton and kubectl from the data directory's files alone. The
 * "other" address is 127.0.0.2: loopback (traffic stays on this machine) but not 127.0.0.1.
 */
import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRunning } from '../../src/platform/proc-stat.ts'
import { readDaemonInfo } from '../../src/cli/config.ts'
import { BATON_BIN } from './support/baton.ts'
import { kubeTools, toolOk } from './support/kube-tools.ts'
import { freePort } from './support/ports.ts'

const HOST = '127.0.0.2'
let dataDir: string
let port: number
let pid: number | undefined

function baton(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only the data directory says where the daemon is.
  const { BATON_SERVER: _server, BATON_TOKEN: _token, ...inherited } = process.env
  const env = { ...inherited, BATON_HOME: home }
  return new Promise((resolve) =>
    execFile(process.execPath, [BATON_BIN, ...args], { env, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  )
}

/** Whether something accepts TCP connections at host:port. */
function accepts(host: string, p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(p, host)
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'baton-api-host-'))
  port = await freePort()
  const up = await baton(['up', '-d', '--host', HOST, '--port', String(port)], dataDir)
  pid = readDaemonInfo(dataDir)?.pid
  expect(up.stderr).toBe('')
  expect(up.stdout).toBe(`baton daemon started (pid ${pid}) on https://${HOST}:${port}\n`)
}, 120_000)

afterAll(async () => {
  await baton(['down', '--all'], dataDir)
  if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
}, 120_000)

describe('baton up --host 127.0.0.2', () => {
  it('listens there only, with the address in its certificate', async () => {
    const cert = new X509Certificate(readFileSync(join(dataDir, 'server.crt')))
    expect(cert.subjectAltName?.split(', ')).toContain(`IP Address:${HOST}`)
    expect(cert.checkIP(HOST)).toBe(HOST)
    expect(await accepts(HOST, port)).toBe(true)
    expect(await accepts('127.0.0.1', port)).toBe(false)
    expect(readFileSync(join(dataDir, 'kubeconfig'), 'utf8')).toContain(`server: https://${HOST}:${port}`)
  })

  it('is reached by baton and by kubectl over HTTPS from the data directory alone', async () => {
    const version = await baton(['version'], dataDir)
    expect(version.stdout).toMatch(/^Client Version: v\S+\nServer Version: v\S+\n$/)
    const pods = await baton(['get', 'pods'], dataDir)
    expect(pods.stderr).toBe('No resources found in default namespace.\n')
    const { kubectl } = kubeTools()
    expect(await toolOk(kubectl, ['get', 'namespaces', '-o', 'name'], dataDir, 60_000)).toContain('namespace/default')
  }, 180_000)

  it('refuses plain HTTP on an address other machines reach, before any daemon starts', async () => {
    const other = mkdtempSync(join(tmpdir(), 'baton-api-host-http-'))
    try {
      const up = await baton(['up', '-d', '--host', '10.1.2.3', '--insecure-http', '--port', String(port)], other)
      expect(up.code).toBe(1)
      expect(up.stderr).toMatch(
        /^error: --insecure-http serves the API token in the clear, so it listens on loopback only, not on --host 10\.1\.2\.3\nhint: Drop --insecure-http/,
      )
      expect(readDaemonInfo(other)).toBeUndefined()
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })
})
