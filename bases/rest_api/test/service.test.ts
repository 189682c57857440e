import { queueNames } from '@mousetrap/job_queue';
import { loadApiSettings } from '@mousetrap/settings';
import { deleteQueues, describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import { type ApiService, startApiService } from '../src/service.ts';

describeWithServices('api_app in process', ['rabbitmq', 'postgres'], ({ rabbitmqUrl, databaseUrl }) => {
  const schema = uniqueName('apisvc');
  const prefix = `${schema}.`;
  let service: ApiService | undefined;

  afterAll(async () => {
    await service?.stop();
    await dropSchema(databaseUrl, schema);
    await deleteQueues(rabbitmqUrl, queueNames(prefix));
  });

  test('from its settings: takes a job on the database and the broker, answers ready, and stops', async () => {
    service = await startApiService(
      loadApiSettings({
        RABBITMQ_URL: rabbitmqUrl,
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: schema,
        QUEUE_PREFIX: prefix,
        PORT: '0',
        HOST: '127.0.0.1',
        API_KEY: 'a-key-of-16-char',
        LOG_LEVEL: 'error',
      }),
    );
    const base = `http://127.0.0.1:${service.port}`;

    const accepted = await fetch(`${base}/refresh`, {
      method: 'POST',
      headers: { 'X-API-Key': 'a-key-of-16-char' },
    });
    expect(accepted.status).toBe(202);
    const { job_id: jobId } = (await accepted.json()) as { job_id: string };
    expect(await (await fetch(`${base}/jobs/${jobId}`)).json()).toMatchObject({
      id: jobId,
      status: 'queued',
    });
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    await service.stop();
    service = undefined;
    await expect(fetch(`${base}/health`)).rejects.toMatchObject({ message: 'fetch failed' });
  });
});
