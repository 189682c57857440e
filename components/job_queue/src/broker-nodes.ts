import type { Options } from 'amqplib';

/** One node of the broker, as a URL in `url`'s comma-separated list names it. */
export interface BrokerNode {
  url: string;
  /** The URL without its credentials, safe to log. */
  address: string;
  /** The URL in amqplib's object form, which a connection re-reads at every (re)connect. */
  target: Options.Connect;
}

/**
 * The broker's nodes from an AMQP URL or a comma-separated list of them (one per node of a
 * cluster). Throws a RangeError naming the first URL that is not an AMQP URL.
 */
export function brokerNodes(url: string): BrokerNode[] {
  const urls = url
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (urls.length === 0)
    throw new RangeError('url: expected an AMQP URL such as amqp://user:password@host:5672');
  return urls.map((nodeUrl) => {
    let parsed: URL;
    try {
      parsed = new URL(nodeUrl);
    } catch {
      throw new RangeError('url: expected an AMQP URL such as amqp://user:password@host:5672');
    }
    if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
      throw new RangeError(`url: expected the amqp: or amqps: scheme, got ${parsed.protocol}`);
    }
    return { url: nodeUrl, address: withoutCredentials(parsed), target: targetOf(parsed) };
  });
}

/** The nodes in a random order, so that the services of a deployment spread over the cluster. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}

function withoutCredentials(parsed: URL): string {
  const copy = new URL(parsed);
  copy.username = '';
  copy.password = '';
  return copy.toString();
}

/**
 * Seconds between heartbeats when the URL does not say (`?heartbeat=`). amqplib would take the
 * broker's 60 s, and a hung node, its socket open and silent, would hold a service for up to two
 * minutes; at 5 s it is given up after about 10 s and the next node is tried.
 */
const DEFAULT_HEARTBEAT_S = 5;

/** What amqplib reads from a URL string, as its object form: the same query, a shorter heartbeat. */
function targetOf(parsed: URL): Options.Connect {
  const query = parsed.searchParams;
  const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  const noCredentials = parsed.username === '' && parsed.password === '';
  return {
    protocol: parsed.protocol.slice(0, -1),
    hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? undefined : Number(parsed.port),
    username: noCredentials ? 'guest' : decodeURIComponent(parsed.username),
    password: noCredentials ? 'guest' : decodeURIComponent(parsed.password),
    // Still escaped: amqplib unescapes the virtual host itself, in both forms.
    vhost: parsed.pathname.slice(1),
    heartbeat: number('heartbeat') ?? DEFAULT_HEARTBEAT_S,
    frameMax: number('frameMax'),
    channelMax: number('channelMax'),
    maxFrameSize: number('maxFrameSize'),
    locale: query.get('locale') ?? undefined,
  };
}
