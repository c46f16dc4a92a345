/**
 * @module
 * `baton verify URL [--deployment NAME] -- COMMAND...`: keeps load on URL while COMMAND runs
 * (e.g. `baton set image deployment/web web=web:v2`) and, with --deployment, until that
 * rollout has finished; then prints what the clients saw. Exit 0 only when no request failed
 * and the command succeeded: the zero-downtime check of a rollout.
 */
import { writeFile } from 'node:fs/promises'
import type { Deployment } from '../../api/types.ts'
import { renderSvg } from '../../verify/render-svg.ts'
import { renderText } from '../../verify/render-text.ts'
import { verify } from '../../verify/verify.ts'
import { bool, defineCommand, str, usageError } from '../command.ts'
import { parseDuration } from '../../api/go-duration.ts'
import { parseTimestamp } from '../../api/timestamps.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import type { AutomaticOutcome } from '../../rollout/failure-outcome.ts'
import { watchRollout } from './rollout-status.ts'

export interface VerifyCommandOptions {
  url: string
  command: string[]
  rate: number
  durationMs?: number
  keepAlive: boolean
  /** Persistent connections with keep-alive (default 16). */
  connections?: number
  deployment?: string
  svg?: string
  /** json: the report as one JSON object on stdout (the command's output goes to stderr). */
  output: 'text' | 'json'
  namespace: string
}

export const verifyCommand = defineCommand<VerifyCommandOptions>({
  path: ['verify'],
  summary: 'Keep load on a URL while a command (a rollout) runs, and report every failed request',
  args: '[args...]',
  usage: 'URL [--rate=200] [--deployment=NAME] [--svg=FILE] -- COMMAND [ARGS...]',
  examples: [
    '  baton verify http://127.0.0.1:8080/ --deployment web -- baton set image deployment/web web=web:v2',
    '  baton verify http://127.0.0.1:8080/ --duration 30s',
  ].join('\n'),
  flags: [
    { flags: '--rate <n>', description: 'Requests started per second', default: '200' },
    {
      flags: '--duration <duration>',
      description:
        'Without a command: keep the load on this long; with one: stop after this long at the latest (default 5m)',
    },
    { flags: '--no-keep-alive', description: 'Open a new connection for every request' },
    { flags: '--connections <n>', description: 'Keep-alive connections, one request at a time each (default 16)' },
    { flags: '--deployment <name>', description: 'Keep the load on until this deployment has rolled out' },
    { flags: '--svg <file>', description: 'Also write the report as an SVG timeline' },
    { flags: '-o, --output <format>', description: 'Report format: text|json (json: the command writes to stderr)' },
  ],
  complete(args, flags, ctx) {
    const [url, ...command] = args
    if (!url)
      throw usageError(
        'verify needs the URL to put load on',
        'e.g. baton verify http://127.0.0.1:8080/ -- baton apply -f web.yaml',
      )
    const rate = Number(flags.rate ?? 200)
    if (!Number.isFinite(rate) || rate <= 0) throw usageError('--rate must be a positive number')
    const duration = str(flags.duration)
    const connections = flags.connections === undefined ? undefined : Number(flags.connections)
    if (connections !== undefined && !(Number.isInteger(connections) && connections > 0)) {
      throw usageError('--connections must be a positive whole number')
    }
    const deployment = str(flags.deployment)
    const svg = str(flags.svg)
    const output = str(flags.output) ?? 'text'
    if (output !== 'text' && output !== 'json')
      throw usageError(`unknown --output "${output}"`, 'use -o text or -o json')
    return {
      url,
      command,
      rate,
      ...(duration ? { durationMs: parseDuration(duration, 'duration') } : {}),
      keepAlive: flags.keepAlive === undefined ? true : bool(flags.keepAlive),
      ...(connections !== undefined ? { connections } : {}),
      ...(deployment ? { deployment } : {}),
      ...(svg ? { svg } : {}),
      output,
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    const client = o.deployment ? ctx.client() : undefined
    const result = await verify({
      url: o.url,
      rate: o.rate,
      keepAlive: o.keepAlive,
      ...(o.connections !== undefined ? { concurrency: o.connections } : {}),
      ...(o.durationMs ? { durationMs: o.durationMs } : {}),
      ...(o.command.length ? { command: o.command } : {}),
      signal: ctx.signal,
      ...(o.output === 'json' ? { commandStdio: 'stderr' as const } : {}),
      ...(client && o.deployment
        ? {
            waitForRollout: async () => {
              const d = await client.get('Deployment', o.namespace, o.deployment!)
              await watchRollout(client, d as Deployment, undefined, ctx.signal, () => {})
            },
          }
        : {}),
    })
    // The failure policy's rollback or pause ends the wait with its error, which carries the outcome.
    const err = result.rolloutError
    const outcome =
      isBatonError(err) && (err.code === 'BATON_ROLLED_BACK' || err.code === 'BATON_ROLLOUT_HALTED')
        ? (err.cause as AutomaticOutcome | undefined)
        : undefined
    if (outcome) {
      const atMs = outcome.at ? parseTimestamp(outcome.at) - parseTimestamp(result.report.startedAt) : Number.NaN
      result.report.automatic = {
        action: outcome.kind,
        ...(outcome.at ? { at: outcome.at } : {}),
        ...(Number.isFinite(atMs) ? { atMs } : {}),
        message: outcome.message,
      }
    }
    ctx.io.out.write(o.output === 'json' ? `${JSON.stringify(result.report)}\n` : renderText(result.report))
    if (o.svg) await writeFile(o.svg, renderSvg(result.report))
    if (result.rolloutError !== undefined) throw result.rolloutError
    return result.report.failed === 0 && (result.exitCode ?? 0) === 0 ? 0 : 1
  },
})
