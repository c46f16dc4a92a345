import { describe, expect, it } from 'vitest'
import { applyDefaults } from './defaults.ts'
import { loadManifests } from './manifest.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import type { Deployment } from './types.ts'
import { processRuntimeErrors } from './process-runtime-support.ts'
import { validateObject } from './validate.ts'

// Every Kubernetes manifest in the seed documents Baton was specified from, copied verbatim
// into test/fixtures/seeds: <seed>-<n>.yaml is the n-th manifest block of that seed.
const fixture = (name: string) => new URL(`../../test/fixtures/seeds/${name}.yaml`, import.meta.url).pathname

const VALID = [
  {
    file: '000-1',
    from: 'seed 000: two-container Deployment and a Service with a named targetPort',
    objects: ['Deployment/myapp', 'Service/myservice'],
  },
  { file: '002-1', from: 'seed 002: demo-dp, 25%/25% rolling update', objects: ['Deployment/demo-dp'] },
  { file: '002-2', from: 'seed 002: LoadBalancer Service', objects: ['Service/demo-service'] },
  {
    file: '002-3',
    from: 'seed 002: untagged image, readiness and liveness probes, 1s grace',
    objects: ['Deployment/demo-dp'],
  },
  {
    file: '003-1',
    from: 'seed 003: comment lines before apiVersion, configMap volume',
    objects: ['Deployment/spring-boot-kubernetes-deployment'],
  },
  {
    file: '003-2',
    from: 'seed 003: maxSurge 1 / maxUnavailable 0, preStop sleep, 300s grace',
    objects: ['Deployment/spring-boot-kubernetes-deployment'],
  },
]

describe('seed manifests', () => {
  it.each(VALID)('$file ($from) loads, validates and defaults', async ({ file, objects }) => {
    const loaded = await loadManifests(fixture(file))
    expect(loaded.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(objects)
    for (const obj of loaded) {
      const defaulted = applyDefaults(validateObject(obj))
      expect(defaulted.metadata.namespace).toBe('default')
      // The stored (defaulted) form is itself valid, and defaulting it again changes nothing.
      expect(validateObject(defaulted)).toEqual(defaulted)
      expect(applyDefaults(defaulted)).toEqual(defaulted)
    }
  })

  // Valid Kubernetes, but what the process runtime would not honour is refused at admission.
  const REFUSED_BY_PROCESS_RUNTIME: Record<string, string[]> = {
    '003-1': ['spec.template.spec.volumes[0].configMap', 'spec.template.spec.containers[0].volumeMounts[0]'],
    '003-2': ['spec.template.spec.volumes[0].configMap', 'spec.template.spec.containers[0].volumeMounts[0]'],
  }
  it.each(VALID)('$file: the process runtime honours it or refuses what it would not', async ({ file }) => {
    const errs = (await loadManifests(fixture(file))).flatMap((o) => processRuntimeErrors(validateObject(o)))
    expect(errs.map((e) => e.field)).toEqual(REFUSED_BY_PROCESS_RUNTIME[file] ?? [])
    for (const e of errs)
      expect(e.message).toMatch(/^Forbidden: the process runtime mounts volumes only where the daemon runs as root/)
  })

  it('002-3 pulls its untagged image Always and keeps the probe timings given', async () => {
    const [d] = await loadManifests(fixture('002-3'))
    const defaulted = applyDefaults(validateObject(d)) as Deployment
    expect(defaulted.spec.template.spec.containers[0]).toMatchObject({
      imagePullPolicy: 'Always',
      readinessProbe: {
        httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
        initialDelaySeconds: 30,
        periodSeconds: 5,
        timeoutSeconds: 1,
      },
    })
  })

  // Seed 001 shows `kubectl get deploy busy -o yaml` cut short after the strategy (the post
  // ends the dump with "..."). The excerpt has no pod template, so the real API server
  // rejects it as well, with exactly these two causes; read-only fields (uid,
  // resourceVersion, creationTimestamp, generation) are accepted as kubectl prints them.
  it('001-1 (a truncated kubectl get -o yaml dump) fails as Kubernetes would: no template', async () => {
    const [dump] = await loadManifests(fixture('001-1'))
    expect(dump?.metadata).toMatchObject({
      name: 'busy',
      uid: '93fde307-a359-11e8-a93b-525400c61543',
      creationTimestamp: '2018-08-19T02:42:56Z',
    })
    expect(thrownBatonError(() => validateObject(dump))).toMatchObject({
      code: 'BATON_INVALID',
      message: 'The Deployment "busy" is invalid',
      causes: [
        {
          field: 'spec.template.metadata.labels',
          message: 'Invalid value: null: `selector` does not match template `labels`',
        },
        { field: 'spec.template.spec.containers', message: 'Required value' },
      ],
    })
  })
})
