/**
 * @module
 * Admission: what every written object goes through before the store sees it. Kubernetes'
 * order: defaults first, then validation of the defaulted object, so that a manifest that
 * leaves fields out is judged with the values it will actually run with.
 */
import { applyDefaults } from '../api/defaults.ts'
import type { AnyObject } from '../api/types.ts'

export function admit<T extends AnyObject>(obj: T): T {
  return applyDefaults(obj)
}
