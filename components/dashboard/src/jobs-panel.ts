import type { Job } from '@mousetrap/store';
import { traceIdOf } from '@mousetrap/tracing';
import { escapeHtml } from './escape-html.ts';
import { formatDuration, stageTimes, timeOfDay } from './stage-times.ts';

const HEAD = [
  'Job',
  'Status',
  'Created',
  'Queued',
  'Fetching',
  'Processing',
  'Total',
  'Attempts',
  'Error',
  '',
];

const duration = (value: number | null) => (value === null ? '–' : formatDuration(value));

/** A link to the job's trace in the trace UI, when there is a UI and the job was traced. */
function traceLink(job: Job, traceUiUrl: string | undefined): string {
  const traceId = traceIdOf(job.trace_parent ?? undefined);
  if (traceUiUrl === undefined || traceId === undefined) return '';
  const href = escapeHtml(traceUiUrl.replaceAll('{traceId}', traceId));
  return ` <a class="trace" href="${href}" target="_blank" rel="noopener noreferrer" title="Trace ${traceId}">trace</a>`;
}

function row(job: Job, now: Date, traceUiUrl: string | undefined): string {
  const times = stageTimes(job, now);
  const id = escapeHtml(job.id);
  const short = escapeHtml(job.id.slice(0, 8));
  const retry =
    job.status === 'failed'
      ? ` <button type="button" class="retry" id="retry-${id}" data-retry="${id}" aria-label="Retry job ${short}">Retry</button>`
      : '';
  const cells = [
    `<a href="jobs/${id}" title="${id}"><code>${short}</code></a>${traceLink(job, traceUiUrl)}`,
    // The Retry button sits by the status, where it is seen even when the table scrolls.
    `<span class="status status-${escapeHtml(job.status)}">${escapeHtml(job.status)}</span>${retry}`,
    `<time datetime="${escapeHtml(job.created_at)}" title="UTC">${escapeHtml(timeOfDay(job.created_at))}</time>`,
    duration(times.queued),
    duration(times.fetching),
    duration(times.processing),
    formatDuration(times.total),
    String(job.attempts),
    job.error === null ? '' : `<span class="error">${escapeHtml(job.error)}</span>`,
  ];
  return `<tr data-job="${id}" data-status="${escapeHtml(job.status)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/**
 * The recent jobs as a table: status, time in each stage (running stages count up to `now`),
 * attempts, the error of a failed job and a Retry button for it; with `traceUiUrl` (a template
 * with `{traceId}`), a link to each traced job's trace.
 */
export function renderJobsPanel(jobs: readonly Job[], now: Date, traceUiUrl?: string): string {
  if (jobs.length === 0) return '<p class="empty">No jobs yet: press “Refresh data” to start one.</p>';
  const head = HEAD.map((name) => `<th scope="col">${name}</th>`).join('');
  return `<div class="scroll" tabindex="0" role="region" aria-label="Recent jobs, scrollable">
<table class="jobs"><thead><tr>${head}</tr></thead><tbody>
${jobs.map((job) => row(job, now, traceUiUrl)).join('\n')}
</tbody></table></div>`;
}
