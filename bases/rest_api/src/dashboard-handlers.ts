import {
  DASHBOARD_CONTENT_SECURITY_POLICY,
  dashboardAsset,
  readSnapshot,
  renderDashboardPage,
  renderPanels,
} from '@mousetrap/dashboard';
import { DEFAULT_STAGE_TIMEOUT_MS } from '@mousetrap/job_intake';
import { etagOf } from './asset-etag.ts';
import type { ApiDependencies } from './dependencies.ts';
import { HttpError } from './errors.ts';
import { type Handler, showLatestResult } from './handlers.ts';

const snapshotOf = (deps: ApiDependencies) =>
  readSnapshot({ ...deps, stageTimeoutMs: deps.stageTimeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS });

/**
 * GET /dashboard: the pipeline's page, with its own policy: script, style and images from the app
 * only. With an API key configured, the page shows its key field from the start.
 */
export const showDashboard: Handler = async (deps, _req, res) => {
  const snapshot = await snapshotOf(deps);
  res
    .set('Content-Security-Policy', DASHBOARD_CONTENT_SECURITY_POLICY)
    .type('html')
    .send(
      renderDashboardPage(snapshot, {
        apiKeyRequired: deps.apiKey !== undefined,
        traceUiUrl: deps.traceUiUrl,
      }),
    );
};

/** GET /: the dashboard for a client that prefers HTML (a browser); the latest result as JSON for anyone else. */
export const showHome: Handler = (deps, req, res) => {
  res.vary('Accept');
  return req.accepts(['application/json', 'text/html']) === 'text/html'
    ? showDashboard(deps, req, res)
    : showLatestResult(deps, req, res);
};

/** GET /dashboard/panels: the page's live parts, freshly rendered, for its script to swap in. */
export const showDashboardPanels: Handler = async (deps, _req, res) => {
  const snapshot = await snapshotOf(deps);
  res.json({
    generated_at: snapshot.now.toISOString(),
    panels: renderPanels(snapshot, { traceUiUrl: deps.traceUiUrl }),
  });
};

/** GET /dashboard/assets/:name: the page's stylesheet, script and map; revalidated by ETag, never stale. */
export const showDashboardAsset: Handler = (_deps, req, res) => {
  const name = String(req.params.name);
  const asset = dashboardAsset(name);
  if (!asset) throw new HttpError('not_found', `the dashboard has no asset ${name}`);
  res
    .set({ 'Cache-Control': 'no-cache', ETag: etagOf(asset) })
    .type(asset.contentType)
    .send(asset.body);
};
