import { describe, expect, it } from 'vitest'
import { defaultDataDir, SYSTEM_DATA_DIR } from './env.ts'

describe('defaultDataDir', () => {
  const env = (vars: Record<string, string | undefined>) => (name: string) => vars[name]
  it.each<{ name: string; uid: number; vars: Record<string, string | undefined>; want: string }>([
    { name: 'root keeps state where system services do', uid: 0, vars: { XDG_DATA_HOME: '/x' }, want: SYSTEM_DATA_DIR },
    { name: 'a user without XDG_DATA_HOME', uid: 1000, vars: {}, want: '/home/alice/.local/share/baton' },
    { name: 'a user with XDG_DATA_HOME', uid: 1000, vars: { XDG_DATA_HOME: '/data/alice' }, want: '/data/alice/baton' },
  ])('$name', ({ uid, vars, want }) => {
    expect(defaultDataDir(env(vars), uid, '/home/alice')).toBe(want)
  })
})
