/**
 * @module
 * What the fleet e2e tests share: Baton hosts on loopback addresses behind the fleet's front
 * load balancer (`FleetHosts`: their daemons, the Fleet manifest, `baton fleet` argv, status,
 * images, verify through the front balancer, cleanup), a Service port free on every target's
 * address, and the front load balancer's event log read back.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, vi } from 'vitest'
import { stringify } from 'yaml'
import type { FrontEvent } from '../../../src/fleet/front.ts'
import { BATON_BIN, type Baton, type CliResult, expectOk, startBaton } from './baton.ts'
import { webManifest } from './manifests.ts'
import { freePort } from './ports.ts'

/** A port free on every one of `hosts` (each target's Service listens on its own address). */
export async function portFreeOnAll(hosts: readonly string[]): Promise<number> {
  for (;;) {
    const port = await freePort()
    const free = await Promise.all(
      hosts.map(
        (host) =>
          new Promise<boolean>((ok) => {
            const s = net.createServer()
            s.once('error', () => ok(false))
            s.listen(port, host, () => s.close(() => ok(true)))
          }),
      ),
    )
    if (free.every(Boolean)) return port
  }
}

/** The front load balancer's events (front-events.log in the fleet's state directory), oldest first. */
export async function frontEvents(stateDir: string): Promise<FrontEvent[]> {
  const text = await readFile(join(stateDir, 'front-events.log'), 'utf8').catch(() => '')
  return text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as FrontEvent)
}

/** What differs between the tests' Fleet manifests; the rest (targets, front balancer) comes from the hosts. */
export interface FleetOptions {
  windowSize: number | string
  /** metadata.name (default web). */
  name?: string
  /** Each target's tags. */
  tags?: string[]
  artifacts?: Record<string, string>
  failurePolicy?: Record<string, unknown>
  hooks?: { verify: string[] }
  /** The user's HAProxy (its runtime API socket and backend) instead of Baton's front balancer. */
  haproxy?: { socket: string; backend: string }
}

export interface VerifyFrontOptions {
  rate: number
  /** Keep-alive connections; without, --no-keep-alive. */
  connections?: number
  duration: string
  /** A shell line run under the load (`-- sh -c`). */
  command?: string
  /** Default: Baton's front balancer. */
  url?: string
}

/**
 * Baton hosts, one daemon per loopback address of `hosts` (two replicas each, Service on one
 * port free on all), a fleet over them in a temp directory, and Baton's front load balancer.
 */
export class FleetHosts {
  dir = ''
  targets: Baton[] = []
  servicePort = 0
  frontPort = 0
  /** Targets whose processes the test killed: started again before they are stopped. */
  readonly killed = new Set<number>()
  private front: ChildProcess | undefined
  private frontExited: Promise<void> = Promise.resolve()

  readonly hosts: readonly string[]

  constructor(hosts: readonly string[]) {
    this.hosts = hosts
  }

  /** The state directory of fleet.yaml. */
  stateDir = (): string => join(this.dir, 'state')

  /** `baton fleet VERB -f fleet.yaml --state-dir state ...more` */
  args = (verb: string, ...more: string[]): string[] => this.argsOf('fleet.yaml', 'state')(verb, ...more)

  /** `args` for another fleet file of the directory and its own state directory. */
  argsOf =
    (file: string, stateDir: string) =>
    (verb: string, ...more: string[]): string[] => [
      'fleet',
      verb,
      '-f',
      join(this.dir, file),
      '--state-dir',
      join(this.dir, stateDir),
      ...more,
    ]

