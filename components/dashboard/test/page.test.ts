import { renderDashboardPage } from '../src/page.ts';
import { renderPanels } from '../src/panels.ts';
import type { DashboardSnapshot } from '../src/snapshot.ts';
import { job, QUEUES, RESULT } from './fixtures.ts';

const snapshot: DashboardSnapshot = {
  now: new Date('2026-11-23T10:00:10.000Z'),
  jobs: [job({ status: 'failed', error: 'boom', failed_at: '2026-11-23T10:00:05.000Z' })],
  activity: [{ minute: '2026-11-23T10:00:00.000Z', done: 1, failed: 1 }],
  queues: QUEUES,
  latest: RESULT,
  unfinished: { unfinished: 1, oldestCreatedAt: '2026-11-23T10:00:00.000Z', stalled: 0 },
  stageTimeoutMs: 300_000,
};

describe('renderDashboardPage', () => {
  const page = renderDashboardPage(snapshot);

  test('renderDashboardPage: loads its script and stylesheet from the app, relative, and inlines neither', () => {
    expect(page).toContain('<script src="dashboard/assets/dashboard.js" defer></script>');
    expect(page).toContain('<link rel="stylesheet" href="dashboard/assets/dashboard.css">');
    expect(page).not.toMatch(/<script>|<style|style="|on(click|load)=/);
    expect(page).not.toMatch(/https?:\/\//);
  });

  test('renderDashboardPage: has the Refresh data button, the stage tracker and every panel, filled', () => {
    expect(page).toContain('<button type="button" id="refresh-button" class="primary">Refresh data</button>');
    expect(page).toContain('<div id="tracker" data-status="idle" aria-live="polite">');
    for (const [name, html] of Object.entries(renderPanels(snapshot))) {
      expect(page).toContain(`<div id="panel-${name}">${html}</div>`);
    }
  });

  test('renderDashboardPage: is readable on a phone (viewport meta) and names its language', () => {
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<html lang="en">');
  });

  test('renderDashboardPage: by default, renders the API key field hidden, for the script to show after a 401', () => {
    expect(page).toContain('<form id="key-form" class="key-form" data-state="missing" hidden>');
  });
});

describe('renderDashboardPage with apiKeyRequired', () => {
  const page = renderDashboardPage(snapshot, { apiKeyRequired: true });

  test('renderDashboardPage: with apiKeyRequired, shows the API key field in the Start a job card, before its button', () => {
    expect(page).toContain('<form id="key-form" class="key-form" data-state="missing">');
    const start = page.indexOf('id="title-start"');
    expect(page.indexOf('id="key-form"')).toBeGreaterThan(start);
    expect(page.indexOf('id="key-form"')).toBeLessThan(page.indexOf('id="refresh-button"'));
  });

  test('renderDashboardPage: the key field is labelled, masked, described by its status, and has no name a form could submit', () => {
    expect(page).toContain('<label for="api-key">API key</label>');
    const input = /<input id="api-key"[^>]*>/.exec(page)?.[0] ?? '';
    expect(input).toContain('type="password"');
    expect(input).toContain('autocomplete="off"');
    expect(input).toContain('aria-describedby="key-status"');
    expect(input).not.toMatch(/\sname=|\svalue=/);
    expect(page).toContain('<p id="key-status" class="key-status" role="status">');
  });
});
