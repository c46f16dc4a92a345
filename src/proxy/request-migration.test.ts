import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { enableRequestMigration, type SysctlFile } from './request-migration.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function sysctlFile(content: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sysctl-'))
  dirs.push(dir)
  const path = join(dir, 'tcp_migrate_req')
  if (content !== undefined) writeFileSync(path, content)
  return path
}

const readOnly: SysctlFile = {
  read: (p) => readFileSync(p, 'utf8'),
  write: () => {
    throw Object.assign(new Error('permission denied'), { code: 'EACCES' })
  },
}

describe('enableRequestMigration', () => {
  it('turns the setting on when it is off', () => {
    const path = sysctlFile('0\n')
    expect(enableRequestMigration(path)).toEqual({ state: 'on', changed: true })
    expect(readFileSync(path, 'utf8')).toBe('1')
  })

  it('leaves it alone when it is already on', () => {
    const path = sysctlFile('1\n')
    expect(enableRequestMigration(path, readOnly)).toEqual({ state: 'on', changed: false })
  })

  it('says the kernel lacks it when the file does not exist', () => {
    const result = enableRequestMigration(sysctlFile(undefined))
    expect(result.state).toBe('off')
    expect(result.state === 'off' && result.reason).toMatch(/ENOENT.*older than 5\.14/)
  })

  it('says how to fix it when it cannot be written', () => {
    const path = sysctlFile('0\n')
    const result = enableRequestMigration(path, readOnly)
    expect(result.state === 'off' && result.reason).toMatch(/is 0 and cannot be set \(EACCES\): run the daemon as root/)
    expect(readFileSync(path, 'utf8')).toBe('0\n')
  })
})
