import { join } from 'node:path';
import { deleteQueues, uniqueName } from '@mousetrap/test_kit';
import { connect } from 'amqplib';
import { onCleanup } from '../lib/cleanup.ts';
import { cpuOfCommands, cpuSecondsOf, cpuUsedBetween } from '../lib/cpu-time.ts';
import { RABBITMQ_URL, SERVICE_NODE_ARGS } from '../lib/pipeline-services.ts';
import { postJobs } from '../lib/post-jobs.ts';
import { progress } from '../lib/results.ts';
import { type ServiceProcess, startServiceProcess } from '../lib/service-process.ts';

/** What the bare flow managed. */
export interface BareFlow {
  jobs: number;
  /** Jobs per second from the first request to the last message acked at the end. */
  jobsPerSecond: number;
  /** CPU per job in ms: each role's process, RabbitMQ, the posting client. */
  cpuMsPerJob: Record<string, number>;
}

const ROLES = ['api', 'hop', 'sink'] as const;

/**
 * The pipeline's floor without the database: the same client posting `jobs` jobs from
 * `concurrency` connections to a bare Express route that publishes a confirmed persistent message,
 * a process that moves each message to a second quorum queue (confirm, then ack) and one that
 * acks it there (bare-flow-process.ts, one process each, as the pipeline's three services).
 */
export async function measureBareFlow(jobs: number, concurrency: number): Promise<BareFlow> {
  const prefix = uniqueName('bench');
  const queues = [`${prefix}.bare.first`, `${prefix}.bare.second`];
  const processes = new Map<(typeof ROLES)[number], ServiceProcess>();
  const close = onCleanup(async () => {
    await Promise.all([...processes.values()].map((role) => role.stop()));
    await deleteQueues(RABBITMQ_URL, queues);
  });
  try {
    const connection = await connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    for (const queue of queues)
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await connection.close();

    const script = join(import.meta.dirname, 'bare-flow-process.ts');
    const env = { RABBITMQ_URL, BARE_FLOW_QUEUES: queues.join(','), BARE_FLOW_JOBS: String(jobs) };
    let api = '';
    for (const role of ROLES) {
      const started = startServiceProcess(`bare ${role}`, script, { ...env, BARE_FLOW_ROLE: role }, [
        ...SERVICE_NODE_ARGS,
        '--import',
        'tsx',
      ]);
      processes.set(role, started);
      const line = await started.waitForLine(
        (seen) => seen.message === 'listening' || seen.message === 'consuming',
      );
      if (role === 'api') api = `http://127.0.0.1:${String(line.port)}`;
    }
    const sink = processes.get('sink') as ServiceProcess;
    const done = sink.waitForLine((line) => line.message === 'done', Math.max(60_000, jobs * 10));
    const cpuOf = async () => {
      const client = process.cpuUsage();
      const reading: Record<string, number> = { 'bench client': (client.user + client.system) / 1e6 };
      for (const [role, running] of processes)
        reading[`bare ${role}`] = await cpuSecondsOf(running.child.pid ?? 0);
      return reading;
    };
    const rabbitBefore = await cpuOfCommands(['beam.smp']);
    const cpuBefore = await cpuOf();
    progress(`bare flow: posting ${jobs} jobs from ${concurrency} connections`);
    const startedAt = Date.now();
    const posting = await postJobs(api, jobs, concurrency, (n) => progress(`bare flow: ${n} posted`));
    if (posting.accepted !== jobs)
      throw new Error(
        `the bare flow's API accepted ${posting.accepted} of ${jobs} jobs: ${JSON.stringify(posting.refused)}`,
      );
    const finishedAt = Number((await done).at);
    const cpuAfter = await cpuOf();
    const rabbitmq = cpuUsedBetween(rabbitBefore, await cpuOfCommands(['beam.smp']), 'beam.smp');
    const cpuMsPerJob = Object.fromEntries(
      Object.entries(cpuAfter).map(([who, seconds]) => [
        who,
        ((seconds - (cpuBefore[who] ?? 0)) * 1000) / jobs,
      ]),
    );
    cpuMsPerJob['rabbitmq (all)'] = (rabbitmq * 1000) / jobs;
    return { jobs, jobsPerSecond: jobs / ((finishedAt - startedAt) / 1000), cpuMsPerJob };
  } finally {
    await close();
  }
}
