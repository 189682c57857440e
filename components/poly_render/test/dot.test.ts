import { renderDot } from '../src/dot.ts';
import { fixtureWorkspace } from './fixture.ts';

describe('renderDot', () => {
  test('renderDot: for a project, writes a digraph of its bricks with quoted ids and dashed type-only edges', () => {
    expect(renderDot(fixtureWorkspace(), { project: 'api_app' })).toBe(
      [
        'digraph "api_app" {',
        '  rankdir=TB;',
        '  node [shape=box, style=filled, fontname="Helvetica"];',
        '  "log" [fillcolor="#e8f5e9", color="#2e7d32"];',
        '  "settings" [fillcolor="#e8f5e9", color="#2e7d32"];',
        '  "store" [fillcolor="#e8f5e9", color="#2e7d32"];',
        '  "rest_api" [style="rounded,filled", fillcolor="#e3f2fd", color="#1565c0"];',
        '  "settings" -> "log" [style=dashed];',
        '  "store" -> "log";',
        '  "store" -> "settings";',
        '  "rest_api" -> "settings" [style=dashed];',
        '  "rest_api" -> "store";',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('renderDot: for the whole workspace, names the graph workspace and lays it out as asked', () => {
    const text = renderDot(fixtureWorkspace(), { direction: 'LR' });
    expect(text.split('\n').slice(0, 2)).toEqual(['digraph "workspace" {', '  rankdir=LR;']);
  });
});
