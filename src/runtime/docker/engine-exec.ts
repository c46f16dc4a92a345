/**
 * @module
 * Exec probes and exec lifecycle hooks through the engine's exec API: the command runs inside
 * the container (its file system, user and namespaces), as `kubectl exec` would run it. Exit 0
 * is success; otherwise the output (capped) is the failure message. A command still running
 * at the timeout fails the probe; the engine has no way to kill an exec, so it is left to
 * finish on its own (the kubelet's dockershim did the same).
 */
import { PassThrough } from 'node:stream'
import type { Clock } from '../../platform/clock.ts'
import type { ProbeOutcome } from '../../probes/probe-runner.ts'
import type { Engine } from './engine.ts'

const MAX_OUTPUT = 10 * 1024

export async function engineExec(
  engine: Engine,
  containerId: string,
  command: string[],
  timeoutMs: number,
  clock: Clock,
): Promise<ProbeOutcome> {
  if (command.length === 0) return { ok: false, message: 'exec: no command specified' }
  const timeout = new AbortController()
  try {
    const exec = await engine.getContainer(containerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true })
    const stream = await exec.start({ hijack: true, stdin: false })
    let output = ''
    const sink = new PassThrough()
    sink.on('data', (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8')
    })
    engine.modem.demuxStream(stream, sink, sink)
    const ended = new Promise<boolean>((resolve) => {
      stream.on('end', () => resolve(true))
      stream.on('close', () => resolve(true))
      stream.on('error', () => resolve(true))
    })
    const done = await Promise.race([ended, clock.sleep(timeoutMs, timeout.signal).then(() => false)])
    if (!done) {
      stream.destroy()
      return { ok: false, message: `command ${JSON.stringify(command)} timed out after ${timeoutMs}ms` }
    }
    const info = await exec.inspect()
    if (info.ExitCode === 0) return { ok: true, message: '' }
    return { ok: false, message: output.trim() || `command ${JSON.stringify(command)} exited with ${info.ExitCode}` }
  } catch (err) {
    return { ok: false, message: `exec: ${err instanceof Error ? err.message : String(err)}` }
  } finally {
    timeout.abort()
  }
}
