/**
 * @module
 * `baton backup FILE` and `baton restore FILE` (docs/backup.md).
 *
 * backup: with a daemon running, through its API (GET /apis/baton.dev/v1/backup: SQLite's
 * online backup of everything it acknowledged); with none, offline. restore: only with the
 * daemon stopped; the current state file is kept aside. The offline work runs in
 * src/daemon/maintenance.ts, which holds the data directory's lock while it works, so a
 * daemon started meanwhile refuses, and a running one makes `restore` refuse with its pid.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { BatonError } from '../../errors/baton-error.ts'
import { childNodeEnv, codePath } from '../../platform/env.ts'
import { defineCommand, usageError, type CliContext } from '../command.ts'
import { readDaemonInfo } from '../config.ts'
import { isRunning } from '../../platform/proc-stat.ts'

interface FileOption {
  file: string
}

const oneFile = (verb: string) => (args: readonly string[]) => {
  const [file, ...rest] = args
  if (!file || rest.length > 0) throw usageError(`${verb} takes one FILE`, `e.g. baton ${verb} baton-state.db`)
  return { file: resolve(file) }
}

/** Runs the maintenance entry point; its error lines become a BatonError with its code. */
async function maintenance(
  ctx: CliContext,
  action: 'backup' | 'restore',
  file: string,
): Promise<Record<string, unknown>> {
  const { dataDir } = ctx.connection()
  // codePath: src/ in a checkout, the compiled lib/ in an installed package (which has no src/).
  const entry = codePath('daemon/maintenance')
  const child = spawn(process.execPath, [entry, action, file, '--data-dir', dataDir], {
    env: childNodeEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
  const code = await new Promise<number>((r) => child.once('close', (c) => r(c ?? 1)))
  if (code === 0) return JSON.parse(out) as Record<string, unknown>
  const m = /^error: (BATON_[A-Z_]+): (.*)$/m.exec(err)
  const hint = /^hint: (.*)$/m.exec(err)?.[1]
  throw new BatonError(
    m ? (m[1] as 'BATON_STORE') : 'BATON_INTERNAL',
    m?.[2] ?? `baton ${action} failed: ${err.trim() || `exit ${code}`}`,
    {
      ...(hint ? { hint } : {}),
    },
  )
}

export const backupCommand = defineCommand<FileOption>({
  path: ['backup'],
  summary: 'Copy the state store to FILE (SQLite online backup; the daemon may keep running)',
  args: '[args...]',
  usage: 'FILE [flags]',
  examples: '  baton backup baton-$(date +%F).db',
  flags: [],
  complete: oneFile('backup'),
  async run(o, ctx) {
    const { dataDir } = ctx.connection()
    const running = readDaemonInfo(dataDir)
    if (running && isRunning(running.pid)) {
      const res = await ctx.client().request('GET', '/apis/baton.dev/v1/backup')
      const bytes = new Uint8Array(await res.arrayBuffer())
      writeFileSync(o.file, bytes, { mode: 0o600 })
      ctx.io.out.write(
        `backed up ${res.headers.get('x-baton-objects') ?? '?'} objects (${bytes.length} bytes) from the running daemon to ${o.file}\n`,
      )
      return 0
    }
    const r = await maintenance(ctx, 'backup', o.file)
    ctx.io.out.write(`backed up ${String(r.objects)} objects from ${dataDir} (no daemon running) to ${o.file}\n`)
    return 0
  },
})

export const restoreCommand = defineCommand<FileOption>({
  path: ['restore'],
  summary: 'Replace the state store with a backup (the daemon must be stopped)',
  args: '[args...]',
  usage: 'FILE [flags]',
  examples: '  baton down && baton restore baton-2026-12-01.db && baton up -d',
  flags: [],
  complete: oneFile('restore'),
  async run(o, ctx) {
    const r = await maintenance(ctx, 'restore', o.file)
    ctx.io.out.write(
      `restored ${String(r.objects)} objects from ${o.file}${r.previous ? `; the previous state file is kept as ${String(r.previous)}` : ''}\n` +
        'start the daemon with: baton up -d\n',
    )
    return 0
  },
})
