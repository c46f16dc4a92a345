/**
 * @module
 * `/version` in kube-apiserver's shape (k8s.io/apimachinery/pkg/version.Info), so `kubectl
 * version` prints a server version and client-go's version checks parse it. Baton speaks the
 * API of Kubernetes 1.35; its own version rides in gitVersion's build metadata and in `version`,
 * which Baton's CLI reads.
 *
 * versionInfo('0.1.0') -> {major: '1', minor: '35', gitVersion: 'v1.35.0+baton.0.1.0', …, version: '0.1.0'}
 */

/** The Kubernetes release whose API Baton serves. */
export const KUBE_MAJOR = '1'
export const KUBE_MINOR = '35'

export function versionInfo(version: string) {
  return {
    major: KUBE_MAJOR,
    minor: KUBE_MINOR,
    gitVersion: `v${KUBE_MAJOR}.${KUBE_MINOR}.0+baton.${version.replace(/[^0-9A-Za-z.-]/g, '-')}`,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: '',
    compiler: 'baton',
    platform: 'baton',
    version,
  }
}
