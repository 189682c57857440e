import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Where the screenshots and the services' log go. */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results');

/** How long a job may take to reach a status the page is waiting for. */
export const JOB_TIMEOUT_MS = 20_000;

/** Saves a full-page screenshot as test-results/<of>-<name>.png: of the dashboard, or the docs page. */
export const screenshot = (page: Page, name: string, of: 'dashboard' | 'docs' = 'dashboard') =>
  page.screenshot({ path: join(SCREENSHOTS, `${of}-${name}.png`), fullPage: true });

/** Waits until the tracker shows `jobId` (or any job) in `status`; returns the tracked job's id. */
export async function trackerReaches(page: Page, status: string, jobId?: string): Promise<string> {
  const job = jobId ? `[data-job="${jobId}"]` : '[data-job]';
  const tracker = page.locator(`#tracker${job}[data-status="${status}"]`);
  await tracker.waitFor({ timeout: JOB_TIMEOUT_MS });
  const id = await tracker.getAttribute('data-job');
  assert.ok(id, 'the tracker names no job');
  return id;
}

/** Presses Tab until the element with `id` has the focus (at most `presses` times); fails if it never does. */
export async function tabTo(page: Page, id: string, presses = 12): Promise<void> {
  for (let tab = 0; tab < presses; tab += 1) {
    if ((await page.evaluate('document.activeElement?.id')) === id) return;
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate('document.activeElement?.id'), id, `Tab never reached #${id}`);
}
