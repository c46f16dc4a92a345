/**
 * @module
 * Config as part of a revision (docs/config-revisions.md): which ConfigMaps and Secrets a pod
 * template reads, and the immutable snapshot of their data that a revision runs with.
 *
 * The config-revision controller copies the data a Deployment's template references into a
 * snapshot (an immutable Secret of type `baton.dev/config-snapshot`, so Secret values stay in a
 * Secret) and names it in the template's annotations. The template then changes whenever the
 * data does, so the Deployment rolls as for an image change, and `rollout undo` brings back the
 * old annotations and with them the old data: the node agent reads a pod's ConfigMaps and
 * Secrets from the snapshot its annotations name, not from the live objects.
 *
 * Env references and configMap / secret volumes are snapshotted alike: a volume's files are
 * written from the same lookups at each container start.
 */
import { at, type FieldError, unsupported } from './field-errors.ts'
import type { ConfigMap, PodTemplateSpec, Secret } from './types.ts'

/** Deployment annotation: `"false"` turns config revisions off for it (pods read live objects). */
export const CONFIG_ROLLOUT_ANNOTATION = 'baton.dev/config-rollout'
/** Pod template annotation: the content hash of the snapshot this revision runs with. */
export const CONFIG_HASH_ANNOTATION = 'baton.dev/config-hash'
/** Pod template annotation: the name of that snapshot (a Secret in the pod's namespace). */
export const CONFIG_SNAPSHOT_ANNOTATION = 'baton.dev/config-snapshot'
/** Pod template annotation: the references the snapshot was taken for (`configmap/a,secret/b`). */
export const CONFIG_REFS_ANNOTATION = 'baton.dev/config-refs'
/** Label on a snapshot: the Deployment it belongs to. */
export const CONFIG_SNAPSHOT_OF_LABEL = 'baton.dev/config-snapshot-of'
/**
 * Label on a snapshot: when its data was last the live data (1, 2, …, per Deployment). The
 * highest is the live data the controller last saw; it is kept on the snapshots, not on the
 * Deployment, so an undo (Baton's or kubectl's, which replace the Deployment's annotations)
 * cannot take it back.
 */
export const CONFIG_SEQUENCE_LABEL = 'baton.dev/config-sequence'
export const CONFIG_SNAPSHOT_TYPE = 'baton.dev/config-snapshot'
/** The snapshot Secret's one key: the JSON of a ConfigSnapshot. */
export const CONFIG_SNAPSHOT_KEY = 'snapshot.json'

export type ConfigKind = 'configmap' | 'secret'

export interface ConfigRef {
  kind: ConfigKind
  name: string
}

/**
 * The data of each referenced object at snapshot time, keyed `configmap/<name>` or
 * `secret/<name>`: a ConfigMap's `data`, a Secret's `data` (base64, as stored), or null for an
 * object that did not exist. An object left out (one that opted out) is read live.
 */
export type ConfigSnapshot = Record<string, { data: Record<string, string> } | null>

/** `configmap/web-config`. */
export function refKey(ref: ConfigRef): string {
  return `${ref.kind}/${ref.name}`
}

/** Every ConfigMap and Secret the template's containers read, sorted and without repeats. */
export function configRefs(template: PodTemplateSpec): ConfigRef[] {
  const keys = new Set<string>()
  const containers = [...(template.spec.initContainers ?? []), ...template.spec.containers]
  for (const c of containers) {
    for (const s of c.envFrom ?? []) {
      if (s.configMapRef) keys.add(`configmap/${s.configMapRef.name}`)
      if (s.secretRef) keys.add(`secret/${s.secretRef.name}`)
    }
    for (const v of c.env ?? []) {
      if (v.valueFrom?.configMapKeyRef) keys.add(`configmap/${v.valueFrom.configMapKeyRef.name}`)
      if (v.valueFrom?.secretKeyRef) keys.add(`secret/${v.valueFrom.secretKeyRef.name}`)
    }
  }
  for (const v of template.spec.volumes ?? []) {
    const cm = v.configMap as { name?: unknown } | undefined
    const secret = v.secret as { secretName?: unknown } | undefined
    if (typeof cm?.name === 'string') keys.add(`configmap/${cm.name}`)
    if (typeof secret?.secretName === 'string') keys.add(`secret/${secret.secretName}`)
  }
  return [...keys].sort().map((key) => {
    const slash = key.indexOf('/')
    return { kind: key.slice(0, slash) as ConfigKind, name: key.slice(slash + 1) }
  })
}

