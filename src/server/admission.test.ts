import { describe, expect, it } from 'vitest'
import { deployment, pod, statefulSet, withChanges } from '../api/test-objects.ts'
import type { AnyObject, Deployment } from '../api/types.ts'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { aJobMetric } from '../../test/support/builders.ts'
import { nodeRuntimes, PROCESS_ONLY } from '../api/runtime-class.ts'
import { admit, warningsFor } from './admission.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'

const admitted = (obj: unknown) => () => admit(obj as AnyObject)

const NO_MOUNTS =
  'the process runtime mounts volumes only where the daemon runs as root and overlayfs is available (docs/isolation.md)'

describe('admit', () => {
  it('refuses a workload template that asks the process runtime for a volume, naming the field', () => {
    const d = withChanges(deployment(), {
      'spec.template.spec.volumes': [{ name: 'cfg', configMap: { name: 'cfg' } }],
      'spec.template.spec.containers.0.volumeMounts': [{ name: 'cfg', mountPath: '/config' }],
    })
    const err = expectBatonError(admitted(d), 'BATON_INVALID')
    expect(err.message).toBe('The Deployment "web" is invalid')
    expect(err.causes).toEqual([
      {
        field: 'spec.template.spec.volumes[0].configMap',
        message: `Forbidden: ${NO_MOUNTS}`,
      },
      {
        field: 'spec.template.spec.containers[0].volumeMounts[0]',
        message: `Forbidden: ${NO_MOUNTS}`,
      },
    ])
    expect(err.hint).toContain('run `baton up` as root')
    // A node that mounts volumes (a root daemon with overlayfs) admits the same template.
    const onMountingNode = admit(d as unknown as AnyObject, { ...PROCESS_ONLY, processMounts: true })
    expect((onMountingNode as Deployment).spec.template.spec.volumes).toHaveLength(1)
  })

  it('refuses a Pod whose securityContext asks for more than the user to run as', () => {
    const err = expectBatonError(
      admitted(
        withChanges(pod(), { 'spec.securityContext': { runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } }),
      ),
      'BATON_INVALID',
    )
    expect(err.causes.map((c) => c.field)).toEqual(['spec.securityContext.seccompProfile'])
  })

  it('admits a StatefulSet with its defaults, and refuses a template field the process runtime does not honour', () => {
    expect(admit(statefulSet() as AnyObject)).toMatchObject({
      spec: { podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } },
    })
    const err = expectBatonError(
      admitted(withChanges(statefulSet(), { 'spec.template.spec.initContainers': [{ name: 'x', image: 'i' }] })),
      'BATON_INVALID',
    )
    expect(err.causes.map((c) => c.field)).toEqual(['spec.template.spec.initContainers[0]'])
  })

  it("judges a pod by its runtime's support: a read-only root is applied to a container, refused for a process", () => {
    const d = withChanges(deployment(), {
      'spec.template.spec.containers.0.securityContext': { readOnlyRootFilesystem: true },
    })
    expect(admit(d as AnyObject, nodeRuntimes('docker'))).toMatchObject({
      spec: { template: { spec: { containers: [{ securityContext: { readOnlyRootFilesystem: true } }] } } },
    })
    const asProcess = withChanges(d, { 'spec.template.spec.runtimeClassName': 'process' })
    const err = expectBatonError(() => admit(asProcess as AnyObject, nodeRuntimes('docker')), 'BATON_INVALID')
    expect(err.causes.map((c) => c.field)).toEqual([
      'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
    ])
    expect(err.causes[0]?.message).toContain('Forbidden: the process runtime applies only')
  })

  it("judges a job metric's pod template as the Pod it runs as, on the runtime it names", () => {
    const job = (podSpec: Record<string, unknown>) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'smoke' },
      spec: { metrics: [aJobMetric({ container: { name: 'c', image: 'smoke:v1' }, podSpec })] },
    })
    expect(() => admit(job({}) as AnyObject)).not.toThrow()
    const base = 'spec.metrics[0].provider.job.spec.template.spec'
    const volume = expectBatonError(
      admitted(job({ volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] })),
      'BATON_INVALID',
    )
    expect(volume.causes).toEqual([{ field: `${base}.volumes[0].configMap`, message: `Forbidden: ${NO_MOUNTS}` }])
    const docker = expectBatonError(admitted(job({ runtimeClassName: 'docker' })), 'BATON_INVALID')
    expect(docker.causes.map((c) => c.field)).toEqual([`${base}.runtimeClassName`])
    expect(() => admit(job({ runtimeClassName: 'docker' }) as AnyObject, nodeRuntimes('docker'))).not.toThrow()
  })

  it('stores what it runs: defaults filled in', () => {
    expect(admit(deployment() as AnyObject)).toMatchObject({
      spec: { template: { spec: { dnsPolicy: 'ClusterFirst' } } },
    })
  })

  it('refuses a pod that asks for the Docker runtime on a process node, and admits it on a Docker node', () => {
    const d = withChanges(deployment(), { 'spec.template.spec.runtimeClassName': 'docker' })
    const err = expectBatonError(admitted(d), 'BATON_INVALID')
    expect(err.causes).toEqual([
      {
        field: 'spec.template.spec.runtimeClassName',
        message: 'Forbidden: this node runs the process runtime, not docker',
      },
    ])
    expect(err.hint).toContain('baton up --runtime docker')
    expect(admit(d as AnyObject, nodeRuntimes('docker'))).toMatchObject({
      spec: { template: { spec: { runtimeClassName: 'docker' } } },
    })
  })

  it('warns about an unpushed artifact only for pods the process runtime runs, and says how to use Docker', () => {
    const deps = (runtime: 'process' | 'docker') => ({
      store: createMemoryStore({ clock: new FakeClock(), ids: sequentialIds() }),
      artifacts: { resolve: () => undefined },
      runtimes: nodeRuntimes(runtime),
    })
    const d = admit(deployment() as AnyObject, nodeRuntimes('docker'))
    expect(warningsFor(d, deps('process')).join('\n')).toContain('runtimeClassName: docker')
    expect(warningsFor(d, deps('docker'))).toEqual([])
    const onProcess = withChanges(deployment(), { 'spec.template.spec.runtimeClassName': 'process' }) as AnyObject
    expect(warningsFor(onProcess, deps('docker')).join('\n')).toContain('no artifact')
  })
})
