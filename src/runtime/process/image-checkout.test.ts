/**
 * One shared, read-only copy per artifact on a node (image-checkout.ts), with real processes:
 * three replicas of one image run from the same files, and a replica cannot change them.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { aPod } from '../../../test/support/builders.ts'
import { readLogs } from '../../logs/read-logs.ts'
import { processUid } from '../../platform/env.ts'
import { podDir } from './adoption.ts'
import { rootfsDir, sharedImagesDir } from './image-checkout.ts'
import { condition, eventLines, getPod, waitFor } from '../testing.ts'
import { APP_JS, harness, hasPodDirs, webContainer, type Harness } from './testing.ts'

/** Every regular file named `name` under `dir`, links not followed. */
function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(dir, rel))
    .filter((p) => p.endsWith(`/${name}`) && lstatSync(p).isFile() && realpathSync(p) === p)
}

async function readyPods(h: Harness, names: string[]) {
  return Promise.all(
    names.map((name) =>
      waitFor(
        `${name} Ready`,
        () => {
          const p = getPod(h.store, name)
          return condition(p, 'Ready') === 'True' && p
        },
        30_000,
      ),
    ),
  )
}

describe('the shared copy of an artifact', () => {
  it('is one copy for three replicas of one image, unpacked once', async () => {
    const h = await harness()
    await h.agent.start()
    const names = ['web-a', 'web-b', 'web-c']
    for (const name of names)
      h.store.create(aPod({ name, phase: null, grace: 2, spec: { containers: [webContainer()] } }))
    const pods = await readyPods(h, names)

    const digest = h.artifacts.resolve('web:v1')!.digest
    const shared = join(sharedImagesDir(h.dataDir), digest.slice('sha256:'.length))
    const rootfses = pods.map((p) => rootfsDir(join(podDir(h.dataDir, p.metadata.uid!), 'containers', 'web')))
    expect(rootfses.map((r) => realpathSync(r))).toEqual([shared, shared, shared])
    expect(new Set(rootfses.map((r) => statSync(join(r, 'app.js')).ino)).size).toBe(1)
    // The data directory holds the app's file once, whatever the number of replicas.
    expect(filesNamed(h.dataDir, 'app.js')).toEqual([join(shared, 'app.js')])
    const pulls = names.flatMap((n) => eventLines(h.store, n).filter((l) => l.includes(' Pulled ')))
    expect(pulls.filter((l) => l.includes('Successfully pulled image "web:v1"'))).toHaveLength(1)
    expect(pulls.filter((l) => l.includes('Container image "web:v1" already present on machine'))).toHaveLength(2)
  }, 60_000)

  it('cannot be written by a replica: files 0444, directories 0555', async () => {
    const h = await harness()
    // The replica runs as an unprivileged user where the daemon is root (file modes bind
    // everyone else), so it must reach the data directory.
    chmodSync(h.dir, 0o755)
    await h.agent.start()
    const script = [
      'if echo tamper >> app.js; then echo WROTE; else echo REFUSED-WRITE; fi',
      'if touch new-file; then echo CREATED; else echo REFUSED-CREATE; fi',
      'if rm -f app.js && ! test -e app.js; then echo REMOVED; else echo REFUSED-REMOVE; fi',
      'exec "$0" app.js',
    ].join('; ')
    const container = webContainer({}, { command: ['sh', '-c', script, process.execPath] })
    const securityContext = processUid() === 0 ? { runAsUser: 65534, runAsGroup: 65534 } : undefined
    h.store.create(
      aPod({
        name: 'tamper',
        phase: null,
        grace: 2,
        spec: { containers: [container], ...(securityContext ? { securityContext } : {}) },
      }),
    )
    const [pod] = await readyPods(h, ['tamper'])
    const out: string[] = []
    for await (const l of readLogs(podDir(h.dataDir, pod!.metadata.uid!), 'web')) out.push(l)
    expect(out.filter((l) => /WROTE|CREATED|REMOVED|REFUSED/.test(l))).toEqual([
      expect.stringContaining('REFUSED-WRITE'),
      expect.stringContaining('REFUSED-CREATE'),
      expect.stringContaining('REFUSED-REMOVE'),
    ])
    const shared = realpathSync(rootfsDir(join(podDir(h.dataDir, pod!.metadata.uid!), 'containers', 'web')))
    expect(readFileSync(join(shared, 'app.js'), 'utf8')).not.toContain('tamper')
    expect(statSync(join(shared, 'app.js')).mode & 0o777).toBe(0o444)
    expect(statSync(shared).mode & 0o777).toBe(0o555)
  }, 60_000)

  it('goes once the artifact is removed from the store, at the next pull', async () => {
    const h = await harness()
    await h.agent.start()
    const src = mkdtempSync(join(tmpdir(), 'baton-shared-src-'))
    onTestFinished(() => rmSync(src, { recursive: true, force: true }))
    cpSync(APP_JS, join(src, 'app.js'))
    writeFileSync(join(src, 'VERSION'), 'old\n')
    const old = await h.artifacts.push('web:old', src)
    const oldCopy = join(sharedImagesDir(h.dataDir), old.digest.slice('sha256:'.length))
    h.store.create(
      aPod({ name: 'old', phase: null, grace: 2, spec: { containers: [webContainer({}, { image: 'web:old' })] } }),
    )
    await readyPods(h, ['old'])
    expect(existsSync(join(oldCopy, 'VERSION'))).toBe(true)
    h.store.delete('Pod', 'default', 'old')
    await waitFor('old gone', () => !hasPodDirs(h.dataDir), 30_000)
    h.artifacts.remove!('web:old')
    h.store.create(aPod({ name: 'next', phase: null, grace: 2, spec: { containers: [webContainer()] } }))
    await readyPods(h, ['next'])
    await waitFor('the old copy removed', () => !existsSync(oldCopy), 10_000)
  }, 60_000)
})
