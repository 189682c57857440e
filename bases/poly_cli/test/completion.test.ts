import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../src/context.ts';
import { HELP } from '../src/help.ts';
import { runPoly, specFor } from '../src/run-poly.ts';

const has = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0']).status === 0;

async function completion(shell: string): Promise<string> {
  let stdout = '';
  const code = await runPoly(['completion', shell], {
    cwd: tmpdir(),
    env: {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    isTTY: false,
  });
  expect(code).toBe(EXIT.ok);
  return stdout;
}

const optionsInHelp = (command: string): string[] =>
  (HELP[command]?.options ?? []).map(([option]) => option.split(' ')[0] as string).sort();

describe('poly completion', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'poly-completion-'));
    await writeFile(join(dir, 'poly.bash'), await completion('bash'));
    await writeFile(join(dir, 'poly.zsh'), await completion('zsh'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the help lists exactly the options the parser accepts, for every command', () => {
    for (const command of Object.keys(HELP)) {
      const accepted = Object.keys(specFor(command))
        .filter((name) => name !== 'help')
        .map((name) => `--${name}`)
        .sort();
      expect([command, optionsInHelp(command)]).toEqual([command, accepted]);
    }
  });

  /** What bash's completion offers for a command line whose last word is being completed. */
  const bashCompletes = (...words: string[]): string => {
    const line = words.map((word) => `'${word}'`).join(' ');
    return execFileSync(
      'bash',
      [
        '-c',
        `source "$1"; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _poly; echo "\${COMPREPLY[@]}"`,
        'bash',
        join(dir, 'poly.bash'),
      ],
      { encoding: 'utf8' },
    ).trim();
  };

  (has('bash') ? test : test.skip)(
    'bash: completes poly ch to check, and each command, word and option value',
    () => {
      expect(bashCompletes('poly', 'ch')).toBe('check');
      expect(bashCompletes('poly', '').split(' ')).toEqual(Object.keys(HELP));
      expect(bashCompletes('poly', 'create', '')).toBe('workspace component base project');
      expect(bashCompletes('poly', 'deps', '--format', 'm')).toBe('mermaid');
      expect(bashCompletes('poly', 'deps', '--format', '=', 'd')).toBe('dot');
      expect(bashCompletes('poly', 'diff', '--since', '')).toBe('stable release');
      expect(bashCompletes('poly', 'create', 'component', '--name', '')).toBe('');
      expect(bashCompletes('poly', 'help', 'd')).toBe('deps diff');
      expect(bashCompletes('poly', 'completion', '')).toBe('bash zsh');
    },
  );

  (has('bash') ? test : test.skip)('bash: offers every option each command accepts, and no other', () => {
    for (const command of Object.keys(HELP)) {
      const offered = bashCompletes('poly', command, '--').split(' ').sort();
      const accepted = Object.keys(specFor(command))
        .map((name) => `--${name}`)
        .sort();
      expect([command, offered]).toEqual([command, accepted]);
    }
  });

  test('zsh: a #compdef script describing every command, and every option with its help and values', async () => {
    const script = await completion('zsh');
    expect(script.startsWith('#compdef poly\n')).toBe(true);
    expect(script).toContain('compdef _poly poly');
    for (const command of Object.keys(HELP)) {
      expect(script).toContain(`\n    '${command}:`);
      expect(script).toContain(`\n    ${command})\n      _arguments `);
    }
    expect(script).toContain(
      "'--format=[table (default), json, mermaid or dot]:format:(table json mermaid dot)'",
    );
    expect(script).toContain("'1:create:(workspace component base project)'");
    expect(script).toContain("'--strict[warnings fail too\\: exit 1 when there is any warning]'");
  });

  (has('zsh') ? test : test.skip)(
    'zsh: the script parses, and hands _arguments the specs of the command typed',
    () => {
      const run = (...words: string[]) =>
        execFileSync(
          'zsh',
          [
            '-fc',
            // compdef and the completion helpers exist only under compinit: stand-ins that print their arguments.
            `compdef() { :; }; _describe() { print -l -- \${(P)\${@[-1]}} }; _arguments() { print -l -- "$@" }
           source "$1"; shift; words=("$@"); CURRENT=$#; _poly`,
            'zsh',
            join(dir, 'poly.zsh'),
            ...words,
          ],
          { encoding: 'utf8' },
        );
      expect(spawnSync('zsh', ['-n', join(dir, 'poly.zsh')]).status).toBe(0);
      expect(run('poly', 'ch')).toContain('check:Checks the workspace rules');
      expect(run('poly', 'deps', '--format=').split('\n')).toContain(
        '--format=[table (default), json, mermaid or dot]:format:(table json mermaid dot)',
      );
    },
  );
});
