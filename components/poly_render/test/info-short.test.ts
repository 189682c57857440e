import type { Workspace } from '@mousetrap/workspace_model';
import { infoView } from '../src/info.ts';
import { renderInfoShort } from '../src/info-short.ts';
import { visibleLength } from '../src/style.ts';
import { fixtureWorkspace } from './fixture.ts';

const marks = { changed: ['settings'], affected: ['rest_api', 'store'], sinceLabel: 'stable-3 (abc1234)' };

/** The fixture with a brick only the development project lists, which it no longer lists in full. */
function withUnshippedBrick(): Workspace {
  const ws = fixtureWorkspace();
  const [log] = ws.bricks;
  if (log === undefined || ws.development === undefined) throw new Error('fixture changed');
  return {
    ...ws,
    bricks: [{ ...log, name: 'audit', dir: 'components/audit' }, ...ws.bricks],
    development: { ...ws.development, bricks: ['audit', 'log', 'settings', 'store'] },
  };
}

describe('renderInfoShort', () => {
  test('renderInfoShort: one line per project, bases | components with marks; development ships every brick', () => {
    expect(renderInfoShort(infoView(fixtureWorkspace(), marks), { color: false })).toBe(
      [
        'components: 3  bases: 1  projects: 2  bricks: 4',
        'since: stable-3 (abc1234)',
        '',
        'api_app (api)  4  rest_api+ | log settings* store+',
        'tool_app       2  log settings*',
        'development    4  every brick',
        'bases | components  * changed  + affected (uses a changed brick)',
        '',
      ].join('\n'),
    );
  });

  test('renderInfoShort: names the bricks no deployable project ships, and lists development when partial', () => {
    const lines = renderInfoShort(infoView(withUnshippedBrick(), marks), { color: false }).split('\n');
    expect(lines.slice(3, 7)).toEqual([
      'api_app (api)  4  rest_api+ | log settings* store+',
      'tool_app       2  log settings*',
      'development    4  audit log settings* store+',
      '(no project)   1  audit',
    ]);
  });

  test('renderInfoShort: with colour, uses ANSI codes and keeps the plain text’s widths', () => {
    const view = infoView(fixtureWorkspace(), marks);
    const colored = renderInfoShort(view, { color: true });
    const plain = renderInfoShort(view, { color: false });
    expect(colored).toContain('\u001b[');
    expect(colored.split('\n').map(visibleLength)).toEqual(plain.split('\n').map(visibleLength));
  });
});
