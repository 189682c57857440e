import type { FlagSpec } from './args.ts';
import { commandSummary, HELP } from './help.ts';

/** The shells `poly completion` writes a script for. */
export const SHELLS = ['bash', 'zsh'] as const;

/** A shell `poly completion` writes a script for. */
export type Shell = (typeof SHELLS)[number];

/** What completion offers after one command: the words it takes first, then its options. */
export interface CompletionEntry {
  command: string;
  /** The first line of its help. */
  summary: string;
  /** Fixed first arguments: `create workspace|component|…`, `help <command>`. */
  words: readonly string[];
  options: { name: string; description: string; takesValue: boolean; values: readonly string[] }[];
}

/**
 * One entry per command of the help, in its order, with the options the parser accepts and the help's
 * words for them: built from the two tables that `poly help` and the parser read, so the script
 * offers exactly what poly accepts.
 */
export function completionEntries(
  specFor: (command: string) => Record<string, FlagSpec>,
  words: Readonly<Record<string, readonly string[]>>,
): CompletionEntry[] {
  return Object.entries(HELP).map(([command, help]) => ({
    command,
    summary: commandSummary(help),
    words: words[command] ?? [],
    options: Object.entries(specFor(command)).map(([name, spec]) => ({
      name,
      description:
        name === 'help'
          ? 'this command’s help'
          : (help.options.find(([option]) => option.split(' ')[0] === `--${name}`)?.[1] ?? ''),
      takesValue: spec.takesValue,
      values: spec.choices ?? spec.suggest ?? [],
    })),
  }));
}

/** The completion script for a shell: `source <(poly completion bash)` makes `poly ch<TAB>` say `check`. */
export function completionScript(shell: Shell, entries: readonly CompletionEntry[]): string {
  return shell === 'bash' ? bashScript(entries) : zshScript(entries);
}

function bashScript(entries: readonly CompletionEntry[]): string {
  const words = (list: readonly string[]) => list.join(' ');
  const cases = entries.map((entry) => {
    const valued = entry.options.filter((option) => option.takesValue);
    const lines = [`    ${entry.command})`];
    if (valued.length > 0) {
      // After an option that takes a value: its values, or nothing to offer for a free one (--name).
      const free = valued.filter((option) => option.values.length === 0).map((option) => `--${option.name}`);
      lines.push('      case "$prev" in');
      for (const option of valued.filter((candidate) => candidate.values.length > 0)) {
        lines.push(
          `        --${option.name}) COMPREPLY=($(compgen -W "${words(option.values)}" -- "$cur")); return 0 ;;`,
        );
      }
      if (free.length > 0) lines.push(`        ${free.join('|')}) return 0 ;;`);
      lines.push('      esac');
    }
    if (entry.words.length > 0) {
      lines.push(
        `      if [[ $COMP_CWORD -eq 2 && $cur != -* ]]; then COMPREPLY=($(compgen -W "${words(entry.words)}" -- "$cur")); return 0; fi`,
      );
    }
    lines.push(
      `      COMPREPLY=($(compgen -W "${words(entry.options.map((option) => `--${option.name}`))}" -- "$cur"))`,
      '      ;;',
    );
    return lines.join('\n');
  });
  return `# bash completion for poly, written by \`poly completion bash\`.
# This shell: source <(npx poly completion bash)
# Every shell: npx poly completion bash > ~/.local/share/bash-completion/completions/poly
_poly() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # bash splits --format=dot at the =: complete the value of the option before it.
  if [[ $cur == "=" ]]; then cur=""; elif [[ $prev == "=" ]]; then prev="\${COMP_WORDS[COMP_CWORD-2]}"; fi
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${words(entries.map((entry) => entry.command))}" -- "$cur"))
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
  esac
  return 0
}
complete -F _poly poly
`;
}

/** Quotes text for a zsh single-quoted word. */
const quoted = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** Escapes what _arguments reads specially inside an option's [description]. */
const bracketed = (text: string): string => text.replace(/[\\[\]:$`]/g, (c) => `\\${c}`);

function zshScript(entries: readonly CompletionEntry[]): string {
  const commands = entries.map((entry) => `    ${quoted(`${entry.command}:${entry.summary}`)}`);
  const cases = entries.map((entry) => {
    const specs = entry.options.map((option) => {
      const head = `--${option.name}${option.takesValue ? '=' : ''}[${bracketed(option.description)}]`;
      if (!option.takesValue) return quoted(head);
      return quoted(
        `${head}:${option.name}:${option.values.length > 0 ? `(${option.values.join(' ')})` : ''}`,
      );
    });
    if (entry.words.length > 0) specs.unshift(quoted(`1:${entry.command}:(${entry.words.join(' ')})`));
    return [`    ${entry.command})`, `      _arguments ${specs.join(' \\\n        ')}`, '      ;;'].join(
      '\n',
    );
  });
  return `#compdef poly
# zsh completion for poly, written by \`poly completion zsh\`.
# This shell (after compinit): source <(npx poly completion zsh)
# Every shell: npx poly completion zsh > "\${fpath[1]}/_poly"
_poly() {
  local -a commands
  commands=(
${commands.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'poly command' commands
    return
  fi
  local command=$words[2]
  shift words
  (( CURRENT-- ))
  case $command in
${cases.join('\n')}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _poly "$@"
else
  compdef _poly poly
fi
`;
}
