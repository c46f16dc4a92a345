/**
 * The data directory's disk fills up (a small tmpfs): writes are refused with BATON_NO_SPACE
 * (HTTP 507), reads answer, the daemon, its replica and the load balancer keep running, and
 * once space is freed writes are accepted again without a restart (docs/reliability.md,
 * "A full disk"). Needs root (mount); skipped otherwise.
 */
import { execFileSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { readProxyFiles } from '../../src/proxy/proxy-files.ts'
import { freePort } from '../e2e/support/ports.ts'
import { replicaProcesses } from '../e2e/support/processes.ts'
import { daemonApi, REPO_ROOT } from '../e2e/support/baton.ts'
import { alive, cli, deployWeb, killStarted, removeDataDir, runDaemon, waitServing } from './support/daemon.ts'
import { type ErrorView, errorOf } from '../support/status-body.ts'

const TMPFS_SIZE = '16m'
const root = process.getuid?.() === 0
const base = mkdtempSync(join(tmpdir(), 'baton-diskfull-'))
const mnt = join(base, 'disk')
let mounted = false

/** The daemons the case started stopped, its data directory removed and its disk unmounted. */
async function cleanUp(): Promise<void> {
  await killStarted()
  removeDataDir(join(mnt, 'data'))
  if (mounted) execFileSync('umount', ['-l', mnt])
  mounted = false
}

afterAll(async () => {
  await cleanUp()
  rmSync(base, { recursive: true, force: true })
})

/** Writes zeros into `file` until the disk refuses; returns the bytes written. */
function fill(file: string): number {
  const fd = openSync(file, 'w')
  const chunk = Buffer.alloc(64 * 1024)
  let written = 0
  try {
    for (;;) written += writeSync(fd, chunk)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    closeSync(fd)
  }
  return written
}

it.skipIf(!root)(
  'on a full disk writes answer BATON_NO_SPACE, reads and replicas carry on, and writes resume once there is room',
  { timeout: 300_000 },
  async () => {
    // A retry (P16) starts on a new empty disk, not on its failed attempt's full one.
    await cleanUp()
    mkdirSync(mnt, { recursive: true })
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', mnt])
    mounted = true
    const dir = join(mnt, 'data')
    mkdirSync(dir)
    const [port, servicePort] = [await freePort(), await freePort()]
    const logFd = openSync(join(dir, 'daemon.log'), 'a')
    const daemon = runDaemon(dir, port, [], logFd)
    closeSync(logFd)
    const log = () => readFileSync(join(dir, 'daemon.log'), 'utf8')
    await waitServing(dir, port, daemon).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${log()}`)))
    await deployWeb(dir, servicePort)
    const [replica] = replicaProcesses(dir)
    const lb = readProxyFiles(dir)!.info.pid
    const token = readFileSync(join(dir, 'token'), 'utf8').trim()
    const api = (path: string, init: RequestInit = {}) =>
      daemonApi(dir, port)(path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      })
    const create = (name: string) =>
      api('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name },
          data: { pad: 'x'.repeat(20_000) },
        }),
      })

    const filled = fill(join(mnt, 'filler'))
    // The WAL may still have room for a few commits; the disk runs out within a few hundred.
    const acknowledged: string[] = []
    let refusal: { status: number; body: ErrorView } | undefined
    for (let i = 0; i < 400 && !refusal; i++) {
      const res = await create(`cm-${i}`)
      if (res.status === 201) acknowledged.push(`cm-${i}`)
      else refusal = { status: res.status, body: await errorOf(res) }
    }
    expect(refusal, `no write was refused after filling ${filled} bytes`).toBeDefined()
    expect(refusal!.status).toBe(507)
    expect(refusal!.body.code).toBe('BATON_NO_SPACE')
    expect(refusal!.body.message).toMatch(/disk .* is full/)

    // While the disk stays full: writes refused, reads served, the data plane and replica up.
    for (let i = 0; i < 5; i++) expect((await create(`refused-${i}`)).status).toBe(507)
    const list = (await (await api('/api/v1/namespaces/default/configmaps')).json()) as {
      items: { metadata: { name: string } }[]
    }
    const listed = list.items.map((c) => c.metadata.name)
    expect(listed).toEqual(expect.arrayContaining(acknowledged))
    expect(listed.filter((n) => n.startsWith('refused-'))).toEqual([])
    expect((await api('/apis/apps/v1/namespaces/default/deployments/web')).status).toBe(200)
    expect(alive(daemon.pid), log()).toBe(true)
    expect(alive(replica!.pid)).toBe(true)
    expect(alive(lb)).toBe(true)
    expect((await fetch(`http://127.0.0.1:${servicePort}/`)).status).toBe(200)
    // A push says the disk is full, not that the archive is bad. (The reserve the store gave
    // back is free space to anyone: fill that too.)
    fill(join(mnt, 'filler-2'))
    const push = await cli(dir, ['push', 'web:v2', join(REPO_ROOT, 'examples', 'web', 'v2')], { ok: false })
    expect(push.code).toBe(1)
    expect(push.out).toMatch(/disk is full/)
    expect(push.out).not.toMatch(/not a readable tar archive/)

    // Space returns: the next write goes through, without a restart.
    rmSync(join(mnt, 'filler'))
    rmSync(join(mnt, 'filler-2'))
    let status = 0
    for (let i = 0; i < 50 && status !== 201; i++) {
      status = (await create(`after-${i}`)).status
      if (status !== 201) await new Promise((r) => setTimeout(r, 200))
    }
    expect(status).toBe(201)
    expect(alive(daemon.pid)).toBe(true)

    // Everything acknowledged is in the file: a restarted daemon lists it.
    daemon.child.kill('SIGKILL')
    await daemon.exited
    const again = runDaemon(dir, port)
    await waitServing(dir, port, again)
    const relisted = (await (await api('/api/v1/namespaces/default/configmaps')).json()) as typeof list
    expect(relisted.items.map((c) => c.metadata.name)).toEqual(expect.arrayContaining(acknowledged))
    again.child.kill('SIGTERM')
    expect(await again.exited).toBe(0)

    // A daemon started on a full disk serves reads, refuses writes, and resumes when there is room.
    const refilled = fill(join(mnt, 'filler'))
    const fd2 = openSync(join(dir, 'daemon.log'), 'a')
    const onFull = runDaemon(dir, port, [], fd2)
    closeSync(fd2)
    await waitServing(dir, port, onFull).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${log()}`)))
    expect((await api('/api/v1/namespaces/default/configmaps')).status).toBe(200)
    const refusedAtStart = await create('on-full-disk')
    expect(refusedAtStart.status).toBe(507)
    expect((await errorOf(refusedAtStart)).code).toBe('BATON_NO_SPACE')
    rmSync(join(mnt, 'filler'))
    await expect
      .poll(async () => (await create(`resumed-${Date.now()}`)).status, { timeout: 30_000, interval: 200 })
      .toBe(201)
    console.log(
      `disk full: ${acknowledged.length} writes acknowledged after filling ${filled} bytes, then 507 BATON_NO_SPACE; writes resumed after freeing; ` +
        `a daemon started with ${refilled} more bytes filled served reads and refused writes until freed`,
    )
    onFull.child.kill('SIGTERM')
    expect(await onFull.exited).toBe(0)
  },
)
