/**
 * @module
 * Structured logs: a constant message plus lower-case key/value context (P13). Never
 * interpolate into the message. Two levels: info and debug.
 */

export type LogFields = Record<string, unknown>

export interface Logger {
  info(msg: string, fields?: LogFields): void
  debug(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  with(fields: LogFields): Logger
}

export interface LoggerOptions {
  write?: (line: string) => void
  debug?: boolean
  now?: () => number
}

export function createLogger(opts: LoggerOptions = {}, base: LogFields = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'))
  const now = opts.now ?? Date.now
  const emit = (level: string, msg: string, fields?: LogFields) => {
    const record = { time: new Date(now()).toISOString(), level, msg, ...base, ...fields }
    write(JSON.stringify(record, (_k, v: unknown) => (v instanceof Error ? v.message : v)))
  }
  return {
    info: (msg, f) => emit('info', msg, f),
    debug: (msg, f) => (opts.debug ? emit('debug', msg, f) : undefined),
    error: (msg, f) => emit('error', msg, f),
    with: (fields) => createLogger(opts, { ...base, ...fields }),
  }
}

export const silentLogger: Logger = {
  info() {},
  debug() {},
  error() {},
  with: () => silentLogger,
}
