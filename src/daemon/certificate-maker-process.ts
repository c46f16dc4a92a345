/**
 * @module
 * certificate-maker.ts run in a child process: the daemon hands it the request on stdin (the
 * CA's private key never appears on a command line) and reads the certificates from its stdout.
 */
import { spawn } from 'node:child_process'
import { childNodeEnv, codePath } from '../platform/env.ts'
import type { CertificateRequest, MadeCertificates } from './certificate-maker.ts'

export type { Pair } from './certificate-maker.ts'

// codePath: the .ts source in a checkout, the compiled .js in an installed package (lib/).
const MAKER = codePath('daemon/certificate-maker')

export function makeCertificatesApart(request: CertificateRequest): Promise<MadeCertificates> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAKER], { env: childNodeEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
    child.once('error', reject)
    child.once('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as MadeCertificates)
      else reject(new Error(`making the API's certificates failed (exit code ${code}): ${err.trim()}`))
    })
    child.stdin.end(JSON.stringify(request))
  })
}
