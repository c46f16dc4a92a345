import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

const webYaml = (over: { replicas?: string; image?: string; extra?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
${over.replicas ?? '  replicas: 3\n'}  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${over.image ?? 'web:v1'}
${over.extra ?? ''}`

const svcYaml = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`

const web = () => h.store.get('Deployment', 'default', 'web')!

describe('apply', () => {
  it('creates, then says unchanged, then configured, from stdin with several documents', async () => {
    expect(await h.run('apply -f -', { stdin: `${webYaml()}---\n${svcYaml}` })).toEqual({
      code: 0,
      // The Service selects a Deployment that has no port and no readiness probe: applied, with kubectl's warnings.
      err: [
        'Warning: Deployment "web" is behind Service "web" but its container "web" declares no port: it gets no $PORT and no implicit readiness gate, and the Service cannot target it; add ports: [{containerPort: N}]',
        'Warning: Deployment "web" is behind Service "web" but has no readinessProbe and no implicit readiness gate (no port, or baton.dev/implicit-readiness: "false"): a rolling update will route requests to replicas that are not listening yet; add a readinessProbe',
        'Warning: Service "web" port 80: targetPort 8080 matches no container port of Deployment "web"; requests to it will fail',
        '',
      ].join('\n'),
      out: 'deployment.apps/web created\nservice/web created\n',
    })
    const annotation = web().metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']
    expect(JSON.parse(annotation!)).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    })
    expect((await h.run('apply -f -', { stdin: webYaml() })).out).toBe('deployment.apps/web unchanged\n')
    expect((await h.run('apply -f -', { stdin: webYaml({ image: 'web:v2' }) })).out).toBe(
      'deployment.apps/web configured\n',
    )
    expect(web().spec.template.spec.containers[0]!.image).toBe('web:v2')
  })

  it('keeps a scaled replica count the manifest does not mention, and drops fields the user removed', async () => {
    await h.run('apply -f -', { stdin: webYaml({ replicas: '', extra: '  minReadySeconds: 5\n'.replace(/^/, '') }) })
    await h.run('scale deployment web --replicas=5')
    await h.run('apply -f -', { stdin: webYaml({ replicas: '', image: 'web:v2' }) })
    expect(web().spec.replicas).toBe(5)
    await h.run('apply -f -', { stdin: webYaml({ replicas: '  replicas: 2\n' }) })
    expect(web().spec.replicas).toBe(2)
  })

  it('warns when a new template rolls out without minReadySeconds, not on create, a size change or with it set', async () => {
    expect((await h.run('apply -f -', { stdin: webYaml() })).err).toBe('')
    expect((await h.run('apply -f -', { stdin: webYaml({ replicas: '  replicas: 4\n' }) })).err).toBe('')
    const rollout = await h.run('apply -f -', { stdin: webYaml({ replicas: '  replicas: 4\n', image: 'web:v2' }) })
    expect(rollout).toMatchObject({ code: 0, out: 'deployment.apps/web configured\n' })
    expect(rollout.err).toMatch(
      /^Warning: deployment\.apps\/web: minReadySeconds is 0: .* Set spec\.minReadySeconds \(e\.g\. 10\) .*\n$/,
    )
    const guarded = await h.run('apply -f -', {
      stdin: webYaml({ replicas: '  replicas: 4\n', image: 'web:v3', extra: '  minReadySeconds: 10\n' }),
    })
    expect(guarded).toMatchObject({ code: 0, err: '' })
  })

  it('records the command as change-cause with --record', async () => {
    await h.run('apply -f - --record', { stdin: webYaml() })
    expect(web().metadata.annotations?.['kubernetes.io/change-cause']).toBe('baton apply -f - --record=true')
  })

  it('fails on an invalid manifest with the server words and field causes, exit 1, storing nothing', async () => {
    const res = await h.run('apply -f -', { stdin: webYaml({ replicas: '  replicas: -1\n' }) })
    expect(res.code).toBe(1)
    expect(res.err).toBe(
      'Error from server (Invalid): The Deployment "web" is invalid\n' +
        '* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n' +
        'hint: Fix the listed fields and apply again.\n',
    )
    expect(h.store.list('Deployment').items).toHaveLength(0)
  })

  it('fails on YAML that does not parse, and on a missing -f', async () => {
    const bad = await h.run('apply -f -', { stdin: 'kind: [unclosed' })
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^error: error parsing STDIN/)
    const none = await h.run('apply')
    expect(none.code).toBe(1)
    expect(none.err).toMatch(/^error: must specify one of -f and -k\n/)
  })

  it.each([
    {
      name: 'replicas: .nan',
      replicas: '  replicas: .nan\n',
      says: 'spec.replicas: Invalid value: NaN: must be a finite number',
    },
    {
      name: 'replicas: .inf',
      replicas: '  replicas: .inf\n',
      says: 'spec.replicas: Invalid value: Infinity: must be a finite number',
    },
    {
      name: 'replicas: -.inf',
      replicas: '  replicas: -.inf\n',
      says: 'spec.replicas: Invalid value: -Infinity: must be a finite number',
    },
  ])('refuses $name instead of sending it as null (1 replica), storing nothing', async ({ replicas, says }) => {
    const res = await h.run('apply -f -', { stdin: `${svcYaml}---\n${webYaml({ replicas })}` })
    expect(res.code).toBe(1)
    expect(res.err).toContain('The Deployment "web" is invalid')
    expect(res.err).toContain(says)
    expect(res.err).toMatch(/hint: /)
    expect(h.store.list('Deployment').items).toHaveLength(0)
    expect(h.store.list('Service').items).toHaveLength(0)
  })

  it('deletes by a manifest holding .nan: only its kind and name are sent', async () => {
    await h.run('apply -f -', { stdin: webYaml() })
    const res = await h.run('delete -f -', { stdin: webYaml({ replicas: '  replicas: .nan\n' }) })
    expect(res).toMatchObject({ code: 0, out: 'deployment.apps "web" deleted\n' })
  })

  it.each([
    {
      name: 'DaemonSet',
      head: 'apiVersion: apps/v1\nkind: DaemonSet',
      says: 'no matches for kind "DaemonSet" in version "apps/v1"',
    },
    {
      name: 'Ingress',
      head: 'apiVersion: networking.k8s.io/v1\nkind: Ingress',
      says: 'no matches for kind "Ingress" in version "networking.k8s.io/v1"',
    },
    { name: 'Job', head: 'apiVersion: batch/v1\nkind: Job', says: 'no matches for kind "Job" in version "batch/v1"' },
    {
      name: 'a Deployment without apiVersion',
      head: 'kind: Deployment',
      says: 'no matches for kind "Deployment" in version ""',
    },
  ])('refuses $name with the unknown-kind error, not a TypeError, storing nothing', async ({ head, says }) => {
    const doc = `${head}\nmetadata:\n  name: x\nspec: {}\n`
    for (const verb of ['apply', 'create', 'delete']) {
      const res = await h.run(`${verb} -f -`, { stdin: `${svcYaml}---\n${doc}` })
      expect(res.code).toBe(1)
      expect(res.err).toContain(says)
      expect(res.err).not.toMatch(/TypeError|Cannot read properties/)
      expect(res.err).toMatch(/hint: .*Baton serves apps\/v1 Deployment/)
    }
    expect(h.store.list('Service').items).toHaveLength(0)
  })

  it('refuses a manifest of another namespace than an explicit -n', async () => {
    const res = await h.run('apply -n prod -f -', {
      stdin: webYaml().replace('name: web', 'name: web\n  namespace: dev'),
    })
    expect(res.code).toBe(1)
    expect(res.err).toContain(`the namespace from the provided object "dev" does not match the namespace "prod"`)
  })
})

