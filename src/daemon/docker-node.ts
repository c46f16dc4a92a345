/**
 * @module
 * What a Docker node adds to the daemon: the engine's client, its node agent, its registry
 * credentials and its containers' logs. daemon.ts imports this module only for `--runtime
 * docker`, so a process node never loads dockerode and the Docker runtime's modules (their
 * code stays resident for the life of the daemon; docs/benchmarks.md, "CLI and daemon").
 */
export { containerLogs } from '../runtime/docker/container-logs.ts'
export { createDockerNodeAgent } from '../runtime/docker/docker-node-agent.ts'
export { connectEngine, pingEngine } from '../runtime/docker/engine.ts'
export { credentialsFrom, dockerConfigFile } from '../runtime/docker/registry-auth.ts'
