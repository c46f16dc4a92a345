/**
 * @module
 * The shape of a CLI command (P11, kubectl's Options -> Complete -> Validate -> Run): a spec
 * main.ts registers with commander, a `complete` that turns arguments and flags into typed
 * options, an optional `validate`, and `run`, which writes only to the injected streams and
 * returns the exit code. Errors are thrown, never printed: main.ts maps them.
 */
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import type { ApiClient } from './client.ts'
import type { Connection } from './config.ts'

export interface Writer {
  write(text: string): unknown
}

export interface CliIO {
  out: Writer
  err: Writer
  /** stdout is a terminal: live progress views instead of plain lines. */
  isTTY: boolean
  /** stderr is a terminal: progress bars (`push`) are drawn there. */
  errIsTTY?: boolean
  readStdin(): Promise<string>
}

export interface CliContext {
  io: CliIO
  clock: Clock
  /** -n / --namespace, else "default". */
  namespace: string
  /** True when -n / --namespace was given (apply refuses a manifest of another namespace then). */
  namespaceExplicit: boolean
  /** The API client, built on first use (so `completion` and `version --client` need no daemon). */
  client(): ApiClient
  connection(): Connection
  /** Where `baton up` finds the daemon's entry point. */
  repoRoot: string
  /** The command line as typed (without "baton"), for --record's change-cause. */
  argv: readonly string[]
  /** Aborted on SIGINT: long-running commands stop watching and return. */
  signal: AbortSignal
}

export interface FlagSpec {
  /** Commander syntax: "-o, --output <format>", "--record", "--replicas <n>". */
  flags: string
  description: string
  default?: string | boolean | string[]
  /** Repeatable flags collect into an array. */
  repeatable?: boolean
}

export interface CommandSpec<O> {
  /** ['rollout', 'status'] */
  path: readonly string[]
  summary: string
  /** Arguments as commander declares them: "[args...]", "<ref> <path>". */
  args?: string
  usage: string
  examples?: string
  flags?: readonly FlagSpec[]
  complete(args: string[], flags: Record<string, unknown>, ctx: CliContext): O | Promise<O>
  validate?(opts: O): void
  run(opts: O, ctx: CliContext): Promise<number | void>
}

// biome-ignore lint/suspicious/noExplicitAny: commands of different option types share one list; each is checked where it is defined
export type AnyCommand = CommandSpec<any>

export function defineCommand<O>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec
}

/** A usage error: main.ts prints it with the command's usage. */
export function usageError(message: string, hint?: string): BatonError {
  return new BatonError('BATON_USAGE', message, { ...(hint ? { hint } : {}) })
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
export const bool = (v: unknown): boolean => v === true || v === 'true'

/** An optional non-negative integer flag ("--replicas=3"); undefined when not given. */
export function countFlag(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (v === '' || !Number.isInteger(n) || n < 0)
    throw usageError(`--${flag} must be a non-negative integer, not "${String(v)}"`)
  return n
}
