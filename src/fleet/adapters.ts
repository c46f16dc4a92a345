/**
 * @module
 * The coordinator's ports made real: each target through Baton's shared API client (the same
 * apply as `baton apply`, the same packer as `baton push`), the front load balancer through its
 * control API, hooks as `sh -c` child processes.
 */
import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { AnyObject, Deployment, Kind } from '../api/types.ts'
import { applyOne } from '../cli/commands/apply.ts'
import { packDirectory } from '../cli/commands/push.ts'
import { trustCertificateAuthority } from '../cli/tls-trust.ts'
import { ApiClient } from '../client/api-client.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import { childNodeEnv } from '../platform/env.ts'
import { readProxyFiles } from '../proxy/proxy-files.ts'
import { LAST_APPLIED_ANNOTATION } from '../rollout/annotations.ts'
import { deploymentComplete } from '../rollout/deployment-status.ts'
import { canonicalJson } from '../rollout/template-hash.ts'
import { resolveConnection } from './connection.ts'
import type { FrontPort, HookPort } from './coordinator.ts'
import type { RecoveryPorts } from './recover.ts'
import type { TargetState } from './front.ts'
import type { FrontEvent } from './front.ts'
import type { FleetTarget } from './types.ts'

/** How often a target's Deployments are read while its rollout runs (each read costs the target daemon a request). */
const POLL_MS = 500

export function targetClient(t: FleetTarget, baseDir: string): ApiClient {
  const c = resolveConnection(t, baseDir)
  // Each target's daemon has a CA of its own; the coordinator trusts every one it is given.
  if (c.caPem) trustCertificateAuthority(c.caPem)
  return new ApiClient({ server: c.server, token: c.token })
}

/** The manifest with its own text remembered, as `baton apply` sends it, so later applies can prune. */
function withLastApplied(o: AnyObject): AnyObject {
  const desired = structuredClone(o)
  const remembered = structuredClone(o)
  delete remembered.metadata.annotations?.[LAST_APPLIED_ANNOTATION]
  desired.metadata.annotations = {
    ...desired.metadata.annotations,
    [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(remembered)}\n`,
  }
  return desired
}

/** Whether `live` is `sent` as the fleet applied it: its last-applied text is the object's own. */
export function appliedAs(live: AnyObject, sent: AnyObject): boolean {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION]
  if (text === undefined) return false
  const remembered = structuredClone(sent)
  delete remembered.metadata.annotations?.[LAST_APPLIED_ANNOTATION]
  try {
    return canonicalJson(JSON.parse(text)) === canonicalJson(remembered)
  } catch {
    return false
  }
}

export function targetPort(baseDir: string, clock: Clock): RecoveryPorts['targets'] {
  const clients = new Map<string, ApiClient>()
  const client = (t: FleetTarget) => {
    let c = clients.get(t.name)
    if (!c) {
      c = targetClient(t, baseDir)
      clients.set(t.name, c)
    }
    return c
  }
  return {
    async pushArtifacts(t, artifacts) {
      const held = await client(t).artifacts()
      const has = new Set(held.map((a) => `${a.name}:${a.tag ?? 'latest'}`))
      const pushed: string[] = []
      for (const [ref, dir] of Object.entries(artifacts)) {
        if (has.has(ref)) continue
        const path = resolve(baseDir, dir)
        if (!(await stat(path).catch(() => undefined))?.isDirectory())
          throw new BatonError('BATON_USAGE', `spec.artifacts["${ref}"]: ${path} is not a directory`, {
            hint: 'Point each artifact at the directory to push, relative to the fleet file',
          })
        await client(t).push(ref, packDirectory(path), false)
        pushed.push(ref)
      }
      return pushed
    },
    async apply(t, objects) {
      for (const o of objects) await applyOne(client(t), withLastApplied(o))
    },
    async runs(t, objects) {
      for (const o of objects) {
        let live: AnyObject
        try {
          live = (await client(t).get(o.kind as Kind, o.metadata.namespace ?? 'default', o.metadata.name)) as AnyObject
        } catch (err) {
          if (err instanceof BatonError && err.code === 'BATON_NOT_FOUND') return false
          throw err
        }
        if (!appliedAs(live, o)) return false
      }
      return true
    },
    async waitRolledOut(t, objects, timeoutMs) {
      const deadline = clock.now() + timeoutMs
      for (const o of objects.filter((x) => x.kind === 'Deployment')) {
        const ns = o.metadata.namespace ?? 'default'
        for (;;) {
          const d = (await client(t).get('Deployment', ns, o.metadata.name)) as Deployment
          const status = d.status ?? {}
          const progressing = status.conditions?.find((c) => c.type === 'Progressing')
          if (progressing?.reason === 'ProgressDeadlineExceeded')
            throw new BatonError(
              'BATON_ROLLOUT_FAILED',
              `deployment "${o.metadata.name}" exceeded its progress deadline`,
              {
                hint: `Look at it with: baton --server ${client(t).server} describe deployment ${o.metadata.name}`,
              },
            )
          if ((status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && deploymentComplete(d, status)) break
          if (clock.now() > deadline)
            throw new BatonError(
              'BATON_TIMEOUT',
              `deployment "${o.metadata.name}" did not roll out within ${timeoutMs / 1000} s`,
              {
                hint: 'Raise spec.rolloutTimeoutSeconds, or look at the target with baton describe',
              },
            )
          await clock.sleep(POLL_MS)
        }
      }
    },
  }
}

/** Hooks run with `sh -c`, in the fleet file's directory, the target in their environment. */
export function hookPort(baseDir: string, output: (line: string) => void): HookPort {
  return {
    run(hook, command, env, timeoutMs) {
      return new Promise((done) => {
        const child = spawn('sh', ['-c', command], {
          cwd: baseDir,
          env: { ...childNodeEnv(), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
        })
        let tail = ''
        const keep = (c: Buffer) => {
          const text = c.toString('utf8')
          tail = (tail + text).slice(-2000)
          for (const l of text.split('\n')) if (l) output(`    [${hook} ${env.BATON_TARGET}] ${l}`)
        }
        child.stdout.on('data', keep)
        child.stderr.on('data', keep)
        child.on('error', (err) => done({ ok: false, message: err.message }))
        child.on('close', (code, signal) => {
          if (code === 0) return done({ ok: true, message: '' })
          const why = signal
            ? `killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs / 1000} s?)` : ''}`
            : `exit ${code}`
          const last = tail.trim().split('\n').pop()
          done({ ok: false, message: last ? `${why}: ${last}` : why })
        })
      })
    },
  }
}

