import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { daemonKubeconfig } from '../client/kubeconfig.ts'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { resolveConnection } from './config.ts'

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const OTHER_CA = '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n'

const files: Record<string, string> = {
  '/data/daemon.json': JSON.stringify({ pid: 42, url: 'https://127.0.0.1:7171', version: '0.1.0' }),
  '/data/token': 'file-token\n',
  '/data/ca.crt': CA,
  '/home/u/.kube/config': stringify({
    ...daemonKubeconfig({ server: 'https://10.0.0.5:7070', caPem: OTHER_CA, token: 'home-token' }),
    contexts: [
      { name: 'baton', context: { cluster: 'baton', user: 'baton', namespace: 'shop' } },
      { name: 'lab', context: { cluster: 'lab', user: 'baton' } },
    ],
    clusters: [
      { name: 'baton', cluster: { server: 'https://10.0.0.5:7070', 'certificate-authority': 'ca/lab.crt' } },
      { name: 'lab', cluster: { server: 'https://lab:7070/' } },
    ],
  }),
  '/home/u/.kube/ca/lab.crt': OTHER_CA,
  '/k/one': stringify(daemonKubeconfig({ server: 'https://127.0.0.1:9000', caPem: CA, token: 'one', name: 'one' })),
}
const sources = (env: Record<string, string>) => ({
  env: (n: string) => env[n],
  readFile: (p: string) => files[p],
})
const HOME = { HOME: '/home/u', KUBECONFIG: '/home/u/.kube/config' }

describe('resolveConnection', () => {
  it.each([
    {
      name: 'the data directory: daemon.json, token and ca.crt',
      flags: { dataDir: '/data' },
      env: {},
      want: { server: 'https://127.0.0.1:7171', token: 'file-token', ca: CA },
    },
    {
      name: 'a plain-HTTP daemon (--insecure-http) needs no CA',
      flags: { dataDir: '/data', server: 'http://127.0.0.1:7171' },
      env: {},
      want: { server: 'http://127.0.0.1:7171', token: 'file-token', ca: undefined },
    },
    {
      name: '--context: that context of $KUBECONFIG, its CA file relative to the kubeconfig, its namespace',
      flags: { dataDir: '/data', context: 'baton' },
      env: HOME,
      want: { server: 'https://10.0.0.5:7070', token: 'home-token', ca: OTHER_CA, namespace: 'shop' },
    },
    {
      name: '--context of a cluster without a CA: the system roots',
      flags: { dataDir: '/data', context: 'lab' },
      env: HOME,
      want: { server: 'https://lab:7070', token: 'home-token', ca: undefined, namespace: undefined },
    },
    {
      name: '--kubeconfig: its current context',
      flags: { dataDir: '/data', kubeconfig: '/k/one' },
      env: HOME,
      want: { server: 'https://127.0.0.1:9000', token: 'one', ca: CA, namespace: 'default' },
    },
    {
      name: '--server and --token still win over the kubeconfig',
      flags: { dataDir: '/data', kubeconfig: '/k/one', server: 'https://127.0.0.1:9001', token: 'flag' },
      env: HOME,
      want: { server: 'https://127.0.0.1:9001', token: 'flag', ca: CA },
    },
  ])('$name', ({ flags, env, want }) => {
    expect(resolveConnection(flags, sources(env))).toMatchObject(want)
  })

  it('refuses a --kubeconfig that does not exist, naming it', () => {
    const err = expectBatonError(
      () => resolveConnection({ dataDir: '/data', kubeconfig: '/k/missing' }, sources({})),
      'BATON_KUBECONFIG',
    )
    expect(err.message).toBe('the kubeconfig /k/missing does not exist or cannot be read')
  })

  it('refuses a context the kubeconfig does not have, listing those it has', () => {
    const err = expectBatonError(
      () => resolveConnection({ dataDir: '/data', context: 'nope' }, sources(HOME)),
      'BATON_KUBECONFIG',
    )
    expect(err.message).toBe('context "nope" is not in /home/u/.kube/config')
    expect(err.hint).toBe('The contexts in /home/u/.kube/config: baton, lab')
  })
})
