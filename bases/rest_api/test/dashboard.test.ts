import { createMemoryJobQueue } from '@mousetrap/job_queue';
import { describeWithServices } from '@mousetrap/test_kit';
import { expectErrorBody, type ServedApi, summary, useApiSuite } from './harness.ts';

/** What Chromium sends for a page it navigates to. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

interface Panels {
  generated_at: string;
  panels: Record<string, string>;
}

describeWithServices('rest_api dashboard', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api_dashboard');
  let api: ServedApi | undefined;

  test('GET /: a browser gets the dashboard page under a policy that allows only the app itself', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/`, { headers: { Accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(response.headers.get('vary')).toMatch(/Accept/);
    const page = await response.text();
    expect(page).toContain('<button type="button" id="refresh-button" class="primary">Refresh data</button>');
    expect(page).toContain('<script src="dashboard/assets/dashboard.js" defer></script>');
  });

  test.each([
    ['*/*', { Accept: '*/*' }],
    ['application/json', { Accept: 'application/json' }],
    ['JSON preferred over HTML', { Accept: 'application/json, text/html;q=0.5' }],
    ['no Accept header', {} as Record<string, string>],
  ])('GET /: with %s, answers the JSON result as before', async (_name, headers) => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/`, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('vary')).toMatch(/Accept/);
    await response.json();
  });

  test('GET /dashboard: serves the page whatever the Accept header, with the latest result on the map', async () => {
    api = await suite.serve();
    const { job } = await suite.store.createJob({ correlationId: 'dashboard-1' });
    await suite.store.completeJob(job.id, summary);
    const response = await fetch(`${api.url}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const page = await response.text();
    expect(page).toContain('id="map-centroid" data-lat="50.5" data-lon="10.25"');
    expect(page).toContain(`<tr data-job="${job.id}" data-status="done">`);
  });

  test('GET /dashboard: without an API key, the key field is rendered hidden', async () => {
    api = await suite.serve();
    const page = await (await fetch(`${api.url}/dashboard`)).text();
    expect(page).toContain('<form id="key-form" class="key-form" data-state="missing" hidden>');
  });

  test('GET /dashboard: with an API key configured, the key field is shown, and the key itself is nowhere in the page', async () => {
    const apiKey = 'a-key-of-16-char';
    api = await suite.serve({ apiKey });
    const page = await (await fetch(`${api.url}/dashboard`)).text();
    expect(page).toContain('<form id="key-form" class="key-form" data-state="missing">');
    expect(page).not.toContain(apiKey);
  });

  test('GET /dashboard/panels: answers every panel, fresh, as JSON', async () => {
    api = await suite.serve();
    const { job } = await suite.store.createJob({ correlationId: 'dashboard-2' });
    const response = await fetch(`${api.url}/dashboard/panels`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Panels;
    expect(Object.keys(body.panels).sort()).toEqual(['activity', 'health', 'jobs', 'map', 'queues']);
    expect(Date.now() - Date.parse(body.generated_at)).toBeLessThan(5000);
    expect(body.panels.jobs).toContain(`<tr data-job="${job.id}" data-status="queued">`);
    expect(body.panels.queues).toContain('<tr data-queue="start_fetch">');
  });

  test('GET /dashboard and its panels: with TRACE_UI_URL, a traced job links to its trace', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    api = await suite.serve({ traceUiUrl: 'http://localhost:16686/trace/{traceId}' });
    await suite.store.createJob({
      correlationId: 'dashboard-3',
      traceParent: `00-${traceId}-b7ad6b7169203331-01`,
    });
    const link = `<a class="trace" href="http://localhost:16686/trace/${traceId}"`;
    expect(await (await fetch(`${api.url}/dashboard`)).text()).toContain(link);
    const body = (await (await fetch(`${api.url}/dashboard/panels`)).json()) as Panels;
    expect(body.panels.jobs).toContain(link);
  });

  test('GET /dashboard/panels: with the broker down, still answers, the queue counts marked unknown', async () => {
    const queue = createMemoryJobQueue();
    await queue.close();
    api = await suite.serve({ queue });
    const response = await fetch(`${api.url}/dashboard/panels`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Panels).panels.queues).toContain('The broker did not answer');
  });

  test('GET /dashboard/assets/:name: serves the script, revalidated by ETag', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/dashboard/assets/dashboard.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();
    // fetch() adds Cache-Control: no-cache to a conditional request unless one is given.
    const again = await fetch(`${api.url}/dashboard/assets/dashboard.js`, {
      headers: { 'If-None-Match': etag ?? '', 'Cache-Control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });

  test('GET /dashboard/assets/:name: an unknown file answers 404 JSON', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/dashboard/assets/secrets.txt`);
    expect(response.status).toBe(404);
    expectErrorBody(await response.json(), response, 'not_found');
  });
});
