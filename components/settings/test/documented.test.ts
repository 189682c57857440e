import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import * as schemas from '../src/schemas.ts';

// docs/configuration.md is the reference of every variable: this keeps it and the schemas in step.
const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');

/** The table's rows: each variable named in a row's first cell, with the row's defaults in order. */
function documentedDefaults() {
  const defaults = new Map<string, string>();
  for (const line of page.split('\n')) {
    const [, variables = '', fallbacks = ''] = line.split('|').map((cell) => cell.trim());
    if (!variables.startsWith('`')) continue;
    const names = [...variables.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1] ?? '');
    const values = [...fallbacks.matchAll(/`([^`]*)`|([^,`]+)/g)]
      .map((match) => (match[1] ?? match[2] ?? '').trim())
      .filter((value) => value !== '');
    if (values.length !== names.length) continue;
    for (const [i, name] of names.entries()) defaults.set(name, values[i] ?? '');
  }
  return defaults;
}

const fieldGroups: Record<string, v.GenericSchema>[] = Object.entries(schemas)
  .filter(([name]) => name.endsWith('Fields'))
  .map(([, group]) => group as Record<string, v.GenericSchema>);
const fields = fieldGroups.flatMap((group) => Object.entries(group));

describe('docs/configuration.md', () => {
  test('names every variable a service reads', () => {
    expect(fields.length).toBeGreaterThan(20);
    const names = [...fields.map(([name]) => name), ...Object.keys(schemas.probeField(0))];
    expect(names.filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
  });

  test("gives each variable's own default as the schema applies it", () => {
    const documented = documentedDefaults();
    const withDefaults = fields.flatMap(([name, field]) => {
      const fallback: unknown = v.parse(field, undefined);
      if (fallback === undefined || fallback === '') return [];
      return [[name, Array.isArray(fallback) ? fallback.join(',') : String(fallback)] as const];
    });
    expect(withDefaults.length).toBeGreaterThan(15);
    const wrong = withDefaults
      .filter(([name, fallback]) => documented.get(name) !== fallback)
      .map(([name, fallback]) => `${name}: schema ${fallback}, docs ${documented.get(name) ?? 'no default'}`);
    expect(wrong).toEqual([]);
  });
});
