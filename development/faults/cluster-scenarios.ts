import { setTimeout as sleep } from 'node:timers/promises';
import { connectJobQueue } from '@mousetrap/job_queue';
import { addReadings, aim, type InFlightReading } from './in-flight.ts';
import type { PrivateRabbitMq } from './private-rabbitmq.ts';
import type { PrivateRabbitMqCluster } from './private-rabbitmq-cluster.ts';
import { seconds } from './run-scenario.ts';
import type { Injection, Scenario, ScenarioContext } from './scenarios.ts';

const FREEZE_MS = 20_000;

// Stages of 50 ms, not the suite's 5: a cluster's confirms are slower, so fewer jobs arrive a
// second, and each must stay in flight long enough for a fault to meet it.
const SLOWER_STAGES = { FETCH_DELAY_MS: '50', PROCESS_DELAY_MS: '50' };

/** Waits until a job more than `before` is done, and returns when. */
async function jobsDoneAgain(context: ScenarioContext, timeoutMs = 120_000): Promise<number | undefined> {
  const before = (await context.observer.statuses()).done;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await context.observer.statuses().catch(() => undefined);
    if (counts && (counts.done > before || counts.queued + counts.fetching + counts.processing === 0)) {
      return Date.now();
    }
    await sleep(50);
  }
  return undefined;
}

function clusterOf(context: Pick<ScenarioContext, 'cluster'>): PrivateRabbitMqCluster {
  if (!context.cluster) throw new Error('a RabbitMQ cluster scenario needs the suite to run on a cluster');
  return context.cluster;
}

/** Waits until `share` of the jobs are accepted and a service holds work in flight; returns that reading. */
async function aimAtWork(context: ScenarioContext, share: number, what: string) {
  await context.load.whenAccepted(Math.round(context.count * share));
  const reading = await aim(context.pipeline.inFlight, (r) => r.total > 0);
  context.note(`${what} at ${context.load.acceptedCount} accepted, ${reading.total} in flight`);
  return reading;
}

/** The node leading both work queues; a problem when they are led from two nodes. */
async function leaderOfBoth(context: ScenarioContext, problems: string[]): Promise<PrivateRabbitMq> {
  const cluster = clusterOf(context);
  const fetch = await cluster.leaderOf(`${context.prefix}start_fetch`);
  const processing = await cluster.leaderOf(`${context.prefix}data_processing`);
  if (fetch !== processing)
    problems.push(`start_fetch is led from ${fetch.node}, data_processing from ${processing.node}`);
  return fetch;
}

/**
 * Declares the work queues through the first node before the services start, so that it leads
 * both (a quorum queue's leader starts on the node it was declared through), and checks that
 * every queue has a member on every node.
 */
async function queuesLedByFirstNode(context: Parameters<NonNullable<Scenario['prepare']>>[0]): Promise<void> {
  const cluster = clusterOf(context);
  const [first] = cluster.nodes;
  if (!first) throw new Error('an empty cluster');
  const queue = await connectJobQueue({ url: first.url, prefix: context.prefix, startTimeoutMs: 30_000 });
  await queue.close();
  const rows = JSON.parse(await first.ctl('list_queues', 'name', 'members', '--formatter', 'json')) as {
    name: string;
    members: string[];
  }[];
  for (const row of rows.filter((candidate) => candidate.name.startsWith(context.prefix))) {
    if (row.members.length !== cluster.nodes.length) {
      throw new Error(`${row.name} has members on ${row.members.length} of ${cluster.nodes.length} nodes`);
    }
  }
  context.note(`the work queues are led from ${first.node}, with a member on every node`);
}

