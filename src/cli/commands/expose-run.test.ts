import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aDeployment, aPod, deploymentAsServed, podAsServed } from '../../../test/support/builders.ts'
import type { Pod, Service } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

const svc = (name: string) => h.store.get('Service', 'default', name) as Service

describe('baton expose', () => {
  it('makes a Service with the deployment selector and labels, --port and --target-port', async () => {
    h.store.create(aDeployment(deploymentAsServed('web')))
    expect(await h.run('expose deployment web --port=80 --target-port=8080')).toEqual({
      code: 0,
      err: '',
      out: 'service/web exposed\n',
    })
    const s = svc('web')
    expect(s.metadata.labels).toEqual({ app: 'web' })
    expect(s.spec.selector).toEqual({ app: 'web' })
    expect(s.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 8080, protocol: 'TCP' })])
  })

  it('takes the container ports when --port is not given, and names the Service with --name', async () => {
    const d = aDeployment(deploymentAsServed('web'))
    d.spec.template.spec.containers[0]!.ports!.push({ containerPort: 9090, protocol: 'TCP' })
    h.store.create(d)
    expect((await h.run('expose deploy/web --name=web-all --type=LoadBalancer')).out).toBe('service/web-all exposed\n')
    expect(svc('web-all').spec.type).toBe('LoadBalancer')
    expect(svc('web-all').spec.ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual([
      'port-1:8080->8080',
      'port-2:9090->9090',
    ])
  })

  it('exposes a pod by its labels; --dry-run=client -o yaml prints and creates nothing', async () => {
    h.store.create(aPod({ ...podAsServed('p'), labels: { app: 'web', tier: 'front' } }))
    const res = await h.run('expose pod p --port=9000 --dry-run=client -o yaml')
    expect(res.out).toBe(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: p\n  namespace: default\n  labels:\n    app: web\n    tier: front\nspec:\n  selector:\n    app: web\n    tier: front\n  ports:\n    - port: 9000\n      protocol: TCP\n      targetPort: 9000\n',
    )
    expect(h.store.list('Service').items).toEqual([])
  })

  it.each([
    {
      name: 'no port anywhere',
      argv: 'expose pod p',
      err: "error: couldn't find port via --port flag or introspection",
    },
    {
      name: 'a bad type',
      argv: 'expose pod p --port=80 --type=ExternalName',
      err: 'error: invalid --type "ExternalName"',
    },
    {
      name: 'an unsupported kind',
      argv: 'expose statefulset s --port=80',
      err: 'error: statefulsets are not supported here',
    },
  ])('refuses $name, creating nothing', async ({ argv, err }) => {
    const portless = aPod(podAsServed('p'))
    portless.spec.containers[0]!.ports = []
    h.store.create(portless)
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
    expect(h.store.list('Service').items).toEqual([])
  })
})

describe('baton run', () => {
  it('creates a pod labelled run=NAME with the words after -- as args', async () => {
    expect(await h.run('run web --image=web:v1 --port=8080 --env=MODE=blue -- --verbose')).toEqual({
      code: 0,
      err: '',
      out: 'pod/web created\n',
    })
    const pod = h.store.get('Pod', 'default', 'web') as Pod
    expect(pod.metadata.labels).toEqual({ run: 'web' })
    expect(pod.spec.restartPolicy).toBe('Always')
    expect(pod.spec.containers).toEqual([
      expect.objectContaining({
        name: 'web',
        image: 'web:v1',
        args: ['--verbose'],
        env: [{ name: 'MODE', value: 'blue' }],
        ports: [expect.objectContaining({ containerPort: 8080 })],
      }),
    ])
  })

  it('--command makes them the command; --dry-run=client -o name creates nothing', async () => {
    expect(
      (
        await h.run(
          'run job --image=tools:v1 --restart=Never --labels=app=job --command --dry-run=client -o json -- node job.js',
        )
      ).out,
    ).toContain('"command": [\n')
    expect(h.store.list('Pod').items).toEqual([])
    await h.run('run job --image=tools:v1 --restart=Never --labels=app=job --command -- node job.js')
    const pod = h.store.get('Pod', 'default', 'job') as Pod
    expect(pod.spec.containers[0]!.command).toEqual(['node', 'job.js'])
    expect(pod.metadata.labels).toEqual({ app: 'job' })
  })

  it.each([
    { argv: 'run web', err: 'error: required flag(s) "image" not set' },
    { argv: 'run --image=x', err: 'error: NAME is required for run, and only one' },
    { argv: 'run web --image=x --restart=Sometimes', err: 'error: invalid restart policy: Sometimes' },
    { argv: 'run web --image=x -it', err: "error: unknown option '-it'" },
  ])('refuses: $argv', async ({ argv, err }) => {
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
  })
})
