import { brokerNodes, shuffled } from '../src/broker-nodes.ts';
import { amqpJobQueueSettings } from '../src/options.ts';

describe('brokerNodes', () => {
  test('one URL: one node, its address without credentials', () => {
    expect(brokerNodes('amqp://user:s3cret@rabbit:5672/vhost')).toEqual([
      {
        url: 'amqp://user:s3cret@rabbit:5672/vhost',
        address: 'amqp://rabbit:5672/vhost',
        target: expect.objectContaining({
          hostname: 'rabbit',
          port: 5672,
          username: 'user',
          password: 's3cret',
        }),
      },
    ]);
  });

  test('a comma-separated list: one node per URL, spaces and empty entries ignored', () => {
    const nodes = brokerNodes(' amqp://u:p@r1:5672 , amqp://u:p@r2:5673,,amqps://u:p@r3 ');
    expect(nodes.map((node) => node.address)).toEqual(['amqp://r1:5672', 'amqp://r2:5673', 'amqps://r3']);
    expect(nodes.map((node) => node.url)).toEqual([
      'amqp://u:p@r1:5672',
      'amqp://u:p@r2:5673',
      'amqps://u:p@r3',
    ]);
  });

  test('the object form carries what amqplib reads from the URL: credentials, virtual host, query', () => {
    const [node] = brokerNodes('amqps://us%40er:p%3Ass@[::1]:5671/my%2Fvhost?heartbeat=10&frameMax=8192');
    expect(node?.target).toEqual({
      protocol: 'amqps',
      hostname: '::1',
      port: 5671,
      username: 'us@er',
      password: 'p:ss',
      vhost: 'my%2Fvhost',
      heartbeat: 10,
      frameMax: 8192,
      channelMax: undefined,
      maxFrameSize: undefined,
      locale: undefined,
    });
  });

  test('without credentials, a path or a heartbeat: guest, the default virtual host, heartbeats every 5 s', () => {
    expect(brokerNodes('amqp://rabbit')[0]?.target).toMatchObject({
      username: 'guest',
      password: 'guest',
      vhost: '',
      port: undefined,
      heartbeat: 5,
    });
  });

  test.each([
    ['nothing', ' , '],
    ['a URL that does not parse', 'amqp://r1:5672,not a url'],
    ['an http URL in the list', 'amqp://r1:5672,http://u:s3cret@r2'],
  ])('%s: a RangeError that shows no password', (_what, url) => {
    expect(() => brokerNodes(url)).toThrow(RangeError);
    expect(() => brokerNodes(url)).not.toThrow(/s3cret/);
  });

  test('amqpJobQueueSettings: the broker label lists every node without credentials', () => {
    const settings = amqpJobQueueSettings({ url: 'amqp://u:s3cret@r1:5672,amqp://u:s3cret@r2:5672' });
    expect(settings.broker).toBe('amqp://r1:5672,amqp://r2:5672');
    expect(settings.nodes).toHaveLength(2);
  });
});

describe('shuffled', () => {
  test('keeps every item once, in an order the random source decides', () => {
    const items = ['a', 'b', 'c', 'd'];
    const orders = new Set<string>();
    let seed = 1;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    for (let i = 0; i < 50; i++) {
      const order = shuffled(items, random);
      expect([...order].sort()).toEqual(items);
      orders.add(order.join(''));
    }
    expect(orders.size).toBeGreaterThan(10);
    expect(items).toEqual(['a', 'b', 'c', 'd']);
  });
});
