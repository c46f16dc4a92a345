import { describe, expect, it } from 'vitest'
import type { Pod } from '../api/types.ts'
import { desiredEndpoints } from '../controllers/endpoints/plan.ts'
import { aServingPod } from '../controllers/endpoints/testing.ts'
import { aService } from '../../test/support/builders.ts'
import { peerEnv, peerRecords } from './peer-records.ts'

/** A StatefulSet member of `web` (hostname and subdomain as the controller sets them). */
function member(name: string, hostPort: number, o: { ready?: boolean; subdomain?: string } = {}): Pod {
  const pod = aServingPod(name, {
    ready: o.ready ?? true,
    ports: [{ containerPort: 8080, hostPort, name: 'http' }],
  })
  return { ...pod, spec: { ...pod.spec, hostname: name, subdomain: o.subdomain ?? 'web' } }
}

describe('peerRecords', () => {
  const headless = aService({ name: 'web', clusterIP: 'None' })
  const pods = [member('web-1', 30002), member('web-0', 30001), member('web-2', 30003, { ready: false })]

  it("lists a headless Service's ready members by stable name, with the port to dial", () => {
    expect(peerRecords(headless, desiredEndpoints(headless, pods))).toEqual({
      service: 'web',
      namespace: 'default',
      members: [
        { name: 'web-0.web', hostname: 'web-0', pod: 'web-0', ip: '127.0.0.1', ports: { http: 30001 } },
        { name: 'web-1.web', hostname: 'web-1', pod: 'web-1', ip: '127.0.0.1', ports: { http: 30002 } },
      ],
    })
  })

  it.each([
    { name: 'a load-balanced Service has no peers file', svc: aService({ name: 'web' }), want: undefined },
    {
      name: 'an unnamed port is keyed by its number',
      svc: aService({ name: 'web', clusterIP: 'None', ports: [{ port: 8080, targetPort: 'http' }] }),
      want: [{ pod: 'web-0', ports: { '8080': 30001 } }],
    },
  ])('$name', ({ svc, want }) => {
    const file = peerRecords(svc, desiredEndpoints(svc, [member('web-0', 30001)]))
    expect(file?.members.map((m) => ({ pod: m.pod, ports: m.ports }))).toEqual(want)
  })

  it('gives no stable name to a member whose subdomain names another Service', () => {
    const file = peerRecords(headless, desiredEndpoints(headless, [member('web-0', 30001, { subdomain: 'db' })]))
    expect(file?.members).toEqual([{ pod: 'web-0', ip: '127.0.0.1', ports: { http: 30001 } }])
  })

  it('has no members before the Endpoints exist', () => {
    expect(peerRecords(headless, undefined)?.members).toEqual([])
  })
})

describe('peerEnv', () => {
  it.each([
    {
      name: 'a member: its subdomain file and its stable name',
      pod: member('web-0', 30001),
      want: { BATON_PEERS_FILE: '/d/peers/default/web.json', BATON_PEER_NAME: 'web-0.web' },
    },
    {
      name: 'a subdomain without a hostname: the file only',
      pod: { ...aServingPod('x'), spec: { ...aServingPod('x').spec, subdomain: 'web' } },
      want: { BATON_PEERS_FILE: '/d/peers/default/web.json' },
    },
    { name: 'no subdomain: nothing', pod: aServingPod('x'), want: {} },
  ])('$name', ({ pod, want }) => {
    expect(peerEnv(pod, '/d/peers')).toEqual(want)
  })
})
