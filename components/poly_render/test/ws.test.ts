import { renderJson } from '../src/json.ts';
import { wsView } from '../src/ws.ts';
import { fixtureWorkspace } from './fixture.ts';

describe('wsView', () => {
  test('wsView: keeps root, config, bricks with their imports, and projects as the model has them', () => {
    const ws = fixtureWorkspace();
    const view = wsView(ws);
    expect(view.root).toBe('/work/acme');
    expect(view.config).toEqual(ws.config);
    expect(view.bricks).toEqual(ws.bricks);
    expect(view.projects.map((project) => project.name)).toEqual(['api_app', 'tool_app']);
  });

  test('wsView: gives an absent alias as null, so it survives JSON', () => {
    const parsed = JSON.parse(renderJson(wsView(fixtureWorkspace())));
    expect(parsed.projects[1].alias).toBeNull();
    expect(parsed.development.alias).toBeNull();
    expect(parsed.projects[0].alias).toBe('api');
  });

  test('wsView: with no development project, gives null', () => {
    const ws = fixtureWorkspace();
    ws.development = undefined;
    expect(wsView(ws).development).toBeNull();
  });

  test('wsView: does not share objects with the model, so changing the view leaves the model alone', () => {
    const ws = fixtureWorkspace();
    wsView(ws).bricks[0]?.imports.pop();
    expect(ws.bricks[0]?.imports).toHaveLength(2);
  });
});

describe('renderJson', () => {
  test('renderJson: writes two-space indented JSON ending in a newline', () => {
    expect(renderJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});
