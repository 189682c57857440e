// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are TypeScript source under test, templates included
import { scanImports } from '../src/scan-imports.ts';

/** The specifiers found, in order. */
function specifiers(source: string): string[] {
  return scanImports(source).map((found) => found.specifier);
}

describe('scanImports: the forms of import', () => {
  test('a default, named and namespace import each give their specifier, syntax import, run time', () => {
    const source = [
      "import express from 'express';",
      "import { a, b as c } from './local.ts';",
      "import * as path from 'node:path';",
      "import def, { x } from '@scope/lib/sub';",
    ].join('\n');
    expect(scanImports(source)).toEqual([
      { specifier: 'express', line: 1, typeOnly: false, syntax: 'import' },
      { specifier: './local.ts', line: 2, typeOnly: false, syntax: 'import' },
      { specifier: 'node:path', line: 3, typeOnly: false, syntax: 'import' },
      { specifier: '@scope/lib/sub', line: 4, typeOnly: false, syntax: 'import' },
    ]);
  });

  test('a side-effect import is found and counts at run time', () => {
    expect(scanImports('import "reflect-metadata";\nimport \'./setup.ts\';')).toEqual([
      { specifier: 'reflect-metadata', line: 1, typeOnly: false, syntax: 'import' },
      { specifier: './setup.ts', line: 2, typeOnly: false, syntax: 'import' },
    ]);
  });

  test('import type, in every shape, is type-only', () => {
    const source = [
      "import type { A } from 'a';",
      "import type B from 'b';",
      "import type * as C from 'c';",
      "import type D = require('d');",
    ].join('\n');
    expect(scanImports(source).map(({ specifier, typeOnly }) => [specifier, typeOnly])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
      ['d', true],
    ]);
  });

  test('inline type specifiers, even when all of them are types, keep the import at run time', () => {
    const source = "import { type A, b } from 'mixed';\nimport { type C, type D } from 'all-inline';";
    expect(scanImports(source).map(({ specifier, typeOnly }) => [specifier, typeOnly])).toEqual([
      ['mixed', false],
      ['all-inline', false],
    ]);
  });

  test('a default import named `type` is a run-time import, not import type', () => {
    const source = "import type from 'named-type';\nimport type, { other } from 'named-type-too';";
    expect(scanImports(source).map(({ specifier, typeOnly }) => [specifier, typeOnly])).toEqual([
      ['named-type', false],
      ['named-type-too', false],
    ]);
  });

  test('re-exports are found: named, star, star-as, and export type is type-only', () => {
    const source = [
      "export { a, b as c } from './a.ts';",
      "export * from './b.ts';",
      "export * as ns from './c.ts';",
      "export type { T } from './d.ts';",
      "export type * from './e.ts';",
      "export { type U, v } from './f.ts';",
    ].join('\n');
    expect(
      scanImports(source).map(({ specifier, typeOnly, syntax }) => [specifier, typeOnly, syntax]),
    ).toEqual([
      ['./a.ts', false, 'export'],
      ['./b.ts', false, 'export'],
      ['./c.ts', false, 'export'],
      ['./d.ts', true, 'export'],
      ['./e.ts', true, 'export'],
      ['./f.ts', false, 'export'],
    ]);
  });

  test('local exports and declarations are not imports', () => {
    const source = [
      'export { a, b };',
      'export const from = "x";',
      'export type T = { from: "y" };',
      'export default function f() {}',
      "export interface I { a: 'z' }",
    ].join('\n');
    expect(scanImports(source)).toEqual([]);
  });

  test('dynamic import and require with a string literal are found, at run time', () => {
    const source = [
      "const a = await import('dyn');",
      'const b = require("req");',
      "const c = await import('with-options', { with: { type: 'json' } });",
    ].join('\n');
    expect(scanImports(source)).toEqual([
      { specifier: 'dyn', line: 1, typeOnly: false, syntax: 'dynamic' },
      { specifier: 'req', line: 2, typeOnly: false, syntax: 'require' },
      { specifier: 'with-options', line: 3, typeOnly: false, syntax: 'dynamic' },
    ]);
  });

  test('dynamic import of a template literal or an expression is ignored', () => {
    const source = [
      'await import(`./plugins/${name}.ts`);',
      'await import(`static-template`);',
      'await import(moduleName);',
      "require(base + '/x');",
    ].join('\n');
    expect(scanImports(source)).toEqual([]);
  });

  test('import() in a type position is type-only; a .then on it is run time', () => {
    const source = [
      "let a: typeof import('typeof-target');",
      "let b: import('member-target').Thing;",
      "import('then-target').then((m) => m.run());",
    ].join('\n');
    expect(scanImports(source).map(({ specifier, typeOnly }) => [specifier, typeOnly])).toEqual([
      ['typeof-target', true],
      ['member-target', true],
      ['then-target', false],
    ]);
  });

  test('import attributes after the specifier do not disturb the scan', () => {
    const source = "import data from './data.json' with { type: 'json' };\nimport x from 'next';";
    expect(specifiers(source)).toEqual(['./data.json', 'next']);
  });

  test('an import with names in quotes (arbitrary module namespace names) is found', () => {
    expect(specifiers('import { "a-b" as ab } from \'quoted-names\';')).toEqual(['quoted-names']);
  });

  test('a default import named from, and a named import called from, still find the specifier', () => {
    expect(specifiers("import from from 'odd';\nimport { from } from 'odder';")).toEqual(['odd', 'odder']);
  });
});

