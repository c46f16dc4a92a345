import { describe, expect, it, vi } from 'vitest'
import type { Container, LifecycleHandler, Pod, RestartPolicy } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import type { LogFields, Logger } from '../platform/logger.ts'
import type { ProbeExecutor } from '../probes/probe-runner.ts'
import { aPod, T0 } from '../../test/support/builders.ts'
import {
  ContainerLifecycle,
  type ContainerInstance,
  type ContainerPort,
  type ImageOutcome,
  type InstanceExit,
  type KillCause,
  type LaunchProblem,
} from './container-lifecycle.ts'

/** An instance that exits when told to, or on the signals it is set to die of. */
class FakeInstance implements ContainerInstance {
  readonly containerID: string
  readonly startedAt: number
  readonly exited: Promise<InstanceExit>
  readonly signals: string[] = []
  exit!: (e: InstanceExit) => void
  #diesOn: readonly string[]

  constructor(n: number, startedAt: number, diesOn: readonly string[]) {
    this.containerID = `fake://${n}`
    this.startedAt = startedAt
    this.exited = new Promise((r) => {
      this.exit = r
    })
    this.#diesOn = diesOn
  }

  signal(sig: 'SIGTERM' | 'SIGKILL'): void {
    this.signals.push(sig)
    if (this.#diesOn.includes(sig)) this.exit({ exitCode: sig === 'SIGKILL' ? 137 : 143 })
  }
}

/** The runtime side, recording what the lifecycle asked of it. */
class FakePort implements ContainerPort<FakeInstance> {
  image: ImageOutcome = { kind: 'present', imageID: 'sha256:aaa' }
  problem: LaunchProblem | undefined
  diesOn: readonly string[] = ['SIGTERM', 'SIGKILL']
  /** When set, launch waits for it (a start the pod's termination overtakes). */
  gate: Promise<void> | undefined
  readonly instances: FakeInstance[] = []
  readonly calls: string[] = []
  oomKill: ((cause: KillCause, why: string) => void) | undefined

  #clock: FakeClock

  constructor(clock: FakeClock) {
    this.#clock = clock
  }

  async pullImage(): Promise<ImageOutcome> {
    this.calls.push('pull')
    return this.image
  }

