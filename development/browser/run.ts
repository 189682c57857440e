/**
 * `npm run test:browser`: the dashboard in a real browser against the running pipeline. Debian's
 * Chromium, driven by playwright-core, presses "Refresh data" and follows the job to done, finds
 * its centroid on the map, watches a job fail on a failing fetch source and retries it from the
 * page, and checks the page at phone width; then, against an API with API_KEY set, it is asked for
 * the key, enters it, and starts a job with it. The API docs (Swagger UI at /docs) are opened in both
 * runs: every operation is listed, and "Try it out" on POST /refresh answers 202, with the key given
 * under Authorize in the second. Screenshots go to test-results/. The API and both
 * workers run in this process against RabbitMQ and PostgreSQL (RABBITMQ_URL, DATABASE_URL, by
 * default the services on 127.0.0.1), in a schema and queue prefix of their own, removed after.
 * Ends with a line `N passed, N failed`.
 */
import assert from 'node:assert/strict';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { apiKeySteps } from './api-key-steps.ts';
import { type Browser, CHROMIUM, launchChromium } from './browser.ts';
import { docsSteps } from './docs-steps.ts';
import { SCREENSHOTS, screenshot, trackerReaches } from './page-checks.ts';
import { type Pipeline, startPipeline } from './pipeline.ts';
import { runSteps, type Step } from './steps.ts';

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  result?: { centroid: [number, number] };
}

/** The scenario's shared state: what each step leaves for the next. */
interface Scene {
  pipeline: Pipeline;
  browser: Browser;
  page: Page;
  problems: string[];
  doneJob: string;
  failedJob: string;
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers });
  assert.equal(response.status, 200, `GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

function steps(scene: Scene): Step[] {
  const url = () => scene.pipeline.url;
  return [
    {
      name: 'GET / keeps its JSON contract for curl and serves the page to a browser',
      async run() {
        const plain = await fetch(`${url()}/`, { headers: { Accept: '*/*' } });
        assert.match(plain.headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(await plain.json(), {});
        const html = await fetch(`${url()}/`, { headers: { Accept: 'text/html,*/*;q=0.8' } });
        assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      },
    },
    {
      name: 'the dashboard opens at / with every panel and nothing from elsewhere',
      async run() {
        const response = await scene.page.goto(`${url()}/`);
        assert.equal(response?.status(), 200);
        await scene.page.getByRole('heading', { name: 'mousetrap pipeline' }).waitFor();
        for (const title of ['Start a job', 'Latest result', 'Queues', 'Throughput', 'Recent jobs']) {
          await scene.page.getByRole('heading', { name: title }).waitFor();
        }
        await scene.page.locator('#map-caption', { hasText: 'No result yet' }).waitFor();
        assert.equal(
          await scene.page.locator('#key-form').isVisible(),
          false,
          'the key field shows without a key',
        );
      },
    },
    {
      name: '"Refresh data", pressed from the keyboard, follows a job through its stages to done',
      async run() {
        const { page } = scene;
        for (let tab = 0; tab < 10; tab += 1) {
          await page.keyboard.press('Tab');
          if ((await page.evaluate('document.activeElement?.id')) === 'refresh-button') break;
        }
        assert.equal(await page.evaluate('document.activeElement?.id'), 'refresh-button');
        await page.keyboard.press('Enter');
        scene.doneJob = await trackerReaches(page, 'done');
        const stages = await page
          .locator('#tracker [data-stage]')
          .evaluateAll((items) => items.map((item) => item.className));
        assert.deepEqual(stages, ['past', 'past', 'past', 'past']);
      },
    },
    {
      name: 'the map shows the new centroid and the most northerly place',
      async run() {
        const { page } = scene;
        const job = await getJson<JobBody>(`${url()}/jobs/${scene.doneJob}`);
        const latest = await getJson<{ centroid: [number, number] }>(`${url()}/`);
        assert.deepEqual(latest.centroid, job.result?.centroid);
        const [lat, lon] = latest.centroid;
        const centroid = page.locator(`#map-centroid[data-lat="${lat}"][data-lon="${lon}"]`);
        await centroid.waitFor({ timeout: 5000 });
        assert.equal(
          await page.locator('#centroid-text').textContent(),
          `${lat.toFixed(2)}, ${lon.toFixed(2)}`,
        );
        assert.equal(await page.locator('.map circle.place.northerly').count(), 1);
        await page.locator(`tr[data-job="${scene.doneJob}"][data-status="done"]`).waitFor({ timeout: 5000 });
        await screenshot(page, '1-done');
      },
    },
    {
      name: 'queues, consumers and throughput are shown',
      async run() {
        const { page } = scene;
        for (const queue of ['start_fetch', 'data_processing']) {
          const consumers = await page.locator(`tr[data-queue="${queue}"] td`).nth(1).textContent();
          assert.ok(Number(consumers) >= 1, `${queue} shows ${consumers} consumers`);
        }
        await page.locator('#activity-summary[data-done="1"]').waitFor({ timeout: 5000 });
      },
    },
    {
      name: 'a job whose fetch keeps failing is shown failed, with its attempts, error and dead letter',
      async run() {
        const { page } = scene;
        await scene.pipeline.setFetchFailing(true);
        await page.getByRole('button', { name: 'Refresh data' }).click();
        scene.failedJob = await trackerReaches(page, 'failed');
        assert.notEqual(scene.failedJob, scene.doneJob);
        const row = page.locator(`tr[data-job="${scene.failedJob}"][data-status="failed"]`);
        await row.waitFor({ timeout: 5000 });
        assert.match((await row.locator('.error').textContent()) ?? '', /failed/);
        assert.equal(await row.locator('td').nth(7).textContent(), '3');
        await page.locator('tr[data-queue="start_fetch"] td.dead').waitFor({ timeout: 5000 });
        // The Health panel: nothing unfinished, and the dead letter among what needs an operator.
        await page
          .locator('#panel-health dd[data-health="unfinished"]', { hasText: /^0$/ })
          .waitFor({ timeout: 5000 });
        await page
          .locator('#panel-health .warnings li', { hasText: 'dead letter' })
          .waitFor({ timeout: 5000 });
        await screenshot(page, '2-failed');
      },
    },
    {
      name: 'Retry on the failed job sends it through again, to done, and the map follows',
      async run() {
        const { page } = scene;
        await scene.pipeline.setFetchFailing(false);
        const retry = page.locator(`button[data-retry="${scene.failedJob}"]`);
        await retry.focus();
        await page.keyboard.press('Enter');
        await trackerReaches(page, 'done', scene.failedJob);
        await page.locator(`#map-caption[data-job="${scene.failedJob}"]`).waitFor({ timeout: 5000 });
        await page
          .locator(`tr[data-job="${scene.failedJob}"][data-status="done"]`)
          .waitFor({ timeout: 5000 });
        assert.equal(await page.locator('button[data-retry]').count(), 0);
        const job = await getJson<JobBody>(`${url()}/jobs/${scene.failedJob}`);
        assert.equal(job.status, 'done');
        assert.equal(job.error, null);
        await screenshot(page, '3-retried');
      },
    },
    {
      name: 'at phone width the page fits the screen and the jobs table scrolls inside its box',
      async run() {
        const { page } = scene;
        await page.setViewportSize({ width: 390, height: 844 });
        await page.reload();
        await page.getByRole('button', { name: 'Refresh data' }).waitFor();
        const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
        assert.ok(width <= 390, `the page is ${width} px wide at a 390 px viewport`);
        await screenshot(page, '4-phone');
      },
    },
    {
      name: 'the browser reported no script error and no Content-Security-Policy violation',
      async run() {
        assert.deepEqual(scene.problems, []);
      },
    },
  ];
}

