import assert from 'node:assert/strict';
import { openApiDocument } from '@mousetrap/rest_api';
import type { Page, Request } from 'playwright-core';
import { screenshot } from './page-checks.ts';
import type { Pipeline } from './pipeline.ts';
import type { Step } from './steps.ts';

/** The docs page's run: what each step leaves for the next. */
export interface DocsScene {
  pipeline: Pipeline;
  page: Page;
  /** The API's key, when it has one: entered under Authorize before "Try it out". */
  apiKey?: string | undefined;
  /** What the browser reported: script errors, console errors (CSP violations among them), answers of 400 and above. */
  problems: string[];
  /** Every request the browser made. */
  requests: Request[];
}

/** Swagger UI's element id of an operation: untagged operations are in its "default" section. */
const operationIds = () =>
  Object.values(openApiDocument.paths)
    .flatMap((methods) =>
      Object.values(methods).map((operation) => `operations-default-${operation.operationId}`),
    )
    .sort();

/** The steps of the docs page: Swagger UI lists the API, and "Try it out" on POST /refresh works from it. */
export function docsSteps(scene: DocsScene): Step[] {
  const { page, apiKey } = scene;
  const refresh = page.locator('#operations-default-refresh');
  const keyed = apiKey === undefined ? '' : ', with the key,';
  const steps: Step[] = [
    {
      name: 'GET /docs opens Swagger UI on the API’s document and lists every operation',
      async run() {
        const response = await page.goto(`${scene.pipeline.url}/docs`);
        assert.equal(response?.status(), 200);
        await page.getByRole('heading', { name: openApiDocument.info.title }).waitFor({ timeout: 10_000 });
        await page.locator('.opblock').first().waitFor();
        const listed = await page
          .locator('.opblock')
          .evaluateAll((blocks) => blocks.map((block) => block.id));
        assert.deepEqual(listed.sort(), operationIds());
      },
    },
  ];
  if (apiKey !== undefined) {
    steps.push({
      name: 'Authorize takes the API key for the X-API-Key scheme',
      async run() {
        await page.locator('.auth-wrapper .authorize').click();
        const form = page.locator('.modal-ux form').filter({ hasText: 'apiKeyHeader' });
        await form.locator('input').fill(apiKey);
        await form.getByRole('button', { name: 'Apply credentials' }).click();
        await form.getByRole('button', { name: 'Remove authorization' }).waitFor();
        await page.locator('.modal-ux .close-modal').click();
        await page.locator('.modal-ux').waitFor({ state: 'detached' });
      },
    });
  }
  steps.push(
    {
      name: `"Try it out" on POST /refresh${keyed} sends a same-origin request and shows the 202 with the job’s id`,
      async run() {
        await refresh.locator('.opblock-summary-control').click();
        await refresh.getByRole('button', { name: 'Try it out' }).click();
        await refresh.getByRole('button', { name: 'Execute' }).click();
        const answer = refresh.locator('.live-responses-table tbody');
        const status = answer.locator('.response-col_status');
        await status.waitFor({ timeout: 10_000 });
        assert.equal((await status.textContent())?.trim(), '202');
        const body = (await answer.locator('.response-col_description').textContent()) ?? '';
        const jobId = /"job_id": "([0-9a-f-]{36})"/.exec(body)?.[1];
        assert.ok(jobId, `the answer shows no job id: ${body}`);
        assert.equal((await fetch(`${scene.pipeline.url}/jobs/${jobId}`)).status, 200);

        const posts = scene.requests.filter((request) => request.method() === 'POST');
        assert.equal(posts.length, 1);
        const headers = (await posts[0]?.allHeaders()) ?? {};
        assert.equal(headers['sec-fetch-site'], 'same-origin');
        assert.equal(headers['x-api-key'], apiKey);
        await screenshot(page, apiKey === undefined ? 'try-it-out' : 'key-try-it-out', 'docs');
      },
    },
    {
      name: `every request the page made went to the API itself (no CDN, no validator, no telemetry)${apiKey === undefined ? '' : ', the key in none of their URLs'}`,
      async run() {
        const { origin } = new URL(scene.pipeline.url);
        const urls = scene.requests.map((request) => request.url());
        assert.deepEqual(
          urls.filter((url) => new URL(url).origin !== origin),
          [],
        );
        assert.ok(urls.includes(`${origin}/openapi.json`));
        if (apiKey !== undefined)
          assert.deepEqual(
            urls.filter((url) => url.includes(apiKey)),
            [],
          );
      },
    },
    {
      name: 'the browser reported no error and no Content-Security-Policy violation',
      async run() {
        assert.deepEqual(scene.problems, []);
      },
    },
  );
  return steps;
}
