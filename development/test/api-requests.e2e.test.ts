import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describeWithServices } from '@mousetrap/test_kit';
import { type Pipeline, startPipeline } from '../browser/pipeline.ts';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);
const KEY = 'a-key-of-sixteen-characters';

/** One request of an .http file: its name (`# @name`), method, URL and headers, as written. */
interface HttpRequest {
  name: string | undefined;
  method: string;
  url: string;
  headers: [string, string][];
}

/** Reads an .http file as editors' REST clients do: `@variables`, then requests between `###`. */
function parseHttpFile(text: string): { variables: Record<string, string>; requests: HttpRequest[] } {
  const variables: Record<string, string> = {};
  const requests: HttpRequest[] = [];
  for (const block of text.split(/^###.*$/m)) {
    let name: string | undefined;
    let request: HttpRequest | undefined;
    for (const line of block.split('\n').map((raw) => raw.trim())) {
      const variable = /^@(\w+)\s*=\s*(.*)$/.exec(line);
      if (variable) variables[variable[1] ?? ''] = variable[2] ?? '';
      else if (line.startsWith('# @name ')) name = line.slice('# @name '.length).trim();
      else if (line === '' || line.startsWith('#')) continue;
      else if (!request) {
        const [method = '', url = ''] = line.split(/\s+/);
        request = { name, method, url, headers: [] };
      } else {
        const colon = line.indexOf(':');
        request.headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
      }
    }
    if (request) requests.push(request);
  }
  return { variables, requests };
}

describeWithServices('calling the API from development/', ['rabbitmq', 'postgres'], (urls) => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({ ...urls, logStream: new PassThrough(), apiKey: KEY });
  }, 30_000);
  afterAll(() => pipeline.stop());

  test('06-api-calls.ts starts a job, follows it to done, reads the result and shows each kind of error', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(root, 'development', '06-api-calls.ts')],
      {
        cwd: root,
        env: { ...process.env, API_URL: pipeline.url, API_KEY: KEY },
      },
    );

    expect(stdout).toMatch(/^POST \/refresh → 202 \{"status":"ok","job_id":"[0-9a-f-]{36}"\}$/m);
    expect(stdout).toMatch(/^ {2}done$/m);
    expect(stdout).toMatch(/^GET \/ → 200 \{"centroid":\[/m);
    for (const status of ['400', '404', '409', '405'])
      expect(stdout).toMatch(new RegExp(` → ${status} \\{"error"`));
  });

  test('requests/api.http: every request answers as its comment says, the named job followed by later ones', async () => {
    const { variables, requests } = parseHttpFile(
      readFileSync(join(root, 'development', 'requests', 'api.http'), 'utf8'),
    );
    const named: Record<string, unknown> = {};
    const resolve = (text: string) =>
      text.replace(/\{\{([\w.]+)\}\}/g, (_, path: string) => {
        if (path === 'base') return pipeline.url;
        if (path in variables) return variables[path] ?? '';
        // {{name.response.body.field}}
        const [name = '', , , field = ''] = path.split('.');
        return String((named[name] as Record<string, unknown> | undefined)?.[field]);
      });
    const statuses: string[] = [];
    for (const request of requests) {
      const response = await fetch(resolve(request.url), {
        method: request.method,
        headers: request.headers.map(([header, value]) => [header, resolve(value)]),
      });
      const text = await response.text();
      if (request.name) named[request.name] = JSON.parse(text);
      statuses.push(`${request.method} ${request.url.replace('{{base}}', '')} ${response.status}`);
    }

    expect(variables.key).toBe(KEY);
    expect(statuses).toEqual([
      'POST /refresh 202',
      'GET /jobs/{{refresh.response.body.job_id}} 200',
      'GET / 200',
      'POST /jobs/{{refresh.response.body.job_id}}/retry 409',
      'GET /jobs/00000000-0000-4000-8000-000000000000 404',
      'GET /jobs/not-a-uuid 400',
      'GET /dashboard 200',
      'GET /dashboard/panels 200',
      'GET /dashboard/assets/dashboard.css 200',
      'GET /health 200',
      'GET /ready 200',
      'GET /metrics 200',
      'GET /openapi.json 200',
      'GET /docs 200',
    ]);
  });
});
