import { libraryNeeds } from '../src/library-needs.ts';
import type { Brick, Project } from '../src/types.ts';
import { brick, project, workspace } from './build-workspace.ts';

const listing = <T extends Brick | Project>(owner: T, libraries: Record<string, string>): T => ({
  ...owner,
  libraries,
});

// api → job → store; job imports lodash at run time, zod as a type only and jest-extended in tests;
// store imports pg and lodash; the project ships api and job but not store.
const ws = workspace(
  [
    listing(
      brick('job', [
        'store',
        { library: 'lodash' },
        { library: 'zod', typeOnly: true },
        { library: 'jest-extended', context: 'test' },
        { library: 'lodash' },
      ]),
      { lodash: '^4.17.21', 'left-pad': '^1.3.0' },
    ),
    listing(brick('store', [{ library: 'pg' }, { library: 'lodash' }, { library: 'constructor' }]), {
      pg: '^8.0.0',
    }),
    brick('api', ['job'], 'base'),
  ],
  [listing(project('api_app', ['api', 'job']), { lodash: '^4.17.21' })],
  project('development', ['api', 'job', 'store']),
);

describe('libraryNeeds', () => {
  const needs = libraryNeeds(ws);
  const of = (kind: string, owner: string) => needs.find((n) => n.kind === kind && n.owner === owner);

  test("a brick needs the libraries its src imports at run time, each with its package.json's range", () => {
    expect(of('brick', 'job')).toEqual({
      owner: 'job',
      kind: 'brick',
      manifest: 'components/job/package.json',
      needs: [
        {
          library: 'lodash',
          version: '^4.17.21',
          neededBy: ['job'],
          firstImport: expect.objectContaining({ file: 'components/job/src/index.ts', line: 2 }),
        },
      ],
    });
  });

  test('a library the package.json does not list has no version, even one named like an Object method', () => {
    expect(of('brick', 'store')?.needs.map(({ library, version }) => [library, version])).toEqual([
      ['constructor', undefined],
      ['lodash', undefined],
      ['pg', '^8.0.0'],
    ]);
  });

  test('a project needs the libraries of every brick its bricks reach, shipped or not, naming who needs each', () => {
    expect(
      of('project', 'api_app')?.needs.map(({ library, version, neededBy }) => [library, version, neededBy]),
    ).toEqual([
      ['constructor', undefined, ['store']],
      ['lodash', '^4.17.21', ['job', 'store']],
      ['pg', undefined, ['store']],
    ]);
  });

  test('every brick then every deployable project has an entry; the development project has none', () => {
    expect(needs.map((n) => `${n.kind} ${n.owner}`)).toEqual([
      'brick job',
      'brick store',
      'brick api',
      'project api_app',
    ]);
  });
});
