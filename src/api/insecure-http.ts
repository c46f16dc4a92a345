/**
 * @module
 * `--insecure-http` is for loopback only: the token would cross the network in the clear.
 * Checked by `baton up` before it starts a daemon, by the daemon's main.ts before the data
 * directory is touched, and by startDaemon for callers that start the daemon in-process.
 */
import { BatonError } from '../errors/baton-error.ts'
import { isLoopbackHost } from './loopback.ts'

/** BATON_TLS_REQUIRED unless plain HTTP stays on this machine. */
export function checkInsecureHttp(host: string, insecureHttp: boolean | undefined): void {
  if (!insecureHttp || isLoopbackHost(host)) return
  throw new BatonError(
    'BATON_TLS_REQUIRED',
    `--insecure-http serves the API token in the clear, so it listens on loopback only, not on --host ${host}`,
    {
      hint: 'Drop --insecure-http (the API serves HTTPS; clients trust the CA in <data-dir>/kubeconfig), or use --host 127.0.0.1',
    },
  )
}
