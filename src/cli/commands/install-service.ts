/**
 * @module
 * `baton install-service [--user] [--print] [--port N]`: writes a systemd unit that runs this
 * Baton's daemon on this data directory at boot and restarts it when it dies, then says the
 * one `systemctl` command that enables it. `--print` only prints the unit.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { BatonError } from '../../errors/baton-error.ts'
import { codePath, DAEMON_V8_FLAGS, DEFAULT_API_PORT } from '../../platform/env.ts'
import { bool, defineCommand, str, usageError } from '../command.ts'
import { systemdUnit } from '../printers/systemd-unit.ts'

export interface InstallServiceOptions {
  user: boolean
  print: boolean
  port: number
}

export const UNIT_NAME = 'baton.service'

export const installServiceCommand = defineCommand<InstallServiceOptions>({
  path: ['install-service'],
  summary: 'Install a systemd unit so the daemon (and its replicas) come back after a reboot',
  usage: '[--user] [--print] [--port=7070] [--data-dir=DIR]',
  examples: [
    '  sudo baton install-service && sudo systemctl enable --now baton',
    '  baton install-service --user && systemctl --user enable --now baton',
    '  baton install-service --print > baton.service',
  ].join('\n'),
  flags: [
    {
      flags: '--user',
      description: 'A user unit in ~/.config/systemd/user (default: a system unit in /etc/systemd/system)',
    },
    { flags: '--print', description: 'Print the unit instead of writing it' },
    { flags: '--port <port>', description: 'The API port on 127.0.0.1', default: String(DEFAULT_API_PORT) },
  ],
  complete(_args, flags) {
    const port = Number(str(flags.port) ?? DEFAULT_API_PORT)
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw usageError(`invalid --port "${String(flags.port)}"`, 'Use a port number between 1 and 65535')
    return { user: bool(flags.user), print: bool(flags.print), port }
  },
  async run(o, ctx) {
    const { dataDir } = ctx.connection()
    const unit = systemdUnit({
      node: process.execPath,
      args: [...DAEMON_V8_FLAGS, codePath('daemon/main'), '--data-dir', dataDir, '--port', String(o.port)],
      env: { BATON_HOME: dataDir },
      user: o.user,
    })
    if (o.print) {
      ctx.io.out.write(unit)
      return 0
    }
    const dir = o.user ? join(homedir(), '.config', 'systemd', 'user') : '/etc/systemd/system'
    const file = join(dir, UNIT_NAME)
    try {
      mkdirSync(dir, { recursive: true })
      writeFileSync(file, unit, { mode: 0o644 })
    } catch (err) {
      throw new BatonError('BATON_USAGE', `cannot write ${file}: ${(err as Error).message}`, {
        hint: o.user
          ? 'Check that your home directory is writable'
          : 'Run it as root (sudo), or pass --user for a user unit',
        cause: err,
      })
    }
    const systemctl = o.user ? 'systemctl --user' : 'systemctl'
    ctx.io.out.write(
      `wrote ${file}\nenable and start it with: ${systemctl} daemon-reload && ${systemctl} enable --now baton\n`,
    )
    return 0
  },
})
