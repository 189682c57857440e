import { isReadOnly, StoreError, toStoreError } from '../src/errors.ts';

const withCode = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

describe('toStoreError', () => {
  test.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'CONNECT_TIMEOUT',
    'CONNECTION_CLOSED',
    '57P01',
    '57P02',
    '57P03',
    '08006',
    '08P01',
    '25006',
  ])('toStoreError: when the error has code %s, the code is unavailable', (code) => {
    expect(toStoreError(withCode(code), 'getJob').code).toBe('unavailable');
  });

  test('toStoreError: when every address of a name refused, the code is unavailable', () => {
    const error = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed');
    expect(toStoreError(error, 'ping').code).toBe('unavailable');
  });

  test('toStoreError: when a statement was cancelled by statement_timeout (57014), the code is timeout', () => {
    expect(toStoreError(withCode('57014'), 'getJob').code).toBe('timeout');
  });

  test.each(['28P01', '28000', '3D000'])(
    'toStoreError: when the server refused the connection with SQLSTATE %s, the code is refused and the message gives it',
    (code) => {
      expect(toStoreError(withCode(code), 'migrate')).toMatchObject({
        code: 'refused',
        message: `PostgreSQL refused the connection: failed with ${code} (${code})`,
      });
    },
  );

  test.each(['42P01', '23505', '22P02', '42501'])(
    'toStoreError: when the error has SQLSTATE %s, the code is query',
    (code) => {
      expect(toStoreError(withCode(code), 'getJob').code).toBe('query');
    },
  );

  test('toStoreError: when the error is not an Error, the code is query and the message names the call', () => {
    const error = toStoreError('boom', 'latestResult');
    expect(error).toMatchObject({ code: 'query', message: 'latestResult failed: boom', cause: 'boom' });
  });

  test('toStoreError: when the error is a StoreError already, returns it unchanged', () => {
    const original = new StoreError('timeout', 'slow');
    expect(toStoreError(original, 'getJob')).toBe(original);
  });

  test('toStoreError: keeps the original error as cause', () => {
    const original = withCode('ECONNREFUSED');
    expect(toStoreError(original, 'ping').cause).toBe(original);
  });
});

describe('isReadOnly', () => {
  test('isReadOnly: a write refused by a standby, bare or as a StoreError, is one; another error is not', () => {
    expect(isReadOnly(withCode('25006'))).toBe(true);
    expect(isReadOnly(toStoreError(withCode('25006'), 'createJob'))).toBe(true);
    expect(isReadOnly(toStoreError(withCode('57P01'), 'createJob'))).toBe(false);
  });
});
