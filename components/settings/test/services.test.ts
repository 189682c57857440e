import { SettingsError } from '../src/errors.ts';
import {
  loadApiSettings,
  loadDevelopmentSettings,
  loadFetchWorkerSettings,
  loadProcessingWorkerSettings,
} from '../src/services.ts';

function issuesOf(load: () => unknown) {
  try {
    load();
  } catch (error) {
    if (error instanceof SettingsError) return error.issues.map((issue) => issue.key);
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('loadApiSettings', () => {
  test('with an empty environment, uses the seed defaults', () => {
    const settings = loadApiSettings({});
    expect(settings).toEqual({
      logLevel: 'info',
      shutdownGraceMs: 10_000,
      http: {
        port: 8000,
        host: '0.0.0.0',
        apiKey: undefined,
        traceUiUrl: undefined,
        crashAfterCommitRate: 0,
      },
      broker: {
        url: 'amqp://DEV_USER:CHANGE_ME@localhost:5672',
        prefix: '',
        maxUnconfirmed: 1000,
      },
      database: {
        url: 'postgres://mousetrap:CHANGE_ME@localhost:5432/mousetrap',
        schema: 'public',
        poolMax: 10,
      },
      sweeper: { stageTimeoutMs: 300_000, maxRedrives: 3 },
      tracing: { url: undefined, protocol: 'http/protobuf', serviceName: undefined },
    });
  });

  test('traces to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, or to the traces endpoint as it is', () => {
    expect(loadApiSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }).tracing).toEqual({
      url: 'http://jaeger:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: undefined,
    });
    const both = loadApiSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'api-eu',
    });
    expect(both.tracing).toEqual({
      url: 'http://collector:4318/custom',
      protocol: 'http/json',
      serviceName: 'api-eu',
    });
    expect(
      issuesOf(() =>
        loadApiSettings({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger' }),
      ),
    ).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL']);
  });

  test('takes a TRACE_UI_URL template only with {traceId} in it', () => {
    const template = 'http://localhost:16686/trace/{traceId}';
    expect(loadApiSettings({ TRACE_UI_URL: template }).http.traceUiUrl).toBe(template);
    expect(issuesOf(() => loadApiSettings({ TRACE_UI_URL: 'http://localhost:16686/trace/' }))).toEqual([
      'TRACE_UI_URL',
    ]);
  });

  test('reads the sweeper’s budget and re-drives, and refuses a budget under a second', () => {
    expect(loadApiSettings({ STAGE_TIMEOUT_MS: '5000', MAX_REDRIVES: '0' }).sweeper).toEqual({
      stageTimeoutMs: 5000,
      maxRedrives: 0,
    });
    expect(issuesOf(() => loadApiSettings({ STAGE_TIMEOUT_MS: '999', MAX_REDRIVES: '-1' }))).toEqual([
      'MAX_REDRIVES',
      'STAGE_TIMEOUT_MS',
    ]);
  });

  test('ignores the consumers’ variables, which only the workers read', () => {
    const settings = loadApiSettings({ RETRY_DELAYS_MS: 'not numbers', DELIVERY_LIMIT: '99', PREFETCH: '0' });
    expect(settings.broker).not.toHaveProperty('retryDelaysMs');
    expect(settings.broker).not.toHaveProperty('deliveryLimit');
  });

  test('builds the broker and database URLs from their parts, escaping credentials', () => {
    const settings = loadApiSettings({
      RABBITMQ_HOST: 'rabbit',
      RABBITMQ_USER: 'me',
      RABBITMQ_PASSWORD: 'p@ss/word',
      POSTGRES_HOST: 'db',
      POSTGRES_PORT: '6543',
      POSTGRES_USER: 'app',
      POSTGRES_PASSWORD: 'secret',
      POSTGRES_DB: 'jobs',
    });
    expect(settings.broker.url).toBe('amqp://me:p%40ss%2Fword@rabbit:5672');
    expect(new URL(settings.broker.url).password).toBe('p%40ss%2Fword');
    expect(settings.database.url).toBe('postgres://app:secret@db:6543/jobs');
  });

  test('prefers the URLs over their parts and reads every documented variable', () => {
    const settings = loadApiSettings({
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      RABBITMQ_HOST: 'ignored',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEY: 'k'.repeat(16),
      LOG_LEVEL: 'debug',
      QUEUE_PREFIX: 'run1.',
      DB_SCHEMA: 'run1',
      PREFETCH: '10',
      SHUTDOWN_GRACE_MS: '500',
    });
    expect(settings.broker).toEqual({
      url: 'amqp://guest:guest@127.0.0.1:5672',
      prefix: 'run1.',
      maxUnconfirmed: 1000,
    });
    expect(settings.database).toMatchObject({
      url: 'postgres://postgres@127.0.0.1:5432/test',
      schema: 'run1',
    });
    expect(settings.http).toEqual({
      port: 0,
      host: '127.0.0.1',
      apiKey: 'k'.repeat(16),
      crashAfterCommitRate: 0,
    });
    expect(settings.logLevel).toBe('debug');
    expect(settings.shutdownGraceMs).toBe(500);
  });

  test('when several values are bad, one error names every bad key, sorted', () => {
    const keys = issuesOf(() =>
      loadApiSettings({
        PORT: 'eighty',
        MAX_UNCONFIRMED: '0',
        LOG_LEVEL: 'loud',
        RABBITMQ_URL: 'http://x',
        DB_SCHEMA: 'Drop Table',
      }),
    );
    expect(keys).toEqual(['DB_SCHEMA', 'LOG_LEVEL', 'MAX_UNCONFIRMED', 'PORT', 'RABBITMQ_URL']);
  });

  test('RABBITMQ_URL takes one URL per node of a cluster, comma-separated, and refuses a list with a bad one', () => {
    const nodes = 'amqp://u:p@rabbit-0:5672, amqp://u:p@rabbit-1:5672,amqps://u:p@rabbit-2';
    expect(loadApiSettings({ RABBITMQ_URL: nodes }).broker.url).toBe(nodes);
    expect(issuesOf(() => loadApiSettings({ RABBITMQ_URL: 'amqp://rabbit-0,http://rabbit-1' }))).toEqual([
      'RABBITMQ_URL',
    ]);
    expect(issuesOf(() => loadApiSettings({ RABBITMQ_URL: 'amqp://rabbit-0,' }))).toEqual(['RABBITMQ_URL']);
  });

  test('DATABASE_URL takes a primary and its standbys, comma-separated, and refuses a list with a bad host', () => {
    const pair = 'postgres://app:secret@db-1:5432,db-2:6543/jobs?target_session_attrs=read-write';
    expect(loadApiSettings({ DATABASE_URL: pair }).database.url).toBe(pair);
    const ipv6 = 'postgresql://app@[::1]:5432,10.0.0.2/jobs';
    expect(loadApiSettings({ DATABASE_URL: ipv6 }).database.url).toBe(ipv6);
    for (const bad of [
      'postgres://db-1:5432,/jobs',
      'postgres://db-1:5432,db-2:port/jobs',
      'http://a,b/jobs',
    ]) {
      expect(issuesOf(() => loadApiSettings({ DATABASE_URL: bad }))).toEqual(['DATABASE_URL']);
    }
  });

  test('the error message says what is wrong with each key', () => {
    expect(() => loadApiSettings({ PORT: '70000' })).toThrow('PORT must be between 0 and 65535');
  });

  test('treats empty values as absent', () => {
    expect(loadApiSettings({ PORT: '', HOST: ' ' }).http).toMatchObject({ port: 8000, host: '0.0.0.0' });
  });
});

