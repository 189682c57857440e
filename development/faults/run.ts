/**
 * The fault suite (`npm run test:faults`): starts a private RabbitMQ node and a private PostgreSQL
 * cluster, builds the three services, and for each scenario posts N jobs while injecting a fault,
 * waits for the pipeline to settle and checks the ledger of every job. Prints the table, writes
 * test-results/faults.json and exits 1 on any loss, double, unexplained failure or dead-letter
 * count that differs from what was injected.
 *   FAULTS_JOBS=2000          jobs per scenario
 *   FAULTS_ONLY=poison,…      run only these scenarios (ids from the table)
 *   FAULTS_LOG_LEVEL=warn     LOG_LEVEL of the services, whose logs go to test-results/faults-logs/
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProject } from '@mousetrap/project_build';
import { embeddedScenarios, runEmbeddedScenario } from './embedded.ts';
import { startPrivatePostgres } from './private-postgres.ts';
import { startPrivateRabbitMq } from './private-rabbitmq.ts';
import { renderTable } from './report.ts';
import { brokenOutcome, type Outcome, runScenario, type Suite, seconds } from './run-scenario.ts';
import { scenarios } from './scenarios.ts';

const root = join(import.meta.dirname, '..', '..');
const count = Number(process.env.FAULTS_JOBS ?? 2000);
const only = process.env.FAULTS_ONLY?.split(',').filter(Boolean);
const selected = scenarios.filter((scenario) => !only || only.includes(scenario.id));
const selectedEmbedded = embeddedScenarios.filter((scenario) => !only || only.includes(scenario.id));
const total = selected.length + selectedEmbedded.length;
const started = Date.now();
const note = (text: string) => console.log(`[faults ${seconds(Date.now() - started).padStart(7)}] ${text}`);

if (!Number.isInteger(count) || count < 1) throw new Error(`FAULTS_JOBS: expected a positive integer`);
if (total === 0) throw new Error(`FAULTS_ONLY: no scenario named ${only?.join(', ')}`);

const resultsDir = join(root, 'test-results');
const logDir = join(resultsDir, 'faults-logs');
await rm(logDir, { recursive: true, force: true });
await mkdir(logDir, { recursive: true });
const temp = await mkdtemp(join(tmpdir(), 'mousetrap-faults-'));
// The postgres user, which runs the private cluster, must reach its folder inside.
await chmod(temp, 0o755);
const live = new Set<{ abort(): void }>();
const stops: (() => Promise<void>)[] = [];

const cleanUp = async () => {
  for (const pipeline of live) pipeline.abort();
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await rm(temp, { recursive: true, force: true });
};
process.once('SIGINT', () => {
  note('interrupted; stopping the private services');
  void cleanUp().finally(() => process.exit(130));
});

const outcomes: Outcome[] = [];
try {
  for (const project of ['api_app', 'fetch_worker_app', 'processing_worker_app']) {
    await buildProject({ root, project });
  }
  note('built the three projects');
  const rabbit = await startPrivateRabbitMq(join(temp, 'rabbitmq'));
  stops.push(() => rabbit.stop());
  const postgres = await startPrivatePostgres(join(temp, 'postgres'));
  stops.push(() => postgres.stop('immediate'));
  note(`private RabbitMQ ${rabbit.node} at ${rabbit.url}, private PostgreSQL at ${postgres.url}`);
  const logLevel = process.env.FAULTS_LOG_LEVEL ?? 'warn';
  const suite: Suite = { root, rabbit, postgres, count, concurrency: 32, logDir, logLevel, note, live };
  const report = (outcome: Outcome) => {
    outcomes.push(outcome);
    const verdict = outcome.problems.length === 0 ? 'ok' : `FAIL (${outcome.problems.join('; ')})`;
    note(`${outcome.id}: ${outcome.done} done, ${outcome.failed} failed, ${outcome.lost} lost: ${verdict}`);
  };
  // A scenario that throws fails, with the error, and the others still run.
  const attempt = async (scenario: { id: string; title: string }, run: () => Promise<Outcome>) => {
    note(`[${outcomes.length + 1}/${total}] ${scenario.id}: ${scenario.title}`);
    report(await run().catch((error: unknown) => brokenOutcome(scenario, count, error)));
  };
  for (const scenario of selected) await attempt(scenario, () => runScenario(scenario, suite));
  for (const scenario of selectedEmbedded) {
    await attempt(scenario, () => runEmbeddedScenario(scenario, { ...suite, temp }));
  }
} finally {
  await cleanUp();
}

const failed = outcomes.filter((outcome) => outcome.problems.length > 0);
console.log(`\n${renderTable(outcomes)}\n`);
await writeFile(
  join(resultsDir, 'faults.json'),
  `${JSON.stringify({ jobs: count, durationMs: Date.now() - started, scenarios: outcomes }, null, 2)}\n`,
);
console.log(
  `fault suite: ${outcomes.length - failed.length} passed, ${failed.length} failed in ${seconds(Date.now() - started)}` +
    ` (test-results/faults.json; service logs in test-results/faults-logs/)`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
