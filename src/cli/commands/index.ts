/**
 * @module
 * Every CLI command, in the order `baton --help` lists them: the registry's entries
 * (./registry.ts, the one list of commands), all loaded, and `completion`, which needs them all.
 */
import type { AnyCommand } from '../command.ts'
import { completionCommand } from './completion.ts'
import { COMMAND_ENTRIES } from './registry.ts'

export const COMMANDS: readonly AnyCommand[] = [
  ...(await Promise.all(COMMAND_ENTRIES.map((e) => e.load()))),
  completionCommand(() => COMMANDS),
]
