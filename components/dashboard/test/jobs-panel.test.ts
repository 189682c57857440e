import { renderJobsPanel } from '../src/jobs-panel.ts';
import { job } from './fixtures.ts';

const now = new Date('2026-11-23T10:00:10.000Z');

describe('renderJobsPanel', () => {
  test('renderJobsPanel: with no jobs, says how to start one', () => {
    expect(renderJobsPanel([], now)).toContain('No jobs yet');
  });

  test('renderJobsPanel: with a trace UI, a traced job links to its trace; without one, or untraced, no link', () => {
    const traced = job({ trace_parent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const untraced = job({ id: 'bbbbbbbb-2222-4333-8444-555555555555' });
    const template = 'http://localhost:16686/trace/{traceId}?a=1&b=2';
    const html = renderJobsPanel([traced, untraced], now, template);
    expect(html).toContain(
      '<a class="trace" href="http://localhost:16686/trace/0af7651916cd43dd8448eb211c80319c?a=1&amp;b=2"',
    );
    expect(html.match(/class="trace"/g)).toHaveLength(1);
    expect(renderJobsPanel([traced], now)).not.toContain('class="trace"');
  });

  test('renderJobsPanel: a failed job gets a Retry button naming it and its error, escaped', () => {
    const failed = job({
      status: 'failed',
      attempts: 3,
      error: 'fetch failed: <script>alert(1)</script>',
      fetching_at: '2026-11-23T10:00:01.000Z',
      failed_at: '2026-11-23T10:00:04.000Z',
    });
    const html = renderJobsPanel([failed], now);
    expect(html).toContain(`data-retry="${failed.id}"`);
    expect(html).toContain(`id="retry-${failed.id}"`);
    expect(html).toContain('<button type="button"');
    expect(html).toContain('fetch failed: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<td>3</td>');
    expect(html).toContain('<td>3.0 s</td>'); // fetching, up to failed_at
  });

  test('renderJobsPanel: jobs that are not failed have no Retry button; rows keep the given order', () => {
    const first = job({
      id: 'aaaaaaaa-2222-4333-8444-555555555555',
      status: 'done',
      done_at: '2026-11-23T10:00:02.000Z',
    });
    const second = job({ id: 'bbbbbbbb-2222-4333-8444-555555555555', status: 'processing' });
    const html = renderJobsPanel([first, second], now);
    expect(html).not.toContain('data-retry');
    expect(html.indexOf('aaaaaaaa')).toBeLessThan(html.indexOf('bbbbbbbb'));
    expect(html).toContain('status-processing');
    expect(html).toContain(`<a href="jobs/${first.id}"`);
  });
});
