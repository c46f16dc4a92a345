/**
 * @module
 * Every CLI command, in the order `baton --help` lists them.
 */
import type { AnyCommand } from '../command.ts'
import { getCommand } from './get.ts'

export const COMMANDS: readonly AnyCommand[] = [getCommand]
