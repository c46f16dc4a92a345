import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { parseFleet } from './spec.ts'

const VALID = `
apiVersion: baton.dev/v1
kind: Fleet
metadata: {name: web}
spec:
  manifests: [deploy.yaml]
  artifacts: {"web:v2": ./v2}
  targets:
    - name: a
      connection: {server: "http://127.0.0.1:7071", tokenFile: /tmp/a.token}
      service: {host: 127.0.0.2, port: 8080}
      tags: [web]
      weight: 2
    - name: b
      connection: {kubeconfig: /tmp/kubeconfig, context: b}
      service: {host: 127.0.0.3, port: 8080}
  frontLoadBalancer:
    listen: {port: 9000}
    healthCheck: {path: /healthz, intervalSeconds: 1}
  windowSize: "50%"
  failurePolicy: {action: continue, maxFailedTargets: 1}
  hooks:
    verify: ["curl -fsS http://$BATON_TARGET_SERVICE/healthz"]
`

/** The valid fleet with one line replaced (or added after `after`). */
const edit = (from: string, to: string) => {
  if (!VALID.includes(from)) throw new Error(`no "${from}" in the fixture`)
  return VALID.replace(from, to)
}

describe('parseFleet', () => {
  it('reads a valid fleet and fills in the defaults', () => {
    const f = parseFleet(VALID)
    expect(f.metadata.name).toBe('web')
    expect(f.spec.targets.map((t) => [t.name, t.weight, t.tags])).toEqual([
      ['a', 2, ['web']],
      ['b', 1, []],
    ])
    expect(f.spec.targets[1]!.connection).toEqual({ kubeconfig: '/tmp/kubeconfig', context: 'b' })
    expect(f.spec.frontLoadBalancer).toEqual({
      listen: { host: '127.0.0.1', port: 9000 },
      healthCheck: {
        path: '/healthz',
        intervalSeconds: 1,
        timeoutSeconds: 1,
        unhealthyThreshold: 2,
        healthyThreshold: 1,
      },
      drainTimeoutSeconds: 30,
    })
    expect(f.spec.hooks).toEqual({
      beforeDrain: [],
      afterDeploy: [],
      verify: ['curl -fsS http://$BATON_TARGET_SERVICE/healthz'],
      afterAdd: [],
    })
    expect(f.spec.failurePolicy).toEqual({ action: 'continue', maxFailedTargets: 1 })
  })

  it.each([
    [
      'an unknown top field of spec',
      edit('  windowSize: "50%"', '  windowSize: "50%"\n  replicas: 3'),
      'spec.replicas',
    ],
    ['an unknown target field', edit('      weight: 2', '      weight: 2\n      region: eu'), 'spec.targets[0].region'],
    ['an unknown hook', edit('  hooks:\n', '  hooks:\n    beforeDeploy: ["true"]\n'), 'spec.hooks.beforeDeploy'],
    ['a window of 0', edit('windowSize: "50%"', 'windowSize: 0'), 'spec.windowSize'],
    ['a window of 150%', edit('windowSize: "50%"', 'windowSize: "150%"'), 'spec.windowSize'],
    [
      'an unknown failure action',
      edit('action: continue, maxFailedTargets: 1', 'action: retry'),
      'spec.failurePolicy.action',
    ],
    [
      'maxFailedTargets without continue',
      edit('action: continue', 'action: stop'),
      'spec.failurePolicy.maxFailedTargets',
    ],
    ['a weight of 0', edit('weight: 2', 'weight: 0'), 'spec.targets[0].weight'],
    ['two targets of one name', edit('- name: b', '- name: a'), 'spec.targets[1].name'],
    [
      'server with kubeconfig',
      edit('{kubeconfig: /tmp/kubeconfig, context: b}', '{kubeconfig: /k, context: b, server: "http://x"}'),
      'spec.targets[1].connection.server',
    ],
    [
      'token and tokenFile',
      edit('tokenFile: /tmp/a.token}', 'tokenFile: /tmp/a.token, token: x}'),
      'spec.targets[0].connection.tokenFile',
    ],
    [
      'a server that is not a URL',
      edit('"http://127.0.0.1:7071"', '"127.0.0.1:7071"'),
      'spec.targets[0].connection.server',
    ],
    ['no listen port', edit('listen: {port: 9000}', 'listen: {host: 127.0.0.1}'), 'spec.frontLoadBalancer.listen.port'],
    ['a health path without /', edit('path: /healthz', 'path: healthz'), 'spec.frontLoadBalancer.healthCheck.path'],
    ['a bad artifact key', edit('"web:v2"', '"web"'), 'spec.artifacts.web'],
    [
      'haproxy with a listen address',
      edit(
        '    listen: {port: 9000}\n',
        '    listen: {port: 9000}\n    haproxy: {socket: /run/h.sock, backend: web}\n',
      ),
      'spec.frontLoadBalancer.listen',
    ],
    [
      'haproxy without a backend',
      edit(
        '    listen: {port: 9000}\n    healthCheck: {path: /healthz, intervalSeconds: 1}\n',
        '    haproxy: {socket: /run/h.sock}\n',
      ),
      'spec.frontLoadBalancer.haproxy.backend',
    ],
    ['another kind', edit('kind: Fleet', 'kind: Deployment'), 'kind'],
    ['no manifests', edit('  manifests: [deploy.yaml]\n', ''), 'spec.manifests'],
  ])('refuses %s, naming the field', (_name, text, field) => {
    const err = expectBatonError(() => parseFleet(text), 'BATON_INVALID')
    expect(err.message).toBe('The Fleet "web" is invalid')
    expect(err.causes.map((c) => c.field)).toContain(field)
    expect(err.hint).toBeTruthy()
  })

  it('reads an HAProxy front: its socket and backend, no listen address or health check of its own', () => {
    const f = parseFleet(
      edit(
        '    listen: {port: 9000}\n    healthCheck: {path: /healthz, intervalSeconds: 1}\n',
        '    haproxy: {socket: ./haproxy.sock, backend: web}\n    drainTimeoutSeconds: 10\n',
      ),
    )
    expect(f.spec.frontLoadBalancer.haproxy).toEqual({ socket: './haproxy.sock', backend: 'web' })
    expect(f.spec.frontLoadBalancer.drainTimeoutSeconds).toBe(10)
  })

  it('lists every problem at once', () => {
    const err = expectBatonError(() => parseFleet(edit('weight: 2', 'weight: 0\n      zone: x')), 'BATON_INVALID')
    expect(err.causes.map((c) => c.field).sort()).toEqual(['spec.targets[0].weight', 'spec.targets[0].zone'])
  })

  it('refuses a file of two documents', () => {
    expectBatonError(() => parseFleet(`${VALID}\n---\n${VALID}`), 'BATON_INVALID')
  })
})
