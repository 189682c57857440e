import { join } from 'node:path';
import { deleteQueues, uniqueName } from '@mousetrap/test_kit';
import { connect } from 'amqplib';
import { onCleanup } from '../lib/cleanup.ts';
import { cpuMsPerJob, readCpu, type Servers } from '../lib/cpu-time.ts';
import { RABBITMQ_URL } from '../lib/pipeline-services.ts';
import { postJobs } from '../lib/post-jobs.ts';
import { progress } from '../lib/results.ts';
import { anyExit, startRole } from '../lib/role-processes.ts';
import type { ServiceProcess } from '../lib/service-process.ts';

/** What the bare flow managed. */
export interface BareFlow {
  jobs: number;
  /** Jobs per second from the first request's arrival to the last message acked at the end. */
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
 * `rabbitmq` is the broker's listening process, whose CPU is measured with the roles'.
 */
export async function measureBareFlow(
  jobs: number,
  concurrency: number,
  rabbitmq: number,
): Promise<BareFlow> {
  const prefix = uniqueName('bench');
  const queues = [`${prefix}.bare.first`, `${prefix}.bare.second`];
  const processes = new Map<string, ServiceProcess>();
  const close = onCleanup(async () => {
    await Promise.all([...processes.values()].map((role) => role.stop()));
    await deleteQueues(RABBITMQ_URL, queues);
  });
  try {
    const connection = await connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      for (const queue of queues)
        await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    } finally {
      await connection.close();
    }

    const script = join(import.meta.dirname, 'bare-flow-process.ts');
    const env = { RABBITMQ_URL, BARE_FLOW_QUEUES: queues.join(','), BARE_FLOW_JOBS: String(jobs) };
    let port: number | undefined;
    for (const role of ROLES) {
      const started = await startRole(processes, `bare ${role}`, script, { ...env, BARE_FLOW_ROLE: role });
      port ??= started.port;
    }
    const role = (name: (typeof ROLES)[number]) => processes.get(`bare ${name}`) as ServiceProcess;
    const timeoutMs = Math.max(60_000, jobs * 10);
    const first = role('api').waitForLine((line) => line.message === 'first request', timeoutMs);
    const done = role('sink').waitForLine((line) => line.message === 'done', timeoutMs);
    // Any of the three ending early ends the run, instead of waiting for the sink's timeout.
    const ended = anyExit(processes);
    for (const pending of [first, done]) pending.catch(() => {});

    const pids = new Map([...processes].map(([name, running]) => [name, running.child.pid ?? 0]));
    // There is no database in the bare flow: the broker is the only server measured.
    const servers: Servers = new Map([['rabbitmq', rabbitmq]]);
    const cpuBefore = await readCpu(pids, servers);
    progress(`bare flow: posting ${jobs} jobs from ${concurrency} connections`);
    const posting = await postJobs(`http://127.0.0.1:${String(port)}`, jobs, concurrency, (n) =>
      progress(`bare flow: ${n} posted`),
    );
    if (posting.accepted !== jobs)
      throw new Error(
        `the bare flow's API accepted ${posting.accepted} of ${jobs} jobs: ${JSON.stringify(posting.refused)}`,
      );
    const [firstAt, doneAt] = await Promise.race([Promise.all([first, done]), ended]);
    const cpuAfter = await readCpu(pids, servers);
    const seconds = (Number(doneAt.at) - Number(firstAt.at)) / 1000;
    return { jobs, jobsPerSecond: jobs / seconds, cpuMsPerJob: cpuMsPerJob(cpuBefore, cpuAfter, jobs) };
  } finally {
    await close();
  }
}
