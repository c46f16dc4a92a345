/**
 * @module
 * `baton dashboard [--no-open]`: asks the daemon (with the API token) for a one-time login
 * code and prints the link that trades it for a browser session; opens it with xdg-open
 * when there is one, unless --no-open. The link is plain HTTP for a daemon on this machine:
 * its API port serves the dashboard so to loopback browsers (server/listener.ts), without a
 * certificate warning.
 */
import { spawn } from 'node:child_process'
import { LOGIN_CODES_PATH } from '../../api/login-codes.ts'
import { bool, defineCommand } from '../command.ts'

/**
 * The origin a browser on this machine opens: the API's own port over plain HTTP when the
 * API is on loopback; a remote daemon's HTTPS address otherwise (its CA must be trusted).
 */
export function dashboardOrigin(server: string): string {
  const url = new URL(server)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const loopback = host === 'localhost' || host.startsWith('127.') || host === '::1'
  return url.protocol === 'https:' && loopback ? `http://${url.host}` : url.origin
}

export interface DashboardCommandOptions {
  open: boolean
}

/** Starts `xdg-open url` detached; a machine without it (ENOENT) just keeps the printed link. */
function openInBrowser(url: string): void {
  const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true })
  child.on('error', () => {})
  child.unref()
}

export const dashboardCommand = defineCommand<DashboardCommandOptions>({
  path: ['dashboard'],
  summary: 'Print (and open) a one-time sign-in link to the web dashboard',
  usage: '[--no-open] [flags]',
  examples: ['  baton dashboard', '  baton dashboard --no-open'].join('\n'),
  flags: [{ flags: '--no-open', description: 'Only print the link; do not start a browser' }],
  complete: (_args, flags) => ({ open: flags.open === undefined ? true : bool(flags.open) }),
  async run(o, ctx) {
    const client = ctx.client()
    const res = await client.request('POST', LOGIN_CODES_PATH)
    const { path } = (await res.json()) as { path: string }
    const url = `${dashboardOrigin(client.server)}${path}`
    ctx.io.out.write(`${url}\n`)
    ctx.io.err.write(
      'This link signs one browser in and works once, within a minute. Run `baton dashboard` again for another.\n',
    )
    if (o.open) openInBrowser(url)
    return 0
  },
})