/** A key for the run with API_KEY set: long enough for the settings, easy to find in a URL. */
const API_KEY = 'browser-test-key-0123456789';

/** A new tab whose script errors, console errors, answers of 400 and above and requests are collected. */
async function watchedPage(
  browser: Browser,
): Promise<{ page: Page; problems: string[]; requests: Request[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  const requests: Request[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => requests.push(request));
  return { page, problems, requests };
}

async function main(): Promise<number> {
  const started = Date.now();
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (!existsSync(CHROMIUM)) {
    print('dashboard in Chromium');
    print(`  ✗ ${CHROMIUM} is missing: apt-get install -y chromium`);
    print('0 passed, 1 failed');
    return 1;
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  const logStream = createWriteStream(join(SCREENSHOTS, 'dashboard-pipeline.log'));
  const services = {
    logStream,
    rabbitmqUrl: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
  let browser: Browser | undefined;
  const total = { passed: 0, failed: 0 };
  const count = ({ passed, failed }: { passed: number; failed: number }) => {
    total.passed += passed;
    total.failed += failed;
  };
  try {
    browser = await launchChromium();

    print('dashboard in Chromium');
    const pipeline = await startPipeline(services);
    try {
      const { page, problems } = await watchedPage(browser);
      const scene: Scene = { pipeline, browser, page, problems, doneJob: '', failedJob: '' };
      count(await runSteps(steps(scene), print));
      print('API docs in Chromium');
      count(await runSteps(docsSteps({ pipeline, ...(await watchedPage(browser)) }), print));
    } finally {
      await pipeline.stop();
    }

    print('dashboard in Chromium, with API_KEY set');
    const keyed = await startPipeline({ ...services, apiKey: API_KEY });
    try {
      const watched = await watchedPage(browser);
      count(await runSteps(apiKeySteps({ pipeline: keyed, apiKey: API_KEY, ...watched }), print));
      print('API docs in Chromium, with API_KEY set');
      const docs = await watchedPage(browser);
      count(await runSteps(docsSteps({ pipeline: keyed, apiKey: API_KEY, ...docs }), print));
    } finally {
      await keyed.stop();
    }

    print(
      `screenshots and the services' log in ${SCREENSHOTS}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    print(`${total.passed} passed, ${total.failed} failed`);
    return total.failed === 0 ? 0 : 1;
  } finally {
    await browser?.close();
    logStream.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`the browser test could not run: ${String(error)}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);
