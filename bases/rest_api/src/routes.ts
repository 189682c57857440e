import { showDashboard, showDashboardAsset, showDashboardPanels, showHome } from './dashboard-handlers.ts';
import { showDocs, showDocsAsset, showOpenApi } from './docs-handlers.ts';
import {
  type Handler,
  retryFailedJob,
  showHealth,
  showJob,
  showMetrics,
  showReadiness,
  submitRefresh,
} from './handlers.ts';

/** One entry of the routes table: a method and an Express path pattern, and who answers. */
export interface Route {
  method: 'get' | 'post';
  path: string;
  handler: Handler;
}

/** The one table of what the API answers; 405 answers and the OpenAPI check derive from it. */
export const ROUTES: readonly Route[] = [
  { method: 'get', path: '/', handler: showHome },
  { method: 'post', path: '/refresh', handler: submitRefresh },
  { method: 'get', path: '/jobs/:id', handler: showJob },
  { method: 'post', path: '/jobs/:id/retry', handler: retryFailedJob },
  { method: 'get', path: '/dashboard', handler: showDashboard },
  { method: 'get', path: '/dashboard/panels', handler: showDashboardPanels },
  { method: 'get', path: '/dashboard/assets/:name', handler: showDashboardAsset },
  { method: 'get', path: '/health', handler: showHealth },
  { method: 'get', path: '/ready', handler: showReadiness },
  { method: 'get', path: '/metrics', handler: showMetrics },
  { method: 'get', path: '/openapi.json', handler: showOpenApi },
  { method: 'get', path: '/docs', handler: showDocs },
  { method: 'get', path: '/docs/assets/:name', handler: showDocsAsset },
];

/** Every path of the table, once each, in table order. */
export function routePaths(): string[] {
  return [...new Set(ROUTES.map((route) => route.path))];
}

/** The methods a path answers, for an `Allow` header; Express answers HEAD wherever GET is routed. */
export function allowedMethods(path: string): string[] {
  const methods = ROUTES.filter((route) => route.path === path).map((route) => route.method.toUpperCase());
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
}
