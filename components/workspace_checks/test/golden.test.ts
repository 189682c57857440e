import type { Diagnostic } from '../src/diagnostic.ts';
import { checkSpec, cleanSpec } from './fixture.ts';

describe('checkWorkspace golden output', () => {
  test('a workspace breaking several rules at once gives exactly this list, sorted by file, line, code', async () => {
    const spec = cleanSpec();
    const { components, bases, projects } = spec;
    // greeting: lists a brick, lost its lodash entry, and reaches into log by a deep path
    components.greeting = {
      dependencies: { '@acme/log': '0.1.0' },
      files: {
        ...components.greeting?.files,
        'src/extra.ts': "import { log } from '@acme/log/src/index.ts';\nimport chunk from 'lodash/chunk';\n",
      },
    };
    // log imports greeting back (a cycle) and a base
    components.log = {
      files: {
        'src/index.ts': [
          "import { greet } from '@acme/greeting';",
          "import { main } from '@acme/cli';",
          'export const log = (message: string) => message;',
        ].join('\n'),
      },
    };
    // an unreachable brick, shipped under a wrong package name, with its own pinned lodash
    components.audit = { name: 'audit', dependencies: { lodash: '4.17.21' }, files: {} };
    bases.cli = {
      files: { 'src/main.ts': "import { greet } from '@acme/greeting';\nexport const main = 1;\n" },
    };
    projects.cli_app = {
      dependencies: { '@acme/audit': '0.1.0', '@acme/cli': '0.1.0', '@acme/greeting': '0.1.0' },
    };
    spec.development = { dependencies: { ...spec.development?.dependencies, lodash: '^4.17.21' } };

    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P104',
        severity: 'error',
        message: 'import cycle between bricks: cli > greeting > log > cli',
        file: 'bases/cli/src/main.ts',
        line: 1,
      },
      {
        code: 'P105',
        severity: 'error',
        message: 'package name "audit" must be "@acme/audit" (namespace and folder)',
        file: 'components/audit/package.json',
      },
      {
        code: 'P112',
        severity: 'error',
        message:
          'brick greeting lists "@acme/log" in its dependencies: bricks are imported by package name and shipped by projects',
        file: 'components/greeting/package.json',
      },
      {
        code: 'P101',
        severity: 'error',
        message: '"@acme/log/src/index.ts" reaches inside brick log: import "@acme/log" instead',
        file: 'components/greeting/src/extra.ts',
        line: 1,
      },
      {
        code: 'P104',
        severity: 'error',
        message: 'import cycle between bricks: greeting > log > greeting',
        file: 'components/greeting/src/extra.ts',
        line: 1,
      },
      {
        code: 'P113',
        severity: 'error',
        message: 'brick greeting imports library "lodash" at run time, but its package.json does not list it',
        file: 'components/greeting/src/extra.ts',
        line: 2,
      },
      {
        code: 'P101',
        severity: 'error',
        message: 'component log imports base cli: components never import bases',
        file: 'components/log/src/index.ts',
        line: 2,
      },
      {
        code: 'P301',
        severity: 'warning',
        message:
          'library "lodash" has different version ranges: "4.17.21" in components/audit; "^4.17.21" in development',
        file: 'development/package.json',
      },
      {
        code: 'P107',
        severity: 'error',
        message: 'project cli_app does not ship brick log, which greeting imports at run time',
        file: 'projects/cli_app/package.json',
      },
      {
        code: 'P113',
        severity: 'error',
        message: 'project cli_app does not list library "lodash", which greeting imports at run time',
        file: 'projects/cli_app/package.json',
      },
      {
        code: 'P207',
        severity: 'warning',
        message: 'project cli_app ships brick audit, but none of its bases (cli) reaches it at run time',
        file: 'projects/cli_app/package.json',
      },
    ]);
  });
});
