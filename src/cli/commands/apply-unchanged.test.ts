import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

// Each kind as a user writes it, and as `kubectl create KIND --dry-run=client -o yaml` writes it
// (creationTimestamp: null, an empty status where the kind has one): applied twice, kubectl says "unchanged".
const bodies: Record<string, { ref: string; head: string; body: string }> = {
  Namespace: { ref: 'namespace/team', head: 'apiVersion: v1\nkind: Namespace', body: '' },
  ConfigMap: { ref: 'configmap/c', head: 'apiVersion: v1\nkind: ConfigMap', body: 'data:\n  a: b\n' },
  Secret: { ref: 'secret/s', head: 'apiVersion: v1\nkind: Secret', body: 'stringData:\n  a: b\n' },
  ServiceAccount: { ref: 'serviceaccount/sa', head: 'apiVersion: v1\nkind: ServiceAccount', body: '' },
  Service: {
    ref: 'service/web',
    head: 'apiVersion: v1\nkind: Service',
    body: 'spec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 8080\n',
  },
}

const manifest = (kind: string, dryRunForm: boolean) => {
  const { ref, head, body } = bodies[kind]!
  const name = ref.split('/')[1]
  if (!dryRunForm) return `${head}\nmetadata:\n  name: ${name}\n${body}`
  // kubectl writes an empty status only for kinds that have one (and an empty spec for a Namespace).
  const status = { Namespace: 'spec: {}\nstatus: {}\n', Service: 'status:\n  loadBalancer: {}\n' }[kind] ?? ''
  return `${head}\nmetadata:\n  creationTimestamp: null\n  name: ${name}\n${body}${status}`
}

const cases = Object.keys(bodies).flatMap((kind) => [
  { name: `${kind} as written`, kind, dryRunForm: false, second: 'apply -f -' },
  {
    name: `${kind} as kubectl create --dry-run=client -o yaml writes it`,
    kind,
    dryRunForm: true,
    second: 'apply -f -',
  },
  // -n names the namespace of a namespaced object (the same one here); a Namespace has none.
  {
    name: `${kind}, the second time with -n`,
    kind,
    dryRunForm: false,
    second: kind === 'Namespace' ? 'apply -f - -n other' : 'apply -f - -n default',
  },
])

describe('apply twice: unchanged, as kubectl says', () => {
  it.each(cases)('$name', async ({ kind, dryRunForm, second }) => {
    const text = manifest(kind, dryRunForm)
    const { ref } = bodies[kind]!
    expect(await h.run('apply -f -', { stdin: text })).toEqual({ code: 0, out: `${ref} created\n`, err: '' })
    expect(await h.run(second, { stdin: text })).toEqual({ code: 0, out: `${ref} unchanged\n`, err: '' })
  })

  it('a real change to a dry-run-form Namespace is configured and keeps the phase the server set', async () => {
    await h.run('apply -f -', { stdin: manifest('Namespace', true) })
    const labelled = manifest('Namespace', true).replace('  name: team\n', '  name: team\n  labels:\n    tier: fe\n')
    expect((await h.run('apply -f -', { stdin: labelled })).out).toBe('namespace/team configured\n')
    const live = h.store.get('Namespace', '', 'team')
    expect({ labels: live?.metadata.labels, status: live?.status }).toEqual({
      labels: { tier: 'fe', 'kubernetes.io/metadata.name': 'team' },
      status: { phase: 'Active' },
    })
  })

  it('keeps a namespace in the last-applied configuration of namespaced objects only', async () => {
    await h.run('apply -f - -n other', { stdin: manifest('Namespace', false) })
    await h.run('apply -f -', { stdin: manifest('ConfigMap', false) })
    const lastApplied = (kind: 'Namespace' | 'ConfigMap', ns: string, name: string) =>
      JSON.parse(
        h.store.get(kind, ns, name)?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}',
      ).metadata
    expect(lastApplied('Namespace', '', 'team')).toEqual({ name: 'team' })
    expect(lastApplied('ConfigMap', 'default', 'c')).toEqual({ name: 'c', namespace: 'default' })
  })
})
