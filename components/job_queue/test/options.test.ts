import { amqpJobQueueSettings, jobQueueSettings } from '../src/options.ts';

describe('jobQueueSettings', () => {
  test('with no options: prefix empty, prefetch 50, deliveryLimit 5, retries [1000, 5000, 30000], window 1000', () => {
    expect(jobQueueSettings({})).toMatchObject({
      prefix: '',
      prefetch: 50,
      deliveryLimit: 5,
      retryDelaysMs: [1000, 5000, 30_000],
      maxUnconfirmed: 1000,
    });
  });

  test.each([
    ['prefetch 0', { prefetch: 0 }, /prefetch/],
    ['a fractional deliveryLimit', { deliveryLimit: 1.5 }, /deliveryLimit/],
    ['a prefix with a space', { prefix: 'my queue' }, /prefix/],
    ['a negative retry delay', { retryDelaysMs: [100, -1] }, /retryDelaysMs\[1\]/],
    ['21 retry delays', { retryDelaysMs: Array.from({ length: 21 }, () => 10) }, /retryDelaysMs/],
    ['maxUnconfirmed 0', { maxUnconfirmed: 0 }, /maxUnconfirmed/],
  ])('with %s: throws a RangeError naming the option', (_what, options, message) => {
    expect(() => jobQueueSettings(options)).toThrow(RangeError);
    expect(() => jobQueueSettings(options)).toThrow(message);
  });
});

describe('amqpJobQueueSettings', () => {
  test('keeps the URL for connecting and a broker address without the credentials for logs', () => {
    const settings = amqpJobQueueSettings({ url: 'amqp://user:s3cret@rabbit:5672/vhost' });
    expect(settings.url).toBe('amqp://user:s3cret@rabbit:5672/vhost');
    expect(settings.broker).toBe('amqp://rabbit:5672/vhost');
    expect(settings).toMatchObject({
      publishTimeoutMs: 5000,
      startTimeoutMs: 30_000,
      connectionName: 'mousetrap',
    });
  });

  test('with an http URL: throws a RangeError naming the scheme, not the password', () => {
    expect(() => amqpJobQueueSettings({ url: 'http://user:s3cret@rabbit' })).toThrow(
      /url: expected the amqp: or amqps: scheme, got http:$/,
    );
  });
});
