import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from './index.ts'
import { completionScript, flagsOf } from './completion.ts'
import { labelCommand } from './label.ts'

/** Runs the bash script's _baton for a command line (the cursor at its end), with `baton get` stubbed. */
function bashComplete(line: string): string[] {
  const words = line.split(' ')
  const script = `${completionScript('bash', COMMANDS)}
baton() { case "$2" in deploy|deployments) printf 'deployment.apps/web\\ndeployment.apps/api\\n' ;; svc) printf 'service/web\\n' ;; esac; }
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_baton
printf '%s\\n' "\${COMPREPLY[@]}"
`
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean)
}

describe('completion', () => {
  it('reads the flags of a command spec', () => {
    expect(flagsOf(labelCommand).slice(0, 2)).toEqual([
      {
        long: 'overwrite',
        takesValue: false,
        description: 'Replace a label that already exists (without it, that is refused)',
      },
      { long: 'list', takesValue: false, description: "Print the object's labels, one KEY=VALUE a line" },
    ])
  })

  it.each([
    { name: 'verbs', line: 'baton pa', want: ['patch'] },
    { name: 'sub-commands', line: 'baton rollout un', want: ['undo'] },
    { name: 'types', line: 'baton get deploy', want: ['deployments', 'deploy'] },
    { name: 'names after a type', line: 'baton get deploy w', want: ['web'] },
    { name: 'TYPE/NAME', line: 'baton wait deploy/a', want: ['deploy/api'] },
    { name: 'the flags of the command', line: 'baton get --sh', want: ['--show-labels', '--show-managed-fields'] },
    { name: 'the flags of a sub-command', line: 'baton rollout status --ti', want: ['--timeout'] },
    { name: 'global flags', line: 'baton label --names', want: ['--namespace'] },
    { name: 'output formats', line: 'baton get pods -o custom', want: ['custom-columns=', 'custom-columns-file='] },
  ])('bash completes $name', ({ line, want }) => {
    expect(bashComplete(line)).toEqual(want)
  })

  it('writes a fish script with verbs, sub-commands, flags and object names', () => {
    const fish = completionScript('fish', COMMANDS)
    expect(fish).toContain(
      "complete -c baton -n __baton_needs_command -a wait -d 'Wait for a condition on one or many resources'\n",
    )
    expect(fish).toContain(
      "complete -c baton -n '__fish_seen_subcommand_from rollout; and not __fish_seen_subcommand_from status history undo pause resume restart promote abort retry plan' -a status",
    )
    expect(fish).toContain(
      "complete -c baton -n '__fish_seen_subcommand_from get' -s o -l output -r -a 'json yaml name wide jsonpath= jsonpath-file= custom-columns= custom-columns-file='",
    )
    expect(fish).toContain(
      "complete -c baton -n '__fish_seen_subcommand_from patch' -l patch-file -r -F -d 'A file holding the patch'\n",
    )
    expect(fish).toMatch(/-a '\(__baton_objects\)'\n$/)
  })
})

const hasFish = spawnSync('fish', ['--version']).status === 0

describe.skipIf(!hasFish)('fish completion, run by fish', () => {
  /** fish's own completion of a command line, with `baton get` stubbed. */
  function fishComplete(line: string): string[] {
    const script = `${completionScript('fish', COMMANDS)}
function baton
    switch $argv[2]
        case deploy
            printf 'deployment.apps/web\\ndeployment.apps/api\\n'
    end
end
complete -C'${line}'
`
    return execFileSync('fish', ['-c', script], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!)
  }
  it.each([
    { line: 'baton wai', want: ['wait'] },
    { line: 'baton get deploy/', want: ['deploy/api', 'deploy/web'] },
    { line: 'baton get --sho', want: ['--show-labels', '--show-managed-fields'] },
    { line: 'baton rollout st', want: ['status'] },
  ])('$line', ({ line, want }) => {
    expect(fishComplete(line)).toEqual(want)
  })
})
