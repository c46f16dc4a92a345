/**
 * Pulls with imagePullSecrets through a real engine from a real registry on loopback
 * (docker-registry with htpasswd auth, testing/registry.ts): without credentials the pull is
 * refused (ErrImagePull, then ImagePullBackOff, the message naming the missing auth); with a
 * kubernetes.io/dockerconfigjson Secret the image is pulled and the container runs; the
 * daemon user's Docker config is the fallback, its `auths` or the credential helper it names
 * (a real `docker-credential-batontest` script on the agent's PATH); a helper that is missing
 * fails the pull with its name.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Pod } from '../../api/types.ts'
import { systemClock } from '../../platform/clock.ts'
import { envValue } from '../../platform/env.ts'
import { randomIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ObjectStore } from '../../store/types.ts'
import { eventLines, waitFor } from '../testing.ts'
import type { NodeAgent } from '../types.ts'
import { createDockerNodeAgent } from './docker-node-agent.ts'
import type { Engine } from './engine.ts'
import { credentialsFrom } from './registry-auth.ts'
import {
  NO_REGISTRY,
  REGISTRY_PASSWORD,
  REGISTRY_SKIP_REASON,
  REGISTRY_USER,
  startRegistry,
  type TestRegistry,
} from './testing/registry.ts'
import { exampleImages, NO_ENGINE, removeOwned, SKIP_REASON, testEngine } from './testing.ts'

const T = 60_000

describe.skipIf(NO_ENGINE || NO_REGISTRY)(
  `pulls from a registry that needs auth${SKIP_REASON}${REGISTRY_SKIP_REASON}`,
  () => {
    let engine: Engine
    let registry: TestRegistry
    let image: string
    let store: ObjectStore
    let agent: NodeAgent
    const owner = `registry-${randomUUID()}`
    const dir = mkdtempSync(join(tmpdir(), 'baton-registry-pull-'))
    const dockerConfig = join(dir, 'config.json')
    const auth = () => Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')

    beforeAll(async () => {
      engine = testEngine()
      await exampleImages(engine)
      registry = await startRegistry()
      // web:v1 pushed as a private image, then its tag removed: only a pull brings it back.
      image = `${registry.host}/baton/private-web:v1`
      const [repo, tag] = [image.slice(0, image.lastIndexOf(':')), 'v1']
      await engine.getImage('web:v1').tag({ repo, tag })
      const pushed = await engine
        .getImage(image)
        .push({ authconfig: { username: REGISTRY_USER, password: REGISTRY_PASSWORD, serveraddress: registry.host } })
      await new Promise<void>((resolve, reject) =>
        engine.modem.followProgress(pushed, (err: Error | null, out: Array<{ error?: string }>) => {
          const failed = err?.message ?? out.find((o) => o.error)?.error
          if (failed) reject(new Error(failed))
          else resolve()
        }),
      )
      await engine.getImage(image).remove()
      store = createMemoryStore({ clock: systemClock, ids: randomIds })
      agent = createDockerNodeAgent({
        store,
        clock: systemClock,
        engine,
        owner,
        volumesDir: join(dir, 'volumes'),
        // The helpers' PATH: the test's directory first, where it writes docker-credential-batontest.
        credentials: credentialsFrom(dockerConfig, {
          clock: systemClock,
          env: { PATH: `${dir}:${envValue('PATH') ?? '/usr/bin:/bin'}` },
        }),
      })
      await agent.start()
    }, T * 2)

    afterAll(async () => {
      await agent?.stop({ stopPods: true })
      if (engine) {
        await removeOwned(engine, owner)
        await engine
          .getImage(image)
          .remove()
          .catch(() => undefined)
      }
      await registry?.stop()
      store?.close()
      rmSync(dir, { recursive: true, force: true })
    })

    const create = (name: string, secrets: string[]): Pod =>
      store.create<'Pod'>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: {
          nodeName: agent.nodeName,
          terminationGracePeriodSeconds: 2,
          ...(secrets.length > 0 ? { imagePullSecrets: secrets.map((s) => ({ name: s })) } : {}),
          containers: [
            { name: 'web', image, imagePullPolicy: 'Always', ports: [{ name: 'http', containerPort: 8080 }] },
          ],
        },
      })
    const status = (name: string) => store.get('Pod', 'default', name)?.status?.containerStatuses?.[0]

    it(
      'without credentials: ErrImagePull, then ImagePullBackOff, the message naming the missing auth',
      async () => {
        const reasons: string[] = []
        const unwatch = store.watch('Pod', {}, (ev) => {
          if (ev.object.metadata.name !== 'anonymous') return
          const r = ev.object.status?.containerStatuses?.[0]?.state.waiting?.reason
          if (r && reasons.at(-1) !== r) reasons.push(r)
        })
        create('anonymous', ['absent-secret'])
        await waitFor('ImagePullBackOff', () => reasons.includes('ImagePullBackOff'), T)
        unwatch()
        expect(reasons.slice(reasons.indexOf('ErrImagePull'))).toEqual(['ErrImagePull', 'ImagePullBackOff'])
        const events = eventLines(store, 'anonymous')
        expect(events).toContainEqual(
          'Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (absent-secret); attempting to pull the image may not succeed.',
        )
        expect(events.find((l) => l.startsWith(`Warning Failed Failed to pull image "${image}"`))).toMatch(
          /no basic auth credentials|unauthorized|authentication required/,
        )
        expect(status('anonymous')?.state.running).toBeUndefined()
      },
      T * 2,
    )

    it(
      'with a kubernetes.io/dockerconfigjson Secret: pulled and running',
      async () => {
        const config = { auths: { [registry.host]: { auth: auth() } } }
        store.create<'Secret'>({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'regcred', namespace: 'default' },
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
        })
        create('authed', ['regcred'])
        const running = await waitFor('running', () => status('authed')?.state.running, T)
        expect(running.startedAt).toBeTruthy()
        expect(eventLines(store, 'authed')).toContainEqual(
          expect.stringMatching(`^Normal Pulled Successfully pulled image "${image}"`),
        )
        expect(status('authed')?.imageID).toMatch(/^sha256:/)
      },
      T * 2,
    )

    it(
      "falls back to the daemon user's Docker config when the pod names no Secret",
      async () => {
        writeFileSync(dockerConfig, JSON.stringify({ auths: { [`http://${registry.host}`]: { auth: auth() } } }))
        create('from-config', [])
        await waitFor('running', () => status('from-config')?.state.running, T)
      },
      T * 2,
    )

    it(
      'runs the credential helper the Docker config names for the registry (credHelpers), as the docker CLI does',
      async () => {
        const asked = join(dir, 'helper-asked')
        // A helper as docker-credential-helpers writes them: the server address on stdin, the
        // credentials as JSON, "not found" and exit 1 for a registry it has nothing for.
        writeFileSync(
          join(dir, 'docker-credential-batontest'),
          [
            '#!/bin/sh',
            'read -r server',
            `echo "$1 $server" >> '${asked}'`,
            `if [ "$server" = '${registry.host}' ]; then`,
            `  echo '{"ServerURL":"${registry.host}","Username":"${REGISTRY_USER}","Secret":"${REGISTRY_PASSWORD}"}'`,
            'else',
            "  echo 'credentials not found in native keychain'; exit 1",
            'fi',
            '',
          ].join('\n'),
          { mode: 0o755 },
        )
        // docker login with a helper leaves an empty auths entry: the helper is the only source.
        writeFileSync(
          dockerConfig,
          JSON.stringify({ auths: { [registry.host]: {} }, credHelpers: { [registry.host]: 'batontest' } }),
        )
        create('from-helper', [])
        await waitFor('running', () => status('from-helper')?.state.running, T)
        expect(readFileSync(asked, 'utf8')).toBe(`get ${registry.host}\n`)
      },
      T * 2,
    )

    it(
      'a credsStore helper that is not installed: ErrImagePull naming the helper',
      async () => {
        writeFileSync(dockerConfig, JSON.stringify({ credsStore: 'batontest-absent' }))
        create('absent-helper', [])
        const waiting = await waitFor(
          'ErrImagePull',
          () => {
            const w = status('absent-helper')?.state.waiting
            return w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff' ? w : undefined
          },
          T,
        )
        const why = `error getting credentials for ${registry.host} from docker-credential-batontest-absent (credsStore in ${dockerConfig}): docker-credential-batontest-absent is not installed: not found on the PATH`
        expect(eventLines(store, 'absent-helper')).toContainEqual(
          `Warning Failed Failed to pull image "${image}": ${why}`,
        )
        expect(waiting.reason === 'ErrImagePull' ? waiting.message : why).toBe(why)
      },
      T * 2,
    )
  },
)
