/**
 * The fault suite. `npm run test:faults` runs the single-node groups, each on a private RabbitMQ
 * node and a private PostgreSQL cluster of its own; `npm run test:cluster` (`--cluster`) the groups
 * whose services run on several broker nodes or database instances. A suite's groups run side by
 * side, on private services of their own; the three services are built once, and for each scenario
 * N jobs are posted while a fault is injected. Each scenario waits for the pipeline to settle and
 * checks the ledger of every job. Prints the table, writes test-results/<suite>.json and exits 1
 * on any loss, double, unexplained failure or dead-letter count that differs from what was injected.
 *   FAULTS_JOBS=2000          jobs per scenario (the embedded ones post at most 500, the crash loop 200)
 *   FAULTS_ONLY=poison,…      run only these scenarios (ids from the table)
 *   FAULTS_LOG_LEVEL=warn     LOG_LEVEL of the services, whose logs go to test-results/<suite>-logs/
 *   FAULTS_KEEP=1             keep the private brokers' and databases' folders (their own logs)
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProject } from '@mousetrap/project_build';
import { embeddedJobs, runEmbeddedScenario } from './embedded.ts';
import { clusterGroups, type Group, type GroupServices, singleNodeGroups } from './groups.ts';
import { renderTable } from './report.ts';
import { brokenOutcome, type Outcome, runScenario, seconds } from './run-scenario.ts';

const root = join(import.meta.dirname, '..', '..');
const suiteName = process.argv.includes('--cluster') ? 'cluster' : 'faults';
const groups: readonly Group[] = suiteName === 'cluster' ? clusterGroups : singleNodeGroups;
const count = Number(process.env.FAULTS_JOBS ?? 2000);
const only = process.env.FAULTS_ONLY?.split(',').filter(Boolean);
const chosen = (id: string) => !only || only.includes(id);
const total = groups.reduce(
  (sum, group) => sum + [...group.scenarios, ...(group.embedded ?? [])].filter((s) => chosen(s.id)).length,
  0,
);
const started = Date.now();
const note = (text: string) =>
  console.log(`[${suiteName} ${seconds(Date.now() - started).padStart(7)}] ${text}`);

if (!Number.isInteger(count) || count < 1) throw new Error(`FAULTS_JOBS: expected a positive integer`);
if (total === 0) throw new Error(`FAULTS_ONLY: no scenario named ${only?.join(', ')}`);

const resultsDir = join(root, 'test-results');
const logDir = join(resultsDir, `${suiteName}-logs`);
await rm(logDir, { recursive: true, force: true });
await mkdir(logDir, { recursive: true });
const temp = await mkdtemp(join(tmpdir(), `mousetrap-${suiteName}-`));
// The postgres user, which runs the private clusters, must reach its folder inside.
await chmod(temp, 0o755);
const live = new Set<{ abort(): void }>();
// How to stop each running group's private services, in the order they were started.
const running = new Set<(() => Promise<void>)[]>();

const stopServices = async (stops: (() => Promise<void>)[]) => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
};
const stopAll = async () => {
  for (const pipeline of live) pipeline.abort();
  await Promise.all([...running].map(stopServices));
};
// Ctrl-C, or a CI job's timeout (SIGTERM, SIGHUP): the private services go too, frozen ones included.
const interrupted = (signal: NodeJS.Signals) => {
  note(`${signal}; stopping the private services`);
  void stopAll()
    .then(() => rm(temp, { recursive: true, force: true }))
    .finally(() => process.exit(128 + osConstants.signals[signal]));
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, interrupted);

const outcomes: Outcome[] = [];
try {
  for (const project of ['api_app', 'fetch_worker_app', 'processing_worker_app']) {
    await buildProject({ root, project });
  }
  note('built the three projects');
  const logLevel = process.env.FAULTS_LOG_LEVEL ?? 'warn';
  let begun = 0;
  // A scenario that throws fails, with the error, and the others still run.
  const attempt = async (
    scenario: { id: string; title: string },
    posted: number,
    run: () => Promise<Outcome>,
  ) => {
    begun += 1;
    note(`[${begun}/${total}] ${scenario.id}: ${scenario.title}`);
    const outcome = await run().catch((error: unknown) => brokenOutcome(scenario, posted, error));
    const verdict = outcome.problems.length === 0 ? 'ok' : `FAIL (${outcome.problems.join('; ')})`;
    note(`${outcome.id}: ${outcome.done} done, ${outcome.failed} failed, ${outcome.lost} lost: ${verdict}`);
    return outcome;
  };
  /**
   * Runs a group's chosen scenarios on its own private services; its outcomes in its order. Servers
   * that do not start fail each of its scenarios, with why.
   */
  const runGroup = async (group: Group): Promise<Outcome[]> => {
    const scenarios = group.scenarios.filter((scenario) => chosen(scenario.id));
    const embedded = (group.embedded ?? []).filter((scenario) => chosen(scenario.id));
    const stops: (() => Promise<void>)[] = [];
    running.add(stops);
    try {
      if (scenarios.length + embedded.length === 0) return [];
      let started: GroupServices;
      try {
        started = await group.start(join(temp, group.id), stops);
      } catch (error) {
        note(`${group.id}: its servers did not start: ${String(error)}`);
        return [
          ...scenarios.map((scenario) => brokenOutcome(scenario, count, error)),
          ...embedded.map((scenario) => brokenOutcome(scenario, embeddedJobs(scenario, count), error)),
        ];
      }
      const { describe, ...services } = started;
      note(`${group.id}: ${describe}`);
      const suite = { root, ...services, count, concurrency: 32, logDir, logLevel, note, live };
      const outcomes: Outcome[] = [];
      for (const scenario of scenarios) {
        outcomes.push(await attempt(scenario, count, () => runScenario(scenario, suite)));
      }
      for (const scenario of embedded) {
        outcomes.push(
          await attempt(scenario, embeddedJobs(scenario, count), () =>
            runEmbeddedScenario(scenario, { ...suite, temp }),
          ),
        );
      }
      return outcomes;
    } finally {
      await stopServices(stops);
      running.delete(stops);
    }
  };
  // The groups side by side.
  outcomes.push(...(await Promise.all(groups.map(runGroup))).flat());
} finally {
  await stopAll();
  if (process.env.FAULTS_KEEP) note(`kept the private servers' folders in ${temp}`);
  else await rm(temp, { recursive: true, force: true });
}

const failed = outcomes.filter((outcome) => outcome.problems.length > 0);
console.log(`\n${renderTable(outcomes)}\n`);
await writeFile(
  join(resultsDir, `${suiteName}.json`),
  `${JSON.stringify({ jobs: count, durationMs: Date.now() - started, scenarios: outcomes }, null, 2)}\n`,
);
console.log(
  `${suiteName === 'cluster' ? 'cluster suite' : 'fault suite'}: ${outcomes.length - failed.length} passed, ` +
    `${failed.length} failed in ${seconds(Date.now() - started)}` +
    ` (test-results/${suiteName}.json; service logs in test-results/${suiteName}-logs/)`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
