import type { Diagnostic } from '../src/diagnostic.ts';
import { checkSpec, cleanSpec, type WorkspaceSpec } from './fixture.ts';

/** The clean workspace with one change made to it. */
function cleanWith(change: (spec: WorkspaceSpec) => void): WorkspaceSpec {
  const spec = cleanSpec();
  change(spec);
  return spec;
}

function addLine(text: string | undefined, line: string): string {
  return `${text ?? ''}${line}\n`;
}

describe('checkWorkspace on a clean workspace', () => {
  test('a workspace that follows every rule, with type-only, test-only and built-in imports, has no diagnostics', async () => {
    expect(await checkSpec(cleanSpec())).toEqual([]);
  });
});

describe('P101: bricks are imported by package name only', () => {
  test('a deep import into another brick is reported at its line', async () => {
    const spec = cleanWith(({ bases }) => {
      const files = bases.cli?.files ?? {};
      files['src/main.ts'] = addLine(files['src/main.ts'], "import { log } from '@acme/log/src/index.ts';");
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P101',
        severity: 'error',
        message: '"@acme/log/src/index.ts" reaches inside brick log: import "@acme/log" instead',
        file: 'bases/cli/src/main.ts',
        line: 5,
      },
    ]);
  });

  test('a relative import that leaves the brick is reported at its line', async () => {
    const spec = cleanWith(({ components }) => {
      const files = components.greeting?.files ?? {};
      files['src/index.ts'] = addLine(files['src/index.ts'], "export { log } from '../../log/src/index.ts';");
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P101',
        severity: 'error',
        message: '"../../log/src/index.ts" leaves brick greeting: import other bricks by package name',
        file: 'components/greeting/src/index.ts',
        line: 3,
      },
    ]);
  });

  test('a component importing a base, even as a type only, is reported', async () => {
    const spec = cleanWith(({ components }) => {
      const files = components.log?.files ?? {};
      files['src/index.ts'] = addLine(files['src/index.ts'], "import type { Main } from '@acme/cli';");
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P101',
        severity: 'error',
        message: 'component log imports base cli: components never import bases',
        file: 'components/log/src/index.ts',
        line: 4,
      },
    ]);
  });
});

describe('P104: no import cycles between bricks', () => {
  test('two components importing each other at run time are reported once, at the first import of the cycle', async () => {
    const spec = cleanWith(({ components }) => {
      const files = components.log?.files ?? {};
      files['src/index.ts'] = addLine(files['src/index.ts'], "import { greet } from '@acme/greeting';");
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P104',
        severity: 'error',
        message: 'import cycle between bricks: greeting > log > greeting',
        file: 'components/greeting/src/greet.ts',
        line: 4,
      },
    ]);
  });

  test('a type-only import and a test import back do not make a cycle', async () => {
    const spec = cleanWith(({ components }) => {
      const files = components.log?.files ?? {};
      files['src/index.ts'] = addLine(
        files['src/index.ts'],
        "import type { Options } from '@acme/greeting';",
      );
      files['test/log.test.ts'] = "import { greet } from '@acme/greeting';\n";
    });
    expect(await checkSpec(spec)).toEqual([]);
  });
});

describe('P105: names match folders and never clash', () => {
  test('a component and a base of the same name are reported at the base', async () => {
    const spec = cleanWith(({ bases }) => {
      bases.log = { files: { 'src/index.ts': 'export const main = 1;\n' } };
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P105',
        severity: 'error',
        message: 'log is both a component (components/log) and a base (bases/log)',
        file: 'bases/log/package.json',
      },
    ]);
  });

  test('a project with the name of a brick is reported at the project', async () => {
    const spec = cleanWith(({ projects }) => {
      projects.greeting = {};
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P105',
        severity: 'error',
        message: 'project greeting has the name of a component',
        file: 'projects/greeting/package.json',
      },
    ]);
  });

  test('package names not of the form @<namespace>/<folder> are reported for a brick, a project and development', async () => {
    const spec = cleanWith((workspace) => {
      const { components, projects, development } = workspace;
      if (components.log) components.log.name = '@other/log';
      if (projects.cli_app) projects.cli_app.name = 'cli-app';
      if (development) development.name = '@acme/dev';
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P105',
        severity: 'error',
        message: 'package name "@other/log" must be "@acme/log" (namespace and folder)',
        file: 'components/log/package.json',
      },
      {
        code: 'P105',
        severity: 'error',
        message: 'package name "@acme/dev" must be "@acme/development" (namespace and folder)',
        file: 'development/package.json',
      },
      {
        code: 'P105',
        severity: 'error',
        message: 'package name "cli-app" must be "@acme/cli_app" (namespace and folder)',
        file: 'projects/cli_app/package.json',
      },
    ]);
  });
});

