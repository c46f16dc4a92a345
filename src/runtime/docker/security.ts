/**
 * @module
 * A container's securityContext as the engine's create request, as the kubelet maps it (pure):
 *
 * | Kubernetes | Engine |
 * | --- | --- |
 * | runAsUser, runAsGroup (container's over pod's) | User `uid[:gid]` (without runAsGroup the image's group for that uid, as the CRI does) |
 * | runAsNonRoot | checked before create, as the kubelet's verifyRunAsNonRoot: a root uid, or an image user that is root or not numeric, is CreateContainerConfigError |
 * | readOnlyRootFilesystem | HostConfig.ReadonlyRootfs |
 * | capabilities.add, capabilities.drop | HostConfig.CapAdd, CapDrop (names as Kubernetes writes them, NET_ADMIN or ALL; the engine adds CAP_) |
 * | allowPrivilegeEscalation: false | HostConfig.SecurityOpt `no-new-privileges` |
 */
import { runAsOf } from '../../api/run-as.ts'
import type { Container, Pod } from '../../api/types.ts'

export interface EngineSecurity {
  User?: string
  ReadonlyRootfs?: true
  CapAdd?: string[]
  CapDrop?: string[]
  SecurityOpt?: string[]
}

const names = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length > 0 ? v.filter((x): x is string => typeof x === 'string') : undefined

/** Whether the kubelet would refuse to start the container for runAsNonRoot (its message), given the image's USER. */
export function nonRootProblem(pod: Pod, container: Container, imageUser: string): string | undefined {
  const runAs = runAsOf(pod.spec.securityContext, container.securityContext)
  if (!runAs.nonRoot) return undefined
  const who = `pod: "${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})", container: ${container.name}`
  if (runAs.uid !== undefined)
    return runAs.uid === 0 ? `container's runAsUser breaks non-root policy (${who})` : undefined
  const user = imageUser.split(':')[0] ?? ''
  if (user !== '' && !/^\d+$/.test(user))
    return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root (${who})`
  if (user === '' || Number(user) === 0) return `container has runAsNonRoot and image will run as root (${who})`
  return undefined
}

/** Whether the container needs its image's USER to be judged (runAsNonRoot without runAsUser). */
export function needsImageUser(pod: Pod, container: Container): boolean {
  const runAs = runAsOf(pod.spec.securityContext, container.securityContext)
  return runAs.nonRoot && runAs.uid === undefined
}

export function engineSecurity(pod: Pod, container: Container): EngineSecurity {
  const runAs = runAsOf(pod.spec.securityContext, container.securityContext)
  // runAsGroup alone is refused at admission (api/docker-runtime-support.ts): the engine has no "image user, this group".
  const user =
    runAs.uid === undefined ? undefined : runAs.gid === undefined ? `${runAs.uid}` : `${runAs.uid}:${runAs.gid}`
  const sc = container.securityContext ?? {}
  const caps = (sc.capabilities ?? {}) as { add?: unknown; drop?: unknown }
  const add = names(caps.add)
  const drop = names(caps.drop)
  return {
    ...(user !== undefined ? { User: user } : {}),
    ...(sc.readOnlyRootFilesystem === true ? { ReadonlyRootfs: true as const } : {}),
    ...(add ? { CapAdd: add } : {}),
    ...(drop ? { CapDrop: drop } : {}),
    ...(sc.allowPrivilegeEscalation === false ? { SecurityOpt: ['no-new-privileges'] } : {}),
  }
}
