/**
 * @module
 * A job attempt's pod name, capped to 63 characters: a pod's name is its hostname, one DNS
 * label. `<run>-<metric>-<measurement>-<attempt>` passes that with a long run or metric name.
 * The cap is Kubernetes' for a generated name (the apiserver's SimpleNameGenerator cuts the
 * base to 58 characters and adds 5), with the 5 characters taken from the full name's FNV-1a
 * hash instead of at random: the name stays the same on every sync (a retried create finds
 * the attempt again), and two long names that share their first 57 characters stay distinct.
 *
 * @example
 * jobPodName('web-abc-2-smoke-1-0') // 'web-abc-2-smoke-1-0' (short enough: unchanged)
 */
import { MAX_GENERATED_NAME_LENGTH, generateName } from '../../api/names.ts'
import { fnv32a, safeEncodeString } from '../../rollout/template-hash.ts'

/** A DNS label's limit: a pod's hostname. */
export const MAX_POD_NAME_LENGTH = 63
/** As many characters as generateName's random part. */
const HASH_LENGTH = MAX_POD_NAME_LENGTH - MAX_GENERATED_NAME_LENGTH

export function jobPodName(full: string): string {
  if (full.length <= MAX_POD_NAME_LENGTH) return full
  // The low decimal digits of the hash, in Kubernetes' safe alphabet (as a pod-template-hash).
  const hash = safeEncodeString(String(fnv32a(new TextEncoder().encode(full))).padStart(HASH_LENGTH, '0')).slice(
    -HASH_LENGTH,
  )
  return generateName(`${full.slice(0, MAX_GENERATED_NAME_LENGTH - 1)}-`, hash)
}