  async launch(restartCount: number): Promise<FakeInstance | LaunchProblem> {
    await this.gate
    if (this.problem) return this.problem
    const inst = new FakeInstance(this.instances.length + 1, this.#clock.now(), this.diesOn)
    this.instances.push(inst)
    this.calls.push(`launch ${restartCount}`)
    return inst
  }

  executor(hook: LifecycleHandler, inst: FakeInstance | undefined): ProbeExecutor {
    return async () => {
      this.calls.push(`exec ${hook.exec?.command.join(' ')} in ${inst?.containerID}`)
      return { ok: true, message: '' }
    }
  }

  watch(_inst: FakeInstance, kill: (cause: KillCause, why: string) => void): { cancel(): void } {
    this.oomKill = kill
    return { cancel: () => void (this.oomKill = undefined) }
  }

  exited(inst: FakeInstance, exit: InstanceExit, how: { killedBy: KillCause | undefined; active: boolean }): void {
    this.calls.push(
      `exited ${inst.containerID} ${exit.exitCode} ${how.killedBy ?? '-'} ${how.active ? 'active' : 'stopping'}`,
    )
  }

  async stopped(): Promise<void> {
    this.calls.push('stopped')
  }

  detach(inst: FakeInstance | undefined): void {
    this.calls.push(`detach ${inst?.containerID}`)
  }
}

function setup(o: { restartPolicy?: RestartPolicy; container?: Partial<Container> } = {}) {
  const clock = new FakeClock(T0)
  const port = new FakePort(clock)
  const transitions: string[] = []
  const logger: Logger = {
    info: (msg: string, f?: LogFields) => {
      if (msg === 'container state changed') transitions.push(`${f?.was} → ${f?.state}`)
    },
    debug: () => {},
    error: () => {},
    with: () => logger,
  }
  const events: string[] = []
  const spec: Container = { name: 'app', image: 'app:v1', ...o.container }
  const pod: Pod = aPod({
    name: 'p',
    grace: 5,
    spec: { containers: [spec], restartPolicy: o.restartPolicy ?? 'Always' },
  })
  const lc = new ContainerLifecycle(
    { clock, logger, pod: () => pod, event: (_t, reason) => void events.push(reason), changed: () => {} },
    spec,
    port,
    { implicitReadiness: false },
  )
  return { clock, port, lc, transitions, events }
}

const waitUntil = (cond: () => boolean) => vi.waitFor(() => expect(cond()).toBe(true), { timeout: 5000 })

describe('ContainerLifecycle', () => {
  it('restarts a crashed container at once, then after the crash back-off, as the kubelet does', async () => {
    const { clock, port, lc, transitions, events } = setup()
    lc.start()
    await waitUntil(() => lc.state().name === 'running')
    expect(lc.status()).toMatchObject({ ready: true, started: true, imageID: 'sha256:aaa', containerID: 'fake://1' })

    port.instances[0]!.exit({ exitCode: 1 })
    await waitUntil(() => port.instances.length === 2 && lc.state().name === 'running')
    expect(lc.status().restartCount).toBe(1)
    expect(lc.status().lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' })

    port.instances[1]!.exit({ exitCode: 2 })
    await waitUntil(() => lc.state().name === 'backOff')
    expect(lc.status().state.waiting?.reason).toBe('CrashLoopBackOff')
    expect(events).toContain('BackOff')
    clock.advance(9_999)
    expect(port.instances).toHaveLength(2)
    clock.advance(1)
    await waitUntil(() => port.instances.length === 3 && lc.state().name === 'running')
    expect(lc.status().restartCount).toBe(2)
    expect(port.calls.filter((c) => c.startsWith('launch'))).toEqual(['launch 0', 'launch 1', 'launch 2'])
    expect(transitions).toEqual([
      'waiting → creating',
      'creating → postStart',
      'postStart → running',
      'running → waiting',
      'waiting → creating',
      'creating → postStart',
      'postStart → running',
      'running → backOff',
      'backOff → creating',
      'creating → postStart',
      'postStart → running',
    ])
  })

  it.each([
    { policy: 'Always', exitCode: 0, restarts: true },
    { policy: 'Always', exitCode: 1, restarts: true },
    { policy: 'OnFailure', exitCode: 0, restarts: false, reason: 'Completed' },
    { policy: 'OnFailure', exitCode: 1, restarts: true },
    { policy: 'Never', exitCode: 1, restarts: false, reason: 'Error' },
  ] as const)(
    'restartPolicy $policy, exit $exitCode: restarts=$restarts',
    async ({ policy, exitCode, restarts, ...want }) => {
      const { port, lc } = setup({ restartPolicy: policy })
      lc.start()
      await waitUntil(() => lc.state().name === 'running')
      port.instances[0]!.exit({ exitCode })
      if (restarts) {
        await waitUntil(() => port.instances.length === 2)
        return
      }
      await waitUntil(() => lc.state().name === 'terminated')
      expect(lc.status().state.terminated).toMatchObject({ exitCode, reason: 'reason' in want ? want.reason : '' })
      expect(port.instances).toHaveLength(1)
    },
  )

  it.each([
    { name: 'the agent over the memory limit', agent: true, runtime: false },
    { name: 'the runtime reporting the kernel OOM killer', agent: false, runtime: true },
  ])('reports OOMKilled for $name', async ({ agent }) => {
    const { port, lc } = setup()
    lc.start()
    await waitUntil(() => lc.state().name === 'running')
    if (agent) port.oomKill?.('oom', 'memory limit exceeded')
    else port.instances[0]!.exit({ exitCode: 137, oomKilled: true })
    await waitUntil(() => port.instances.length === 2)
    expect(lc.status().lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' })
    if (agent) expect(port.instances[0]!.signals).toEqual(['SIGKILL'])
  })

  it("stops in order: preStop through the runtime's executor, SIGTERM, exit, then the runtime's clean-up", async () => {
    const { port, lc } = setup({ container: { lifecycle: { preStop: { exec: { command: ['drain'] } } } } })
    lc.start()
    await waitUntil(() => lc.state().name === 'running')
    await lc.stop(5000)
    expect(port.instances[0]!.signals[0]).toBe('SIGTERM')
    expect(port.calls.slice(-3)).toEqual(['exec drain in fake://1', 'exited fake://1 143 - stopping', 'stopped'])
    expect(lc.state().name).toBe('stopping')
    expect(lc.status()).toMatchObject({ ready: false, state: { terminated: { exitCode: 143 } } })
    expect(port.instances).toHaveLength(1)
  })

  it('kills an instance that started after the pod began terminating at once, without preStop', async () => {
    const { port, lc } = setup({ container: { lifecycle: { preStop: { exec: { command: ['drain'] } } } } })
    let open!: () => void
    port.gate = new Promise((r) => {
      open = r
    })
    lc.start()
    await waitUntil(() => port.calls.includes('pull'))
    const stopped = lc.stop(5000)
    open()
    await stopped
    expect(port.instances[0]!.signals).toEqual(['SIGKILL'])
    expect(port.calls).toEqual(['pull', 'launch 0', 'exited fake://1 137 - stopping', 'stopped'])
    expect(lc.instance).toBeUndefined()
  })

  it('waits in ImagePullBackOff after ErrImagePull, and pulls again after the back-off or at once on retryNow', async () => {
    const { clock, port, lc, events } = setup()
    port.image = { kind: 'ErrImagePull', message: 'not found' }
    lc.start()
    await waitUntil(() => lc.state().name === 'backOff')
    expect(lc.status().state.waiting).toEqual({
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "app:v1"',
    })
    expect(events).toEqual(['Failed', 'Failed', 'BackOff'])
    clock.advance(10_000)
    await waitUntil(() => port.calls.filter((c) => c === 'pull').length === 2 && lc.state().name === 'backOff')
    port.image = { kind: 'pulled', imageID: 'sha256:bbb' }
    lc.retryNow()
    await waitUntil(() => lc.state().name === 'running')
    expect(lc.status().imageID).toBe('sha256:bbb')
  })

  it('waits in the launch problem’s reason and records it as Failed', async () => {
    const { port, lc, events } = setup()
    port.problem = { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' }
    lc.start()
    await waitUntil(() => lc.state().name === 'backOff')
    expect(lc.status().state.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'configmap "x" not found',
    })
    expect(events).toContain('Failed')
  })

  it('lets go on detach: the instance runs on, unsignalled, for the next agent', async () => {
    const { port, lc } = setup()
    lc.start()
    await waitUntil(() => lc.state().name === 'running')
    lc.detach()
    expect(lc.state().name).toBe('detached')
    expect(port.calls.at(-1)).toBe('detach fake://1')
    expect(port.instances[0]!.signals).toEqual([])
  })
})