describe('create', () => {
  it('creates from a manifest and fails when it exists', async () => {
    expect((await h.run('create -f -', { stdin: svcYaml })).out).toBe('service/web created\n')
    const again = await h.run('create -f -', { stdin: svcYaml })
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/^Error from server \(AlreadyExists\): services "web" already exists\n/)
  })

  it('generates a deployment from an image, naming the container after it', async () => {
    expect((await h.run('create deployment shop --image=acme/rolling-web:0.0.1 --replicas=2')).out).toBe(
      'deployment.apps/shop created\n',
    )
    const d = h.store.get('Deployment', 'default', 'shop')!
    expect(d.spec.replicas).toBe(2)
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'rolling-web', image: 'acme/rolling-web:0.0.1' })
    expect((await h.run('create deployment shop')).err).toMatch(/^error: required flag\(s\) "image" not set/)
  })
})

describe('delete, scale, set', () => {
  beforeEach(async () => {
    await h.run('apply -f -', { stdin: webYaml() })
  })

  it('deletes by TYPE/NAME, reports a missing one with exit 1, or ignores it', async () => {
    expect(await h.run('delete deploy/web')).toEqual({ code: 0, err: '', out: 'deployment.apps "web" deleted\n' })
    const missing = await h.run('delete deployment web')
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^Error from server \(NotFound\): deployments\.apps "web" not found\n/)
    expect((await h.run('delete deployment web --ignore-not-found')).code).toBe(0)
  })

  // kubectl prints the Status's reason; a 403 is Forbidden, not the InternalError of a code
  // the CLI had no reason for.
  it.each([
    { name: 'default', argv: 'delete ns default' },
    { name: 'kube-system', argv: 'delete namespace/kube-system' },
    { name: 'kube-public', argv: 'delete namespaces kube-public' },
  ])('refuses deleting the $name namespace as kubectl shows it', async ({ name, argv }) => {
    if (name !== 'default') {
      const made = await h.run('apply -f -', { stdin: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n` })
      expect(made.out).toBe(`namespace/${name} created\n`)
    }
    const res = await h.run(argv)
    expect({ code: res.code, out: res.out, first: res.err.split('\n')[0] }).toEqual({
      code: 1,
      out: '',
      first: `Error from server (Forbidden): namespaces "${name}" is forbidden: this namespace may not be deleted`,
    })
    expect(h.store.get('Namespace', '', name)?.metadata.deletionTimestamp).toBeUndefined()
  })

  it('needs a name, a selector or --all for a type', async () => {
    const res = await h.run('delete deployments')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: resource\(s\) were provided, but no name was specified/)
    expect((await h.run('delete deployments --all')).out).toBe('deployment.apps "web" deleted\n')
  })

  it('scales, honouring --current-replicas', async () => {
    expect((await h.run('scale --replicas=5 deployment/web')).out).toBe('deployment.apps/web scaled\n')
    expect(web().spec.replicas).toBe(5)
    const pre = await h.run('scale deployment web --replicas=1 --current-replicas=3')
    expect(pre.code).toBe(1)
    expect(pre.err).toMatch(/^error: Expected replicas to be 3, was 5\n/)
    expect((await h.run('scale deployment web')).err).toMatch(/^error: required flag\(s\) "replicas" not set/)
  })

  it.each(['.nan', '.inf', 'NaN', 'Infinity', '-1', '1.5', '1e400'])(
    'refuses --replicas=%s, leaving the size as it was',
    async (v) => {
      const res = await h.run(`scale deployment web --replicas=${v}`)
      expect(res.code).toBe(1)
      expect(res.err).toContain(`--replicas must be a non-negative integer, not "${v}"`)
      expect(web().spec.replicas).toBe(3)
    },
  )

  it('sets an image with --record, and names an unknown container', async () => {
    expect((await h.run('set image deployment/web web=web:v2 --record')).out).toBe(
      'deployment.apps/web image updated\n',
    )
    expect(web().spec.template.spec.containers[0]!.image).toBe('web:v2')
    expect(web().metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'baton set image deployment/web web=web:v2 --record=true',
    )
    const res = await h.run('set image deployment/web db=db:v2')
    expect(res.code).toBe(1)
    expect(res.err).toBe('error: unable to find container named "db"\nhint: The containers are: web\n')
  })

  it('sets and removes environment variables', async () => {
    expect((await h.run('set env deployment/web MODE=blue LEVEL=3')).out).toBe('deployment.apps/web env updated\n')
    expect(web().spec.template.spec.containers[0]!.env).toEqual([
      { name: 'MODE', value: 'blue' },
      { name: 'LEVEL', value: '3' },
    ])
    await h.run('set env deployment/web MODE-')
    expect(web().spec.template.spec.containers[0]!.env).toEqual([{ name: 'LEVEL', value: '3' }])
  })
})
