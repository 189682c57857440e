import { renderActivityPanel } from './activity-panel.ts';
import { renderHealthPanel } from './health-panel.ts';
import { renderJobsPanel } from './jobs-panel.ts';
import { renderQueuesPanel } from './queues-panel.ts';
import type { DashboardSnapshot } from './snapshot.ts';
import { renderMapPanel } from './world-map.ts';

/** The dashboard's live parts, each the inner HTML of the element `panel-<name>` of the page. */
export interface DashboardPanels {
  map: string;
  queues: string;
  health: string;
  activity: string;
  jobs: string;
}

/**
 * Renders every live part of the dashboard from one snapshot; the page's script swaps them in.
 * With `traceUiUrl`, each traced job links to its trace.
 */
export function renderPanels(
  snapshot: DashboardSnapshot,
  options: { traceUiUrl?: string | undefined } = {},
): DashboardPanels {
  return {
    map: renderMapPanel(snapshot.latest),
    queues: renderQueuesPanel(snapshot.queues),
    health: renderHealthPanel(snapshot.unfinished, snapshot.stageTimeoutMs, snapshot.queues, snapshot.now),
    activity: renderActivityPanel(snapshot.activity),
    jobs: renderJobsPanel(snapshot.jobs, snapshot.now, options.traceUiUrl),
  };
}