describe('scanImports: what is not an import', () => {
  test('imports inside line and block comments are ignored', () => {
    const source = [
      "// import a from 'in-line-comment';",
      "/* import b from 'in-block-comment';",
      "   require('still-in-block') */",
      "/** @example import('in-doc') */ import real from 'real';",
    ].join('\n');
    expect(scanImports(source)).toEqual([{ specifier: 'real', line: 4, typeOnly: false, syntax: 'import' }]);
  });

  test('imports inside strings are ignored, including escaped quotes', () => {
    const source = [
      'const a = "import x from \'in-double\'";',
      "const b = 'it\\'s import(\"in-single\")';",
      "const c = 'require(\"in-single-2\")'; import after from 'after-strings';",
    ].join('\n');
    expect(specifiers(source)).toEqual(['after-strings']);
  });

  test('imports inside template literals are ignored, but code inside ${} is scanned', () => {
    const source = [
      "const a = `import x from 'in-template'`;",
      "const b = `${await import('in-substitution')} and require('not-this')`;",
      "const c = `outer ${`inner ${require('nested')} import('not-inner')`} tail`;",
      "import last from 'last';",
    ].join('\n');
    expect(scanImports(source)).toEqual([
      { specifier: 'in-substitution', line: 2, typeOnly: false, syntax: 'dynamic' },
      { specifier: 'nested', line: 3, typeOnly: false, syntax: 'require' },
      { specifier: 'last', line: 4, typeOnly: false, syntax: 'import' },
    ]);
  });

  test('a template with an object literal in ${} resumes the template at the right brace', () => {
    const source = "const a = `${ { k: 1 }.k } require('in-template-text')`;\nrequire('after');";
    expect(specifiers(source)).toEqual(['after']);
  });

  test('regex literals holding quotes, slashes or comment markers are skipped', () => {
    const source = [
      "const quote = /'/;",
      'const slashes = /\\/\\/ import("in-regex")/g;',
      'const klass = /[/\'"]/;',
      "if (/import x from 'y'/.test(s)) {}",
      "const after = require('after-regex');",
    ].join('\n');
    expect(scanImports(source)).toEqual([
      { specifier: 'after-regex', line: 5, typeOnly: false, syntax: 'require' },
    ]);
  });

  test('a division is not taken for a regex, so the code after it is still scanned', () => {
    const source =
      "const half = total / 2; const third = (a + b) / 3; const q = x[1] / y / z;\nimport z from 'z';";
    expect(specifiers(source)).toEqual(['z']);
  });

  test('a regex after a keyword and comments is still a regex, so a quote in it opens no string', () => {
    const source =
      "const ok = (s) => { return /* one */ /* two */ /it's/.test(s); }; const y = require('same-line');";
    expect(specifiers(source)).toEqual(['same-line']);
  });

  test('words that only contain import, export or require are not imports', () => {
    const source =
      "const $import = 1; my_require('a'); importer('b'); reimport('c'); exports.x = require_('d');";
    expect(scanImports(source)).toEqual([]);
  });

  test('a spread of require() is an import, not a member call', () => {
    expect(specifiers("const all = [...require('spread')];")).toEqual(['spread']);
  });

  test('member calls named import or require, require.resolve and import.meta are not imports', () => {
    const source = [
      "loader.import('member');",
      "obj?.require('optional-member');",
      "require.resolve('resolved');",
      "const url = import.meta.resolve('meta');",
      "jest.requireActual('actual');",
    ].join('\n');
    expect(scanImports(source)).toEqual([]);
  });

  test('object keys and methods named import or require are not imports', () => {
    const source = [
      "const table = { import: 'key', require: 'key2' };",
      'class Loader { import(name: string) { return name; } require() {} }',
    ].join('\n');
    expect(scanImports(source)).toEqual([]);
  });

  test('an unterminated quote (JSX text) only affects its own line', () => {
    const source = ["const el = <p>Don't do this</p>;", "import after from 'after-jsx';"].join('\n');
    expect(specifiers(source)).toEqual(['after-jsx']);
  });

  test('a hashbang line is skipped', () => {
    expect(scanImports("#!/usr/bin/env node\nimport x from 'x';")).toEqual([
      { specifier: 'x', line: 2, typeOnly: false, syntax: 'import' },
    ]);
  });
});

describe('scanImports: line numbers', () => {
  test('a multi-line import reports the line of its specifier', () => {
    const source = ['import {', '  a,', '  type B,', '  c,', "} from 'multi';"].join('\n');
    expect(scanImports(source)).toEqual([{ specifier: 'multi', line: 5, typeOnly: false, syntax: 'import' }]);
  });

  test('lines stay right after multi-line comments, templates and escaped newlines in strings', () => {
    const source = [
      '/*',
      ' * a comment',
      ' */', // 1-3
      'const t = `line',
      'line',
      '${1}`;', // 4-6
      "const s = 'a\\",
      "b';", // 7-8
      "import x from 'x';", // 9
      '\r', // 10 (a CRLF file keeps counting lines by \n)
      "export * from 'y';", // 11
    ].join('\n');
    expect(scanImports(source).map(({ specifier, line }) => [specifier, line])).toEqual([
      ['x', 9],
      ['y', 11],
    ]);
  });

  test('imports later in a long file report their own lines', () => {
    const filler = Array.from({ length: 500 }, (_, i) => `const v${i} = ${i} / 2; // '\``);
    const source = ["import a from 'first';", ...filler, "import b from 'last';"].join('\n');
    expect(scanImports(source).map(({ specifier, line }) => [specifier, line])).toEqual([
      ['first', 1],
      ['last', 502],
    ]);
  });
});
