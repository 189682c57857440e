import { describeWithServices, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { runCall } from '../src/call.ts';
import { connectionOptions, normaliseOptions } from '../src/options.ts';

const url = 'postgres://postgres@127.0.0.1:5432/test';

describe('normaliseOptions', () => {
  test('normaliseOptions: when only the url is given, fills in every default', () => {
    expect(normaliseOptions({ url })).toEqual({
      url,
      schema: 'public',
      max: 10,
      statementTimeoutMs: 5000,
      callTimeoutMs: 8000,
      connectTimeoutSeconds: 5,
      startTimeoutMs: 30_000,
      onRetry: undefined,
    });
  });

  test.each(['Jobs', '1jobs', 'jobs-test', 'jobs; drop table x', '', 'a'.repeat(64)])(
    'normaliseOptions: when the schema is %j, throws invalid_options naming the schema',
    (schema) => {
      expect(() => normaliseOptions({ url, schema })).toThrow(
        expect.objectContaining({ code: 'invalid_options', message: expect.stringContaining('schema') }),
      );
    },
  );

  test('normaliseOptions: when several options are bad, names every one in one error', () => {
    expect(() => normaliseOptions({ url: 'http://db', max: 0, callTimeoutMs: -1 })).toThrow(
      expect.objectContaining({
        code: 'invalid_options',
        message: expect.stringMatching(/url .*; max .*; callTimeoutMs /),
      }),
    );
  });

  test('normaliseOptions: accepts a postgresql:// url and a 63-character schema', () => {
    const schema = `s${'x'.repeat(62)}`;
    expect(normaliseOptions({ url: 'postgresql://u@h/db', schema })).toMatchObject({ schema });
  });
});

describeWithServices('connectionOptions', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('store');
  let sql: postgres.Sql;

  beforeAll(() => {
    sql = postgres(
      databaseUrl,
      connectionOptions(normaliseOptions({ url: databaseUrl, schema, statementTimeoutMs: 100 })),
    );
  });

  afterAll(() => sql.end({ timeout: 5 }));

  test('connectionOptions: sessions get the schema as search_path and mousetrap as application name', async () => {
    const [row] = await sql`
      select current_setting('search_path') as search_path, current_setting('application_name') as name
    `;
    expect(row).toEqual({ search_path: schema, name: 'mousetrap' });
  });

  test('connectionOptions: a statement running past statementTimeoutMs fails with StoreError timeout', async () => {
    // The client's own limit (5 s) is longer than the sleep (2 s): only the server's can fail it.
    await expect(runCall('sleep', 5000, () => sql`select pg_sleep(2)`)).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});
