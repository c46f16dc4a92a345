import { describe, expect, it } from 'vitest'
import { hostTmpPaths, type HostFiles, type HostTmpInput } from './host-tmp-paths.ts'

/** A machine of a few files: executables, `#!` lines and symlinks by path. */
function machine(m: {
  executables?: string[]
  shebangs?: Record<string, string[]>
  links?: Record<string, string>
}): HostFiles {
  return {
    realpath: (p) => m.links?.[p] ?? p,
    isExecutable: (p) => m.executables?.includes(p) ?? false,
    shebang: (p) => m.shebangs?.[p],
  }
}

const base: HostTmpInput = {
  dataDir: '/var/lib/baton',
  cwd: '/var/lib/baton/pods/u/containers/web/rootfs',
  command: [],
  pathEnv: '/usr/bin:/bin',
}

const cases: { name: string; input: Partial<HostTmpInput>; files?: Parameters<typeof machine>[0]; kept: string[] }[] = [
  {
    name: 'nothing under /tmp: nothing kept',
    input: { command: ['node', 'app.js'] },
    files: { executables: ['/usr/bin/node'] },
    kept: [],
  },
  {
    name: "a Node install under /tmp on PATH: its install directory (bin's parent)",
    input: { command: ['node', 'app.js'], pathEnv: '/tmp/co/.node/bin:/usr/bin' },
    files: { executables: ['/tmp/co/.node/bin/node'] },
    kept: ['/tmp/co/.node'],
  },
  {
    name: 'the data directory and the working directory under /tmp',
    input: { dataDir: '/tmp/d', cwd: '/tmp/co/app', command: ['/usr/bin/true'] },
    kept: ['/tmp/co/app', '/tmp/d'],
  },
  {
    name: "a command by path: its directory, and its #! interpreter's install directory",
    input: { command: ['/tmp/co/bin/serve', '--port=1'] },
    files: { shebangs: { '/tmp/co/bin/serve': ['/tmp/rt/bin/node'] } },
    kept: ['/tmp/co/bin', '/tmp/rt'],
  },
  {
    name: 'a #!/usr/bin/env interpreter is looked up on PATH',
    input: { command: ['./serve'], cwd: '/srv/app', pathEnv: '/tmp/n/bin:/usr/bin' },
    files: { shebangs: { '/srv/app/serve': ['/usr/bin/env', 'node'] }, executables: ['/tmp/n/bin/node'] },
    kept: ['/tmp/n'],
  },
  {
    name: 'a file right in /tmp is kept alone, never /tmp itself',
    input: { command: ['/tmp/run.sh'], cwd: '/tmp', pathEnv: '/tmp:/usr/bin' },
    kept: ['/tmp/run.sh'],
  },
  {
    name: 'a path and where its symlinks lead are both kept',
    input: { command: ['node'], pathEnv: '/tmp/link/bin' },
    files: { executables: ['/tmp/link/bin/node'], links: { '/tmp/link/bin': '/tmp/real/bin' } },
    kept: ['/tmp/link', '/tmp/real/bin'],
  },
  {
    name: 'only the outermost of nested paths',
    input: { dataDir: '/tmp/d', cwd: '/tmp/d/pods/u/rootfs', pathEnv: '/tmp/d/tools:/tmp/dx/bin' },
    kept: ['/tmp/d', '/tmp/dx'],
  },
]

describe('hostTmpPaths', () => {
  it.each(cases)('$name', ({ input, files, kept }) => {
    expect(hostTmpPaths({ ...base, ...input }, machine(files ?? {}))).toEqual(kept)
  })
})
