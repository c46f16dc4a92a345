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
  /** Whether debug() writes: a hot path checks this before building what it would log. */
  readonly debugEnabled?: boolean
}

/** An error as a log record holds it (pino's `err` serialiser is the model). */
export interface SerializedError {
  name: string
  message: string
  code?: unknown
  stack?: string
  cause?: SerializedError | unknown
}

/**
 * `{name, message, code, stack, cause}`, the cause serialised the same way all the way down
 * (a cause chain that loops is cut where it comes back). A non-Error is returned as it is.
 */
export function serializeError(err: unknown, seen: Set<unknown> = new Set()): SerializedError | unknown {
  if (!(err instanceof Error)) return err
  if (seen.has(err)) return '[circular cause]'
  seen.add(err)
  const code = (err as { code?: unknown }).code
  return {
    name: err.name,
    message: err.message,
    ...(code !== undefined ? { code } : {}),
    ...(err.stack !== undefined ? { stack: err.stack } : {}),
    ...(err.cause !== undefined ? { cause: serializeError(err.cause, seen) } : {}),
  }
}

/**
 * JSON.stringify calls an error's toJSON (BatonError has one: the API body) before the
 * replacer sees the value, so the replacer looks at the holder's original value instead.
 */
function errorReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key]
  return original instanceof Error ? serializeError(original) : value
}

export interface LoggerOptions {
  write?: (line: string) => void
  debug?: boolean
  now?: () => number
}

export function createLogger(opts: LoggerOptions = {}, base: LogFields = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const now = opts.now ?? Date.now
  const emit = (level: string, msg: string, fields?: LogFields) => {
    const record = { time: new Date(now()).toISOString(), level, msg, ...base, ...fields }
    write(JSON.stringify(record, errorReplacer))
  }
  return {
    info: (msg, f) => emit('info', msg, f),
    debug: (msg, f) => (opts.debug ? emit('debug', msg, f) : undefined),
    error: (msg, f) => emit('error', msg, f),
    with: (fields) => createLogger(opts, { ...base, ...fields }),
    debugEnabled: opts.debug === true,
  }
}

export const silentLogger: Logger = {
  info() {},
  debug() {},
  error() {},
  with: () => silentLogger,
}
