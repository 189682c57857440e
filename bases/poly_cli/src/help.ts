import { POLY_PACKAGE } from './toolchain.ts';

/** The help of one command: what `poly help <command>` prints. */
export interface CommandHelp {
  usage: string;
  summary: string;
  options: [string, string][];
  example: string;
}

/** Help for every command, in the order `poly help` lists them. */
export const HELP: Record<string, CommandHelp> = {
  create: {
    usage:
      'poly create workspace --name <ns> [--poly <spec>] [--no-git] | component --name <n> | base --name <n> | project --name <n> [--base <b>]',
    summary:
      'Writes a new workspace, brick or project in the house style and registers it (root workspaces, development, workspace.json). A new workspace lists poly as a devDependency and gets its first git commit, tagged stable-1. --base adds the base and every brick and library it reaches.',
    options: [
      ['--name <name>', 'snake_case, npm-valid, not taken by another brick or project'],
      ['--base <base>', 'project only: ship this base and its transitive closure'],
      [
        '--poly <spec>',
        `workspace only: ${POLY_PACKAGE.name} as an npm spec (a range, a tarball path or URL); default ^${POLY_PACKAGE.version}`,
      ],
      ['--no-git', 'workspace only: no git init, first commit or stable-1 tag'],
      ['--description <text>', 'one line on what it is for (package.json and README)'],
      ['--dry-run', 'show the files it would write, write nothing'],
    ],
    example:
      'created components/geo_cache (package.json, src/index.ts, src/geo-cache.ts, test/geo-cache.test.ts)',
  },
  info: {
    usage: 'poly info [--since stable|release|<tag>|<sha>|<branch>] [--short] [--json]',
    summary:
      'Counts, then a brick × project table (components first, then bases). A brick marked * changed since the stable point, + is affected through its imports. Outside git, no marks and a note on how to start.',
    options: [
      ['--since <ref>', 'compare with this point instead of the newest stable-* tag'],
      [
        '--short',
        'one line per project instead of the table: its brick count, bases | components with their marks; "(no project)" lists bricks no deployable project ships',
      ],
      ['--json', 'one JSON document on stdout (always the full view)'],
    ],
    example: [
      '15 components, 3 bases, 3 projects; changes since stable-4 (tag)',
      'brick        api  fw  pw  development',
      'job_queue *   x   x   x   x',
      'rest_api  +   x           x',
    ].join('\n'),
  },
  check: {
    usage: 'poly check [--strict] [--json]',
    summary:
      'Checks the workspace rules: P101 deep or escaping imports, components importing bases; P104 cycles; P105 names; P107 bricks a project misses; P112 bricks listed as dependencies; P113 libraries missing from a brick or project; P207 bricks nothing reaches (warning); P301 library versions that drift (warning). Exit 1 on any error, and with --strict on any warning.',
    options: [
      ['--strict', 'warnings fail too: exit 1 when there is any warning'],
      ['--json', 'one JSON document on stdout'],
    ],
    example:
      'error P107 projects/api_app/package.json: api_app does not ship probes, imported by service_host\n1 error, 0 warnings',
  },
  deps: {
    usage: 'poly deps [--brick <b>] [--project <p>] [--format table|json|mermaid|dot] [--json]',
    summary:
      'The brick × brick dependency matrix (direct x, transitive +), one brick’s "uses / used by", or one project’s bricks; cycles are listed as paths.',
    options: [
      ['--brick <brick>', 'what this brick uses and what uses it'],
      ['--project <project>', 'only the bricks this project ships'],
      ['--format <format>', 'table (default), json, mermaid or dot'],
      ['--json', 'the same as --format json'],
    ],
    example:
      'store\n  uses:    (none)\n  used by: job_intake, run_fetch_worker, run_processing_worker, service_host',
  },
  libs: {
    usage: 'poly libs [--json]',
    summary:
      'Libraries per brick and per project with their versions, then what is missing, unused, or at different versions.',
    options: [['--json', 'one JSON document on stdout']],
    example: 'job_queue   amqplib ^2.3.1, valibot ^1.5.0\nmissing: (none)  unused: (none)  drifting: (none)',
  },
  diff: {
    usage: 'poly diff [--since stable|release|<tag>|<sha>|<branch>] [--bricks|--projects] [--short] [--json]',
    summary:
      'Changed files mapped to bricks and projects, and every brick and project affected through imports, transitively. A branch means its merge-base with HEAD; the default is the newest stable-* tag. Outside git: exit 2.',
    options: [
      ['--since <ref>', 'stable (default), release, a tag, a sha or a branch'],
      ['--bricks', 'only bricks'],
      ['--projects', 'only projects'],
      ['--short', 'names only, one per line'],
      ['--json', 'one JSON document on stdout'],
    ],
    example:
      'since stable-4 (tag)\nchanged bricks:    store\naffected bricks:   job_intake, rest_api, …\naffected projects: api_app, fetch_worker_app, processing_worker_app',
  },
  test: {
    usage: 'poly test [--since <ref>] [--all] [--project <p>] [--brick <b>] [--dry-run]',
    summary:
      'Runs the tests of changed and affected bricks (and of the bricks of affected projects): shows what it will run, progress while running, and ends with "N passed, N failed". Exit 1 on a failure. Outside git (or before the first stable tag) every test runs.',
    options: [
      ['--since <ref>', 'what counts as changed (default: the newest stable-* tag)'],
      ['--all', 'every test'],
      ['--project <project>', 'the bricks this project ships'],
      ['--brick <brick>', 'this brick only'],
      ['--dry-run', 'show what would run, run nothing'],
    ],
    example:
      'running 3 test folders: components/store (changed), components/job_intake (affected), …\nPASS components/store/test/jobs.test.ts\n42 passed, 0 failed',
  },
  sync: {
    usage: 'poly sync [--dry-run]',
    summary:
      'Adds to each project’s package.json the bricks and libraries its bricks need at run time. Never removes anything.',
    options: [['--dry-run', 'show what it would add, write nothing']],
    example: 'api_app: + @mousetrap/probes 0.1.0',
  },
  build: {
    usage: 'poly build <project> | --all [--json]',
    summary:
      'Bundles a project with esbuild into projects/<p>/dist/main.js (bricks inlined, libraries external) and writes a pruned production package.json beside it, pinned to the lockfile. Fails on an import the project does not list.',
    options: [
      ['--all', 'every deployable project'],
      ['--json', 'one JSON document on stdout'],
    ],
    example:
      'built projects/api_app/dist/main.js (72 KiB, 48 ms; libraries: amqplib, express, postgres, prom-client, valibot, winston)',
  },
  ws: {
    usage: 'poly ws',
    summary: 'The whole workspace model as JSON: configuration, bricks with their imports, projects.',
    options: [],
    example: '{\n  "config": { "namespace": "mousetrap", … },\n  "bricks": [ … ]\n}',
  },
  completion: {
    usage: 'poly completion bash|zsh',
    summary:
      "Prints a shell completion script for every command, option and option value, made from the tables behind this help and the parser. It completes the command poly: have it on your PATH, or alias poly='npx poly'.",
    options: [],
    example: [
      'source <(npx poly completion bash)            # bash, this shell',
      'npx poly completion bash > ~/.local/share/bash-completion/completions/poly',
      'source <(npx poly completion zsh)             # zsh, after compinit',
      'npx poly completion zsh > ~/.zfunc/_poly      # zsh, a folder of $fpath',
    ].join('\n'),
  },
  help: {
    usage: 'poly help [command]',
    summary: 'This text, or one command’s.',
    options: [],
    example: 'poly help diff',
  },
};

