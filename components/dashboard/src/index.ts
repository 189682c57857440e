export type { DashboardAsset } from './assets.ts';
export { DASHBOARD_ASSET_NAMES, dashboardAsset } from './assets.ts';
export { DASHBOARD_CONTENT_SECURITY_POLICY } from './content-security-policy.ts';
export { escapeHtml } from './escape-html.ts';
export { renderDashboardPage } from './page.ts';
export type { DashboardPanels } from './panels.ts';
export { renderPanels } from './panels.ts';
export type { DashboardSnapshot, SnapshotSources } from './snapshot.ts';
export { readSnapshot } from './snapshot.ts';
