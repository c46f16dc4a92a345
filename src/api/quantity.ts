/**
 * @module
 * Kubernetes resource quantities (apimachinery's resource.Quantity) as numbers: "500m" = 0.5,
 * "128Mi" = 134217728, "1.5G" = 1.5e9, "2e3" = 2000, 3 = 3. Pure.
 */

/** apimachinery's own pattern, as its error message quotes it. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}

const GRAMMAR = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/

/** The quantity's value; undefined when it is not a quantity. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined
  if (typeof q !== 'string') return undefined
  const m = GRAMMAR.exec(q)
  if (!m) return undefined
  return Number(m[1] + (m[2] ?? '')) * (SUFFIX[m[3] ?? ''] ?? 1)
}

/** CPU in millicores, rounded up as Kubernetes rounds a finer quantity ("0.0001" → 1m). */
export function milliCPU(q: unknown): number | undefined {
  const v = parseQuantity(q)
  return v === undefined ? undefined : Math.ceil(Math.round(v * 1e9) / 1e6)
}

/** Memory in bytes, rounded up. */
export function memoryBytes(q: unknown): number | undefined {
  const v = parseQuantity(q)
  return v === undefined ? undefined : Math.ceil(v)
}
