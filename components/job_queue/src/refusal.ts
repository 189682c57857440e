import { JobQueueError } from './errors.ts';

// amqplib reports a refused handshake by message only (no code), so the message is what is read.
const LOGIN_REFUSED = /^Handshake terminated by server: 403 /;
// RabbitMQ answers a connection.open it will not grant (no such virtual host, no permission on
// it) with connection.close; amqplib reports that without the broker's reason.
const VHOST_REFUSED = /^Expected ConnectionOpenOk; got <ConnectionClose/;

/** The user and virtual host amqplib connects as for `url`, with amqplib's defaults. */
function identity(url: string): { user: string; vhost: string } {
  const parsed = new URL(url);
  return {
    user: parsed.username === '' && parsed.password === '' ? 'guest' : decodeURIComponent(parsed.username),
    vhost: parsed.pathname.length > 1 ? decodeURIComponent(parsed.pathname.slice(1)) : '/',
  };
}

/**
 * A JobQueueError `refused` when the broker at `url` refused this client in a way that retrying
 * cannot mend (a wrong user or password, a virtual host that does not exist or is not allowed);
 * undefined for anything else. `broker` is the URL without credentials, for the message.
 */
export function refusalError(error: unknown, url: string, broker: string): JobQueueError | undefined {
  const message = error instanceof Error ? error.message : '';
  const { user, vhost } = identity(url);
  const refusal = LOGIN_REFUSED.test(message)
    ? `RabbitMQ refused the login of user "${user}" (403 ACCESS_REFUSED)`
    : VHOST_REFUSED.test(message)
      ? `RabbitMQ refused to open virtual host "${vhost}" (it does not exist, or user "${user}" may not use it)`
      : undefined;
  return refusal === undefined
    ? undefined
    : new JobQueueError('refused', `${refusal} at ${broker}`, { cause: error });
}
