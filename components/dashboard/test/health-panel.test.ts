import { renderHealthPanel } from '../src/health-panel.ts';

const now = new Date('2026-11-23T10:05:00.000Z');
const calm = [
  { queue: 'start_fetch' as const, messages: 3, consumers: 1, deadLetters: 0 },
  { queue: 'data_processing' as const, messages: 0, consumers: 1, deadLetters: 0 },
];

describe('renderHealthPanel', () => {
  test('renderHealthPanel: nothing unfinished, queues consumed: the counts and no warning', () => {
    const html = renderHealthPanel({ unfinished: 0, oldestCreatedAt: null, stalled: 0 }, 300_000, calm, now);
    expect(html).toContain('<dd data-health="unfinished">0</dd>');
    expect(html).toContain('<dd data-health="oldest">none</dd>');
    expect(html).toContain('<dd data-health="stalled">0</dd>');
    expect(html).toContain('Nothing needs attention.');
    expect(html).not.toContain('class="warnings"');
  });

  test('renderHealthPanel: the oldest unfinished job’s age, in seconds then minutes', () => {
    const fiveMinutes = renderHealthPanel(
      { unfinished: 4, oldestCreatedAt: '2026-11-23T10:00:00.000Z', stalled: 0 },
      300_000,
      calm,
      now,
    );
    expect(fiveMinutes).toContain('<dd data-health="oldest">5 min</dd>');
    const seconds = renderHealthPanel(
      { unfinished: 1, oldestCreatedAt: '2026-11-23T10:04:18.000Z', stalled: 0 },
      300_000,
      calm,
      now,
    );
    expect(seconds).toContain('<dd data-health="oldest">42 s</dd>');
  });

  test('renderHealthPanel: a queue with messages and no consumer, stalled jobs and dead letters are each a warning', () => {
    const html = renderHealthPanel(
      { unfinished: 7, oldestCreatedAt: '2026-11-23T09:00:00.000Z', stalled: 7 },
      300_000,
      [
        { queue: 'start_fetch', messages: 7, consumers: 0, deadLetters: 2 },
        { queue: 'data_processing', messages: 0, consumers: 0, deadLetters: 0 },
      ],
      now,
    );
    expect(html).toContain('<dd data-health="stalled" class="bad">7</dd>');
    const warnings = html.match(/<li>/g) ?? [];
    expect(warnings).toHaveLength(3);
    expect(html).toContain('<code>start_fetch</code>: 7 waiting and no consumer. Is a fetch worker running');
    expect(html).not.toContain('<code>data_processing</code>: 0 waiting');
    expect(html).toContain('7 jobs have made no progress in 5 min');
    expect(html).toContain('2 dead letters');
  });

  test('renderHealthPanel: with the broker away, only the database’s counts', () => {
    const html = renderHealthPanel(
      { unfinished: 1, oldestCreatedAt: null, stalled: 0 },
      300_000,
      undefined,
      now,
    );
    expect(html).toContain('Nothing needs attention.');
  });
});
