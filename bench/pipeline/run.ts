/**
 * The pipeline benchmark: the three project builds as processes (delays 0), N jobs posted by a
 * concurrent client, then jobs/s end to end and the latency from request to stored result; beside
 * it, the broker's ceiling measured in the same run (a bare amqplib loop, before and after), the
 * bare flow, alone and with the pipeline's writes through the store, the same flow on BullMQ (a
 * peer, with Redis's appendfsync everysec and always) and the peak RSS of each service. Then the
 * pipeline again with tracing on, every span exported over OTLP/HTTP (protobuf, batched) to a
 * local sink, for what tracing costs. Writes bench/results/pipeline.json.
 *   npx tsx bench/pipeline/run.ts [--quick] [--no-build] [--jobs N] [--cpu-prof]
 */
import { join } from 'node:path';
import { uniqueName } from '@mousetrap/test_kit';
import { runBenchmark } from '../lib/cleanup.ts';
import { cpuOfServer, cpuUsedBetween, serversOf } from '../lib/cpu-time.ts';
import { startOtlpSink } from '../lib/otlp-sink.ts';
import { CLIENT_CONNECTIONS, PREFETCH, runPipeline } from '../lib/pipeline-run.ts';
import { buildProjects, DATABASE_URL, RABBITMQ_URL } from '../lib/pipeline-services.ts';
import { findRedisServer } from '../lib/private-redis.ts';
import { type Figure, MB, printFigures, progress, RESULTS_DIR, writeResult } from '../lib/results.ts';
import { measureBareFlow } from './bare-flow.ts';
import { measureBrokerCeiling } from './broker-ceiling.ts';
import { measurePeerFlow, type PeerFlow } from './peer-flow.ts';

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

/** Printed, and written to the results, in place of the peer's figures when Redis is not installed. */
const PEER_SKIPPED = 'BullMQ peer skipped: no redis-server on the PATH (Debian package redis-server)';

/** The peer's figures beside ours: its jobs/s and CPU per job, and the pipeline's share of its jobs/s. */
function peerFigures(pipelineJobsPerSecond: number, peer: PeerFlow): Figure[] {
  const name = `BullMQ, appendfsync ${peer.appendfsync}`;
  const ratio = pipelineJobsPerSecond / peer.stats.jobsPerSecond;
  // `always` is the peer's durability comparable to ours (every acknowledged write on disk).
  const comparable = peer.appendfsync === 'always';
  return [
    {
      figure: `${name} (${peer.stats.done} jobs done)`,
      value: peer.stats.jobsPerSecond,
      unit: 'jobs/s',
      goal: '',
    },
    { figure: `CPU per job, every process: ${name}`, value: sum(peer.cpuMsPerJob), unit: 'ms', goal: '' },
    {
      figure: `latency request → result p99: ${name}`,
      value: peer.stats.latencyMs.p99,
      unit: 'ms',
      goal: '',
    },
    {
      figure: `pipeline ÷ ${name}`,
      value: ratio * 100,
      unit: '%',
      goal: comparable ? '≥ 100' : '',
      met: comparable ? ratio >= 1 : undefined,
    },
  ];
}

/** The number of jobs the 2,000 jobs/s goal is set for. */
const GOAL_JOBS = 20_000;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jobsArg = args.indexOf('--jobs');
const jobs = jobsArg >= 0 ? Number(args[jobsArg + 1]) : quick ? 3000 : GOAL_JOBS;
const prefetch = PREFETCH;
const clientConcurrency = CLIENT_CONNECTIONS;

