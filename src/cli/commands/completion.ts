/**
 * @module
 * `baton completion bash|zsh`: a shell completion script for the verbs, the resource types,
 * and object names (asked of the daemon with `baton get TYPE -o name`).
 *
 *   source <(baton completion bash)
 */
import { RESOURCES } from '../../api/resources.ts'
import { type AnyCommand, defineCommand, usageError } from '../command.ts'

function bashScript(commands: readonly AnyCommand[]): string {
  const top = [...new Set(commands.map((c) => c.path[0]!))].sort()
  const groups = new Map<string, string[]>()
  for (const c of commands) if (c.path.length > 1) groups.set(c.path[0]!, [...(groups.get(c.path[0]!) ?? []), c.path[1]!])
  const types = Object.values(RESOURCES).flatMap((r) => [r.plural, ...r.shortNames]).concat('all').join(' ')
  const groupCases = [...groups].map(([g, subs]) => `    ${g}) subs="${subs.join(' ')}" ;;`).join('\n')
  return `# bash completion for baton
_baton() {
  local cur prev subs words
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
  case "$prev" in
    -o|--output) COMPREPLY=( $(compgen -W "json yaml name wide" -- "$cur") ); return ;;
    -f|--filename) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  case " ${types} " in
    *" $prev "*)
      words=$(baton get "$prev" -o name 2>/dev/null | sed 's|.*/||')
      COMPREPLY=( $(compgen -W "$words" -- "$cur") )
      return ;;
  esac
  COMPREPLY=( $(compgen -W "${types}" -- "$cur") )
}
complete -F _baton baton
`
}

export function completionScript(shell: 'bash' | 'zsh', commands: readonly AnyCommand[]): string {
  const bash = bashScript(commands)
  return shell === 'bash' ? bash : `#compdef baton\nautoload -U +X bashcompinit && bashcompinit\n${bash}`
}

/** Built lazily: the command list imports this module. */
export function completionCommand(commands: () => readonly AnyCommand[]) {
  return defineCommand<{ shell: 'bash' | 'zsh' }>({
    path: ['completion'],
    summary: 'Output shell completion code for bash or zsh',
    args: '[shell]',
    usage: 'SHELL (bash|zsh)',
    examples: ['  source <(baton completion bash)', '  baton completion zsh > "${fpath[1]}/_baton"'].join('\n'),
    complete(args) {
      const shell = args[0]
      if (shell !== 'bash' && shell !== 'zsh') throw usageError(shell ? `unsupported shell type "${shell}"` : 'shell not specified', 'Use bash or zsh')
      return { shell }
    },
    async run(o, ctx) {
      ctx.io.out.write(completionScript(o.shell, commands()))
      return 0
    },
  })
}
