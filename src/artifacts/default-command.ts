/**
 * @module
 * An artifact's default command, as an image's CMD: what a container that sets neither
 * `command` nor `args` runs. It lives inside the artifact, in `.baton/command.json` (a JSON
 * array of strings), so the digest covers it; `baton push --cmd` writes that file, or the
 * pushed folder carries it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'

export const DEFAULT_COMMAND_FILE = '.baton/command.json'

/** The command an artifact's file names; BATON_INVALID when the file is not a non-empty array of strings. */
export function parseDefaultCommand(text: string, where = DEFAULT_COMMAND_FILE): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalid(`${where} is not JSON`)
  }
  return checkDefaultCommand(parsed, where)
}

/** The default command of an unpacked artifact at `root`; undefined when it has none. */
export function readDefaultCommand(root: string): string[] | undefined {
  let text: string
  try {
    text = readFileSync(join(root, DEFAULT_COMMAND_FILE), 'utf8')
  } catch {
    return undefined
  }
  return parseDefaultCommand(text)
}

/** `value` as a default command; BATON_INVALID naming `where` unless it is a non-empty array of strings. */
export function checkDefaultCommand(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((a) => typeof a === 'string') || value[0] === '')
    throw invalid(`${where} must be a non-empty JSON array of strings`)
  return value as string[]
}

const invalid = (message: string) =>
  new BatonError('BATON_INVALID', message, {
    hint: `give the command as a JSON array, e.g. --cmd '["node","server.js"]', or as a shell command, e.g. --cmd 'node server.js'`,
  })
