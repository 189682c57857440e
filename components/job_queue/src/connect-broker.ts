import { redactUrl } from '@mousetrap/log';
import { type ChannelModel, connect } from 'amqplib';
import { JobQueueError } from './errors.ts';
import { amqpJobQueueSettings } from './options.ts';
import { refusalError } from './refusal.ts';

/**
 * A plain connection to the broker at `url`, for tools that read the queues themselves (the
 * dead-letter tool): nothing declared, no recovery. Fails with JobQueueError `refused` when the
 * broker refuses the login or the virtual host, `unavailable` when it cannot be reached.
 */
export async function connectBroker(url: string): Promise<ChannelModel> {
  const { broker, connectionName } = amqpJobQueueSettings({ url });
  try {
    return await connect(url, { clientProperties: { connection_name: connectionName } });
  } catch (error) {
    const reason = redactUrl(error instanceof Error ? error.message : String(error));
    throw (
      refusalError(error, url, broker) ??
      new JobQueueError('unavailable', `cannot connect to ${broker}: ${reason}`, { cause: error })
    );
  }
}
