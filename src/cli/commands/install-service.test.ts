import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness | undefined
const restore: (() => void)[] = []
afterEach(() => {
  h?.close()
  for (const r of restore.splice(0)) r()
})

describe('install-service', () => {
  it('--print shows a unit for this data directory and port', async () => {
    h = createHarness()
    const res = await h.run('install-service --print --port 7171 --data-dir /srv/baton')
    expect(res.code).toBe(0)
    expect(res.out).toContain('Environment=BATON_HOME=/srv/baton\n')
    expect(res.out).toMatch(
      /\nExecStart=\S+ --max-semi-space-size=1 .* \S+\/src\/daemon\/main\.ts --data-dir \/srv\/baton --port 7171\n/,
    )
    expect(res.out).toContain('KillMode=process\n')
  })

  it('--user writes the unit under ~/.config/systemd/user and says how to enable it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'baton-home-'))
    const was = process.env.HOME
    process.env.HOME = home
    restore.push(() => {
      process.env.HOME = was
      rmSync(home, { recursive: true, force: true })
    })
    h = createHarness()
    const res = await h.run('install-service --user --data-dir /srv/baton')
    const file = join(home, '.config', 'systemd', 'user', 'baton.service')
    expect(res).toEqual({
      code: 0,
      err: '',
      out: `wrote ${file}\nenable and start it with: systemctl --user daemon-reload && systemctl --user enable --now baton\n`,
    })
    expect(readFileSync(file, 'utf8')).toContain('WantedBy=default.target\n')
  })

  it('refuses a bad port with a usage error', async () => {
    h = createHarness()
    const res = await h.run('install-service --print --port 70000')
    expect(res.code).not.toBe(0)
    expect(res.err).toMatch(/invalid --port "70000"/)
  })
})
