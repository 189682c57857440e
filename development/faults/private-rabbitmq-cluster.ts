import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '@mousetrap/test_kit';
import { type PrivateRabbitMq, startPrivateRabbitMq } from './private-rabbitmq.ts';

/** A RabbitMQ cluster of our own: nodes on free ports, joined to the first. */
export interface PrivateRabbitMqCluster {
  nodes: readonly PrivateRabbitMq[];
  /** Every node's AMQP URL, comma-separated: what RABBITMQ_URL takes for a cluster. */
  url: string;
  /** The node that leads `queue` now (a quorum queue's leader), as `ask` (by default any node up) knows it. */
  leaderOf(queue: string, ask?: PrivateRabbitMq): Promise<PrivateRabbitMq>;
  /** Makes `node` lead each of `queues` (a Raft leadership transfer), and waits until it does. */
  moveLeaders(queues: readonly string[], node: PrivateRabbitMq): Promise<void>;
  /** Resolves once every node runs and sees all the others. */
  waitUntilWhole(timeoutMs?: number): Promise<void>;
  /** Resolves once the cluster is whole and every quorum queue has all its members online again. */
  healed(timeoutMs?: number): Promise<void>;
  /** Stops every node (SIGKILL; the data is thrown away with `dir`). */
  stop(): Promise<void>;
}

/**
 * The nodes' settings beyond a single node's. `net_ticktime`: how long they take to give up a
 * silent peer (Erlang's default 60 s); a hung node holds up every operation that needs all
 * nodes, such as declaring a queue, until it is given up, and at 10 s the freeze scenario can show
 * the services working without it. A node given up and then resumed finds the cluster split:
 * `autoheal` restarts it into the majority's side. (With `pause_minority`, measured here on 3.10,
 * both sides went on running split for the two minutes watched: the node never saw the others go
 * down while it was stopped.)
 */
const CLUSTER_CONFIG = ['net_ticktime = 10', 'cluster_partition_handling = autoheal'];

/** A quorum queue's Raft server on `node`: the queue's Raft cluster name in vhost / is %2F_<name>. */
function raServer(queue: string, node: PrivateRabbitMq): string {
  if (!/^[\w.:-]+$/.test(queue)) throw new Error(`not a queue name the suite makes: ${queue}`);
  return `{'%2F_${queue}', '${node.node}'}`;
}

/**
 * Starts `size` private RabbitMQ nodes under `dir` and joins them into one cluster. They share
 * one `HOME`, so one Erlang cookie, written before any node starts (nodes starting together would
 * each write their own).
 */
export async function startPrivateRabbitMqCluster(dir: string, size = 3): Promise<PrivateRabbitMqCluster> {
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  await writeFile(join(home, '.erlang.cookie'), randomBytes(20).toString('hex').toUpperCase(), {
    mode: 0o400,
  });
  const names = Array.from({ length: size }, (_, i) => `cluster${process.pid}n${i + 1}`);
  const nodes: PrivateRabbitMq[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    const started = await Promise.allSettled(
      names.map((name) => startPrivateRabbitMq(join(dir, name), { home, name, config: CLUSTER_CONFIG })),
    );
    for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const [first, ...others] = nodes as [PrivateRabbitMq, ...PrivateRabbitMq[]];
    for (const node of others) {
      await node.ctl('stop_app');
      await node.ctl('join_cluster', first.node);
      await node.ctl('start_app');
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const running = async (node: PrivateRabbitMq) => {
    const status = JSON.parse(await node.ctl('cluster_status', '--formatter', 'json')) as {
      running_nodes: string[];
    };
    return status.running_nodes.length;
  };

  const waitUntilWhole = async (timeoutMs = 120_000) => {
    await waitFor(
      async () => {
        const counts = await Promise.all(nodes.map((node) => running(node).catch(() => 0)));
        return counts.every((count) => count === nodes.length);
      },
      { what: 'every node of the cluster to run and see the others', timeoutMs, intervalMs: 500 },
    );
  };

  const leaderOf = async (queue: string, ask?: PrivateRabbitMq) => {
    // The leader as the queue's Raft cluster knows it, asked on one node: `list_queues` would ask
    // every member, and wait for ever on a frozen one.
    let lastError: unknown;
    for (const node of ask ? [ask] : nodes) {
      let out: string;
      try {
        out = await node.ctl('eval', `ra:members(${raServer(queue, node)}).`);
      } catch (error) {
        lastError = error;
        continue;
      }
      // {ok, Members, {Name, LeaderNode}}, or {timeout, …} while an election runs.
      const leader = /\{'[^']+',\s*'?([^'}\s]+)'?\}\}\s*$/.exec(out)?.[1];
      const found = out.startsWith('{ok,') ? nodes.find((candidate) => candidate.node === leader) : undefined;
      if (found) return found;
      lastError = new Error(`${node.node} knows no leader of ${queue}: ${out.trim()}`);
    }
    throw new Error(`no node of the cluster named the leader of ${queue}: ${String(lastError)}`);
  };

  return {
    nodes,
    url: nodes.map((node) => node.url).join(','),
    leaderOf,
    async moveLeaders(queues, node) {
      for (const queue of queues) {
        const leader = await leaderOf(queue, node);
        if (leader === node) continue;
        await node.ctl(
          'eval',
          `ra:transfer_leadership(${raServer(queue, leader)}, ${raServer(queue, node)}).`,
        );
        await waitFor(async () => (await leaderOf(queue, node).catch(() => undefined)) === node, {
          what: `${node.node} to lead ${queue}`,
          timeoutMs: 30_000,
          intervalMs: 250,
        });
      }
    },
    waitUntilWhole,
    async healed(timeoutMs = 120_000) {
      await waitUntilWhole(timeoutMs);
      // The quorum queues with only a bare majority of their members online (what
      // `rabbitmq-queues check_if_node_is_quorum_critical` reads), asked on every node.
      await waitFor(
        async () => {
          const critical = await Promise.all(
            nodes.map((node) =>
              node.ctl('eval', 'rabbit_quorum_queue:list_with_minimum_quorum().').then(
                (out) => out.trim() !== '[]',
                () => true,
              ),
            ),
          );
          return !critical.includes(true);
        },
        { what: 'every quorum queue to have all its members online', timeoutMs, intervalMs: 500 },
      );
    },
    stop,
  };
}
