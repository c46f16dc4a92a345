import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../platform/clock.ts'
import { CREDENTIALS_NOT_FOUND, parseHelperOutput, runCredentialHelper } from './credential-helper.ts'

describe('parseHelperOutput', () => {
  const at = 'reg:5000'
  it.each([
    {
      name: 'username and secret',
      exit: 0,
      stdout: '{"ServerURL":"reg:5000","Username":"u","Secret":"p"}',
      want: { auth: { serveraddress: at, username: 'u', password: 'p' } },
    },
    {
      name: '<token>: an identity token',
      exit: 0,
      stdout: '{"Username":"<token>","Secret":"t0k"}\n',
      want: { auth: { serveraddress: at, identitytoken: 't0k' } },
    },
    { name: 'an empty secret: none', exit: 0, stdout: '{"Username":"","Secret":""}', want: { auth: undefined } },
    { name: 'not found: none', exit: 1, stdout: `${CREDENTIALS_NOT_FOUND}\n`, want: { auth: undefined } },
    {
      name: 'a failure, with what the helper said',
      exit: 1,
      stdout: 'error getting credentials',
      stderr: 'gpg: decryption failed\n',
      want: { error: 'exited with code 1: error getting credentials; gpg: decryption failed' },
    },
    { name: 'killed', exit: null, stdout: '', want: { error: 'exited with code none (killed)' } },
    { name: 'not JSON', exit: 0, stdout: 'hello', want: { error: 'its answer is not JSON: "hello"' } },
    {
      name: 'JSON without the fields',
      exit: 0,
      stdout: '{"Username":1}',
      want: { error: 'its answer has no string Username and Secret' },
    },
  ])('$name', ({ exit, stdout, stderr, want }) => {
    expect(parseHelperOutput(at, exit, stdout, stderr)).toEqual(want)
  })
})

describe('runCredentialHelper runs docker-credential-<name> get from the PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-cred-helper-'))
  const env = { PATH: `${dir}:/usr/bin:/bin` }
  // Each script records what it was told on stdin, so the test sees the server address it got.
  const helper = (name: string, body: string) =>
    writeFileSync(
      join(dir, `docker-credential-${name}`),
      `#!/bin/sh\nread -r addr; echo "$addr" > "$0.in"\n${body}\n`,
      {
        mode: 0o755,
      },
    )
  helper('good', 'echo "{\\"ServerURL\\":\\"$addr\\",\\"Username\\":\\"u\\",\\"Secret\\":\\"s\\"}"')
  helper('token', 'echo \'{"Username":"<token>","Secret":"refresh"}\'')
  helper('empty', `echo '${CREDENTIALS_NOT_FOUND}'; exit 1`)
  helper('broken', 'echo locked >&2; exit 2')
  helper('hung', 'exec sleep 30')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    { name: 'good', want: { auth: { serveraddress: 'reg:5000', username: 'u', password: 's' } } },
    { name: 'token', want: { auth: { serveraddress: 'reg:5000', identitytoken: 'refresh' } } },
    { name: 'empty', want: { auth: undefined } },
    { name: 'broken', want: { error: 'exited with code 2: locked' } },
    { name: 'absent', want: { error: 'docker-credential-absent is not installed: not found on the PATH' } },
    { name: '../good', want: { error: '"../good" is not a helper name (no "/", not empty)' } },
  ])('$name', async ({ name, want }) => {
    expect(await runCredentialHelper(name, 'reg:5000', { clock: systemClock, env })).toEqual(want)
    if (name === 'good') expect(readFileSync(join(dir, 'docker-credential-good.in'), 'utf8')).toBe('reg:5000\n')
  })

  it('kills a helper that does not answer in time', async () => {
    const r = await runCredentialHelper('hung', 'reg:5000', { clock: systemClock, env, timeoutMs: 300 })
    expect(r).toEqual({ error: 'no answer within 0.3s (killed)' })
  })
})
