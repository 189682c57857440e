import { renderActivityPanel } from '../src/activity-panel.ts';

const minute = (index: number, done: number, failed = 0) => ({
  minute: new Date(Date.UTC(2026, 10, 23, 10, index)).toISOString(),
  done,
  failed,
});

describe('renderActivityPanel', () => {
  test('renderActivityPanel: sums the window and the jobs done in the last five minutes, the current one included', () => {
    const activity = [
      minute(0, 10),
      minute(1, 2),
      minute(2, 4, 1),
      minute(3, 6),
      minute(4, 8),
      minute(5, 0),
      minute(6, 3),
    ];
    const html = renderActivityPanel(activity);
    expect(html).toContain('data-done="33" data-failed="1"');
    expect(html).toContain(
      '33 done and 1 failed in the last 7 minutes; 21 done in the last 5 (4.2 a minute)',
    );
  });

  test('renderActivityPanel: draws one bar per minute, the busiest one full height', () => {
    const html = renderActivityPanel([minute(0, 1), minute(1, 4, 1)]);
    expect(html.match(/<g>/g)).toHaveLength(2);
    expect(html).toContain('<title>10:01 UTC: 4 done, 1 failed</title>');
    expect(html).toContain('class="bar-done" x="11.5" y="10" width="7" height="40"');
    expect(html).toContain('class="bar-failed" x="11.5" y="0" width="7" height="10"');
  });

  test('renderActivityPanel: with nothing done, draws empty bars without dividing by zero', () => {
    const html = renderActivityPanel([minute(0, 0), minute(1, 0)]);
    expect(html).not.toContain('NaN');
    expect(html).toContain('0 done and 0 failed');
  });
});
