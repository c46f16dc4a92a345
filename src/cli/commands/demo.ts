/**
 * @module
 * `baton demo`: the whole promise in one command on a fresh machine. In a temporary data
 * directory, on free ports, it starts a daemon, pushes the example app as web:v1 and web:v2,
 * deploys 4 replicas and a Service, previews the update (`rollout plan`), then updates to v2
 * while `verify` keeps ~300 requests/s on the Service, prints the verifier's report, writes its
 * SVG timeline, and stops everything it started (`down --all`) and removes the directory.
 * Exit 0 only when no request failed.
 *
 * Every step is the real command's `run` with a context bound to the demo's daemon, so the
 * demo prints exactly what a user typing those commands would see.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseAllDocuments } from 'yaml'
import type { Deployment, Service } from '../../api/types.ts'
import { renderSvg } from '../../verify/render-svg.ts'
import { renderText } from '../../verify/render-text.ts'
import { verify } from '../../verify/verify.ts'
import { type ApiClient, connectionClient } from '../client.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { countFlag, defineCommand, str, type CliContext } from '../command.ts'
import { resolveConnection, systemSources } from '../config.ts'
import { applyCommand } from './apply.ts'
import { pollUntil } from './daemon-control.ts'
import { freePort } from './demo-ports.ts'
import { downCommand } from './down.ts'
import { pushCommand } from './push.ts'
import { rolloutPlanCommand } from './rollout-plan.ts'
import { rolloutStatusCommand, watchRollout } from './rollout-status.ts'
import { setImageCommand } from './set-image.ts'
import { upCommand } from './up.ts'

export interface DemoOptions {
  replicas: number
  rate: number
  /** Where the SVG timeline goes. */
  svg: string
}

/** The load never outlives this, whatever the rollout does. */
const LOAD_LIMIT_MS = 120_000
const NAMESPACE = 'default'
const SERVICE_WAIT_MS = 15_000

/**
 * Polls `url` until it answers 200: the load balancer opens a new Service's listener a moment
 * after the Service is stored, and load started before that would count refused connections
 * that have nothing to do with the rollout.
 */
async function waitForService(ctx: CliContext, url: string): Promise<void> {
  const ok = await pollUntil(ctx.clock, SERVICE_WAIT_MS, 100, async () => {
    const res = await fetch(url, { signal: ctx.signal }).catch(() => undefined)
    await res?.body?.cancel()
    return res?.status === 200 ? true : undefined
  })
  if (!ok) {
    throw new BatonError(
      'BATON_TIMEOUT',
      `the web Service at ${url} did not answer within ${SERVICE_WAIT_MS / 1000}s`,
      {
        hint: 'run the README quick start by hand and look at `baton get endpoints web` and .baton/daemon.log',
      },
    )
  }
}

/** examples/web/deployment.yaml with the demo's size and Service port. */
async function demoManifest(repoRoot: string, replicas: number, servicePort: number): Promise<string> {
  const docs = parseAllDocuments(await readFile(join(repoRoot, 'examples', 'web', 'deployment.yaml'), 'utf8')).map(
    (d) => d.toJS() as Deployment | Service,
  )
  for (const doc of docs) {
    if (doc.kind === 'Deployment') doc.spec.replicas = replicas
    if (doc.kind === 'Service') for (const p of doc.spec.ports ?? []) p.port = servicePort
  }
  return docs.map((d) => JSON.stringify(d)).join('\n---\n')
}

/** A context whose connection is the demo's own daemon, whatever the environment says. */
function demoContext(ctx: CliContext, dataDir: string, apiPort: number): CliContext {
  let client: ApiClient | undefined
  const connection = () =>
    resolveConnection({ dataDir, server: `127.0.0.1:${apiPort}` }, { ...systemSources, env: () => undefined })
  return {
    ...ctx,
    namespace: NAMESPACE,
    namespaceExplicit: false,
    connection,
    // The token file exists only once the daemon has started: build the client on first use.
    client: () => (client ??= connectionClient(connection())),
    argv: ['demo'],
  }
}

