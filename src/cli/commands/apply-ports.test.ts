import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness | undefined
afterEach(() => h?.close())

const service = (name: string, port: number) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: ${port}, targetPort: 8080}]
`

describe('apply and Service ports', () => {
  it('refuses a port another Service holds, naming the field and the holder', async () => {
    h = createHarness()
    expect((await h.run('apply -f -', { stdin: service('api', 8080) })).code).toBe(0)
    const res = await h.run('apply -f -', { stdin: service('web', 8080) })
    expect(res.code).toBe(1)
    expect(res.err).toBe(
      'Error from server (Invalid): The Service "web" is invalid\n' +
        '* spec.ports[0].port: Invalid value: 8080: provided port is already allocated: service default/api listens on 127.0.0.1:8080\n' +
        'hint: Pick another port, or delete service default/api first.\n',
    )
  })

  it('refuses the daemon API port', async () => {
    h = createHarness({
      reservedPorts: () => [{ host: '127.0.0.1', port: 7070, holder: 'the Baton API and dashboard' }],
    })
    const res = await h.run('apply -f -', { stdin: service('web', 7070) })
    expect(res.code).toBe(1)
    expect(res.err).toContain(
      'spec.ports[0].port: Invalid value: 7070: provided port is already allocated: the Baton API and dashboard listens on 127.0.0.1:7070',
    )
  })

  it('prints the warning for a port another program holds, and applies', async () => {
    h = createHarness({
      portWarnings: async (svc) => [`service/${svc.metadata.name}: 127.0.0.1:9999 is in use by another program`],
    })
    const res = await h.run('apply -f -', { stdin: service('web', 9999) })
    expect(res).toEqual({
      code: 0,
      out: 'service/web created\n',
      err: 'Warning: service/web: 127.0.0.1:9999 is in use by another program\n',
    })
  })
})
