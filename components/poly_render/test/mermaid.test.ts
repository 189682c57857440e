import { mermaidId, renderMermaid } from '../src/mermaid.ts';
import { fixtureWorkspace } from './fixture.ts';

describe('renderMermaid', () => {
  test('renderMermaid: draws bases rounded, type-only and test imports dotted, and styles each kind', () => {
    expect(renderMermaid(fixtureWorkspace())).toBe(
      [
        'graph TD',
        '  log["log"]',
        '  settings["settings"]',
        '  store["store"]',
        '  rest_api(["rest_api"])',
        '  settings -.-> log',
        '  store --> log',
        '  store --> settings',
        '  rest_api -.-> settings',
        '  rest_api --> store',
        '  classDef component fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20',
        '  classDef base fill:#e3f2fd,stroke:#1565c0,color:#0d47a1',
        '  class log,settings,store component',
        '  class rest_api base',
        '',
      ].join('\n'),
    );
  });

  test('renderMermaid: for a project, draws only the bricks it ships, left to right when asked', () => {
    expect(renderMermaid(fixtureWorkspace(), { project: 'tool_app', direction: 'LR' })).toBe(
      [
        'graph LR',
        '  %% bricks of project tool_app',
        '  log["log"]',
        '  settings["settings"]',
        '  settings -.-> log',
        '  classDef component fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20',
        '  classDef base fill:#e3f2fd,stroke:#1565c0,color:#0d47a1',
        '  class log,settings component',
        '',
      ].join('\n'),
    );
  });
});

describe('mermaidId', () => {
  test('mermaidId: keeps a snake_case name, and prefixes a mermaid keyword or a leading digit', () => {
    expect(mermaidId('job_queue')).toBe('job_queue');
    expect(mermaidId('end')).toBe('brick_end');
    expect(mermaidId('3d')).toBe('brick_3d');
  });
});
