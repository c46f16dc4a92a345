import { describe, expect, it } from 'vitest'
import { FLEET_COMMANDS } from './fleet.ts'
import { COMMANDS } from './index.ts'
import { COMMAND_ENTRIES, commandsFor } from './registry.ts'

const key = (path: readonly string[]) => path.join(' ')

describe('command registry', () => {
  it('loads, for each entry, the command its path names', async () => {
    for (const e of COMMAND_ENTRIES) expect(key((await e.load()).path)).toBe(key(e.path))
  })

  it('has an entry for every fleet verb', () => {
    const entries = new Set(COMMAND_ENTRIES.map((e) => key(e.path)))
    expect(FLEET_COMMANDS.map((c) => key(c.path)).filter((p) => !entries.has(p))).toEqual([])
  })

  it('is the full index, in order, with completion last', () => {
    expect(COMMANDS.map((c) => key(c.path))).toEqual([...COMMAND_ENTRIES.map((e) => key(e.path)), 'completion'])
    expect(new Set(COMMANDS.map((c) => key(c.path))).size).toBe(COMMANDS.length)
  })

  it.each([
    { name: 'a plain verb', argv: ['get', 'pods'], want: ['get'] },
    { name: 'a sub-command', argv: ['rollout', 'status', 'deployment/web'], want: ['rollout status'] },
    {
      name: 'flags before the verb',
      argv: ['-n', 'prod', 'set', 'image', 'deploy/web', 'web=web:v2'],
      want: ['set image'],
    },
  ])('loads only the named command: $name', async ({ argv, want }) => {
    expect((await commandsFor(argv)).map((c) => key(c.path))).toEqual(want)
  })

  it.each([
    { name: 'help', argv: ['get', '--help'] },
    { name: 'a group without its sub-command', argv: ['rollout'] },
    { name: 'an unknown verb', argv: ['frobnicate'] },
    { name: 'completion', argv: ['completion', 'bash'] },
  ])('loads every command for $name', async ({ argv }) => {
    expect((await commandsFor(argv)).length).toBe(COMMANDS.length)
  })
})
