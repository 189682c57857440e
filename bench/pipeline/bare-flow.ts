import { join } from 'node:path';
import { deleteQueues, dropSchema, uniqueName } from '@mousetrap/test_kit';
import { connect } from 'amqplib';
import { onCleanup } from '../lib/cleanup.ts';
import { cpuMsPerJob, readCpu, type Servers } from '../lib/cpu-time.ts';
import { DATABASE_URL, RABBITMQ_URL } from '../lib/pipeline-services.ts';
import { postJobs } from '../lib/post-jobs.ts';
import { progress } from '../lib/results.ts';
import { anyExit, startRole } from '../lib/role-processes.ts';
import type { ServiceProcess } from '../lib/service-process.ts';

/** What the bare flow managed. */
export interface BareFlow {
  jobs: number;
  /** Jobs per second from the first request's arrival to the last message acked at the end. */
  jobsPerSecond: number;
  /** CPU per job in ms: each role's process, RabbitMQ (and PostgreSQL with the store), the posting client. */
  cpuMsPerJob: Record<string, number>;
}

const ROLES = ['api', 'hop', 'sink'] as const;

/**
 * The pipeline's floor: the same client posting `jobs` jobs from `concurrency` connections to a
 * bare Express route that publishes a confirmed persistent message, a process that moves each
 * message to a second quorum queue (confirm, then ack) and one that acks it there
 * (bare-flow-process.ts, one process each, as the pipeline's three services). `servers` are the
 * listening processes of the broker (`rabbitmq`) and, with `withStore`, of the database
 * (`postgres`), whose CPU is measured with the roles'. `withStore` adds the pipeline's writes,
 * made through the store in a schema of their own.
 */
export async function measureBareFlow(
  jobs: number,
  concurrency: number,
  servers: Servers,
  withStore = false,
): Promise<BareFlow> {
  const prefix = uniqueName('bench');
  const queues = [`${prefix}.bare.first`, `${prefix}.bare.second`];
  const processes = new Map<string, ServiceProcess>();
  const close = onCleanup(async () => {
    await Promise.all([...processes.values()].map((role) => role.stop()));
    try {
      await deleteQueues(RABBITMQ_URL, queues);
    } finally {
      if (withStore) await dropSchema(DATABASE_URL, prefix);
    }
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
    const env = {
      RABBITMQ_URL,
      BARE_FLOW_QUEUES: queues.join(','),
      BARE_FLOW_JOBS: String(jobs),
      // An empty schema keeps the store off, whatever this process's environment holds.
      ...(withStore ? { DATABASE_URL, BARE_FLOW_SCHEMA: prefix } : { BARE_FLOW_SCHEMA: '' }),
    };
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
    // Without the store there is no database in the flow: the broker is the only server measured.
    const measured: Servers = new Map([...servers].filter(([name]) => withStore || name === 'rabbitmq'));
    const cpuBefore = await readCpu(pids, measured);
    const name = withStore ? 'bare flow with the store' : 'bare flow';
    progress(`${name}: posting ${jobs} jobs from ${concurrency} connections`);
    const posting = await postJobs(`http://127.0.0.1:${String(port)}`, jobs, concurrency, (n) =>
      progress(`${name}: ${n} posted`),
    );
    if (posting.accepted !== jobs)
      throw new Error(
        `the ${name}'s API accepted ${posting.accepted} of ${jobs} jobs: ${JSON.stringify(posting.refused)}`,
      );
    const [firstAt, doneAt] = await Promise.race([Promise.all([first, done]), ended]);
    const cpuAfter = await readCpu(pids, measured);
    const seconds = (Number(doneAt.at) - Number(firstAt.at)) / 1000;
    return { jobs, jobsPerSecond: jobs / seconds, cpuMsPerJob: cpuMsPerJob(cpuBefore, cpuAfter, jobs) };
  } finally {
    await close();
  }
}
