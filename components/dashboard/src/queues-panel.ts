import type { QueueStats } from '@mousetrap/job_queue';
import { escapeHtml } from './escape-html.ts';

// Queue names may break after an underscore (<wbr>), so that the table fits a phone.

/**
 * The broker's queues as a table: messages waiting, consumers connected and dead letters (marked
 * when there are any); `undefined` stats mean the broker did not answer.
 */
export function renderQueuesPanel(stats: readonly QueueStats[] | undefined): string {
  if (stats === undefined)
    return '<p class="warning">The broker did not answer; queue counts are unknown.</p>';
  const rows = stats.map((entry) => {
    const dead = entry.deadLetters > 0 ? ` class="dead"` : '';
    return `<tr data-queue="${escapeHtml(entry.queue)}"><th scope="row"><code>${escapeHtml(entry.queue).replaceAll('_', '_<wbr>')}</code></th><td>${entry.messages}</td><td>${entry.consumers}</td><td${dead}>${entry.deadLetters}</td></tr>`;
  });
  return `<table class="queues"><thead><tr><th scope="col">Queue</th><th scope="col">Waiting</th><th scope="col">Consumers</th><th scope="col">Dead letters</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}
