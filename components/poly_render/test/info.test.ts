import { infoView, renderInfo } from '../src/info.ts';
import { visibleLength } from '../src/style.ts';
import { fixtureWorkspace } from './fixture.ts';

const marks = {
  changed: ['settings'],
  affected: ['rest_api', 'settings', 'store'],
  sinceLabel: 'stable-3 (abc1234)',
};

describe('infoView', () => {
  test('infoView: counts deployable projects only, and lists components then bases, development last', () => {
    const view = infoView(fixtureWorkspace(), marks);
    expect(view.counts).toEqual({ components: 3, bases: 1, projects: 2, bricks: 4 });
    expect(view.rows.map((row) => row.brick)).toEqual(['log', 'settings', 'store', 'rest_api']);
    expect(view.projects).toEqual(['api_app', 'tool_app', 'development']);
  });

  test('infoView: marks a changed brick * even when it is also affected, and an affected one +', () => {
    const view = infoView(fixtureWorkspace(), marks);
    expect(view.rows.map((row) => row.mark)).toEqual(['', '*', '+', '+']);
  });

  test('infoView: labels a project by its workspace.json alias, else by its name', () => {
    const view = infoView(fixtureWorkspace(), marks);
    expect(view.labels).toEqual({ api_app: 'api', tool_app: 'tool_app', development: 'development' });
  });

  test('infoView: says which projects ship each brick', () => {
    const store = infoView(fixtureWorkspace(), marks).rows[2];
    expect(store?.projects).toEqual({ api_app: true, tool_app: false, development: true });
  });
});

describe('renderInfo', () => {
  test('renderInfo: without colour, prints counts, since, the ASCII table and the legend', () => {
    const text = renderInfo(infoView(fixtureWorkspace(), marks), { color: false });
    expect(text).toBe(
      [
        'components: 3  bases: 1  projects: 2  bricks: 4',
        'since: stable-3 (abc1234)',
        '',
        'brick       kind       api  tool_app  development',
        '----------  ---------  ---  --------  -----------',
        'log         component   x      x           x',
        'settings *  component   x      x           x',
        'store +     component   x                  x',
        'rest_api +  base        x                  x',
        '',
        'x ships the brick  * changed  + affected (uses a changed brick)',
        '',
      ].join('\n'),
    );
  });

  test('renderInfo: with colour, uses ANSI codes and ✔, and keeps the columns of the plain table', () => {
    const view = infoView(fixtureWorkspace(), marks);
    const colored = renderInfo(view, { color: true });
    const plain = renderInfo(view, { color: false });
    expect(colored).toContain('\u001b[');
    expect(colored).toContain('✔');
    expect(plain).not.toContain('\u001b[');
    expect(plain).not.toContain('✔');
    expect(colored.split('\n').map(visibleLength)).toEqual(plain.split('\n').map(visibleLength));
  });
});
