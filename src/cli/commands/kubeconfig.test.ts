import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { daemonKubeconfig } from '../../client/kubeconfig.ts'
import { expectBatonError } from '../../../test/support/baton-error.ts'
import { mergedKubeconfig } from './kubeconfig.ts'

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const own = stringify(daemonKubeconfig({ server: 'https://127.0.0.1:7070', caPem: CA, token: 't0k' }))

describe('mergedKubeconfig', () => {
  it('starts a new file with the context as its current one', () => {
    const out = parse(mergedKubeconfig(own, undefined, '/k', 'baton'))
    expect(out['current-context']).toBe('baton')
    expect(out.users).toEqual([{ name: 'baton', user: { token: 't0k' } }])
  })

  it('renames cluster, user and context with --name, so two daemons keep two contexts', () => {
    const first = mergedKubeconfig(own, undefined, '/k', 'dev')
    const out = parse(mergedKubeconfig(own, first, '/k', 'staging'))
    expect(out.contexts).toEqual([
      { name: 'dev', context: { cluster: 'dev', user: 'dev', namespace: 'default' } },
      { name: 'staging', context: { cluster: 'staging', user: 'staging', namespace: 'default' } },
    ])
    expect(out['current-context']).toBe('dev')
  })

  it('refuses a file that is not YAML, naming it', () => {
    const err = expectBatonError(
      () => mergedKubeconfig(own, 'clusters: [\n', '/home/u/.kube/config', 'baton'),
      'BATON_KUBECONFIG',
    )
    expect(err.message).toMatch(/^the kubeconfig \/home\/u\/\.kube\/config is not valid YAML/)
    expect(err.hint).toContain('nothing was written')
  })
})
