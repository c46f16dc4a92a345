/**
 * @module
 * `baton completion bash|zsh|fish`: a shell completion script for the verbs, their flags, the
 * resource types, and object names, both after a type (`get deploy <TAB>`) and in TYPE/NAME
 * form (`get deploy/<TAB>`), asked of the daemon with `baton get TYPE -o name`.
 *
 *   source <(baton completion bash)
 *   baton completion fish > ~/.config/fish/completions/baton.fish
 */
import { RESOURCES } from '../../api/resources.ts'
import { type AnyCommand, defineCommand, usageError } from '../command.ts'

type Shell = 'bash' | 'zsh' | 'fish'
const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish']

interface Flag {
  short?: string
  long: string
  takesValue: boolean
  description: string
}

/** "-o, --output <format>" -> {short: 'o', long: 'output', takesValue: true}. */
export function flagsOf(c: AnyCommand): Flag[] {
  return (c.flags ?? []).map((f) => {
    const short = /(?:^|\s)-([A-Za-z]),/.exec(f.flags)?.[1]
    const long = /--([a-z0-9-]+)/.exec(f.flags)?.[1] ?? ''
    return { ...(short ? { short } : {}), long, takesValue: /[<[]/.test(f.flags), description: f.description }
  })
}

const types = (): string[] => Object.values(RESOURCES).flatMap((r) => [r.plural, ...r.shortNames])
const OUTPUTS = 'json yaml name wide jsonpath= jsonpath-file= custom-columns= custom-columns-file='

function bashScript(commands: readonly AnyCommand[]): string {
  const top = [...new Set(commands.map((c) => c.path[0]!))].sort()
  const groups = new Map<string, string[]>()
  for (const c of commands)
    if (c.path.length > 1) groups.set(c.path[0]!, [...(groups.get(c.path[0]!) ?? []), c.path[1]!])
  const typeWords = [...types(), 'all'].join(' ')
  const groupCases = [...groups].map(([g, subs]) => `    ${g}) subs="${subs.join(' ')}" ;;`).join('\n')
  const flagCases = commands
    .filter((c) => (c.flags ?? []).length > 0)
    .map((c) => {
      const words = flagsOf(c).flatMap((f) => [...(f.short ? [`-${f.short}`] : []), `--${f.long}`])
      return `    "${c.path.join(' ')}") flags="$flags ${words.join(' ')}" ;;`
    })
    .join('\n')
  return `# bash completion for baton
_baton() {
  local cur prev subs words flags cmd type
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  subs=""
  case "\${COMP_WORDS[1]}" in
${groupCases}
  esac
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=( $(compgen -W "${top.join(' ')}" -- "$cur") )
    return
  fi
  if [[ $COMP_CWORD -eq 2 && -n "$subs" ]]; then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  [[ -n "$subs" ]] && cmd="\${COMP_WORDS[1]} \${COMP_WORDS[2]}"
  if [[ "$cur" == -* ]]; then
    flags="-n --namespace --server --token --data-dir -v --verbose"
    case "$cmd" in
${flagCases}
    esac
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
    return
  fi
  case "$prev" in
    -o|--output) COMPREPLY=( $(compgen -W "${OUTPUTS}" -- "$cur") ); compopt -o nospace 2>/dev/null; return ;;
    -f|--filename|--patch-file|--from-file|--from-env-file) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    -n|--namespace) return ;;
  esac
  if [[ "$cur" == */* ]]; then
    type="\${cur%%/*}"
    words=$(baton get "$type" -o name 2>/dev/null | sed 's|.*/||')
    COMPREPLY=( $(compgen -P "$type/" -W "$words" -- "\${cur#*/}") )
    return
  fi
  case " ${typeWords} " in
    *" $prev "*)
      words=$(baton get "$prev" -o name 2>/dev/null | sed 's|.*/||')
      COMPREPLY=( $(compgen -W "$words" -- "$cur") )
      return ;;
  esac
  COMPREPLY=( $(compgen -W "${typeWords}" -- "$cur") )
}
complete -F _baton baton
`
}

const fishQuote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

function fishScript(commands: readonly AnyCommand[]): string {
  const top = [...new Set(commands.map((c) => c.path[0]!))].sort()
  const lines = [
    '# fish completion for baton',
    'function __baton_needs_command',
    '    set -l words (commandline -opc)',
    '    test (count $words) -eq 1',
    'end',
    '# Object names for the type before the cursor (get deploy <TAB>), or in TYPE/NAME form.',
    'function __baton_objects',
    '    set -l words (commandline -opc)',
    '    set -l cur (commandline -ct)',
    "    if string match -q -- '*/*' $cur",
    '        set -l type (string split -m1 / -- $cur)[1]',
    '        baton get $type -o name 2>/dev/null | string replace -r \'^[^/]*/\' "$type/"',
    '        return',
    '    end',
    `    if contains -- $words[-1] ${types().join(' ')}`,
    "        baton get $words[-1] -o name 2>/dev/null | string replace -r '^[^/]*/' ''",
    '    end',
    'end',
    'complete -c baton -f',
    "complete -c baton -s n -l namespace -r -d 'The namespace scope for this request'",
    "complete -c baton -l server -r -d 'The address of the Baton API'",
    "complete -c baton -s v -l verbose -d 'Print stack traces with errors'",
  ]
  const summary = (name: string) =>
    commands.find((c) => c.path[0] === name && c.path.length === 1)?.summary ?? `${name} commands`
  for (const name of top)
    lines.push(`complete -c baton -n __baton_needs_command -a ${name} -d ${fishQuote(summary(name))}`)
  for (const c of commands) {
    if (c.path.length > 1) {
      const others = commands.filter((o) => o.path[0] === c.path[0] && o.path.length > 1).map((o) => o.path[1])
      lines.push(
        `complete -c baton -n '__fish_seen_subcommand_from ${c.path[0]}; and not __fish_seen_subcommand_from ${others.join(' ')}' -a ${c.path[1]} -d ${fishQuote(c.summary)}`,
      )
    }
    const when = `__fish_seen_subcommand_from ${c.path[c.path.length - 1]}`
    for (const f of flagsOf(c)) {
      const values = f.long === 'output' ? ` -a ${fishQuote(OUTPUTS)}` : ''
      const files = ['filename', 'patch-file', 'from-file', 'from-env-file'].includes(f.long) ? ' -F' : ''
      lines.push(
        `complete -c baton -n ${fishQuote(when)}${f.short ? ` -s ${f.short}` : ''} -l ${f.long}${f.takesValue ? ' -r' : ''}${values}${files} -d ${fishQuote(f.description)}`,
      )
    }
  }
  const withResources = commands
    .filter((c) => (c.args ?? '').includes('resource') || (c.args ?? '').includes('args'))
    .map((c) => c.path[c.path.length - 1])
  lines.push(
    `complete -c baton -n '__fish_seen_subcommand_from ${[...new Set(withResources)].join(' ')}' -a '${types().join(' ')} all'`,
  )
  lines.push(
    `complete -c baton -n '__fish_seen_subcommand_from ${[...new Set(withResources)].join(' ')}' -a '(__baton_objects)'`,
  )
  return `${lines.join('\n')}\n`
}

export function completionScript(shell: Shell, commands: readonly AnyCommand[]): string {
  if (shell === 'fish') return fishScript(commands)
  const bash = bashScript(commands)
  return shell === 'bash' ? bash : `#compdef baton\nautoload -U +X bashcompinit && bashcompinit\n${bash}`
}

/** Built lazily: the command list imports this module. */
export function completionCommand(commands: () => readonly AnyCommand[]) {
  return defineCommand<{ shell: Shell }>({
    path: ['completion'],
    summary: 'Output shell completion code for bash, zsh or fish',
    args: '[shell]',
    usage: 'SHELL (bash|zsh|fish)',
    examples: [
      '  source <(baton completion bash)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a zsh expansion in the printed example, not a template
      '  baton completion zsh > "${fpath[1]}/_baton"',
      '  baton completion fish > ~/.config/fish/completions/baton.fish',
    ].join('\n'),
    complete(args) {
      const shell = args[0]
      if (!(SHELLS as readonly string[]).includes(shell ?? ''))
        throw usageError(shell ? `unsupported shell type "${shell}"` : 'shell not specified', 'Use bash, zsh or fish')
      return { shell: shell as Shell }
    },
    async run(o, ctx) {
      ctx.io.out.write(completionScript(o.shell, commands()))
      return 0
    },
  })
}
