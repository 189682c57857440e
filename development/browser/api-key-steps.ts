import assert from 'node:assert/strict';
import type { Page, Request } from 'playwright-core';
import { screenshot, tabTo, trackerReaches } from './page-checks.ts';
import type { Pipeline } from './pipeline.ts';
import type { Step } from './steps.ts';

/** The run with API_KEY set: what each step leaves for the next. */
export interface ApiKeyScene {
  pipeline: Pipeline;
  page: Page;
  /** The API's key, as the operator would type it. */
  apiKey: string;
  /** What the browser reported: script errors, console errors, answers of 400 and above. */
  problems: string[];
  /** Every request the browser made. */
  requests: Request[];
}

/**
 * Takes the problems a step caused on purpose out of the list, each pattern having to match at
 * least one, so that the last step still finds anything unexpected.
 */
function expectProblems(problems: string[], patterns: readonly RegExp[]): void {
  for (const pattern of patterns) {
    assert.ok(
      problems.some((problem) => pattern.test(problem)),
      `expected a problem like ${pattern}: ${problems}`,
    );
  }
  const rest = problems.filter((problem) => !patterns.some((pattern) => pattern.test(problem)));
  problems.splice(0, problems.length, ...rest);
}

/** The steps of the run with API_KEY set: the page asks for the key, keeps it, and sends it. */
export function apiKeySteps(scene: ApiKeyScene): Step[] {
  const { page } = scene;
  return [
    {
      name: 'with API_KEY set, the page shows a labelled API key field before "Refresh data"',
      async run() {
        const response = await page.goto(`${scene.pipeline.url}/`);
        assert.equal(response?.status(), 200);
        const field = page.getByLabel('API key');
        await field.waitFor();
        assert.equal(await field.getAttribute('type'), 'password');
        await page.getByRole('button', { name: 'Use key' }).waitFor();
      },
    },
    {
      name: 'the key field is reached with Tab and shows a visible focus ring',
      async run() {
        await tabTo(page, 'api-key');
        const ring = (await page.evaluate(`(() => {
          const style = getComputedStyle(document.activeElement);
          return {
            visible: document.activeElement.matches(':focus-visible'),
            style: style.outlineStyle,
            width: style.outlineWidth,
          };
        })()`)) as { visible: boolean; style: string; width: string };
        assert.equal(ring.visible, true);
        assert.notEqual(ring.style, 'none');
        assert.ok(Number.parseFloat(ring.width) >= 2, `the focus ring is ${ring.width} wide`);
      },
    },
    {
      name: '"Refresh data" without the key is refused (401): the page says it needs the key and puts the focus in its field',
      async run() {
        await tabTo(page, 'refresh-button');
        await page.keyboard.press('Enter');
        await page.locator('#key-form[data-state="needed"]').waitFor({ timeout: 5000 });
        assert.match((await page.locator('#key-status').textContent()) ?? '', /needs its key/);
        await page.locator('#tracker[data-status="error"]').waitFor();
        assert.match((await page.locator('#tracker-text').textContent()) ?? '', /needs its key/);
        assert.equal(await page.evaluate('document.activeElement?.id'), 'api-key');
        await screenshot(page, '5-key-needed');
        // Chromium reports the refused POST twice: as an answer and on the console.
        expectProblems(scene.problems, [/^401 for .*\/refresh$/, /^console: .*401/]);
      },
    },
    {
      name: 'the operator types the key and presses Enter: the page keeps it in sessionStorage only',
      async run() {
        await page.keyboard.type(scene.apiKey);
        await page.keyboard.press('Enter');
        await page.locator('#key-form[data-state="set"]').waitFor({ timeout: 5000 });
        const kept = await page.evaluate(`({
          session: sessionStorage.getItem('mousetrap.apiKey'),
          local: localStorage.length,
          cookie: document.cookie,
          field: document.getElementById('api-key').value,
        })`);
        assert.deepEqual(kept, { session: scene.apiKey, local: 0, cookie: '', field: '' });
        assert.equal(await page.getByRole('button', { name: 'Forget key' }).isVisible(), true);
      },
    },
    {
      name: '"Refresh data" with the key follows a job to done; the POST carried the key as X-API-Key',
      async run() {
        await tabTo(page, 'refresh-button');
        await page.keyboard.press('Enter');
        await trackerReaches(page, 'done');
        const posts = scene.requests.filter((request) => request.method() === 'POST');
        assert.deepEqual(
          posts.map((request) => request.headers()['x-api-key'] ?? null),
          [null, scene.apiKey],
        );
        await screenshot(page, '6-key-done');
      },
    },
    {
      name: 'at phone width, reloaded, the page still holds the key for this tab and fits the screen',
      async run() {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.reload();
        await page.locator('#key-form[data-state="set"]').waitFor();
        const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
        assert.ok(width <= 390, `the page is ${width} px wide at a 390 px viewport`);
        const field = await page.getByLabel('API key').boundingBox();
        assert.ok(
          field && field.x >= 0 && field.x + field.width <= 390,
          `the key field lies at ${JSON.stringify(field)}`,
        );
        await screenshot(page, '7-key-phone');
      },
    },
    {
      name: 'the key is in no URL the browser requested',
      async run() {
        assert.ok(scene.requests.length > 0);
        const leaks = scene.requests
          .map((request) => request.url())
          .filter((url) => url.includes(scene.apiKey) || url.includes(encodeURIComponent(scene.apiKey)));
        assert.deepEqual(leaks, []);
      },
    },
    {
      name: 'the browser reported no other error and no Content-Security-Policy violation',
      async run() {
        assert.deepEqual(scene.problems, []);
      },
    },
  ];
}
