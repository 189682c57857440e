import type { MinuteActivity } from '@mousetrap/store';
import { escapeHtml } from './escape-html.ts';
import { timeOfDay } from './stage-times.ts';

// Chart geometry in SVG user units: one bar slot per minute.
const SLOT = 10;
const BAR = 7;
const HEIGHT = 50;

/** The minutes, the current one included, of the recent rate the summary gives. */
const RECENT_MINUTES = 5;

function bar(entry: MinuteActivity, index: number, scale: number): string {
  const done = entry.done * scale;
  const failed = entry.failed * scale;
  const x = index * SLOT + (SLOT - BAR) / 2;
  const label = `${timeOfDay(entry.minute).slice(0, 5)} UTC: ${entry.done} done, ${entry.failed} failed`;
  return `<g><title>${escapeHtml(label)}</title><rect class="bar-done" x="${x}" y="${HEIGHT - done}" width="${BAR}" height="${done}"/><rect class="bar-failed" x="${x}" y="${HEIGHT - done - failed}" width="${BAR}" height="${failed}"/></g>`;
}

/**
 * Throughput: jobs done (and failed, stacked) per minute as a bar chart, oldest minute left, with
 * the totals and the rate over the last five minutes (the current one so far included) in words.
 */
export function renderActivityPanel(activity: readonly MinuteActivity[]): string {
  const done = activity.reduce((sum, entry) => sum + entry.done, 0);
  const failed = activity.reduce((sum, entry) => sum + entry.failed, 0);
  const lately = activity.slice(-RECENT_MINUTES).reduce((sum, entry) => sum + entry.done, 0);
  const peak = Math.max(1, ...activity.map((entry) => entry.done + entry.failed));
  const summary = `${done} done and ${failed} failed in the last ${activity.length} minutes; ${lately} done in the last ${RECENT_MINUTES} (${(lately / RECENT_MINUTES).toFixed(1)} a minute)`;
  const bars = activity.map((entry, index) => bar(entry, index, HEIGHT / peak)).join('');
  return `<p class="summary" id="activity-summary" data-done="${done}" data-failed="${failed}">${escapeHtml(summary)}.</p>
<svg class="chart" viewBox="0 0 ${activity.length * SLOT} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(summary)}">${bars}<line class="axis" x1="0" y1="${HEIGHT}" x2="${activity.length * SLOT}" y2="${HEIGHT}"/></svg>
<p class="legend"><span class="key key-done"></span> done <span class="key key-failed"></span> failed · one bar a minute, peak ${peak}</p>`;
}
