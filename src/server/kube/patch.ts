/**
 * @module
 * PATCH by its Content-Type, as kube-apiserver dispatches it:
 *
 * | Content-Type                              | patch                                          |
 * | ----------------------------------------- | ---------------------------------------------- |
 * | application/merge-patch+json              | JSON merge patch (RFC 7386); Baton's own CLI    |
 * | application/json (or none)                | the same (older Baton clients sent it)          |
 * | application/strategic-merge-patch+json    | strategic merge patch (kubectl's default)       |
 * | application/json-patch+json               | JSON patch (RFC 6902; `rollout undo`)           |
 * | application/apply-patch+yaml              | server-side apply (server-side-apply.ts), routed |
 * |                                           | before this: it may create the object           |
 */
import { BatonError } from '../../errors/baton-error.ts'
import { mergePatch } from '../merge-patch.ts'
import { jsonPatch } from './json-patch.ts'
import { strategicMergePatch } from './strategic-merge-patch.ts'

/** Server-side apply's media type, which object-routes.ts hands to server-side-apply.ts. */
export function isApplyPatch(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/apply-patch+yaml'
}

export function applyPatch<T>(contentType: string | undefined, target: T, patch: unknown): T {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  switch (type) {
    case '':
    case 'application/json':
    case 'application/merge-patch+json':
      return mergePatch(target, patch)
    case 'application/strategic-merge-patch+json':
      return strategicMergePatch(target, patch)
    case 'application/json-patch+json':
      return jsonPatch(target, patch)
    default:
      throw new BatonError(
        'BATON_BAD_REQUEST',
        type === 'application/apply-patch+yaml'
          ? 'server-side apply (application/apply-patch+yaml) is served on objects, not on a subresource'
          : `the patch type ${type} is not supported`,
        {
          httpStatus: 415,
          hint:
            type === 'application/apply-patch+yaml'
              ? 'Apply the object itself (`kubectl apply --server-side -f FILE`), or patch the subresource with a merge patch'
              : 'Send application/strategic-merge-patch+json, application/merge-patch+json or application/json-patch+json',
        },
      )
  }
}