describe('P107: a project ships every brick its bricks need at run time', () => {
  test('a project missing a brick one of its bricks imports is reported with the importer', async () => {
    const spec = cleanWith(({ projects }) => {
      delete projects.cli_app?.dependencies?.['@acme/log'];
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P107',
        severity: 'error',
        message: 'project cli_app does not ship brick log, which greeting imports at run time',
        file: 'projects/cli_app/package.json',
      },
    ]);
  });

  test('bricks needed transitively, through a brick the project also misses, are each reported', async () => {
    const spec = cleanWith(({ projects }) => {
      projects.cli_app = { dependencies: { '@acme/cli': '0.1.0', lodash: '^4.17.21' } };
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P107',
        severity: 'error',
        message: 'project cli_app does not ship brick greeting, which cli imports at run time',
        file: 'projects/cli_app/package.json',
      },
      {
        code: 'P107',
        severity: 'error',
        message: 'project cli_app does not ship brick log, which greeting imports at run time',
        file: 'projects/cli_app/package.json',
      },
    ]);
  });

  test('a brick imported only as a type or by tests is not needed by the project', async () => {
    const spec = cleanWith(({ components, bases, development }) => {
      components.audit = { files: { 'src/index.ts': 'export type Entry = { at: Date };\n' } };
      const files = bases.cli?.files ?? {};
      files['src/main.ts'] = addLine(files['src/main.ts'], "import type { Entry } from '@acme/audit';");
      files['test/main.test.ts'] = "import { audit } from '@acme/audit';\n";
      if (development?.dependencies) development.dependencies['@acme/audit'] = '0.1.0';
    });
    expect(await checkSpec(spec)).toEqual([]);
  });
});

describe('P112: bricks do not list bricks', () => {
  test('a brick listing another brick in its dependencies is reported at its package.json', async () => {
    const spec = cleanWith(({ components }) => {
      if (components.greeting)
        components.greeting.dependencies = { '@acme/log': '0.1.0', lodash: '^4.17.21' };
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P112',
        severity: 'error',
        message:
          'brick greeting lists "@acme/log" in its dependencies: bricks are imported by package name and shipped by projects',
        file: 'components/greeting/package.json',
      },
    ]);
  });
});

describe('P113: libraries used at run time are listed', () => {
  test("a library missing from the importing brick's package.json is reported at its first import", async () => {
    const spec = cleanWith(({ components }) => {
      if (components.greeting) components.greeting.dependencies = {};
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P113',
        severity: 'error',
        message: 'brick greeting imports library "lodash" at run time, but its package.json does not list it',
        file: 'components/greeting/src/greet.ts',
        line: 2,
      },
    ]);
  });

  test("a library a shipped brick needs, missing from the project's package.json, is reported at the project", async () => {
    const spec = cleanWith(({ projects }) => {
      delete projects.cli_app?.dependencies?.lodash;
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P113',
        severity: 'error',
        message: 'project cli_app does not list library "lodash", which greeting imports at run time',
        file: 'projects/cli_app/package.json',
      },
    ]);
  });

  test('a library of a brick the project reaches but does not ship is missing from the project too, beside P107', async () => {
    const spec = cleanWith(({ projects }) => {
      delete projects.cli_app?.dependencies?.['@acme/greeting'];
      delete projects.cli_app?.dependencies?.lodash;
    });
    expect((await checkSpec(spec)).map((d) => `${d.code} ${d.message}`)).toEqual([
      'P107 project cli_app does not ship brick greeting, which cli imports at run time',
      'P113 project cli_app does not list library "lodash", which greeting imports at run time',
    ]);
  });

  test('a library imported only as a type, in tests, or by a dynamic import of a template is required nowhere', async () => {
    const spec = cleanWith(({ bases }) => {
      const files = bases.cli?.files ?? {};
      files['src/main.ts'] = addLine(files['src/main.ts'], "export type Cfg = import('config-lib').Config;");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the string is source code holding a template
      files['src/plugins.ts'] = 'export const load = (name: string) => import(`plugin-${name}`);\n';
      files['test/main.test.ts'] = "import { mock } from 'mock-lib';\n";
    });
    expect(await checkSpec(spec)).toEqual([]);
  });

  test('the development project is not required to list libraries, its bricks do', async () => {
    const spec = cleanSpec();
    expect(spec.development?.dependencies).not.toHaveProperty('lodash');
    expect(await checkSpec(spec)).toEqual([]);
  });
});

describe('P207: every brick a project ships is reached from its bases', () => {
  test('a shipped brick no base reaches at run time is a warning', async () => {
    const spec = cleanWith(({ components, projects, development }) => {
      components.audit = { files: { 'src/index.ts': 'export const audit = 1;\n' } };
      if (projects.cli_app?.dependencies) projects.cli_app.dependencies['@acme/audit'] = '0.1.0';
      if (development?.dependencies) development.dependencies['@acme/audit'] = '0.1.0';
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P207',
        severity: 'warning',
        message: 'project cli_app ships brick audit, but none of its bases (cli) reaches it at run time',
        file: 'projects/cli_app/package.json',
      },
    ]);
  });

  test('a project without a base gets a warning for each brick it ships', async () => {
    const spec = cleanWith(({ projects }) => {
      projects.library_only = { dependencies: { '@acme/log': '0.1.0' } };
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P207',
        severity: 'warning',
        message: 'project library_only ships brick log, but it ships no base',
        file: 'projects/library_only/package.json',
      },
    ]);
  });
});

describe('P301: one version range per library', () => {
  test('a library asked for with two ranges is one warning naming each range and where', async () => {
    const spec = cleanWith(({ components, projects }) => {
      if (components.greeting) components.greeting.dependencies = { lodash: '^4.17.0' };
      projects.cron_app = { dependencies: { ...projects.cli_app?.dependencies } };
    });
    expect(await checkSpec(spec)).toEqual<Diagnostic[]>([
      {
        code: 'P301',
        severity: 'warning',
        message:
          'library "lodash" has different version ranges: "^4.17.0" in components/greeting; "^4.17.21" in projects/cli_app, projects/cron_app',
        file: 'components/greeting/package.json',
      },
    ]);
  });
});
