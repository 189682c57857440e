import { connectJobQueue } from '@mousetrap/job_queue';
import { waitFor } from '@mousetrap/test_kit';
import { addReadings, aim, type InFlightReading } from './in-flight.ts';
import { everyJobEnded } from './observer.ts';
import type { PrivateRabbitMq } from './private-rabbitmq.ts';
import type { PrivateRabbitMqCluster } from './private-rabbitmq-cluster.ts';
import { jobDoneAgain, seconds } from './run-scenario.ts';
import type { Injection, Scenario, ScenarioContext } from './scenarios.ts';

// The other nodes elected a new leader 6.4-16.5 s after the freeze (net_ticktime 10 s and Raft's
// own timeouts): a 20 s freeze once left 3.5 s for a job to be done, and failed.
const FREEZE_MS = 30_000;

/** How long the killed leader stays dead at most: every job must end meanwhile, and then it starts again. */
const KILLED_FOR_MS = 60_000;

// Stages of 50 ms, not the suite's 5: a cluster's confirms are slower, so fewer jobs arrive a
// second, and each must stay in flight long enough for a fault to meet it.
const SLOWER_STAGES = { FETCH_DELAY_MS: '50', PROCESS_DELAY_MS: '50' };

const workQueues = (context: Pick<ScenarioContext, 'prefix'>) => [
  `${context.prefix}start_fetch`,
  `${context.prefix}data_processing`,
];

function clusterOf(context: Pick<ScenarioContext, 'cluster'>): PrivateRabbitMqCluster {
  if (!context.cluster) throw new Error('a RabbitMQ cluster scenario needs the suite to run on a cluster');
  return context.cluster;
}

/**
 * Waits until `share` of the jobs are accepted and a service holds work in flight: the node that
 * leads both work queues (the first, as `queuesLedByFirstNode` checked), the reading, and the
 * instant to inject the fault at.
 */
async function atTheLeader(context: ScenarioContext, share: number, verb: string) {
  const [leader] = clusterOf(context).nodes;
  if (!leader) throw new Error('an empty cluster');
  await context.load.whenAccepted(Math.round(context.count * share));
  const reading = await aim(context.pipeline.inFlight, (r) => r.total > 0);
  context.note(
    `${verb} ${leader.node}, the work queues' leader, at ${context.load.acceptedCount} accepted, ${reading.total} in flight`,
  );
  return { leader, reading, injectedAt: Date.now() };
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
  for (const name of workQueues(context)) {
    const leader = await cluster.leaderOf(name, first);
    if (leader !== first) throw new Error(`${name} is led from ${leader.node}, not ${first.node}`);
  }
  context.note(`the work queues are led from ${first.node}, with a member on every node`);
}