/** The CONFIG_REFS_ANNOTATION value for these references. */
export function refsAnnotation(refs: readonly ConfigRef[]): string {
  return refs.map(refKey).join(',')
}

/** Whether config revisions are on for an object with these annotations (on unless `"false"`). */
export function configRolloutEnabled(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[CONFIG_ROLLOUT_ANNOTATION] !== 'false'
}

/** A CONFIG_ROLLOUT_ANNOTATION value other than "true" or "false" (on a Deployment, ConfigMap or Secret). */
export function configRolloutErrors(annotations: Readonly<Record<string, string>> | undefined): FieldError[] {
  const value = annotations?.[CONFIG_ROLLOUT_ANNOTATION]
  if (value === undefined || value === 'true' || value === 'false') return []
  const field = at('metadata', `annotations[${CONFIG_ROLLOUT_ANNOTATION}]`)
  const hint = `Write "false" to read this config live, or remove the annotation (docs/config-revisions.md).`
  return [unsupported(field, value, ['true', 'false'], hint)]
}

/** Whether the template still waits for the controller to stamp its snapshot (references but no, or stale, stamp). */
export function awaitsConfigStamp(
  deploymentAnnotations: Readonly<Record<string, string>> | undefined,
  template: PodTemplateSpec,
): boolean {
  if (!configRolloutEnabled(deploymentAnnotations)) return false
  const refs = configRefs(template)
  if (refs.length === 0) return false
  const a = template.metadata?.annotations
  return a?.[CONFIG_SNAPSHOT_ANNOTATION] === undefined || a[CONFIG_REFS_ANNOTATION] !== refsAnnotation(refs)
}

/** The snapshot's content: the live data of each reference that has not opted out. */
export function takeSnapshot(
  refs: readonly ConfigRef[],
  lookup: { configMap(name: string): ConfigMap | undefined; secret(name: string): Secret | undefined },
): ConfigSnapshot {
  const out: ConfigSnapshot = {}
  for (const ref of refs) {
    const obj = ref.kind === 'configmap' ? lookup.configMap(ref.name) : lookup.secret(ref.name)
    if (obj && !configRolloutEnabled(obj.metadata.annotations)) continue
    out[refKey(ref)] = obj ? { data: { ...obj.data } } : null
  }
  return out
}

/** The snapshot Secret's `data`: the JSON, base64 (UTF-8). */
export function encodeSnapshot(snapshot: ConfigSnapshot): Record<string, string> {
  let binary = ''
  for (const byte of new TextEncoder().encode(JSON.stringify(snapshot))) binary += String.fromCharCode(byte)
  return { [CONFIG_SNAPSHOT_KEY]: btoa(binary) }
}

/** The snapshot a Secret holds; undefined when it is not one or cannot be read. */
export function decodeSnapshot(secret: Secret | undefined): ConfigSnapshot | undefined {
  const encoded = secret?.type === CONFIG_SNAPSHOT_TYPE ? secret.data?.[CONFIG_SNAPSHOT_KEY] : undefined
  if (encoded === undefined) return undefined
  try {
    const binary = atob(encoded)
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0))
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as ConfigSnapshot)
      : undefined
  } catch {
    return undefined
  }
}

/** What a pod reads for one reference: the snapshot's copy, or `'live'` when the snapshot does not hold it. */
export function snapshotEntry(
  snapshot: ConfigSnapshot,
  ref: ConfigRef,
): { data: Record<string, string> } | null | 'live' {
  const key = refKey(ref)
  return Object.hasOwn(snapshot, key) ? (snapshot[key] ?? null) : 'live'
}
