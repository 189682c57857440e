import { DASHBOARD_ASSET_NAMES, dashboardAsset } from '../src/assets.ts';

describe('dashboardAsset', () => {
  test('dashboardAsset: serves the stylesheet, the script and the map with their content types', () => {
    expect(DASHBOARD_ASSET_NAMES).toEqual(['dashboard.css', 'dashboard.js', 'world.svg', 'favicon.svg']);
    expect(dashboardAsset('dashboard.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(dashboardAsset('dashboard.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(dashboardAsset('world.svg')?.contentType).toBe('image/svg+xml; charset=utf-8');
    expect(dashboardAsset('favicon.svg')?.contentType).toBe('image/svg+xml; charset=utf-8');
  });

  test('dashboardAsset: the script is valid JavaScript that talks only to the app, by relative paths', () => {
    const script = dashboardAsset('dashboard.js')?.body ?? '';
    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toMatch(/https?:\/\//);
    expect(script).toContain("call('GET', 'dashboard/panels')");
  });

  test('dashboardAsset: the script keeps an entered key in sessionStorage only and sends it as X-API-Key on POSTs', () => {
    const script = dashboardAsset('dashboard.js')?.body ?? '';
    expect(script).toContain('sessionStorage.setItem(KEY_ITEM, key)');
    expect(script).toContain("if (method === 'POST' && apiKey) headers['X-API-Key'] = apiKey;");
    expect(script).not.toMatch(/localStorage|document\.cookie|console\./);
  });

  test('dashboardAsset: for an unknown name or an inherited property, answers undefined', () => {
    expect(dashboardAsset('secret.txt')).toBeUndefined();
    expect(dashboardAsset('constructor')).toBeUndefined();
  });
});
