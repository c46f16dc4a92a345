/**
 * @module
 * The Docker Engine API client (dockerode over the engine's unix socket). Which engine: the
 * `DOCKER_HOST` a caller passes (unix:///path/to/docker.sock), else the machine's default
 * socket. Only unix sockets: Baton talks to an engine on its own machine.
 */
import { createRequire } from 'node:module'
import type Docker from 'dockerode'
import { BatonError } from '../../errors/baton-error.ts'
import { deferDependencies } from './deferred-dependencies.ts'

/**
 * dockerode, loaded once its transports Baton never uses are deferred (deferred-dependencies.ts):
 * a Docker node would otherwise keep ssh2, gRPC and protobufjs resident from its first second.
 */
const DockerClient: typeof Docker = (() => {
  const require = createRequire(import.meta.url)
  const dockerode = require.resolve('dockerode')
  deferDependencies(dockerode, ['@grpc/grpc-js', '@grpc/proto-loader'])
  // docker-modem as dockerode resolves it: npm may install it inside dockerode's own node_modules.
  deferDependencies(createRequire(dockerode).resolve('docker-modem'), ['ssh2'])
  return require('dockerode') as typeof Docker
})()

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock'

export type Engine = Docker

/** Resolves once the engine answers; BATON_ENGINE_UNREACHABLE naming the socket otherwise. */
export async function pingEngine(engine: Engine, dockerHost?: string): Promise<void> {
  try {
    await engine.ping()
  } catch (err) {
    const where = dockerHost ?? `unix://${DEFAULT_DOCKER_SOCKET}`
    throw new BatonError(
      'BATON_ENGINE_UNREACHABLE',
      `the Docker engine at ${where} does not answer: ${err instanceof Error ? err.message : String(err)}`,
      {
        hint: 'Start dockerd, or point DOCKER_HOST at its socket; `baton up --runtime process` needs no engine',
        cause: err,
      },
    )
  }
}

export function connectEngine(dockerHost?: string): Engine {
  if (dockerHost === undefined || dockerHost === '') return new DockerClient({ socketPath: DEFAULT_DOCKER_SOCKET })
  if (!dockerHost.startsWith('unix://')) {
    throw new BatonError('BATON_USAGE', `DOCKER_HOST ${JSON.stringify(dockerHost)} is not a unix socket`, {
      hint: 'point DOCKER_HOST at the local engine, e.g. unix:///var/run/docker.sock',
    })
  }
  return new DockerClient({ socketPath: dockerHost.slice('unix://'.length) })
}

/** The HTTP status of an engine error (404: no such container or image), undefined when the engine did not answer. */
export function statusCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number'
    ? err.statusCode
    : undefined
}