/** A command's help in one line: the first sentence of its summary, without the full stop. */
export function commandSummary(help: CommandHelp): string {
  return help.summary.split('. ')[0]?.replace(/\.$/, '') ?? '';
}

/** The text of `poly help`: every command's usage and one line on it, and the exit codes. */
export function overviewText(): string {
  const lines = ['poly: the command line of a Polylith workspace on npm workspaces', '', 'Commands:'];
  const width = Math.max(...Object.keys(HELP).map((name) => name.length));
  for (const [name, help] of Object.entries(HELP)) {
    lines.push(`  ${name.padEnd(width)} ${commandSummary(help)}.`);
  }
  lines.push(
    '',
    'Read commands take --json: one JSON document on stdout, diagnostics on stderr.',
    'Colours only on a terminal, never with NO_COLOR.',
    'Exit codes: 0 ok; 1 check errors (warnings too with check --strict), failing tests, a failed build;',
    '2 usage or configuration error (an unknown command or option, a taken or invalid name, a bad --since,',
    'no such brick or project, a malformed workspace.json); 3 not inside a workspace.',
    'A reader that stops early (poly ws | head) ends the output quietly; the exit code stays the command’s.',
    'More: poly help <command>',
  );
  return `${lines.join('\n')}\n`;
}

/** The text of `poly help <command>`: usage, what it does, its options and an example of its output. */
export function commandText(name: string): string | undefined {
  const help = HELP[name];
  if (!help) return undefined;
  const width = Math.max(0, ...help.options.map(([flag]) => flag.length));
  const lines = [`usage: ${help.usage}`, '', help.summary];
  if (help.options.length > 0) {
    lines.push('', 'Options:', ...help.options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  }
  lines.push('', 'Example:', ...help.example.split('\n').map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}
