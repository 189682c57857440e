import { formatJson, formatPackageJson, formatWorkspaceJson, sortKeys } from '../src/json-file.ts';

describe('formatWorkspaceJson', () => {
  const head = '{\n  "namespace": "acme",\n  "tags": {\n    "stable": "stable-*"\n  },\n  "projects": {\n';
  const compact = `${head}    "api_app": { "alias": "api" },\n    "fw_app": { "alias": "fw" }\n  }\n}\n`;
  const expanded = `${head}    "api_app": {\n      "alias": "api"\n    },\n    "fw_app": {\n      "alias": "fw"\n    }\n  }\n}\n`;

  test.each([
    ['on one line', compact],
    ['expanded', expanded],
  ])('rewrites a file whose project settings are %s byte for byte', (_style, text) => {
    expect(formatWorkspaceJson(JSON.parse(text), text)).toBe(text);
  });

  test('adds a project as one line, {}, in either style', () => {
    for (const text of [compact, expanded]) {
      const config = JSON.parse(text);
      const updated = formatWorkspaceJson({ ...config, projects: { ...config.projects, new_app: {} } }, text);
      expect(updated).toBe(text.replace('\n  }\n}\n', ',\n    "new_app": {}\n  }\n}\n'));
    }
  });
});

describe('formatJson', () => {
  test('keeps an array of plain values on one line while it fits in 110 columns, else one item a line', () => {
    const short = ['a', 'b'];
    const long = Array.from({ length: 12 }, (_, index) => `components/brick_${index}`);
    expect(formatJson({ short, long })).toBe(
      `{\n  "short": ["a", "b"],\n  "long": [\n${long.map((item) => `    "${item}"`).join(',\n')}\n  ]\n}\n`,
    );
  });

  test('counts the key, the indent and the trailing comma in the width', () => {
    // `  "k": ` is 7 columns and the array 103: 110 fits, and one more for a trailing comma does not (as Biome)
    const items = ['x'.repeat(48), 'y'.repeat(47)];
    expect(formatJson({ k: items })).toBe(`{\n  "k": ["${items[0]}", "${items[1]}"]\n}\n`);
    expect(formatJson({ k: items, z: 1 })).toContain('"k": [\n');
  });
});

describe('formatPackageJson', () => {
  test('expands every array and object, as npm does', () => {
    expect(formatPackageJson({ workspaces: ['a'], exports: { '.': './src/index.ts' } })).toBe(
      '{\n  "workspaces": [\n    "a"\n  ],\n  "exports": {\n    ".": "./src/index.ts"\n  }\n}\n',
    );
  });
});

describe('sortKeys', () => {
  test('orders scoped packages before plain ones, by code unit', () => {
    expect(Object.keys(sortKeys({ zod: '1', '@acme/b': '1', '@acme/a': '1', Big: '1' }))).toEqual([
      '@acme/a',
      '@acme/b',
      'Big',
      'zod',
    ]);
  });
});
