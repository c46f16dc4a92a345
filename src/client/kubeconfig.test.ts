import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import {
  asKubeconfig,
  combineKubeconfigs,
  daemonKubeconfig,
  type Kubeconfig,
  mergeKubeconfig,
  selectContext,
} from './kubeconfig.ts'

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const baton = daemonKubeconfig({ server: 'https://127.0.0.1:7070', caPem: CA, token: 't0k' })
const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`)
}

const other: Kubeconfig = asKubeconfig(
  {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'prod', cluster: { server: 'https://prod:6443', 'certificate-authority': '/etc/prod-ca.crt' } }],
    users: [{ name: 'prod', user: { tokenFile: '/etc/prod-token' } }],
    contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod', namespace: 'shop' } }],
    'current-context': 'prod',
  },
  'other',
)

describe('daemonKubeconfig', () => {
  it('names cluster, user and context "baton", the CA inline and the current context set', () => {
    expect(selectContext(baton, 'k', undefined, noFiles)).toEqual({
      context: 'baton',
      server: 'https://127.0.0.1:7070',
      token: 't0k',
      caPem: CA,
      namespace: 'default',
    })
  })
})

describe('mergeKubeconfig', () => {
  it('adds the context beside the others and keeps the current one', () => {
    const merged = mergeKubeconfig(other, baton)
    expect(merged.contexts.map((c) => c.name)).toEqual(['prod', 'baton'])
    expect(merged.clusters.map((c) => c.name)).toEqual(['prod', 'baton'])
    expect(merged['current-context']).toBe('prod')
  })
  it('replaces its own entries on a second merge (a new port or CA), never duplicates them', () => {
    const moved = daemonKubeconfig({ server: 'https://127.0.0.1:7171', caPem: CA, token: 't0k' })
    const twice = mergeKubeconfig(mergeKubeconfig(other, baton), moved)
    expect(twice.clusters.filter((c) => c.name === 'baton')).toEqual([moved.clusters[0]])
    expect(twice.clusters).toHaveLength(2)
  })
  it('sets the current context of a new file', () => {
    expect(mergeKubeconfig(asKubeconfig(undefined, 'new'), baton)['current-context']).toBe('baton')
  })
})

describe('selectContext', () => {
  const files: Record<string, string> = { '/etc/prod-ca.crt': CA, '/etc/prod-token': 'prod-token\n' }
  it('reads the CA and token files a context names', () => {
    expect(selectContext(other, 'k', undefined, (p) => files[p]!)).toEqual({
      context: 'prod',
      server: 'https://prod:6443',
      token: 'prod-token',
      caPem: CA,
      namespace: 'shop',
    })
  })
  it('takes the first file that names an entry, as kubectl does with $KUBECONFIG', () => {
    const both = combineKubeconfigs([other, baton])
    expect(both['current-context']).toBe('prod')
    expect(selectContext(both, 'k', 'baton', noFiles).server).toBe('https://127.0.0.1:7070')
  })
  it.each([
    { name: 'an unknown context', config: baton, context: 'nope', message: /context "nope" is not in k/ },
    {
      name: 'no current context',
      config: { ...baton, 'current-context': '' },
      context: undefined,
      message: /k has no current-context/,
    },
    {
      name: 'a context of a missing cluster',
      config: { ...baton, clusters: [] },
      context: undefined,
      message: /names cluster "baton", which is not in k/,
    },
    {
      name: 'a client certificate',
      config: { ...baton, users: [{ name: 'baton', user: { 'client-certificate-data': 'x' } }] },
      context: undefined,
      message: /user "baton" in k uses "client-certificate-data", which Baton's client does not support/,
    },
    {
      name: 'an exec plugin',
      config: { ...baton, users: [{ name: 'baton', user: { exec: { command: 'aws' } } }] },
      context: undefined,
      message: /uses "exec"/,
    },
    {
      name: 'skipping TLS verification',
      config: {
        ...baton,
        clusters: [{ name: 'baton', cluster: { server: 'https://x', 'insecure-skip-tls-verify': true } }],
      },
      context: undefined,
      message: /cluster "baton" in k uses "insecure-skip-tls-verify"/,
    },
    {
      name: 'a cluster without a server',
      config: { ...baton, clusters: [{ name: 'baton', cluster: {} as never }] },
      context: undefined,
      message: /cluster "baton" in k has no server URL/,
    },
  ])('refuses $name with BATON_KUBECONFIG', ({ config, context, message }) => {
    const err = expectBatonError(() => selectContext(config as Kubeconfig, 'k', context, noFiles), 'BATON_KUBECONFIG')
    expect(err.message).toMatch(message)
    expect(err.hint).toBeTruthy()
  })
  it('refuses a file that is not a Config', () => {
    expect(expectBatonError(() => asKubeconfig({ kind: 'Pod' }, 'f'), 'BATON_KUBECONFIG').message).toMatch(
      /f is not a kubeconfig/,
    )
    expect(expectBatonError(() => asKubeconfig({ clusters: {} }, 'f'), 'BATON_KUBECONFIG').message).toMatch(
      /clusters is not a list/,
    )
  })
})
