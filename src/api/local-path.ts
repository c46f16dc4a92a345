/**
 * @module
 * Kubernetes' validateLocalDescendingPath: a path named inside a volume (a volumeMount's subPath
 * and subPathExpr, a configMap or secret item's path) must be relative and never step up with
 * `..`, so whatever it names stays under the volume's directory. The messages are
 * kube-apiserver's. Pure.
 *
 * | value | verdict |
 * | --- | --- |
 * | `conf/app.yaml`, `.`, `a/./b` | valid |
 * | `/etc/app` | must be a relative path |
 * | `../x`, `a/../b` | must not contain '..' |
 * | `/a/../b` | both |
 */
import { type FieldError, invalid } from './field-errors.ts'

/** The problems of `value` as a path inside a volume; [] when it is one. */
export function localDescendingPathErrors(field: string, value: string, hint: string): FieldError[] {
  const errs: FieldError[] = []
  if (value.startsWith('/')) errs.push(invalid(field, value, 'must be a relative path', hint))
  if (value.split('/').includes('..')) errs.push(invalid(field, value, "must not contain '..'", hint))
  return errs
}
