/**
 * @module
 * The error catalog. Every failure a user can meet has one stable code here, the HTTP status
 * the API answers it with, and a one-line meaning. `docs/errors.md` documents each code with
 * its fix; `codes.test.ts` fails when the two disagree.
 *
 * Add a code here and a row in docs/errors.md in the same commit.
 */
export const ERROR_CODES = {
  BATON_INVALID: { httpStatus: 422, meaning: 'An object failed validation' },
  BATON_MANIFEST_PARSE: { httpStatus: 400, meaning: 'A manifest is not valid YAML or JSON' },
  BATON_UNKNOWN_KIND: { httpStatus: 400, meaning: 'A manifest names an apiVersion/kind Baton does not serve' },
  BATON_BAD_REQUEST: { httpStatus: 400, meaning: 'A request is malformed' },
  BATON_TOO_LARGE: { httpStatus: 413, meaning: 'A request body or an artifact exceeds a configured size limit' },
  BATON_LIMIT: {
    httpStatus: 422,
    meaning: 'A write would exceed a configured bound (replicas per workload, pods per node)',
  },
  BATON_UNAUTHORIZED: { httpStatus: 401, meaning: 'The API token is missing or wrong' },
  BATON_TLS_REQUIRED: {
    httpStatus: 403,
    meaning: 'Plain HTTP was used where Baton takes HTTPS only (a token, another machine, a non-loopback bind)',
  },
  BATON_TLS_UNTRUSTED: {
    httpStatus: 503,
    meaning: "The client does not trust the API server's certificate (no CA, or another CA)",
  },
  BATON_KUBECONFIG: {
    httpStatus: 400,
    meaning: 'A kubeconfig is missing or unreadable, or names a context, cluster or user Baton cannot use',
  },
  BATON_FORBIDDEN: { httpStatus: 403, meaning: 'A cross-origin request to the dashboard was refused' },
  BATON_NAMESPACE_TERMINATING: {
    httpStatus: 403,
    meaning: 'An object was created in a namespace that is being deleted',
  },
  BATON_NAMESPACE_PROTECTED: {
    httpStatus: 403,
    meaning: 'The default, kube-system or kube-public namespace cannot be deleted',
  },
  BATON_NOT_FOUND: { httpStatus: 404, meaning: 'The named object does not exist' },
  BATON_ALREADY_EXISTS: { httpStatus: 409, meaning: 'An object with that name already exists' },
  BATON_CONFLICT: { httpStatus: 409, meaning: 'The object changed since it was read (stale resourceVersion)' },
  BATON_APPLY_CONFLICT: {
    httpStatus: 409,
    meaning: 'A server-side apply sets fields another field manager owns, with other values',
  },
  BATON_GONE: { httpStatus: 410, meaning: 'A watch asked for a resourceVersion older than the history kept' },
  BATON_USAGE: { httpStatus: 400, meaning: 'A command was called with wrong arguments or flags' },
  BATON_TIMEOUT: { httpStatus: 504, meaning: 'A wait ran out of time' },
  BATON_DAEMON_UNREACHABLE: { httpStatus: 503, meaning: 'The CLI could not reach the Baton daemon' },
  BATON_ROLLOUT_FAILED: { httpStatus: 500, meaning: 'A rollout exceeded its progress deadline' },
  BATON_ROLLOUT_ABORTED: {
    httpStatus: 409,
    meaning: 'A Rollout was aborted: its traffic is back on the stable revision',
  },
  BATON_ANALYSIS_FAILED: {
    httpStatus: 409,
    meaning: 'A Rollout was aborted by its analysis: its traffic is back on the stable revision',
  },
  BATON_ROLLED_BACK: {
    httpStatus: 409,
    meaning: "A rollout was rolled back automatically by its Deployment's failure policy",
  },
  BATON_ROLLOUT_HALTED: { httpStatus: 409, meaning: "A rollout was paused by its Deployment's failure policy" },
  BATON_ROLLOUT_PAUSED: { httpStatus: 409, meaning: 'The action is refused while the deployment is paused' },
  BATON_REVISION_NOT_FOUND: { httpStatus: 404, meaning: 'The requested rollout revision is not in the history' },
  BATON_ARTIFACT_NOT_FOUND: { httpStatus: 404, meaning: 'An image names an artifact that was never pushed' },
  BATON_ARTIFACT_EXISTS: { httpStatus: 409, meaning: 'A tag already names an artifact with other content' },
  BATON_ARTIFACT_UNSAFE: { httpStatus: 400, meaning: 'An archive holds a path or link that leaves the artifact' },
  BATON_ARTIFACT_IN_USE: { httpStatus: 409, meaning: 'An artifact cannot be removed while objects use it' },
  BATON_ENGINE_UNREACHABLE: {
    httpStatus: 503,
    meaning: 'The daemon could not reach the Docker engine its runtime needs',
  },
  BATON_STORE: { httpStatus: 500, meaning: 'The state store could not be read or written' },
  BATON_STORE_CORRUPT: { httpStatus: 500, meaning: 'The state file is damaged or not a Baton store' },
  BATON_STORE_MISSING: {
    httpStatus: 409,
    meaning: 'The state file is missing or empty while the data directory shows earlier use',
  },
  BATON_NO_SPACE: { httpStatus: 507, meaning: 'A write was refused: the disk holding the data directory is full' },
  BATON_DATA_DIR_LOCKED: { httpStatus: 409, meaning: 'Another Baton process holds the data directory' },
  BATON_FLEET_CONNECTION: { httpStatus: 400, meaning: "A fleet target's connection cannot be used" },
  BATON_FLEET_ROLLOUT_FAILED: { httpStatus: 500, meaning: 'A window of a fleet rollout failed and was rolled back' },
  BATON_FLEET_LB_UNREACHABLE: {
    httpStatus: 503,
    meaning: "The fleet's front load balancer is not running or does not answer",
  },
  BATON_FLEET_LOCKED: { httpStatus: 409, meaning: 'Another coordinator is rolling the fleet' },
  BATON_FLEET_RECOVERY_INCOMPLETE: { httpStatus: 503, meaning: 'A fleet recovery left a target drained' },
  BATON_FLEET_HAPROXY: { httpStatus: 502, meaning: "The fleet's HAProxy runtime API cannot be used" },
  BATON_INTERNAL: { httpStatus: 500, meaning: 'An unexpected internal failure' },
} as const satisfies Record<string, { httpStatus: number; meaning: string }>

export type ErrorCode = keyof typeof ERROR_CODES
