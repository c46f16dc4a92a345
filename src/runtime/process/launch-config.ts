/**
 * @module
 * How a container becomes a command line (pure; the file-system check is passed in).
 *
 * With an image, the container runs from its own unpacked copy of the artifact (`rootfs`):
 * the working directory is `rootfs/<workingDir>` (workingDir, absolute or not, is a path
 * inside the artifact, as in a container image), and an absolute command path that exists
 * inside the artifact (`/app/server.sh`) runs from there; other absolute paths (`/bin/sh`)
 * are the machine's. Relative command paths resolve against the working directory.
 *
 * Without an image, the command runs in `workingDir` as given (relative to the daemon's
 * working directory), or in the pod's own directory when there is none.
 */
import { isAbsolute, join, resolve } from 'node:path'
import { runAsOf, runAsProblem } from '../../api/run-as.ts'
import { claimMounts, volumeEnvName } from './claim-volumes.ts'
import { containerArgv, containerEnv, type EnvInput } from '../container-env.ts'

export interface LaunchConfig {
  argv: string[]
  cwd: string
  env: Record<string, string>
  /** The user and group to run as (securityContext); absent: the runtime's own. */
  uid?: number
  gid?: number
}

/** A container that cannot start, with the kubelet's waiting reason. */
export interface LaunchProblem {
  reason: 'CreateContainerConfigError' | 'CreateContainerError'
  message: string
}

/** What the environment is built from (../container-env.ts), and where and as whom the container runs. */
export interface LaunchConfigInput extends EnvInput {
  /** The unpacked artifact, when the container names an image. */
  rootfs: string | undefined
  /** The artifact's default command (artifacts/default-command.ts), run when the container sets neither command nor args. */
  defaultCommand?: readonly string[] | undefined
  /** Where a container without image and workingDir runs. */
  podDir: string
  exists(path: string): boolean
  /** The runtime's own user id, which a container runs as unless runAsUser says otherwise. */
  processUid: number
  /**
   * Mounts a claim volume (claim-volumes.ts): its directory, or why it cannot be mounted yet
   * (the claim is not there). Absent: the container mounts no claim.
   */
  mountClaim?(claimName: string, mountPath: string): { dir: string } | { error: string }
}

export function launchConfig(input: LaunchConfigInput): LaunchConfig | LaunchProblem {
  const { container, rootfs } = input
  const runAs = runAsOf(input.pod.spec.securityContext, container.securityContext)
  const refused = runAsProblem(runAs, input.processUid)
  if (refused) return { reason: 'CreateContainerConfigError', message: refused }
  const built = containerEnv(input)
  if ('error' in built) return { reason: 'CreateContainerConfigError', message: built.error }
  for (const m of claimMounts(input.pod, container)) {
    const mounted = input.mountClaim?.(m.claimName, m.mountPath) ?? { error: 'the runtime mounts no claims' }
    if ('error' in mounted) return { reason: 'CreateContainerConfigError', message: mounted.error }
    built.env[volumeEnvName(m.volume)] = mounted.dir
  }
  const own = containerArgv(container, built.env)
  // As an image's CMD: used only when the container gives neither command nor args, never expanded.
  const argv = own.length === 0 && input.defaultCommand ? [...input.defaultCommand] : own
  const [file] = argv
  if (file === undefined || file === '') {
    return {
      reason: 'CreateContainerError',
      message: `container "${container.name}" has no command: set command (and args), or push its artifact with a default command (baton push NAME:TAG DIR --cmd COMMAND)`,
    }
  }
  let cwd: string
  if (rootfs !== undefined) {
    cwd = container.workingDir ? join(rootfs, container.workingDir) : rootfs
    if (isAbsolute(file) && input.exists(join(rootfs, file))) argv[0] = join(rootfs, file)
  } else cwd = container.workingDir ? resolve(container.workingDir) : input.podDir
  return {
    argv,
    cwd,
    env: built.env,
    ...(runAs.uid !== undefined ? { uid: runAs.uid } : {}),
    ...(runAs.gid !== undefined ? { gid: runAs.gid } : {}),
  }
}

export function isLaunchProblem(c: LaunchConfig | LaunchProblem): c is LaunchProblem {
  return 'reason' in c
}
