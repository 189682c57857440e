import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PrivateRabbitMq, startPrivateRabbitMq } from './private-rabbitmq.ts';

/** A RabbitMQ cluster of our own: nodes on free ports, joined to the first. */
export interface PrivateRabbitMqCluster {
  nodes: readonly PrivateRabbitMq[];
  /** Every node's AMQP URL, comma-separated: what RABBITMQ_URL takes for a cluster. */
  url: string;
  /** The node that leads `queue` now (a quorum queue's leader), as `ask` (by default any node up) knows it. */
  leaderOf(queue: string, ask?: PrivateRabbitMq): Promise<PrivateRabbitMq>;
  /** Resolves once every node runs and sees all the others. */
  waitUntilWhole(timeoutMs?: number): Promise<void>;
  /** Resolves once the cluster is whole and every quorum queue has all its members online again. */
  healed(timeoutMs?: number): Promise<void>;
  /** Stops every node (SIGKILL; the data is thrown away with `dir`). */
  stop(): Promise<void>;
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
      names.map((name) => startPrivateRabbitMq(join(dir, name), { home, name })),
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
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await Promise.all(nodes.map((node) => running(node).catch(() => 0)));
      if (counts.every((count) => count === nodes.length)) return;
      if (Date.now() > deadline) throw new Error(`the cluster is not whole after ${timeoutMs} ms: ${counts}`);
      await sleep(500);
    }
  };

  return {
    nodes,
    url: nodes.map((node) => node.url).join(','),
    async leaderOf(queue, ask) {
      if (!/^[\w.:-]+$/.test(queue)) throw new Error(`not a queue name the suite makes: ${queue}`);
      // The leader as the queue's Raft cluster knows it, asked on one node: `list_queues` would ask
      // every member, and wait for ever on a frozen one. The Raft name of a queue in vhost / is %2F_<name>.
      const expression = `ra:members({'%2F_${queue}', node()}).`;
      let lastError: unknown;
      for (const node of ask ? [ask] : nodes) {
        let out: string;
        try {
          out = await node.ctl('eval', expression);
        } catch (error) {
          lastError = error;
          continue;
        }
        // {ok, Members, {Name, LeaderNode}}, or {timeout, …} while an election runs.
        const leader = /\{'[^']+',\s*'?([^'}\s]+)'?\}\}\s*$/.exec(out)?.[1];
        const found = out.startsWith('{ok,')
          ? nodes.find((candidate) => candidate.node === leader)
          : undefined;
        if (found) return found;
        lastError = new Error(`${node.node} knows no leader of ${queue}: ${out.trim()}`);
      }
      throw new Error(`no node of the cluster named the leader of ${queue}: ${String(lastError)}`);
    },
    async healed(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      await waitUntilWhole(timeoutMs);
      // The quorum queues with only a bare majority of their members online (what
      // `rabbitmq-queues check_if_node_is_quorum_critical` reads), asked on every node.
      for (;;) {
        const critical = await Promise.all(
          nodes.map((node) =>
            node.ctl('eval', 'rabbit_quorum_queue:list_with_minimum_quorum().').then(
              (out) => out.trim() !== '[]',
              () => true,
            ),
          ),
        );
        if (!critical.includes(true)) return;
        if (Date.now() > deadline)
          throw new Error(`a quorum queue still runs on a bare majority after ${timeoutMs} ms`);
        await sleep(500);
      }
    },
    waitUntilWhole,
    stop,
  };
}
