/**
 * @module
 * The artifact-store port: what `image:` means for the process runtime. `baton push web:v2
 * ./dir` stores an immutable, content-addressed artifact (sha256 digest over a canonical tar
 * of the files); `web:v2` or `web@sha256:<hex>` resolves to it; each pod runs from its own
 * unpacked copy.
 */

export interface ArtifactRef {
  name: string
  tag?: string
  /** "sha256:<64 hex>" */
  digest: string
  /** The default command a container without command and args runs (like an image's CMD). */
  cmd?: string[]
}

export interface ArtifactInfo extends ArtifactRef {
  size: number
  created: string
}

/** An artifact as the API lists it: with the objects that use it (server/artifact-users.ts). */
export interface ArtifactListItem extends ArtifactInfo {
  /** Objects whose removal (or new image) must come first: "deployment/web", "pod/web-7d9f-x". */
  inUse: string[]
  /** The ReplicaSets (revisions) whose template uses it, as OWNER:REVISION. */
  revisions: string[]
}

/** Bounds on one artifact (api/limits.ts names the daemon flags). */
export interface ArtifactLimits {
  /** The unpacked files' sizes, summed. */
  maxBytes: number
  /** Files, directories and links. */
  maxEntries: number
}

export interface PushOptions {
  force?: boolean
  /** The artifact's default command, written into it as `.baton/command.json` (default-command.ts). */
  cmd?: string[]
  /** Refuse (BATON_TOO_LARGE) an archive past these; unbounded when absent. */
  limits?: ArtifactLimits
}

export interface ArtifactStore {
  /** Stores a directory or a .tar.gz under `ref` ("web:v2"). BATON_ARTIFACT_EXISTS if the tag names other content and !force. */
  push(ref: string, source: string, opts?: PushOptions): Promise<ArtifactInfo>
  /** Resolves "web:v2", "web" (tag latest) or "web@sha256:…"; undefined when unknown. */
  resolve(image: string): ArtifactRef | undefined
  /** Unpacks the artifact's files into `dest` (a new directory). */
  checkout(digest: string, dest: string): Promise<void>
  list(): ArtifactInfo[]
  /**
   * Removes the tag `ref` names ("web:v1"); its content goes with it when no other tag names
   * that digest (`deleted`). BATON_ARTIFACT_NOT_FOUND when no such tag exists. Whether anything
   * still runs from it is the caller's check: pods' copies are their own.
   */
  remove?(ref: string): { removed: ArtifactInfo; deleted: boolean }
  /** Calls `listener` after every push that stored or moved a tag; returns the unsubscribe. */
  onPushed?(listener: (pushed: ArtifactInfo) => void): () => void
}
