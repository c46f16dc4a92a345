/**
 * @module
 * What one object and one request may cost the daemon. Each bound is a daemon flag
 * (`baton up --max-replicas …`); a write past one is refused at admission with the field,
 * the limit and the flag, and nothing is stored.
 */

export interface Limits {
  /** spec.replicas of one Deployment, ReplicaSet or StatefulSet (`--max-replicas`). */
  maxReplicas: number
  /** Pods on the node, as the kubelet's `--max-pods` (`--max-pods`). */
  maxPods: number
  /** One API request body, as kube-apiserver's `--max-request-body-bytes` (`--max-request-body-bytes`). */
  maxRequestBodyBytes: number
  /** One artifact upload as sent, compressed (`--max-artifact-upload-bytes`). */
  maxArtifactUploadBytes: number
  /** One artifact's files once unpacked, summed (`--max-artifact-bytes`). */
  maxArtifactBytes: number
  /** Files, directories and links in one artifact (`--max-artifact-entries`). */
  maxArtifactEntries: number
}

const MiB = 1024 * 1024
const GiB = 1024 * MiB

export const DEFAULT_LIMITS: Readonly<Limits> = {
  // A single machine runs a few hundred processes at most; a typo of a few zeros is refused
  // instead of writing millions of Pods.
  maxReplicas: 1000,
  // The kubelet's default.
  maxPods: 110,
  // kube-apiserver's default for object bodies (3 MiB; etcd's own request limit is 1.5 MiB).
  maxRequestBodyBytes: 3 * MiB,
  maxArtifactUploadBytes: 1 * GiB,
  maxArtifactBytes: 4 * GiB,
  maxArtifactEntries: 100_000,
}

/** Human-readable byte counts for messages: 3145728 → "3 MiB", 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`
}
