import { DASHBOARD_SCRIPT } from './client-script.ts';
import { DASHBOARD_CSS } from './styles.ts';
import { renderWorldSvg } from './world-map.ts';

/** A file the dashboard page loads, served by the app under dashboard/assets/<name>. */
export interface DashboardAsset {
  contentType: string;
  body: string;
}

const ASSETS: Readonly<Record<string, DashboardAsset>> = {
  'dashboard.css': { contentType: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
  'dashboard.js': { contentType: 'text/javascript; charset=utf-8', body: DASHBOARD_SCRIPT },
  'world.svg': { contentType: 'image/svg+xml; charset=utf-8', body: renderWorldSvg() },
};

/** The names of the dashboard's assets. */
export const DASHBOARD_ASSET_NAMES: readonly string[] = Object.keys(ASSETS);

/** The asset called `name`, or undefined when the dashboard has none by that name. */
export function dashboardAsset(name: string): DashboardAsset | undefined {
  return Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
}
