import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * Every command path ('', 'alerts', 'alerts list', …) with its subcommands and options, its parents'
 * included (`alerts list --json` is `alerts`' option, given after `list`).
 */
const pathsOf = (
  command: Command,
  prefix: string[] = [],
  inherited: string[] = [],
): { path: string; words: string[] }[] => {
  const own = command.options.flatMap((o: Option) => [o.long, o.short].filter((f): f is string => !!f));
  const options = [...new Set([...own, ...(prefix.length > 0 ? inherited : [])])];
  const subcommands = command.commands.map((c) => c.name());
  const here = { path: prefix.join(' '), words: [...subcommands, ...options, '--help'] };
  return [here, ...command.commands.flatMap((c) => pathsOf(c, [...prefix, c.name()], options))];
};

/**
 * The bash completion script, generated from the command tree itself, so a new command or option
 * completes without anyone editing a script. zsh runs the same function through bashcompinit.
 */
const bashFunction = (program: Command): string => {
  const cases = pathsOf(program)
    .map(({ path, words }) => `    "${path}") words="${words.join(' ')}" ;;`)
    .join('\n');
  const commands = pathsOf(program)
    .map(({ path }) => path)
    .filter((p) => p !== '');
  return `_ai_ops_complete() {
  local cur path word words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  # The command path so far: the words that are (nested) command names.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    case " ${commands.map((c) => `${c.replaceAll(' ', '_')}`).join(' ')} " in
      *" \${path:+\${path// /_}_}$word "*) path="\${path:+$path }$word" ;;
    esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _ai_ops_complete ai-ops`;
};

export const completionScript = (program: Command, shell: Shell): string =>
  shell === 'bash'
    ? `# ai-ops completion for bash: add to ~/.bashrc:  source <(ai-ops completion bash)\n${bashFunction(program)}\n`
    : `# ai-ops completion for zsh: add to ~/.zshrc:  source <(ai-ops completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bashFunction(program)}\n`;
