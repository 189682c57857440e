import { DASHBOARD_SCRIPT } from './client-script.ts';
import { DASHBOARD_CSS } from './styles.ts';
import { renderWorldSvg } from './world-map.ts';

/** A file the dashboard page loads, served by the app under dashboard/assets/<name>. */
export interface DashboardAsset {
  contentType: string;
  body: string;
}

// A trap's spring over a dot: the tab icon, so that the browser's favicon request finds something.
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f2937"/><path d="M3 11h10M4 11V6h8v5" fill="none" stroke="#f59e0b" stroke-width="1.5"/><circle cx="8" cy="8.5" r="1.5" fill="#fff"/></svg>
`;

const ASSETS: Readonly<Record<string, DashboardAsset>> = {
  'dashboard.css': { contentType: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
  'dashboard.js': { contentType: 'text/javascript; charset=utf-8', body: DASHBOARD_SCRIPT },
  'world.svg': { contentType: 'image/svg+xml; charset=utf-8', body: renderWorldSvg() },
  'favicon.svg': { contentType: 'image/svg+xml; charset=utf-8', body: FAVICON },
};

/** The names of the dashboard's assets. */
export const DASHBOARD_ASSET_NAMES: readonly string[] = Object.keys(ASSETS);

/** The asset called `name`, or undefined when the dashboard has none by that name. */
export function dashboardAsset(name: string): DashboardAsset | undefined {
  return Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
}
