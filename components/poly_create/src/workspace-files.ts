import { formatJson, formatPackageJson, formatWorkspaceJson, sortKeys } from './json-file.ts';

/** The folders of a new workspace, as workspace.json names them. */
export const FOLDERS = {
  components: 'components',
  bases: 'bases',
  projects: 'projects',
  development: 'development',
} as const;

/** The tag patterns of a new workspace: its stable points, and its releases. */
export const TAGS = { stable: 'stable-*', release: 'v[0-9]*' } as const;

/** The tag on a new workspace's first commit: its first stable point, matching {@link TAGS}. */
export const FIRST_STABLE_TAG = TAGS.stable.replace('*', '1');

/** The config files of a new workspace, by path: the same toolchain setup as mousetrap's. */
export function workspaceFiles(name: string, toolchain: Record<string, string>): Record<string, string> {
  return {
    'package.json': formatPackageJson({
      name: `${name}-workspace`,
      version: '0.1.0',
      private: true,
      description: '',
      type: 'module',
      engines: { node: '>=20.19' },
      workspaces: ['components/*', 'bases/*', 'projects/*', 'development'],
      scripts: {
        test: 'jest',
        typecheck: 'tsc --noEmit -p .',
        lint: 'biome check .',
        poly: 'poly',
      },
      devDependencies: sortKeys(toolchain),
    }),
    'workspace.json': formatWorkspaceJson({
      namespace: name,
      folders: { ...FOLDERS },
      tags: { ...TAGS },
      projects: {},
    }),
    'tsconfig.json': formatJson({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'preserve',
        moduleResolution: 'bundler',
        allowImportingTsExtensions: true,
        verbatimModuleSyntax: true,
        noEmit: true,
        strict: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        noFallthroughCasesInSwitch: true,
        skipLibCheck: true,
        types: ['node', 'jest'],
      },
      include: [
        'components/*/src',
        'components/*/test',
        'bases/*/src',
        'bases/*/test',
        'development/**/*.ts',
      ],
    }),
    'biome.json': formatJson({
      $schema: './node_modules/@biomejs/biome/configuration_schema.json',
      files: { includes: ['**', '!**/dist', '!**/node_modules', '!**/*.md'] },
      formatter: { indentStyle: 'space', indentWidth: 2, lineWidth: 110 },
      javascript: { formatter: { quoteStyle: 'single' } },
      linter: { rules: { preset: 'recommended' } },
      assist: { actions: { source: { organizeImports: 'on' } } },
    }),
    'jest.config.cjs': JEST_CONFIG,
    'jest-summary-reporter.cjs': SUMMARY_REPORTER,
    '.gitignore': ['node_modules/', 'dist/', 'coverage/', '*.log', '.env', ''].join('\n'),
    'README.md': readme(name),
    'development/package.json': formatPackageJson({
      name: `@${name}/development`,
      version: '0.1.0',
      private: true,
      description: 'The development project: every brick, for working across them in one place.',
      type: 'module',
      dependencies: {},
    }),
    'components/.gitkeep': '',
    'bases/.gitkeep': '',
    'projects/.gitkeep': '',
  };
}

const JEST_CONFIG = `/** One jest run for the whole workspace: every brick's test/ folder and development/test. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/components', '<rootDir>/bases', '<rootDir>/development'],
  testMatch: ['**/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  transform: {
    '^.+\\\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs', ignoreDynamic: true },
      },
    ],
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/jest-summary-reporter.cjs'],
};
`;

const SUMMARY_REPORTER = `const { writeSync } = require('node:fs');

/**
 * Prints the closing line CI reads: "N passed, N failed[, N skipped]", as the very last line of
 * the run (at exit, after jest's own summary). A suite that could not run at all (a syntax or
 * import error) counts as one failure.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = \`\${results.numPassedTests} passed, \${failed} failed\`;
    const text = \`\\n\${skipped > 0 ? \`\${line}, \${skipped} skipped\` : line}\\n\`;
    process.once('exit', () => writeSync(1, text));
  }
}

module.exports = SummaryReporter;
`;

function readme(name: string): string {
  return `# ${name}

A [Polylith](https://polylith.gitbook.io/polylith) workspace in TypeScript on npm workspaces.

## Commands

\`\`\`sh
npm install
npm run poly -- create component --name <name>     # or base; project --name <p> --base <base>
npm run poly -- info     # bricks × projects; * changed, + affected since the last stable point
npm run poly -- check    # the workspace's rules
npm run poly -- test     # the tests of what changed since the last stable point
npm run poly -- build <project>
npm test                 # every brick's tests; ends with "N passed, N failed"
npm run typecheck        # tsc over the whole workspace
npm run lint             # Biome: formatting and lint rules
npm run poly -- help
\`\`\`

\`poly\` is a devDependency, so \`npm install\` installs it. Until the first brick exists, \`npm test\`
finds no tests and \`npm run typecheck\` no files: both fail until \`poly create component\` (or
\`base\`) has made one.

A base starts as a small HTTP server that runs until it is stopped: \`npm run poly -- build <project>\`,
then \`PORT=3000 node projects/<project>/dist/main.js\`, and Ctrl-C.

## Git and stable points

\`poly info\`, \`diff\` and \`test\` compare with the newest \`${TAGS.stable}\` tag. \`poly create workspace\`
made the first commit and tagged it \`${FIRST_STABLE_TAG}\`; tag the next one (\`stable-2\`, …) after a
green build. Created with \`--no-git\`, the workspace has neither: run \`git init\`, \`git add -A\`,
\`git commit -m "A new workspace"\` and \`git tag ${FIRST_STABLE_TAG}\`. Outside git, \`poly info\` shows no
marks and \`poly test\` runs every test.

## The workspace

All code lives in bricks; a project is only a manifest of the bricks and libraries it ships.
\`workspace.json\` names the namespace (\`${name}\`), the folders, the tag patterns (\`${TAGS.stable}\`,
\`${TAGS.release}\`) and the projects. Every brick is an npm workspace package \`@${name}/<brick>\` whose only
export is \`"."\` (\`src/index.ts\`), with its tests beside it in \`test/\`.

\`\`\`
components/           the building blocks
bases/                the entry points: they only wire components to a transport
projects/             the deployables: package.json (bricks + libraries), built to dist/
development/          the development project: every brick, for working across them
\`\`\`
`;
}
