import { redactUrl } from '@mousetrap/log';
import { type ChannelModel, connect } from 'amqplib';
import { shuffled } from './broker-nodes.ts';
import { JobQueueError } from './errors.ts';
import { amqpJobQueueSettings } from './options.ts';
import { refusalError } from './refusal.ts';

/**
 * A plain connection to the broker at `url` (or to one of a cluster's nodes it lists, tried in a
 * random order, which `random` picks), for tools that read the queues themselves (the dead-letter
 * tool): nothing declared, no recovery. Fails with JobQueueError `refused` when the broker refuses
 * the login or the virtual host, `unavailable` when no node can be reached.
 */
export async function connectBroker(url: string, random: () => number = Math.random): Promise<ChannelModel> {
  const { nodes, broker, connectionName } = amqpJobQueueSettings({ url });
  const reasons: string[] = [];
  let last: unknown;
  for (const node of shuffled(nodes, random)) {
    try {
      return await connect(node.target, { clientProperties: { connection_name: connectionName } });
    } catch (error) {
      const refused = refusalError(error, node.url, node.address);
      if (refused) throw refused;
      last = error;
      reasons.push(redactUrl(error instanceof Error ? error.message : String(error)));
    }
  }
  throw new JobQueueError('unavailable', `cannot connect to ${broker}: ${reasons.join('; ')}`, {
    cause: last,
  });
}
