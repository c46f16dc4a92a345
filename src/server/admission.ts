/**
 * @module
 * Admission: what every written object goes through before the store sees it. validateObject
 * judges the object as it will run and hands back exactly that object, defaults filled in,
 * which is what is stored.
 */
import type { AnyObject } from '../api/types.ts'
import { validateObject } from '../api/validate.ts'

export function admit<T extends AnyObject>(obj: T): T {
  return validateObject(obj) as T
}