export const demoCommand = defineCommand<DemoOptions>({
  path: ['demo'],
  summary: 'Run a verified zero-downtime rolling update of the example app, then clean up',
  usage: '[--replicas=4] [--rate=300] [--svg=FILE]',
  examples: ['  baton demo', '  baton demo --replicas 10 --svg /tmp/rollout.svg'].join('\n'),
  flags: [
    { flags: '--replicas <n>', description: 'Replicas of the example app', default: '4' },
    { flags: '--rate <n>', description: 'Requests per second during the update', default: '300' },
    {
      flags: '--svg <file>',
      description: 'Where to write the SVG timeline of the run (default: $TMPDIR/baton-demo.svg)',
    },
  ],
  complete: (_args, flags) => ({
    replicas: countFlag(flags.replicas, 'replicas') ?? 4,
    rate: countFlag(flags.rate, 'rate') ?? 300,
    svg: resolve(str(flags.svg) ?? join(tmpdir(), 'baton-demo.svg')),
  }),
  async run(o, ctx) {
    const out = (s: string) => ctx.io.out.write(s)
    const dir = await mkdtemp(join(tmpdir(), 'baton-demo-'))
    const [apiPort, servicePort] = [await freePort(), await freePort()]
    const demo = demoContext(ctx, join(dir, 'data'), apiPort)
    const url = `http://127.0.0.1:${servicePort}/`
    const step = (s: string) => out(`\n==> ${s}\n`)
    let started = false
    try {
      out(`Baton demo in ${dir} (removed afterwards)\n`)
      step(`baton up -d --port ${apiPort}`)
      await upCommand.run({ detach: true, port: apiPort }, demo)
      started = true
      for (const v of ['v1', 'v2']) {
        step(`baton push web:${v} examples/web/${v}`)
        await pushCommand.run({ ref: `web:${v}`, path: join(ctx.repoRoot, 'examples', 'web', v), force: false }, demo)
      }
      const manifest = join(dir, 'web.yaml')
      await writeFile(manifest, await demoManifest(ctx.repoRoot, o.replicas, servicePort))
      step(
        `baton apply -f web.yaml   (examples/web/deployment.yaml: ${o.replicas} replicas, Service on :${servicePort})`,
      )
      await applyCommand.run({ files: [manifest], record: false, output: 'table' }, demo)
      const web = { kind: 'Deployment' as const, name: 'web' }
      await rolloutStatusCommand.run(
        { ref: web, watch: true, timeoutMs: 60_000, namespace: NAMESPACE },
        { ...demo, io: { ...demo.io, isTTY: false } },
      )
      await waitForService(ctx, url)
      const images = [{ container: 'web', image: 'web:v2' }]
      step('baton rollout plan deployment/web --image web=web:v2')
      await rolloutPlanCommand.run({ files: [], ref: web, images, output: 'table', namespace: NAMESPACE }, demo)
      step(`baton verify ${url} --rate ${o.rate} --deployment web -- baton set image deployment/web web=web:v2`)
      const client = demo.client()
      const result = await verify({
        url,
        rate: o.rate,
        keepAlive: true,
        durationMs: LOAD_LIMIT_MS,
        signal: ctx.signal,
        waitForRollout: async () => {
          await setImageCommand.run({ ref: web, images, record: true, namespace: NAMESPACE }, demo)
          await watchRollout(client, await client.get('Deployment', NAMESPACE, 'web'), undefined, ctx.signal, () => {})
        },
      })
      out(renderText(result.report))
      await writeFile(o.svg, renderSvg(result.report))
      out(`timeline: ${o.svg}\n`)
      if (result.rolloutError !== undefined) throw result.rolloutError
      return result.report.failed === 0 ? 0 : 1
    } finally {
      if (started) {
        step('baton down --all')
        await downCommand.run({ all: true }, demo)
      }
      await rm(dir, { recursive: true, force: true })
    }
  },
})