  /**
   * The temp directory, ports and daemons; `writeFirst` writes the first fleet.yaml, then the
   * front balancer starts and the first rollout (nothing to go back to) brings every target to it.
   */
  async start(prefix: string, writeFirst: () => Promise<void>): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), prefix))
    this.servicePort = await portFreeOnAll(this.hosts)
    this.frontPort = await freePort()
    this.targets = await Promise.all(this.hosts.map((host) => startBaton({ upArgs: ['--service-host', host] })))
    await writeFirst()
    const front = spawn(process.execPath, [BATON_BIN, ...this.args('lb')], { stdio: ['ignore', 'ignore', 'pipe'] })
    this.front = front
    let frontErr = ''
    front.stderr!.setEncoding('utf8').on('data', (c: string) => (frontErr += c))
    this.frontExited = new Promise((done) => front.once('exit', () => done()))
    await vi.waitFor(() => expect(frontErr).toContain('front load balancer of fleet web'), { timeout: 20_000 })
    expectOk('fleet rollout (web:v1)', await this.targets[0]!.cli(this.args('rollout'), { timeoutMs: 150_000 }))
  }

  /** The Fleet of these hosts, each target by its own kubeconfig (its HTTPS server, CA and token). */
  manifest(o: FleetOptions): string {
    return stringify({
      apiVersion: 'baton.dev/v1',
      kind: 'Fleet',
      metadata: { name: o.name ?? 'web' },
      spec: {
        manifests: ['deploy.yaml'],
        ...(o.artifacts ? { artifacts: o.artifacts } : {}),
        targets: this.targets.map((t, i) => ({
          name: `t${i + 1}`,
          connection: { kubeconfig: join(t.dataDir, 'kubeconfig'), context: 'baton' },
          service: { host: this.hosts[i], port: this.servicePort },
          ...(o.tags ? { tags: o.tags } : {}),
        })),
        frontLoadBalancer: o.haproxy
          ? { haproxy: o.haproxy }
          : {
              listen: { host: '127.0.0.1', port: this.frontPort },
              // Generous for a shared machine: a check slower than 2 s, three in a row, takes a target out.
              healthCheck: { path: '/healthz', intervalSeconds: 1, timeoutSeconds: 2, unhealthyThreshold: 3 },
            },
        windowSize: o.windowSize,
        ...(o.failurePolicy ? { failurePolicy: o.failurePolicy } : {}),
        rolloutTimeoutSeconds: 120,
        ...(o.hooks ? { hooks: o.hooks } : {}),
      },
    })
  }

  /** deploy.yaml (the example app of `image`, two replicas) and the fleet `file`. */
  async write(image: string, o: FleetOptions, file = 'fleet.yaml'): Promise<void> {
    await writeFile(join(this.dir, 'deploy.yaml'), webManifest({ servicePort: this.servicePort, replicas: 2, image }))
    await writeFile(join(this.dir, file), this.manifest(o))
  }

  /** `baton fleet status -o json` (of fleet.yaml unless `args` says otherwise). */
  async status<T>(args = this.args): Promise<T> {
    return JSON.parse(expectOk('fleet status', await this.targets[0]!.cli(args('status', '-o', 'json'))).stdout) as T
  }

  /** Until every target is healthy and in the front balancer. */
  async waitAllIn(args = this.args, timeout = 20_000): Promise<void> {
    await vi.waitFor(
      async () =>
        expect(
          (await this.status<{ targets: Array<{ health: string; frontBalancer: string }> }>(args)).targets.map(
            (t) => `${t.health}/${t.frontBalancer}`,
          ),
        ).toEqual(this.hosts.map(() => 'healthy/in')),
      { timeout, interval: 500 },
    )
  }

  /** The Deployment web's image on each target of `indexes` (default all), in that order. */
  async images(indexes = this.targets.map((_, i) => i)): Promise<string[]> {
    return Promise.all(
      indexes.map(async (i) => {
        const r = expectOk('get deploy', await this.targets[i]!.cli(['get', 'deployment', 'web', '-o', 'json']))
        return (JSON.parse(r.stdout) as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec
          .template.spec.containers[0]!.image
      }),
    )
  }

  /** The front load balancer's events, oldest first. */
  frontEvents = (): Promise<FrontEvent[]> => frontEvents(this.stateDir())

  /** `baton verify -o json` through the front balancer (or `o.url`), run by target t1's CLI. */
  verify(o: VerifyFrontOptions): Promise<CliResult> {
    return this.targets[0]!.cli(
      [
        'verify',
        o.url ?? `http://127.0.0.1:${this.frontPort}/`,
        '--rate',
        String(o.rate),
        ...(o.connections !== undefined ? ['--connections', String(o.connections)] : ['--no-keep-alive']),
        '--duration',
        o.duration,
        '-o',
        'json',
        ...(o.command ? ['--', 'sh', '-c', o.command] : []),
      ],
      { timeoutMs: 200_000 },
    )
  }

  /** `baton ARGS` as one shell line (for verify's command). */
  static shellLine(args: readonly string[]): string {
    return [process.execPath, BATON_BIN, ...args].map((a) => `'${a}'`).join(' ')
  }

  /** The front balancer stopped, killed targets started again, every target stopped, the directory removed. */
  async stop(): Promise<void> {
    const front = this.front
    if (front?.pid !== undefined && front.exitCode === null) {
      process.kill(front.pid, 'SIGINT')
      await Promise.race([this.frontExited, new Promise((r) => setTimeout(r, 5_000))])
      if (front.exitCode === null) process.kill(front.pid, 'SIGKILL')
    }
    // A killed target's daemon is started again, so that `baton down --all` has one to stop.
    await Promise.allSettled([...this.killed].map((i) => this.targets[i]!.up()))
    const stops = await Promise.allSettled(this.targets.map((t) => t.stop()))
    if (this.dir) await rm(this.dir, { recursive: true, force: true })
    for (const s of stops) if (s.status === 'rejected') throw s.reason
  }
}
