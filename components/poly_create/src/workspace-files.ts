import { formatJson, formatPackageJson, formatWorkspaceJson, sortKeys } from './json-file.ts';

/** The folders of a new workspace, as workspace.json names them. */
export const FOLDERS = {
  components: 'components',
  bases: 'bases',
  projects: 'projects',
  development: 'development',
} as const;

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
      tags: { stable: 'stable-*', release: 'v[0-9]*' },
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
npm test                # every brick's tests; ends with "N passed, N failed"
npm run typecheck       # tsc over the whole workspace
npm run lint            # Biome: formatting and lint rules
npm run poly -- create component --name <name>
\`\`\`

Until the first brick exists, \`npm test\` finds no tests and \`npm run typecheck\` no files: both fail
until \`poly create component\` (or \`base\`) has made one.

## The workspace

All code lives in bricks; a project is only a manifest of the bricks and libraries it ships.
\`workspace.json\` names the namespace (\`${name}\`), the folders, the tag patterns (\`stable-*\`,
\`v[0-9]*\`) and the projects. Every brick is an npm workspace package \`@${name}/<brick>\` whose only
export is \`"."\` (\`src/index.ts\`), with its tests beside it in \`test/\`.

\`\`\`
components/           the building blocks
bases/                the entry points: they only wire components to a transport
projects/             the deployables: package.json (bricks + libraries), built to dist/
development/          the development project: every brick, for working across them
\`\`\`
`;
}