await runBenchmark(async () => {
  if (!args.includes('--no-build')) await buildProjects();
  // The shared servers' own processes, so that other brokers and databases on the machine (a
  // test's private ones) are not counted with them.
  const servers = await serversOf({ postgres: DATABASE_URL, rabbitmq: RABBITMQ_URL });
  const rabbitmq = servers.get('rabbitmq') ?? 0;
  const ceilingRun = async (when: string) => {
    progress(`broker ceiling (${when}): ${jobs} messages, prefetch ${prefetch}`);
    const rabbitBefore = await cpuOfServer(rabbitmq);
    const ceiling = await measureBrokerCeiling({
      url: RABBITMQ_URL,
      queue: `${uniqueName('bench')}.ceiling`,
      messages: jobs,
      prefetch,
      window: 1000,
      size: 600,
    });
    const rabbitUsed = cpuUsedBetween(rabbitBefore, await cpuOfServer(rabbitmq));
    return { ...ceiling, rabbitmqCpuMsPerMessage: (rabbitUsed * 1000) / jobs };
  };
  const before = await ceilingRun('before');

  const profileDir = args.includes('--cpu-prof') ? join(RESULTS_DIR, 'profiles') : undefined;
  const run = { jobs, prefetch, clientConcurrency, servers, profileDir };
  const { posting, stats, cpuMsPerJob, peakRss, problems, othersLoad, walBytesPerJob, commitsPerJob } =
    await runPipeline('tracing off', run);
  // The services flush their spans as they stop, so the sink has them all once the run is closed.
  const sink = await startOtlpSink();
  const traced = await runPipeline('tracing on', {
    ...run,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
  });
  const exported = { exports: sink.exports, bytes: sink.bytes };
  await sink.close();
  const bare = await measureBareFlow(jobs, clientConcurrency, servers);
  const bareWithStore = await measureBareFlow(jobs, clientConcurrency, servers, true);
  const after = await ceilingRun('after');
  // The peer on BullMQ, with each of Redis's two ways to sync its append-only file.
  const redisServer = await findRedisServer();
  const peers: PeerFlow[] = [];
  for (const appendfsync of ['everysec', 'always'] as const) {
    if (!redisServer) break;
    const postgres = servers.get('postgres') ?? 0;
    peers.push(
      await measurePeerFlow({ jobs, concurrency: clientConcurrency, appendfsync, postgres, redisServer }),
    );
  }

  const ceiling = (before.messagesPerSecond + after.messagesPerSecond) / 2;
  const ratio = stats.jobsPerSecond / (ceiling / 2);
  // What the guarantees cost: the pipeline's share of the bare flow's rate, measured in this run.
  const bareShare = stats.jobsPerSecond / bare.jobsPerSecond;
  const summary: Figure[] = [
    {
      figure: `pipeline end to end (${stats.done} jobs done)`,
      value: stats.jobsPerSecond,
      unit: 'jobs/s',
      // The goal is set for a run of 20,000 jobs; a shorter one is mostly warm-up.
      goal: jobs >= GOAL_JOBS ? '≥ 2000' : `≥ 2000 at ${GOAL_JOBS.toLocaleString('en-US')} jobs`,
      met: jobs >= GOAL_JOBS ? stats.jobsPerSecond >= 2000 && stats.done === jobs : undefined,
    },
    { figure: 'broker ceiling (bare amqplib)', value: ceiling, unit: 'msg/s', goal: '' },
    {
      figure: 'CPU per message: rabbitmq, ceiling loop',
      value: (before.rabbitmqCpuMsPerMessage + after.rabbitmqCpuMsPerMessage) / 2,
      unit: 'ms',
      goal: '',
    },
    // Its goal (50%) is retired: the bare flow alone reaches only 44–63% of it (bench/README.md).
    { figure: 'pipeline ÷ (ceiling ÷ 2)', value: ratio * 100, unit: '%', goal: '' },
    {
      figure: 'bare flow: Express + 2 confirmed hops, no DB',
      value: bare.jobsPerSecond,
      unit: 'jobs/s',
      goal: '',
    },
    {
      figure: 'bare flow ÷ (ceiling ÷ 2)',
      value: (bare.jobsPerSecond / (ceiling / 2)) * 100,
      unit: '%',
      goal: '',
    },
    {
      figure: 'pipeline ÷ bare flow',
      value: bareShare * 100,
      unit: '%',
      goal: '≥ 70',
      met: bareShare >= 0.7,
    },
    {
      figure: 'CPU per job, every process: pipeline',
      value: sum(cpuMsPerJob),
      unit: 'ms',
      goal: '≤ 0.9',
      met: sum(cpuMsPerJob) <= 0.9,
    },
    { figure: 'CPU per job, every process: bare flow', value: sum(bare.cpuMsPerJob), unit: 'ms', goal: '' },
    // The bare flow with the pipeline's writes through the store: what the record alone costs, and
    // what is left to our services' own code (bench/README.md, "What stands between it and the
    // ratio goals").
    {
      figure: 'bare flow + store writes',
      value: bareWithStore.jobsPerSecond,
      unit: 'jobs/s',
      goal: '',
    },
    {
      figure: 'bare flow + store writes ÷ bare flow',
      value: (bareWithStore.jobsPerSecond / bare.jobsPerSecond) * 100,
      unit: '%',
      goal: '',
    },
    {
      figure: 'pipeline ÷ (bare flow + store writes)',
      value: (stats.jobsPerSecond / bareWithStore.jobsPerSecond) * 100,
      unit: '%',
      goal: '',
    },
    {
      figure: 'CPU per job, every process: bare flow + store writes',
      value: sum(bareWithStore.cpuMsPerJob),
      unit: 'ms',
      goal: '',
    },
    ...peers.flatMap((peer) => peerFigures(stats.jobsPerSecond, peer)),
    { figure: 'POST /refresh while posting', value: posting.rate, unit: 'jobs/s', goal: '' },
    { figure: 'workers, first to last done', value: stats.steadyJobsPerSecond, unit: 'jobs/s', goal: '' },
    { figure: 'latency request → result p50', value: stats.latencyMs.p50, unit: 'ms', goal: '' },
    { figure: 'latency request → result p95', value: stats.latencyMs.p95, unit: 'ms', goal: '' },
    {
      figure: 'latency request → result p99',
      value: stats.latencyMs.p99,
      unit: 'ms',
      goal: '≤ 150',
      met: stats.latencyMs.p99 <= 150,
    },
    ...Object.entries(cpuMsPerJob).map(([who, ms]) => ({
      figure: `CPU per job: ${who}`,
      value: ms,
      unit: 'ms',
      goal: '',
    })),
    { figure: 'PostgreSQL WAL per job', value: walBytesPerJob, unit: 'bytes', goal: '' },
    { figure: 'PostgreSQL commits per job', value: commitsPerJob, unit: '', goal: '' },
    ...Object.entries(othersLoad)
      .filter(([who]) => who.endsWith('(server)'))
      .map(([who, ms]) => ({
        figure: `CPU per second, pipeline idle: ${who}`,
        value: ms,
        unit: 'ms',
        goal: '',
      })),
    ...Object.entries(peakRss).map(([project, bytes]) => ({
      figure: `peak RSS ${project}`,
      value: bytes / MB,
      unit: 'MB',
      goal: '< 150',
      met: bytes / MB < 150,
    })),
    {
      figure: `traced pipeline (${traced.stats.done} jobs done)`,
      value: traced.stats.jobsPerSecond,
      unit: 'jobs/s',
      goal: '',
    },
    {
      figure: 'traced ÷ untraced pipeline',
      value: (traced.stats.jobsPerSecond / stats.jobsPerSecond) * 100,
      unit: '%',
      goal: '',
    },
    { figure: 'CPU per job, every process: traced', value: sum(traced.cpuMsPerJob), unit: 'ms', goal: '' },
    {
      figure: 'traced: latency request → result p99',
      value: traced.stats.latencyMs.p99,
      unit: 'ms',
      goal: '',
    },
    {
      figure: 'traced: OTLP bytes per job',
      value: exported.bytes / Math.max(1, traced.stats.done),
      unit: 'B',
      goal: '',
    },
    ...Object.entries(traced.peakRss).map(([project, bytes]) => ({
      figure: `traced: peak RSS ${project}`,
      value: bytes / MB,
      unit: 'MB',
      goal: '',
    })),
  ];
  console.log(`\npipeline: ${jobs} jobs, prefetch ${prefetch}, delays 0`);
  printFigures(summary);
  if (!redisServer) console.log(`  ${PEER_SKIPPED}`);
  const flows: [string, Record<string, number>][] = [
    ['bare flow', bare.cpuMsPerJob],
    ['bare flow + store writes', bareWithStore.cpuMsPerJob],
    ...peers.map((peer): [string, Record<string, number>] => [
      `BullMQ appendfsync ${peer.appendfsync}`,
      peer.cpuMsPerJob,
    ]),
  ];
  for (const [name, cpu] of flows) {
    const each = Object.entries(cpu).map(([who, ms]) => `${who} ${ms.toFixed(3)}`);
    console.log(`  CPU per job, ${name} (ms): ${each.join(', ')}`);
  }
  for (const [run, logged] of [
    ['', problems],
    ['traced ', traced.problems],
  ] as const) {
    for (const [project, seen] of Object.entries(logged)) {
      for (const [message, count] of Object.entries(seen))
        console.log(`  ${run}${project} logged ${count}× ${message}`);
    }
  }
  await writeResult({
    name: 'pipeline',
    quick,
    summary,
    details: {
      cpuMsPerJob,
      jobs,
      prefetch,
      clientConcurrency,
      posting,
      stats,
      ceiling: { before, after },
      bareFlow: bare,
      bareFlowWithStore: bareWithStore,
      peers: redisServer ? peers : PEER_SKIPPED,
      peakRss,
      problems,
      traced: { ...traced, exported },
    },
  });
});
