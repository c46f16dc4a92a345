/**
 * @module
 * "Pulling" an image for the process runtime: resolve the artifact and unpack it into the
 * container's own rootfs directory, once per pod (a restart reuses the copy; a marker file
 * records which digest the directory holds). The checkout is read-only, as the artifact store
 * makes it: an app writes its data elsewhere (a path given in its environment).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { removeCheckout } from '../../artifacts/artifact-store.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import { BatonError } from '../../errors/baton-error.ts'

export interface CheckoutResult {
  digest: string
  /** False when the rootfs already held this digest. */
  unpacked: boolean
}

export const rootfsDir = (containerPath: string) => join(containerPath, 'rootfs')

export async function checkoutImage(
  artifacts: ArtifactStore,
  image: string,
  containerPath: string,
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
  if (existsSync(rootfs) && readMarker(marker) === ref.digest) return { digest: ref.digest, unpacked: false }
  await removeCheckout(rootfs)
  rmSync(marker, { force: true })
  await artifacts.checkout(ref.digest, rootfs)
  writeFileSync(marker, ref.digest)
  return { digest: ref.digest, unpacked: true }
}

function readMarker(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}
