import { runCall, withTimeout } from '../src/call.ts';
import { StoreError } from '../src/errors.ts';

const never = () => new Promise<never>(() => {});

describe('withTimeout', () => {
  test('withTimeout: when the work never settles, rejects with StoreError timeout after the limit', async () => {
    const started = Date.now();
    const outcome = withTimeout(never(), 50, 'getJob');
    await expect(outcome).rejects.toBeInstanceOf(StoreError);
    await expect(outcome).rejects.toMatchObject({
      code: 'timeout',
      message: 'getJob: no answer within 50 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  test('withTimeout: when the work resolves in time, resolves with its value', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'getJob')).resolves.toBe(42);
  });

  test('withTimeout: when the work rejects in time, rejects with its error', async () => {
    const error = new Error('bad');
    await expect(withTimeout(Promise.reject(error), 1000, 'getJob')).rejects.toBe(error);
  });
});

describe('runCall', () => {
  test('runCall: when the call never settles, rejects with StoreError timeout', async () => {
    await expect(runCall('ping', 30, never)).rejects.toMatchObject({ code: 'timeout' });
  });

  test('runCall: when the call throws a connection error, rejects with StoreError unavailable', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(runCall('ping', 1000, () => Promise.reject(refused))).rejects.toMatchObject({
      code: 'unavailable',
      cause: refused,
    });
  });

  test('runCall: when the call throws before returning a promise, rejects with StoreError query', async () => {
    const call = () => {
      throw new Error('not a promise');
    };
    await expect(runCall('getJob', 1000, call)).rejects.toMatchObject({ code: 'query' });
  });
});
