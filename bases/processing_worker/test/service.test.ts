import { connectJobQueue, createEnvelope, type JobQueue, queueNames } from '@mousetrap/job_queue';
import type { HostedService } from '@mousetrap/service_host';
import { loadProcessingWorkerSettings } from '@mousetrap/settings';
import { createStore, type Store } from '@mousetrap/store';
import { deleteQueues, describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import { startProcessingWorkerService } from '../src/service.ts';

const places = [
  ['59.9', '10.7', 'Oslo', 'NO', 'Europe/Oslo'],
  ['48.9', '2.3', 'Paris', 'FR', 'Europe/Paris'],
];

describeWithServices(
  'processing_worker_app in process',
  ['rabbitmq', 'postgres'],
  ({ rabbitmqUrl, databaseUrl }) => {
    const schema = uniqueName('procsvc');
    const prefix = `${schema}.`;
    let store: Store;
    let queue: JobQueue;
    let service: HostedService | undefined;

    beforeAll(async () => {
      store = await createStore({ url: databaseUrl, schema, max: 2 });
      queue = await connectJobQueue({ url: rabbitmqUrl, prefix });
    });
    afterAll(async () => {
      await service?.stop();
      await queue.close();
      await store.close();
      await dropSchema(databaseUrl, schema);
      await deleteQueues(rabbitmqUrl, queueNames(prefix));
    });

    test('from its settings: consumes data_processing, stores the result and ends the job done, answers its probes, and stops', async () => {
      service = await startProcessingWorkerService(
        loadProcessingWorkerSettings({
          RABBITMQ_URL: rabbitmqUrl,
          DATABASE_URL: databaseUrl,
          DB_SCHEMA: schema,
          QUEUE_PREFIX: prefix,
          PROCESS_DELAY_MS: '0',
          HEALTH_PORT: '0',
          LOG_LEVEL: 'error',
        }),
      );
      const { job } = await store.createJob({ correlationId: 'processing-service' });

      await queue.publish(
        'data_processing',
        createEnvelope({
          type: 'data_processing',
          jobId: job.id,
          correlationId: job.correlation_id,
          payload: { places },
        }),
      );

      await waitFor(async () => (await store.getJob(job.id))?.status === 'done', { what: 'the job done' });
      expect((await store.getJobWithResult(job.id))?.result).toMatchObject({ most_northerly: places[0] });
      const port = service.healthPort;
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
      await service.stop();
      service = undefined;
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toMatchObject({
        message: 'fetch failed',
      });
    });
  },
);
