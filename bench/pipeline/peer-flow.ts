import { join } from 'node:path';
import { dropSchema, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { onCleanup } from '../lib/cleanup.ts';
import { cpuMsPerJob, readCpu, type Servers } from '../lib/cpu-time.ts';
import { type JobStats, readJobStats, waitForJobs } from '../lib/job-stats.ts';
import { DATABASE_URL } from '../lib/pipeline-services.ts';
import { postJobs } from '../lib/post-jobs.ts';
import { type AppendFsync, startPrivateRedis } from '../lib/private-redis.ts';
import { progress } from '../lib/results.ts';
import { anyExit, startRole } from '../lib/role-processes.ts';
import type { ServiceProcess } from '../lib/service-process.ts';

/** What the peer managed with one `appendfsync`. */
export interface PeerFlow {
  appendfsync: AppendFsync;
  /** From the jobs' own timestamps, as the pipeline's: requested (added to Redis) and stored. */
  stats: JobStats;
  /** CPU per job in ms: each role's process, redis-server, PostgreSQL, the posting client. */
  cpuMsPerJob: Record<string, number>;
}

const ROLES = ['api', 'fetch', 'store'] as const;

/**
 * The peer (peer-flow-process.ts, one process of each role, as the pipeline's three services) on a
 * private redis-server with an append-only file synced as `appendfsync`: the same client posts
 * `jobs` jobs from `concurrency` connections, and the run ends when every result is stored in a
 * schema of its own. `postgres` is the database's listening process, measured with the roles
 * and redis-server; `redisServer` is the binary to start.
 */
export async function measurePeerFlow(options: {
  jobs: number;
  concurrency: number;
  appendfsync: AppendFsync;
  postgres: number;
  redisServer: string;
}): Promise<PeerFlow> {
  const { jobs, concurrency, appendfsync } = options;
  const { redis, stop: stopRedis } = await startPrivateRedis(options.redisServer, appendfsync);
  const schema = uniqueName('bench');
  const processes = new Map<string, ServiceProcess>();
  const close = onCleanup(async () => {
    await Promise.all([...processes.values()].map((role) => role.stop()));
    await dropSchema(DATABASE_URL, schema);
    await stopRedis();
  });
  try {
    const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      // One row a finished job, shaped as the pipeline's jobs table where job-stats.ts reads it.
      await sql`create schema ${sql(schema)}`;
      await sql`
        create table ${sql(schema)}.jobs (
          id text primary key,
          status text not null default 'done',
          created_at timestamptz not null,
          done_at timestamptz not null default now(),
          result jsonb not null
        )
      `;
    } finally {
      await sql.end({ timeout: 5 });
    }

    const script = join(import.meta.dirname, 'peer-flow-process.ts');
    const env = { REDIS_URL: redis.url, DATABASE_URL, PEER_SCHEMA: schema };
    let port: number | undefined;
    for (const role of ROLES) {
      const started = await startRole(processes, `bullmq ${role}`, script, { ...env, PEER_ROLE: role });
      port ??= started.port;
    }
    const ended = anyExit(processes);

    const pids = new Map([...processes].map(([name, running]) => [name, running.child.pid ?? 0]));
    const servers: Servers = new Map([
      ['postgres', options.postgres],
      ['redis', redis.pid],
    ]);
    const cpuBefore = await readCpu(pids, servers);
    progress(`BullMQ (appendfsync ${appendfsync}): posting ${jobs} jobs from ${concurrency} connections`);
    const posting = await postJobs(`http://127.0.0.1:${String(port)}`, jobs, concurrency, (n) =>
      progress(`BullMQ: ${n} posted`),
    );
    if (posting.accepted !== jobs)
      throw new Error(
        `BullMQ's API accepted ${posting.accepted} of ${jobs} jobs: ${JSON.stringify(posting.refused)}`,
      );
    await Promise.race([waitForJobs(schema, jobs, Math.max(60_000, jobs * 10)), ended]);
    const cpuAfter = await readCpu(pids, servers);
    const stats = await readJobStats(schema);
    return { appendfsync, stats, cpuMsPerJob: cpuMsPerJob(cpuBefore, cpuAfter, stats.done) };
  } finally {
    await close();
  }
}
