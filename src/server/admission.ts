/**
 * @module
 * Admission: what every written object goes through before the store sees it. Validation
 * judges the object as it will run (validateObject applies defaults internally before its
 * semantic checks); the stored object is the validated one with defaults filled in.
 */
import { applyDefaults } from '../api/defaults.ts'
import type { AnyObject } from '../api/types.ts'
import { validateObject } from '../api/validate.ts'

export function admit<T extends AnyObject>(obj: T): T {
  return applyDefaults(validateObject(obj) as T)
}