/** The RabbitMQ cluster's faults: a leader killed, a rolling restart, a hung node. */
export const rabbitClusterScenarios: readonly Scenario[] = [
  {
    id: 'rabbit-leader-kill',
    title: 'RabbitMQ cluster: the node leading start_fetch and data_processing killed (kill -9) mid-stream',
    env: SLOWER_STAGES,
    hitsWork: true,
    prepare: queuesLedByFirstNode,
    async inject(context): Promise<Injection> {
      const problems: string[] = [];
      const leader = await leaderOfBoth(context, problems);
      const reading = await aimAtWork(context, 0.3, `kill -9 ${leader.node}, the queues' leader`);
      const injectedAt = Date.now();
      await leader.kill();
      const cluster = clusterOf(context);
      const next = await waitForNewLeader(context, leader);
      context.note(
        `${next.node} leads start_fetch ${((Date.now() - injectedAt) / 1000).toFixed(1)} s after the kill`,
      );
      await sleep(5000);
      await leader.start();
      await cluster.healed();
      context.note(`${leader.node} is back in the cluster`);
      return { injectedAt, restoredAt: Date.now(), inFlight: reading, problems };
    },
  },
  {
    id: 'rabbit-rolling-restart',
    title: 'RabbitMQ cluster: a rolling restart of all three nodes under load, one after another',
    env: SLOWER_STAGES,
    hitsWork: true,
    mustRedo: true,
    // Posted over a minute: the three restarts take about 30 s, and jobs must still arrive for the third.
    loadSpreadMs: 60_000,
    async inject(context): Promise<Injection> {
      const cluster = clusterOf(context);
      const readings: InFlightReading[] = [];
      let injectedAt: number | undefined;
      await context.load.whenAccepted(Math.round(context.count * 0.1));
      for (const node of cluster.nodes) {
        const reading = await aim(context.pipeline.inFlight, (r) => r.total > 0);
        context.note(
          `restart ${node.node} at ${context.load.acceptedCount} accepted, ${reading.total} in flight`,
        );
        readings.push(reading);
        const at = Date.now();
        injectedAt ??= at;
        await node.shutdown();
        await node.start();
        await cluster.healed();
        context.note(`${node.node} restarted and rejoined in ${seconds(Date.now() - at)}`);
      }
      return {
        injectedAt: injectedAt ?? Date.now(),
        restoredAt: Date.now(),
        inFlight: addReadings(readings),
        readings,
      };
    },
  },
  {
    id: 'rabbit-node-freeze',
    title: `RabbitMQ cluster: the queues' leader frozen (SIGSTOP) for ${FREEZE_MS / 1000} s, then resumed`,
    env: SLOWER_STAGES,
    hitsWork: true,
    prepare: queuesLedByFirstNode,
    async inject(context): Promise<Injection> {
      const problems: string[] = [];
      const leader = await leaderOfBoth(context, problems);
      const reading = await aimAtWork(context, 0.3, `SIGSTOP ${leader.node}`);
      const injectedAt = Date.now();
      leader.freeze();
      let recoveredAt: number | undefined;
      try {
        const next = await waitForNewLeader(context, leader);
        context.note(`${next.node} leads start_fetch ${seconds(Date.now() - injectedAt)} after the freeze`);
        recoveredAt = await jobsDoneAgain(context, FREEZE_MS);
        context.note(
          recoveredAt === undefined
            ? 'no job done while the node was frozen'
            : `jobs done again ${seconds(recoveredAt - injectedAt)} after the freeze`,
        );
        await sleep(Math.max(0, injectedAt + FREEZE_MS - Date.now()));
      } finally {
        leader.thaw();
      }
      recoveredAt ??= await jobsDoneAgain(context);
      await clusterOf(context).healed();
      return { injectedAt, restoredAt: Date.now(), recoveredAt, inFlight: reading, problems };
    },
  },
];

/** Waits until a node other than `old` leads start_fetch, asking the nodes still up. */
async function waitForNewLeader(context: ScenarioContext, old: PrivateRabbitMq): Promise<PrivateRabbitMq> {
  const cluster = clusterOf(context);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const others = cluster.nodes.filter((node) => node !== old);
    for (const node of others) {
      const leader = await cluster.leaderOf(`${context.prefix}start_fetch`, node).catch(() => undefined);
      if (leader && leader !== old) return leader;
    }
    if (Date.now() > deadline)
      throw new Error(`no new leader of start_fetch within 60 s of losing ${old.node}`);
    await sleep(250);
  }
}
