import { JobQueueError } from '@mousetrap/job_queue';
import { StoreError } from '@mousetrap/store';
import { SettingsError } from '../src/errors.ts';
import { explainFailure } from '../src/explain-failure.ts';

describe('explainFailure', () => {
  test('explainFailure: when the broker refused the login, names RABBITMQ_URL and the user and password variables', () => {
    const error = new JobQueueError(
      'refused',
      'RabbitMQ refused the login of user "guest" (403 ACCESS_REFUSED) at amqp://127.0.0.1:5672',
    );
    expect(explainFailure(error)).toBe(
      'RabbitMQ refused the login of user "guest" (403 ACCESS_REFUSED) at amqp://127.0.0.1:5672: ' +
        'check RABBITMQ_URL (or RABBITMQ_USER and RABBITMQ_PASSWORD)',
    );
  });

  test('explainFailure: when the database refused the connection, names DATABASE_URL and its parts', () => {
    const error = new StoreError(
      'refused',
      'PostgreSQL refused the connection: database "nope" does not exist (3D000)',
    );
    expect(explainFailure(error)).toBe(
      'PostgreSQL refused the connection: database "nope" does not exist (3D000): ' +
        'check DATABASE_URL (or POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB)',
    );
  });

  test.each([
    [
      'a broker still away after the start timeout',
      new JobQueueError('unavailable', 'no connection within 30000 ms'),
    ],
    ['a database still away after the start timeout', new StoreError('unavailable', 'database not ready')],
    ['a failed query', new StoreError('query', 'migrate failed: boom')],
  ])('explainFailure: for %s, gives the message alone', (_, error) => {
    expect(explainFailure(error)).toBe(error.message);
  });

  test('explainFailure: for invalid settings, gives their message, which names every bad key', () => {
    const error = new SettingsError([{ key: 'PORT', message: 'must be a whole number' }]);
    expect(explainFailure(error)).toBe('invalid configuration: PORT must be a whole number');
  });

  test('explainFailure: for something thrown that is not an Error, gives it as text', () => {
    expect(explainFailure('broken')).toBe('broken');
  });
});
