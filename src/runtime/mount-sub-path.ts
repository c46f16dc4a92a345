/**
 * @module
 * The path inside its volume a volumeMount names, for both runtimes: `subPath` as written, or
 * `subPathExpr` with the container's `$(VAR)`s expanded, as the kubelet's
 * ExpandContainerVolumeMounts does: every variable it names must be set and not empty (else the
 * container does not start), `$$` escapes a `$`, and the result must still be a relative path
 * without `..` (the API checked the expression, not what the variables hold). Pure.
 *
 * | mount | env | result |
 * | --- | --- | --- |
 * | subPath: logs | — | logs |
 * | subPathExpr: logs/$(POD_NAME) | POD_NAME=web-0 | logs/web-0 |
 * | subPathExpr: $(NODE) | NODE unset or "" | error: missing value for NODE |
 * | subPathExpr: $(DIR) | DIR=/etc or ../x | error: not a path inside the volume |
 */
import { expandRefs } from './container-env.ts'

/** A reference or an escape, as expandRefs reads them. */
const REF = /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g

/** The mount's path inside the volume ('' for none), or why it cannot be made. */
export function mountSubPath(
  m: { subPath?: string | undefined; subPathExpr?: string | undefined },
  env: Readonly<Record<string, string>>,
): { subPath: string } | { error: string } {
  if (!m.subPathExpr) return { subPath: m.subPath ?? '' }
  const missing = new Set<string>()
  for (const [, name] of m.subPathExpr.matchAll(REF)) if (name !== undefined && !env[name]) missing.add(name)
  if (missing.size > 0)
    return { error: `subPathExpr "${m.subPathExpr}": missing value for ${[...missing].sort().join(', ')}` }
  const subPath = expandRefs(m.subPathExpr, env)
  if (subPath.startsWith('/') || subPath.split('/').includes('..'))
    return { error: `subPathExpr "${m.subPathExpr}" expands to "${subPath}", not a relative path inside the volume` }
  return { subPath }
}

/** Whether the mount binds a path inside its volume rather than the whole volume. */
export const mountsSubPath = (m: { subPath?: string | undefined; subPathExpr?: string | undefined }): boolean =>
  Boolean(m.subPath || m.subPathExpr)
