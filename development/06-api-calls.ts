/**
 * 06 — the API, called as a client would: start a job, follow it to done, read the result, and
 * show what each kind of error looks like. Against a running `npm start` (or the compose stack):
 * API_URL (default http://localhost:8000), and API_KEY when the API needs one.
 *   npx tsx development/06-api-calls.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runScript } from '@mousetrap/lifecycle';

const base = (process.env.API_URL ?? 'http://localhost:8000').replace(/\/$/, '');
const key = process.env.API_KEY;

/** One call, printed as the request line and the answer's status and body. */
async function call(
  method: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const headers = new Headers(init.headers);
  if (key && method === 'POST') headers.set('X-API-Key', key);
  const response = await fetch(`${base}${path}`, { ...init, method, headers });
  const text = await response.text();
  const body = text === '' ? '' : JSON.parse(text);
  console.log(`${method} ${path} → ${response.status} ${JSON.stringify(body)}`);
  return { status: response.status, body };
}

async function main() {
  console.log(`the API at ${base}\n`);
  const started = await call('POST', '/refresh');
  if (started.status !== 202) throw new Error(`POST /refresh answered ${started.status}, expected 202`);
  const { job_id: jobId } = started.body as { job_id: string };

  console.log('\nfollowing the job until it is done (each stage takes about a second by default):');
  const deadline = Date.now() + 60_000;
  let status = 'queued';
  while (status !== 'done' && status !== 'failed') {
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${status} after 60 s`);
    await sleep(500);
    const response = await fetch(`${base}/jobs/${jobId}`);
    const job = (await response.json()) as { status: string };
    if (job.status !== status) console.log(`  ${job.status}`);
    status = job.status;
  }
  await call('GET', `/jobs/${jobId}`);
  await call('GET', '/');

  console.log('\nwhat errors look like:');
  await call('GET', '/jobs/not-a-uuid');
  await call('GET', '/jobs/00000000-0000-4000-8000-000000000000');
  await call('POST', `/jobs/${jobId}/retry`);
  await call('DELETE', '/refresh');
  await call('GET', '/no-such-route');
}

await runScript({ name: '06-api-calls', main });
