import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { resolveConnection } from './connection.ts'
import type { FleetTarget, TargetConnection } from './types.ts'

const dir = mkdtempSync(join(tmpdir(), 'baton-fleet-conn-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'a.token'), 'secret-a\n')
writeFileSync(
  join(dir, 'kubeconfig'),
  `
apiVersion: v1
kind: Config
clusters:
  - name: a
    cluster: {server: "http://127.0.0.1:7071/"}
  - name: tls
    cluster: {server: "https://10.0.0.1:7070", certificate-authority-data: "${btoa('-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n')}"}
  - name: cert
    cluster: {server: "https://10.0.0.1:7070", insecure-skip-tls-verify: true}
users:
  - name: a
    user: {tokenFile: a.token}
  - name: b
    user: {token: secret-b}
contexts:
  - name: a
    context: {cluster: a, user: a}
  - name: b
    context: {cluster: a, user: b}
  - name: tls
    context: {cluster: tls, user: b}
  - name: insecure
    context: {cluster: cert, user: b}
  - name: no-cluster
    context: {cluster: gone, user: b}
`,
)

const target = (connection: TargetConnection): FleetTarget => ({
  name: 't',
  connection,
  service: { host: '127.0.0.1', port: 8080 },
  tags: [],
  weight: 1,
})

describe('resolveConnection', () => {
  it.each([
    [
      'server and inline token',
      { server: 'http://127.0.0.1:7071', token: 'x' },
      { server: 'http://127.0.0.1:7071', token: 'x' },
    ],
    [
      'server and token file (relative to the fleet file)',
      { server: 'http://h:1', tokenFile: 'a.token' },
      { server: 'http://h:1', token: 'secret-a' },
    ],
    ['server without a token', { server: 'http://h:1' }, { server: 'http://h:1', token: undefined }],
    [
      'a kubeconfig context with a token file',
      { kubeconfig: 'kubeconfig', context: 'a' },
      { server: 'http://127.0.0.1:7071', token: 'secret-a' },
    ],
    [
      'a kubeconfig context with a token',
      { kubeconfig: 'kubeconfig', context: 'b' },
      { server: 'http://127.0.0.1:7071', token: 'secret-b' },
    ],
    [
      "a kubeconfig context with its cluster's CA (as the daemon writes it)",
      { kubeconfig: 'kubeconfig', context: 'tls' },
      {
        server: 'https://10.0.0.1:7070',
        token: 'secret-b',
        caPem: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
      },
    ],
  ] as const)('%s', (_name, connection, want) => {
    expect(resolveConnection(target(connection), dir)).toEqual(want)
  })

  it.each([
    ['a context the kubeconfig lacks', { kubeconfig: 'kubeconfig', context: 'nope' }, 'context "nope" is not in'],
    [
      'a context whose cluster is missing',
      { kubeconfig: 'kubeconfig', context: 'no-cluster' },
      'names cluster "gone", which is not in',
    ],
    [
      'TLS settings Baton does not honour',
      { kubeconfig: 'kubeconfig', context: 'insecure' },
      '"insecure-skip-tls-verify"',
    ],
    ['a missing kubeconfig', { kubeconfig: 'missing', context: 'a' }, 'cannot read the kubeconfig'],
    ['a missing token file', { server: 'http://h:1', tokenFile: 'missing' }, 'cannot read the token file'],
  ] as const)('refuses %s', (_name, connection, text) => {
    const err = expectBatonError(() => resolveConnection(target(connection), dir), 'BATON_FLEET_CONNECTION')
    expect(err.message).toContain('target "t"')
    expect(err.message).toContain(text)
    expect(err.hint).toBeTruthy()
  })
})
