/**
 * @module
 * Which objects use a pushed artifact, for `baton images` and for refusing `baton rmi` while
 * it is in use. An object uses the artifact a tag names when one of its images resolves to that
 * tag ("web" is "web:latest"), or names its digest ("web@sha256:…") while this tag is the last
 * one that keeps the content. In use (removal refused): a Pod, a Deployment's template, a
 * ReplicaSet with replicas; the revisions are every ReplicaSet whose template uses it, scaled
 * down or not, so that `images` shows what a rollback would need.
 *
 * @example
 * artifactUsers(webV1, objects, resolve) // { inUse: ['deployment/web', 'pod/web-7d9f-x'], revisions: ['web:1'] }
 */
import { REVISION_ANNOTATION } from '../rollout/annotations.ts'
import type { Deployment, Pod, PodSpec, ReplicaSet } from '../api/types.ts'
import type { ArtifactInfo, ArtifactRef } from '../artifacts/types.ts'

export interface ArtifactUsers {
  inUse: string[]
  revisions: string[]
}

export interface WorkloadObjects {
  deployments: readonly Deployment[]
  replicaSets: readonly ReplicaSet[]
  pods: readonly Pod[]
}

/** `artifact`'s users among `objects`; `lastTag`: no other tag names its digest. */
export function artifactUsers(
  artifact: ArtifactInfo,
  objects: WorkloadObjects,
  resolve: (image: string) => ArtifactRef | undefined,
  lastTag: boolean,
): ArtifactUsers {
  const uses = (spec: PodSpec) =>
    [...(spec.initContainers ?? []), ...spec.containers].some((c) => {
      const r = c.image ? resolve(c.image) : undefined
      if (!r) return false
      if (r.tag === undefined) return lastTag && r.digest === artifact.digest
      return r.name === artifact.name && r.tag === artifact.tag
    })
  const qualified = (o: { metadata: { name: string; namespace?: string } }) =>
    o.metadata.namespace && o.metadata.namespace !== 'default'
      ? `${o.metadata.namespace}/${o.metadata.name}`
      : o.metadata.name
  const inUse = [
    ...objects.deployments.filter((d) => uses(d.spec.template.spec)).map((d) => `deployment/${qualified(d)}`),
    ...objects.replicaSets
      .filter((rs) => (rs.spec.replicas ?? 1) > 0 && uses(rs.spec.template.spec))
      .map((rs) => `replicaset/${qualified(rs)}`),
    ...objects.pods.filter((p) => uses(p.spec)).map((p) => `pod/${qualified(p)}`),
  ]
  const revisions = objects.replicaSets
    .filter((rs) => uses(rs.spec.template.spec))
    .map((rs) => {
      const owner = rs.metadata.ownerReferences?.find((r) => r.controller)?.name ?? rs.metadata.name
      return `${owner}:${rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '?'}`
    })
    .sort()
  return { inUse, revisions }
}
