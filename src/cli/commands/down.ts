/**
 * @module
 * `baton down [--all]`: asks the daemon to stop (its pods keep running and are re-adopted by
 * the next `up`, unless --all), falling back to SIGTERM, and waits until the process is gone.
 * With --all and no daemon, a load balancer left running is stopped all the same.
 */
import { BatonError } from '../../errors/baton-error.ts'
import type { Clock } from '../../platform/clock.ts'
import { adoptProxy } from '../../proxy/supervise.ts'
import { bool, defineCommand } from '../command.ts'
import { readDaemonInfo } from '../config.ts'
import { isRunning } from '../../platform/proc-stat.ts'
import { pollUntil } from './daemon-control.ts'

/**
 * Stops the load balancer named by DIR/proxy.json when it is alive and answers with the
 * directory's proxy token (so it is this directory's, not a reused pid); its pid, or undefined.
 */
async function stopLeftoverLoadBalancer(dataDir: string, clock: Clock): Promise<number | undefined> {
  const lb = await adoptProxy(dataDir, clock)
  if (!lb) return undefined
  const { pid } = await lb.ping()
  await lb.shutdown().catch(() => process.kill(pid, 'SIGTERM'))
  lb.close()
  const gone = await pollUntil(clock, DAEMON_STOP_TIMEOUT_MS, 100, async () => (isRunning(pid) ? undefined : true))
  if (!gone)
    throw new BatonError(
      'BATON_TIMEOUT',
      `the load balancer (pid ${pid}) did not stop within ${DAEMON_STOP_TIMEOUT_MS / 1000}s`,
      { hint: `force it with: kill -9 ${pid}` },
    )
  return pid
}

/** How long `down` waits for the daemon process to exit. */
export const DAEMON_STOP_TIMEOUT_MS = 60_000

export const downCommand = defineCommand<{ all: boolean }>({
  path: ['down'],
  summary: 'Stop the Baton daemon',
  usage: '[--all] [flags]',
  examples: [
    '  baton down          # pods keep serving; the next `baton up` adopts them',
    '  baton down --all    # stop every pod too',
  ].join('\n'),
  flags: [{ flags: '--all', description: 'Stop every pod as well' }],
  complete: (_args, flags) => ({ all: bool(flags.all) }),
  async run(o, ctx) {
    const { dataDir } = ctx.connection()
    const info = readDaemonInfo(dataDir)
    if (!info || !isRunning(info.pid)) {
      // A daemon that failed to start (or was killed) may have left its load balancer running.
      const lb = o.all ? await stopLeftoverLoadBalancer(dataDir, ctx.clock) : undefined
      if (lb !== undefined) {
        ctx.io.out.write(`no Baton daemon was running; its load balancer is stopped (pid ${lb})\n`)
        return 0
      }
      throw new BatonError('BATON_DAEMON_UNREACHABLE', `no Baton daemon is running for ${dataDir}`, {
        hint: 'start it with: baton up -d',
      })
    }
    try {
      await ctx.client().shutdown(o.all)
    } catch {
      // The API is gone or refuses: a signal still asks the process to shut down cleanly.
      process.kill(info.pid, 'SIGTERM')
    }
    const gone = await pollUntil(ctx.clock, DAEMON_STOP_TIMEOUT_MS, 100, async () =>
      isRunning(info.pid) ? undefined : true,
    )
    if (!gone) {
      throw new BatonError(
        'BATON_TIMEOUT',
        `the daemon (pid ${info.pid}) did not stop within ${DAEMON_STOP_TIMEOUT_MS / 1000}s`,
        {
          hint: `look at ${dataDir}/daemon.log; force it with: kill -9 ${info.pid}`,
        },
      )
    }
    ctx.io.out.write(`baton daemon stopped (pid ${info.pid})\n`)
    return 0
  },
})