describe('API_KEY', () => {
  const messageOf = (load: () => unknown): string => {
    try {
      load();
    } catch (error) {
      if (error instanceof SettingsError) return error.message;
      throw error;
    }
    throw new Error('expected a SettingsError');
  };

  test('API_KEY: unset, the API runs without a key', () => {
    expect(loadApiSettings({}).http.apiKey).toBeUndefined();
  });

  test.each([
    ['empty', ''],
    ['whitespace', ' \t '],
  ])('API_KEY: set but %s, is refused as blank rather than taken for no key', (_what, value) => {
    expect(issuesOf(() => loadApiSettings({ API_KEY: value }))).toEqual(['API_KEY']);
    expect(messageOf(() => loadApiSettings({ API_KEY: value }))).toBe(
      'invalid configuration: API_KEY is set but blank: unset it to run without a key, or set one of at least 16 characters',
    );
  });

  test.each(['CHANGE_ME', 'change_me', ' Change_Me '])(
    'API_KEY: the placeholder %j, in any case, is refused as the placeholder',
    (value) => {
      expect(messageOf(() => loadApiSettings({ API_KEY: value }))).toBe(
        'invalid configuration: API_KEY is the placeholder CHANGE_ME: set a key of your own, at least 16 characters',
      );
    },
  );

  test('API_KEY: 15 characters are refused as too short, without the key in the message', () => {
    const message = messageOf(() => loadApiSettings({ API_KEY: 'fifteen-chars-x' }));
    expect(message).toBe('invalid configuration: API_KEY must be at least 16 characters long');
    expect(message).not.toContain('fifteen');
  });

  test('API_KEY: 16 characters are accepted, surrounding whitespace trimmed', () => {
    expect(loadApiSettings({ API_KEY: ' sixteen-chars-xy\n' }).http.apiKey).toBe('sixteen-chars-xy');
  });

  test('API_KEY: a bad key is named with the other bad keys in one error', () => {
    expect(issuesOf(() => loadApiSettings({ API_KEY: 'short', PORT: 'x' }))).toEqual(['API_KEY', 'PORT']);
  });

  test('API_KEY: npm start (loadDevelopmentSettings) refuses the same values and accepts the same keys', () => {
    for (const value of ['', 'CHANGE_ME', 'short']) {
      expect(issuesOf(() => loadDevelopmentSettings({ API_KEY: value }))).toEqual(['API_KEY']);
    }
    expect(loadDevelopmentSettings({ API_KEY: 'a-key-of-16-char' }).http.apiKey).toBe('a-key-of-16-char');
  });
});

