import { addToReadmeLayout } from '../src/readme-layout.ts';

const folders = { components: 'components', bases: 'bases', projects: 'projects' };

/** The layout block as this repository's README has it. */
const README = [
  '# ws',
  '',
  '```sh',
  'components/ is not a layout line here',
  '```',
  '',
  '```',
  'components/           the building blocks',
  '  fetch_data            the "external service"',
  '  run_processing_worker handles data_processing',
  'bases/                the entry points',
  '  rest_api              the Express API',
  'projects/             the deployables',
  '  api_app, fetch_worker_app',
  'development/          npm start',
  '```',
  '',
].join('\n');

describe('addToReadmeLayout', () => {
  test('adds a component after the last one, its description aligned with theirs', () => {
    const updated = addToReadmeLayout(README, folders, {
      folder: 'components',
      name: 'geo_cache',
      description: 'caches answers',
    });
    expect(updated?.split('\n').slice(8, 12)).toEqual([
      '  fetch_data            the "external service"',
      '  run_processing_worker handles data_processing',
      '  geo_cache             caches answers',
      'bases/                the entry points',
    ]);
  });

  test('adds a name longer than the column with one space before its description', () => {
    const updated = addToReadmeLayout(README, folders, {
      folder: 'bases',
      name: 'a_very_long_base_name_indeed',
      description: 'wires',
    });
    expect(updated).toContain(
      '  rest_api              the Express API\n  a_very_long_base_name_indeed wires\nprojects/',
    );
  });

  test('adds just the name when there is no description', () => {
    const updated = addToReadmeLayout(README, folders, { folder: 'bases', name: 'cli', description: '' });
    expect(updated).toContain('  rest_api              the Express API\n  cli\nprojects/');
  });

  test('appends a project to a comma-separated line of project names', () => {
    const updated = addToReadmeLayout(README, folders, {
      folder: 'projects',
      name: 'poly',
      description: 'x',
    });
    expect(updated).toContain('projects/             the deployables\n  api_app, fetch_worker_app, poly\n');
  });

  test('adds the first entry of an empty folder two columns right of the folder description', () => {
    const empty =
      '```\ncomponents/           blocks\nbases/                entries\nprojects/             apps\n```\n';
    const updated = addToReadmeLayout(empty, folders, {
      folder: 'projects',
      name: 'app',
      description: 'the app',
    });
    expect(updated).toBe(
      '```\ncomponents/           blocks\nbases/                entries\nprojects/             apps\n  app                   the app\n```\n',
    );
  });

  test('changes nothing else in the README', () => {
    const updated = addToReadmeLayout(README, folders, { folder: 'components', name: 'x', description: '' });
    expect(updated?.replace('\n  x\n', '\n')).toBe(README);
  });

  test('when no fenced block lists all three folders, returns undefined', () => {
    expect(
      addToReadmeLayout('# ws\n\n```\ncomponents/\nbases/\n```\n', folders, {
        folder: 'components',
        name: 'x',
        description: '',
      }),
    ).toBeUndefined();
  });
});