/** The front load balancer's control API, found through the fleet's state directory. */
export class FrontClient implements FrontPort {
  readonly #address: string
  readonly #token: string

  constructor(stateDir: string) {
    const files = readProxyFiles(stateDir)
    if (!files)
      throw new BatonError(
        'BATON_FLEET_LB_UNREACHABLE',
        `no front load balancer runs for the state directory ${stateDir}`,
        {
          hint: 'Start it with: baton fleet lb -f FLEET (with the same --state-dir)',
        },
      )
    this.#address = files.info.controlAddress
    this.#token = files.token
  }

  async #call<T>(method: string, path: string): Promise<T> {
    const api = new ApiClient({ server: this.#address, token: this.#token })
    try {
      return await api.json<T>(method, path)
    } catch (err) {
      if (err instanceof BatonError && err.code === 'BATON_DAEMON_UNREACHABLE')
        throw new BatonError(
          'BATON_FLEET_LB_UNREACHABLE',
          `the front load balancer at ${this.#address} does not answer`,
          {
            hint: 'Start it again with: baton fleet lb -f FLEET (with the same --state-dir)',
            cause: err,
          },
        )
      throw err
    }
  }

  drain(target: string) {
    return this.#call<{ drained: boolean; inflight: number }>('POST', `/v1/targets/${encodeURIComponent(target)}/drain`)
  }

  async add(target: string) {
    await this.#call('POST', `/v1/targets/${encodeURIComponent(target)}/add`)
  }

  async targets(): Promise<TargetState[]> {
    return (await this.#call<{ targets: TargetState[] }>('GET', '/v1/targets')).targets
  }

  async events(): Promise<FrontEvent[]> {
    return (await this.#call<{ events: FrontEvent[] }>('GET', '/v1/events')).events
  }
}