/** The RabbitMQ cluster's faults: a leader killed, a rolling restart, a hung node. */
export const rabbitClusterScenarios: readonly Scenario[] = [
  {
    id: 'rabbit-leader-kill',
    title:
      'RabbitMQ cluster: the node leading start_fetch and data_processing killed (kill -9) mid-stream; every job must end before it is back',
    env: SLOWER_STAGES,
    hitsWork: true,
    // Posted over 20 s, so that work is in flight whenever the fault comes, and arrives during it.
    loadSpreadMs: 20_000,
    prepare: queuesLedByFirstNode,
    async inject(context): Promise<Injection> {
      const cluster = clusterOf(context);
      const problems: string[] = [];
      const { leader, reading, injectedAt } = await atTheLeader(context, 0.3, 'kill -9');
      await leader.kill();
      let recoveredAt: number | undefined;
      try {
        const next = await waitForNewLeader(context, leader);
        context.note(`${next.node} leads start_fetch ${seconds(Date.now() - injectedAt)} after the kill`);
        // Recovered once jobs are done again with the node still dead.
        recoveredAt = await jobDoneAgain(context.observer, context.load, KILLED_FOR_MS);
        // And every job ends without it: a service whose publishes the other nodes kept refusing
        // (a channel told the dead leader) would hold its jobs until the node came back.
        const endedAt = await everyJobEnded(
          context.observer,
          context.load,
          injectedAt + KILLED_FOR_MS - Date.now(),
        );
        if (endedAt === undefined) {
          problems.push(`jobs were unfinished ${KILLED_FOR_MS / 1000} s after the kill, the node still down`);
        } else
          context.note(
            `every job ended ${seconds(endedAt - injectedAt)} after the kill, the node still down`,
          );
      } finally {
        // Back in the cluster whatever happened, for the scenarios after this one.
        await leader.start();
        await cluster.healed();
      }
      context.note(`${leader.node} is back in the cluster`);
      return { injectedAt, restoredAt: Date.now(), recoveredAt, inFlight: reading, problems };
    },
  },
  {
    id: 'rabbit-rolling-restart',
    title:
      'RabbitMQ cluster: a rolling restart of all three nodes under load, each leading the work queues when it stops',
    env: SLOWER_STAGES,
    hitsWork: true,
    mustRedo: true,
    // Posted over 90 s: jobs must still arrive for the third restart, which came 40-58 s after the
    // first (each node back in 13-18 s, and its successor made leader); over a minute, the load
    // had ended before it once. The rest is posted at once after the third.
    loadSpreadMs: 90_000,
    async inject(context): Promise<Injection> {
      const cluster = clusterOf(context);
      const readings: InFlightReading[] = [];
      let injectedAt: number | undefined;
      await context.load.whenAccepted(Math.round(context.count * 0.1));
      for (const node of cluster.nodes) {
        // Each restart takes the work queues' leaders down with it: the worst case of a rolling restart.
        await cluster.moveLeaders(workQueues(context), node);
        const reading = await aim(context.pipeline.inFlight, (r) => r.total > 0);
        context.note(
          `restart ${node.node}, leading both work queues, at ${context.load.acceptedCount} accepted, ${reading.total} in flight`,
        );
        readings.push(reading);
        const at = Date.now();
        injectedAt ??= at;
        await node.shutdown();
        await node.start();
        await cluster.healed();
        context.note(`${node.node} restarted and rejoined in ${seconds(Date.now() - at)}`);
      }
      context.load.hurry();
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
    title: `RabbitMQ cluster: the work queues' leader frozen (SIGSTOP) for ${FREEZE_MS / 1000} s, then resumed; jobs must be done meanwhile`,
    env: SLOWER_STAGES,
    hitsWork: true,
    // Posted over 20 s, so that work is in flight whenever the fault comes, and arrives during it.
    loadSpreadMs: 20_000,
    prepare: queuesLedByFirstNode,
    async inject(context): Promise<Injection> {
      const problems: string[] = [];
      const { leader, reading, injectedAt } = await atTheLeader(context, 0.3, 'SIGSTOP');
      leader.freeze();
      let recoveredAt: number | undefined;
      try {
        const next = await waitForNewLeader(context, leader);
        context.note(`${next.node} leads start_fetch ${seconds(Date.now() - injectedAt)} after the freeze`);
        recoveredAt = await jobDoneAgain(context.observer, context.load, injectedAt + FREEZE_MS - Date.now());
      } finally {
        await sleepUntil(injectedAt + FREEZE_MS);
        leader.thaw();
      }
      if (recoveredAt === undefined) {
        problems.push(
          `no job was done in the ${FREEZE_MS / 1000} s the node was frozen: the services did not leave it`,
        );
      } else {
        context.note(
          `jobs done again ${seconds(recoveredAt - injectedAt)} after the freeze, the node still frozen`,
        );
      }
      // Healed before the pipeline is judged: autoheal restarts the thawed node about a minute
      // later, and the observer's reads of the broker hung while it did.
      await clusterOf(context).healed();
      return { injectedAt, restoredAt: Date.now(), recoveredAt, inFlight: reading, problems };
    },
  },
];

/** Resolves at `time` (at once if it has passed). */
const sleepUntil = (time: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));

/** Waits until a node other than `old` leads start_fetch, asking the nodes still up. */
async function waitForNewLeader(context: ScenarioContext, old: PrivateRabbitMq): Promise<PrivateRabbitMq> {
  const cluster = clusterOf(context);
  const others = cluster.nodes.filter((node) => node !== old);
  const [queue] = workQueues(context);
  return waitFor(
    async () => {
      for (const node of others) {
        const leader = await cluster.leaderOf(queue ?? '', node).catch(() => undefined);
        if (leader && leader !== old) return leader;
      }
      return undefined;
    },
    { what: `a new leader of start_fetch after losing ${old.node}`, timeoutMs: 60_000, intervalMs: 250 },
  );
}