describe('worker settings', () => {
  test.each([
    ['fetch', loadFetchWorkerSettings],
    ['processing', loadProcessingWorkerSettings],
  ])(
    'the %s worker reads the consumer settings, DELIVERY_LIMIT from 1 to 20 and at most 20 delays',
    (_name, load) => {
      expect(load({}).broker).toMatchObject({
        prefetch: 50,
        deliveryLimit: 5,
        retryDelaysMs: [1000, 5000, 30_000],
      });
      expect(load({ PREFETCH: '7', DELIVERY_LIMIT: '20', RETRY_DELAYS_MS: '10, 20' }).broker).toMatchObject({
        prefetch: 7,
        deliveryLimit: 20,
        retryDelaysMs: [10, 20],
      });
      expect(issuesOf(() => load({ DELIVERY_LIMIT: '21' }))).toEqual(['DELIVERY_LIMIT']);
      expect(issuesOf(() => load({ DELIVERY_LIMIT: '0' }))).toEqual(['DELIVERY_LIMIT']);
      expect(
        issuesOf(() => load({ RETRY_DELAYS_MS: Array.from({ length: 21 }, () => '5').join(',') })),
      ).toEqual(['RETRY_DELAYS_MS']);
    },
  );

  test('the fetch worker reads its source and defaults its health port to 8001', () => {
    const settings = loadFetchWorkerSettings({
      FETCH_DELAY_MS: '0',
      FETCH_URL: 'https://example.org/places',
    });
    expect(settings.fetch).toEqual({
      delayMs: 0,
      url: 'https://example.org/places',
      timeoutMs: 5000,
      failureRate: 0,
      slowRate: 0,
    });
    expect(settings.healthPort).toBe(8001);
  });

  test('the processing worker reads its delay and defaults its health port to 8002', () => {
    const settings = loadProcessingWorkerSettings({ PROCESS_DELAY_MS: '250' });
    expect(settings.processDelayMs).toBe(250);
    expect(settings.healthPort).toBe(8002);
    expect(settings.crashOnCorrelationId).toBeUndefined();
    expect(
      loadProcessingWorkerSettings({ TEST_CRASH_ON_CORRELATION_ID: 'crash-me' }).crashOnCorrelationId,
    ).toBe('crash-me');
  });

  test('reads retry delays, the publish window and the failing-source rates', () => {
    const fetchWorker = loadFetchWorkerSettings({
      RETRY_DELAYS_MS: '100, 500,2000',
      MAX_UNCONFIRMED: '50',
      FETCH_FAILURE_RATE: '0.3',
      FETCH_SLOW_RATE: '.05',
    });
    expect(fetchWorker.broker).toMatchObject({ retryDelaysMs: [100, 500, 2000], maxUnconfirmed: 50 });
    expect(fetchWorker.fetch).toMatchObject({ failureRate: 0.3, slowRate: 0.05 });
    expect(loadApiSettings({ TEST_CRASH_AFTER_COMMIT: '1' }).http.crashAfterCommitRate).toBe(1);
  });

  test('a rate above 1 and a bad delay list are refused together', () => {
    expect(
      issuesOf(() => loadFetchWorkerSettings({ FETCH_FAILURE_RATE: '1.5', RETRY_DELAYS_MS: '100,x' })),
    ).toEqual(['FETCH_FAILURE_RATE', 'RETRY_DELAYS_MS']);
  });

  test('a negative delay is refused', () => {
    expect(issuesOf(() => loadProcessingWorkerSettings({ PROCESS_DELAY_MS: '-1' }))).toEqual([
      'PROCESS_DELAY_MS',
    ]);
  });
});

describe('loadDevelopmentSettings', () => {
  test('with no broker or database variables, leaves both to the embedded defaults', () => {
    const settings = loadDevelopmentSettings({});
    expect(settings.broker).toBeUndefined();
    expect(settings.database).toBeUndefined();
    expect(settings.embeddedDataDir).toBeUndefined();
  });

  test('the in-memory transport, the sweeper and the embedded folder get their own variables', () => {
    const settings = loadDevelopmentSettings({
      RETRY_DELAYS_MS: '100',
      DELIVERY_LIMIT: '2',
      PREFETCH: '9',
      STAGE_TIMEOUT_MS: '2000',
      EMBEDDED_DATA_DIR: '/tmp/somewhere',
    });
    expect(settings.consumer).toEqual({
      prefix: '',
      maxUnconfirmed: 1000,
      prefetch: 9,
      deliveryLimit: 2,
      retryDelaysMs: [100],
    });
    expect(settings.sweeper).toEqual({ stageTimeoutMs: 2000, maxRedrives: 3 });
    expect(settings.embeddedDataDir).toBe('/tmp/somewhere');
  });

  test('with RABBITMQ_URL and DATABASE_URL, uses the real services', () => {
    const settings = loadDevelopmentSettings({
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    });
    expect(settings.broker?.url).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(settings.database?.url).toBe('postgres://postgres@127.0.0.1:5432/test');
  });
});
