/**
 * @module
 * `baton version [--client]`: the CLI's version and the daemon's.
 */
import pkg from '../../../package.json' with { type: 'json' }
import { bool, defineCommand } from '../command.ts'

export const CLIENT_VERSION: string = pkg.version

export const versionCommand = defineCommand<{ clientOnly: boolean }>({
  path: ['version'],
  summary: 'Print the client and server version information',
  usage: '[--client] [flags]',
  flags: [{ flags: '--client', description: 'Print the client version only (no daemon needed)' }],
  complete: (_args, flags) => ({ clientOnly: bool(flags.client) }),
  async run(o, ctx) {
    ctx.io.out.write(`Client Version: v${CLIENT_VERSION}\n`)
    if (o.clientOnly) return 0
    const server = await ctx.client().version()
    ctx.io.out.write(`Server Version: v${server.version}\n`)
    return 0
  },
})
