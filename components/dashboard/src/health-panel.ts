import { consumerOf, unconsumedQueues } from '@mousetrap/job_intake';
import type { QueueStats } from '@mousetrap/job_queue';
import type { UnfinishedSummary } from '@mousetrap/store';
import { escapeHtml } from './escape-html.ts';

/** A duration in seconds as the page writes it: `42 s`, `12 min`, `3 h`. */
function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/**
 * What could keep jobs from ending: how many are unfinished and since when the oldest waits, how
 * many made no progress within their stage's budget (the sweeper re-drives those, then fails
 * them), and the warnings an operator should act on: a queue where messages wait and nobody
 * consumes them, stalled jobs, dead letters.
 */
export function renderHealthPanel(
  unfinished: UnfinishedSummary,
  stageTimeoutMs: number,
  queues: readonly QueueStats[] | undefined,
  now: Date,
): string {
  const oldest =
    unfinished.oldestCreatedAt === null
      ? 'none'
      : duration(Math.max(0, (now.getTime() - Date.parse(unfinished.oldestCreatedAt)) / 1000));
  const stalledClass = unfinished.stalled > 0 ? ' class="bad"' : '';
  const warnings: string[] = [];
  for (const queue of unconsumedQueues(queues)) {
    const waiting = queues?.find((entry) => entry.queue === queue)?.messages ?? 0;
    warnings.push(
      `<code>${escapeHtml(queue)}</code>: ${waiting} waiting and no consumer. Is ${consumerOf(queue)} running, with the API’s queue prefix?`,
    );
  }
  if (unfinished.stalled > 0) {
    warnings.push(
      `${unfinished.stalled} ${unfinished.stalled === 1 ? 'job has' : 'jobs have'} made no progress in ${duration(stageTimeoutMs / 1000)}: waiting behind a backlog, or stalled. Stalled ones are re-driven, then failed. A worker that cannot find its jobs (another database or schema than the API’s) says so in its log and its <code>jobs_unknown_total</code> metric.`,
    );
  }
  const dead = (queues ?? []).reduce((sum, entry) => sum + entry.deadLetters, 0);
  if (dead > 0) {
    warnings.push(
      `${dead} dead ${dead === 1 ? 'letter' : 'letters'}: messages that cannot be handled, or whose job failed for good. <code>development/05-dead-letters.ts</code> lists them.`,
    );
  }
  const list =
    warnings.length === 0
      ? '<p class="ok">Nothing needs attention.</p>'
      : `<ul class="warnings">${warnings.map((warning) => `<li>${warning}</li>`).join('')}</ul>`;
  return `<dl class="health">
<div><dt>Unfinished jobs</dt><dd data-health="unfinished">${unfinished.unfinished}</dd></div>
<div><dt>Oldest unfinished</dt><dd data-health="oldest">${oldest}</dd></div>
<div><dt>Stalled</dt><dd data-health="stalled"${stalledClass}>${unfinished.stalled}</dd></div>
</dl>
${list}`;
}
