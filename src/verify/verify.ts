/**
 * @module
 * `baton verify URL -- COMMAND…` in one function: keep load on the URL while COMMAND runs
 * (typically `baton set image …` or `baton apply …`) and until the rollout it started has
 * finished, then stop the load and report what the clients saw.
 */
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { BatonError } from '../errors/baton-error.ts'
import { preciseClock } from '../platform/clock.ts'
import { runLoad, type LoadOptions, type LoadResult } from './load-run.ts'
import { summarize, type VerifyReport } from './report.ts'

export const DEFAULT_WARMUP_MS = 1000
export const DEFAULT_COOLDOWN_MS = 1000

export interface VerifyOptions extends LoadOptions {
  /** Run while the load is on; its exit code is returned. */
  command?: string[]
  /** Awaited after the command, before the load stops (e.g. wait for `rollout status`). */
  waitForRollout?: () => Promise<void>
  /**
   * The command's stdio (default inherit: its output shows as usual). stderr: its output goes
   * to stderr, keeping stdout for a machine-read report.
   */
  commandStdio?: 'inherit' | 'ignore' | 'stderr'
  /** Load before the command starts, for a baseline (default 1 s). */
  warmupMs?: number
  /** Load after the rollout finished, to see the settled state (default 1 s). */
  cooldownMs?: number
}

export interface VerifyResult {
  report: VerifyReport
  load: LoadResult
  /** The command's exit code (128 + signal number if a signal ended it); null without a command. */
  exitCode: number | null
  /** What waitForRollout threw, if it did; the report still covers the whole run. */
  rolloutError?: unknown
}

/**
 * @example
 * const { report, exitCode } = await verify({
 *   url: 'http://127.0.0.1:8080/', rate: 200, keepAlive: true,
 *   command: ['baton', 'set', 'image', 'deployment/web', 'web=web:v2'],
 *   waitForRollout: () => client.waitRolloutComplete('web'),
 * })
 * process.stdout.write(renderText(report))
 */
export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const clock = opts.clock ?? preciseClock
  const run = runLoad({ ...opts, clock })
  // A pause ends early when the load run does; the loser's timer is cancelled either way.
  const pause = async (ms: number) => {
    const over = new AbortController()
    try {
      await Promise.race([clock.sleep(ms, over.signal), run.done])
    } finally {
      over.abort()
    }
  }
  let exitCode: number | null = null
  let rolloutError: unknown
  try {
    // Nothing to wait for but the clock (`baton verify URL --duration 30s`): the load runs its
    // whole duration, which is what was asked for, not a warm-up and a cool-down.
    if (!opts.command?.length && !opts.waitForRollout && opts.durationMs !== undefined) await run.done
    await pause(opts.warmupMs ?? DEFAULT_WARMUP_MS)
    if (opts.command && opts.command.length > 0) {
      exitCode = await runCommand(opts.command, opts.commandStdio ?? 'inherit', opts.signal)
    }
    if (opts.waitForRollout) {
      try {
        await opts.waitForRollout()
      } catch (e) {
        rolloutError = e
      }
    }
    await pause(opts.cooldownMs ?? DEFAULT_COOLDOWN_MS)
  } finally {
    await run.stop()
  }
  const load = await run.done
  return { report: summarize(load), load, exitCode, ...(rolloutError !== undefined ? { rolloutError } : {}) }
}

function runCommand(
  argv: string[],
  stdio: 'inherit' | 'ignore' | 'stderr',
  signal: AbortSignal | undefined,
): Promise<number> {
  const [file, ...args] = argv as [string, ...string[]]
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: stdio === 'stderr' ? ['inherit', 2, 2] : stdio,
      ...(signal ? { signal } : {}),
    })
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') return
      reject(
        new BatonError('BATON_USAGE', `command "${argv.join(' ')}" could not be started: ${e.code ?? e.message}`, {
          hint: 'check the command after "--" exists and is on PATH',
          cause: e,
        }),
      )
    })
    child.once('close', (code, sig) => {
      const signum = sig ? (constants.signals as Record<string, number>)[sig] : undefined
      resolve(code ?? 128 + (signum ?? 0))
    })
  })
}
