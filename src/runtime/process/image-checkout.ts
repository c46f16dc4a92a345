/**
 * @module
 * "Pulling" an image for the process runtime: resolve the artifact and unpack it once per
 * node, shared by every container that runs it. The copy is `<dataDir>/images/<hex>` (the
 * digest's hex), read-only as the artifact store makes it (files 0444, directories 0555), and
 * a container's `rootfs` is a symbolic link to it: three replicas of a 200 MB artifact hold
 * 200 MB, not 600, and a restart or a later pod of the same digest unpacks nothing ("already
 * present on machine", as the kubelet says). A marker file records which digest a container's
 * rootfs holds.
 *
 * A container that mounts a PersistentVolumeClaim gets its own copy instead, as before: its
 * mounts are links inside its rootfs (claim-volumes.ts), which a shared copy cannot hold.
 * Either way an app writes its data elsewhere: /tmp (private per container where the daemon
 * runs as root, private-tmp.ts), a volume, or a path given in its environment.
 *
 * A shared copy whose digest the artifact store no longer holds (`baton rmi`, refused while
 * anything uses it) is removed at the next pull.
 */
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { removeCheckout } from '../../artifacts/artifact-store.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import { BatonError } from '../../errors/baton-error.ts'

export interface CheckoutResult {
  digest: string
  /** False when the copy was already on the node (the shared one) or in the container's rootfs. */
  unpacked: boolean
}

export const rootfsDir = (containerPath: string) => join(containerPath, 'rootfs')

/** Where the node's shared, read-only copies of artifacts live. */
export const sharedImagesDir = (dataDir: string) => join(dataDir, 'images')

/**
 * Makes `<containerPath>/rootfs` hold `image`: a link to the node's shared copy under
 * `sharedDir`, or, without `sharedDir` (a container with claim mounts), a copy of its own.
 */
export async function checkoutImage(
  artifacts: ArtifactStore,
  image: string,
  containerPath: string,
  sharedDir?: string,
): Promise<CheckoutResult> {
  const ref = artifacts.resolve(image)
  if (!ref) {
    // The reason the pod's status shows: it must say both ways out, since `image:` may name a Docker image.
    throw new BatonError(
      'BATON_ARTIFACT_NOT_FOUND',
      `artifact "${image}" not found: the process runtime runs artifacts pushed with \`baton push ${image} DIR\`; to run a Docker image, set spec.runtimeClassName: docker on a node started with \`baton up --runtime docker\``,
      {
        hint: `push it first: baton push ${image} <dir>, or run the pod on the Docker runtime (runtimeClassName: docker)`,
      },
    )
  }
  const rootfs = rootfsDir(containerPath)
  const marker = join(containerPath, 'rootfs.digest')
  const shared = sharedDir === undefined ? undefined : join(sharedDir, ref.digest.slice('sha256:'.length))
  const holds = existsSync(rootfs) && readMarker(marker) === ref.digest && linkTarget(rootfs) === shared
  if (holds) return { digest: ref.digest, unpacked: false }
  await removeCheckout(rootfs)
  rmSync(marker, { force: true })
  let unpacked = true
  if (shared === undefined) await artifacts.checkout(ref.digest, rootfs)
  else {
    unpacked = await ensureShared(artifacts, ref.digest, shared)
    symlinkSync(shared, rootfs, 'dir')
    pruneShared(artifacts, sharedDir!, shared)
  }
  writeFileSync(marker, ref.digest)
  return { digest: ref.digest, unpacked }
}

/** Unpacks in progress, by directory: containers pulling one digest at once share one unpack. */
const unpacking = new Map<string, Promise<boolean>>()

/** The shared copy at `dir`, unpacked unless it is there; true when this call unpacked it. */
async function ensureShared(artifacts: ArtifactStore, digest: string, dir: string): Promise<boolean> {
  if (existsSync(dir)) return false
  const waiting = unpacking.get(dir)
  if (waiting !== undefined) return waiting.then(() => false)
  // checkout unpacks beside `dir` and renames: a crash leaves no half copy where this looks.
  const pending = artifacts.checkout(digest, dir).then(
    () => {
      // Readable by every replica's user (runAsUser), as the files in it are: unpacking
      // made it from a private temporary directory.
      chmodSync(dir, 0o555)
      return true
    },
    (err: unknown) => {
      // Another process (a daemon before a restart) renamed its copy into place first.
      if (existsSync(dir)) return false
      throw err
    },
  )
  unpacking.set(dir, pending)
  void pending.finally(() => unpacking.delete(dir)).catch(() => {})
  return pending
}

/** Removes the shared copies of digests the artifact store no longer holds (nothing may use them). */
function pruneShared(artifacts: ArtifactStore, sharedDir: string, keep: string): void {
  for (const hex of readdirSync(sharedDir)) {
    const dir = join(sharedDir, hex)
    if (!/^[0-9a-f]{64}$/.test(hex) || dir === keep || unpacking.has(dir)) continue
    if (artifacts.resolve(`image@sha256:${hex}`)) continue
    removeCheckout(dir).catch(() => {
      // Left for the next pull to try again.
    })
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path)
  } catch {
    return undefined
  }
}

function readMarker(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}
