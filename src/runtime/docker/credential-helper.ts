/**
 * @module
 * A Docker credential helper run as the docker CLI runs it: `docker-credential-<name> get`,
 * found on the PATH, with the registry's server address on stdin; it prints
 * `{"ServerURL", "Username", "Secret"}`, where the username `<token>` means the secret is an
 * identity token (an OAuth refresh token the engine exchanges), not a password. A helper that
 * has nothing for the registry says `credentials not found in native keychain` and exits
 * non-zero: that is no credentials (an anonymous pull), not a failure. Anything else that is
 * not a zero exit with that JSON is a failure, reported with what the helper printed.
 */
import { spawn } from 'node:child_process'
import type { Clock } from '../../platform/clock.ts'
import type { PullAuth } from './registry-auth.ts'

/** A helper may ask a cloud API for a token (ECR, GCR), so it gets seconds; one that hangs must not hold the pull: it is killed and the pull backs off. */
export const DEFAULT_CREDENTIAL_HELPER_TIMEOUT_MS = 30_000
/** More than any credential answer; a helper printing without end is cut there. */
const MAX_OUTPUT = 64 * 1024
/** The message docker-credential-helpers' `credentials.NewErrCredentialsNotFound` prints. */
export const CREDENTIALS_NOT_FOUND = 'credentials not found in native keychain'
/** The username a helper answers when the secret is an identity token. */
const TOKEN_USERNAME = '<token>'

export type HelperEnv = Record<string, string | undefined>

export type HelperResult = { auth: PullAuth | undefined } | { error: string }

/**
 * A helper's answer as credentials for `serverAddress`. Pure.
 *
 * | exit | stdout (stderr)                                 | result                        |
 * | ---- | ----------------------------------------------- | ----------------------------- |
 * | 0    | {"Username":"u","Secret":"p"}                   | username u, password p        |
 * | 0    | {"Username":"<token>","Secret":"t"}             | identity token t              |
 * | 0    | {"Username":"","Secret":""}                     | none                          |
 * | 1    | credentials not found in native keychain        | none                          |
 * | 1    | (gpg: decryption failed)                        | error, with that text         |
 * | 0    | not json                                        | error: the output is no JSON  |
 */
export function parseHelperOutput(
  serverAddress: string,
  exitCode: number | null,
  stdout: string,
  stderr = '',
): HelperResult {
  const text = stdout.trim()
  if (exitCode !== 0) {
    if (text === CREDENTIALS_NOT_FOUND) return { auth: undefined }
    const said = [text, stderr.trim()].filter(Boolean).join('; ')
    return { error: `exited with code ${exitCode ?? 'none (killed)'}${said ? `: ${said}` : ''}` }
  }
  let answer: unknown
  try {
    answer = JSON.parse(text)
  } catch {
    return { error: `its answer is not JSON: ${JSON.stringify(text.slice(0, 200))}` }
  }
  const { Username: username, Secret: secret } = (answer ?? {}) as { Username?: unknown; Secret?: unknown }
  if (typeof username !== 'string' || typeof secret !== 'string')
    return { error: 'its answer has no string Username and Secret' }
  if (secret === '') return { auth: undefined }
  if (username === TOKEN_USERNAME) return { auth: { serveraddress: serverAddress, identitytoken: secret } }
  return { auth: { serveraddress: serverAddress, username, password: secret } }
}

export interface RunHelperOptions {
  clock: Clock
  /** The helper's environment; the daemon's own when absent. Its PATH finds the helper. */
  env?: HelperEnv
  timeoutMs?: number
}

/** Runs `docker-credential-<helper> get` for `serverAddress`; never rejects. */
export function runCredentialHelper(
  helper: string,
  serverAddress: string,
  opts: RunHelperOptions,
): Promise<HelperResult> {
  // The docker CLI appends the name to "docker-credential-"; a path in it would run another program.
  if (helper.includes('/') || helper.trim() === '')
    return Promise.resolve({ error: `${JSON.stringify(helper)} is not a helper name (no "/", not empty)` })
  const program = `docker-credential-${helper}`
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CREDENTIAL_HELPER_TIMEOUT_MS
  return new Promise((resolve) => {
    let settled = false
    let stdout = ''
    let stderr = ''
    const child = spawn(program, ['get'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.env ? { env: opts.env } : {}),
    })
    const finish = (r: HelperResult) => {
      if (settled) return
      settled = true
      timer.cancel()
      resolve(r)
    }
    const timer = opts.clock.setTimeout(() => {
      child.kill('SIGKILL')
      finish({ error: `no answer within ${timeoutMs / 1000}s (killed)` })
    }, timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8')
    })
    child.once('error', (err: NodeJS.ErrnoException) => {
      finish({
        error: err.code === 'ENOENT' ? `${program} is not installed: not found on the PATH` : err.message,
      })
    })
    child.once('close', (code) => finish(parseHelperOutput(serverAddress, code, stdout, stderr)))
    // A helper that exits without reading its input closes the pipe under us: that is its exit's story, not ours.
    child.stdin.on('error', () => undefined)
    child.stdin.end(serverAddress)
  })
}
