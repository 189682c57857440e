import {
  connectJobQueue,
  createEnvelope,
  type Envelope,
  type JobQueue,
  queueNames,
} from '@mousetrap/job_queue';
import type { HostedService } from '@mousetrap/service_host';
import { loadFetchWorkerSettings } from '@mousetrap/settings';
import { createStore, type Store } from '@mousetrap/store';
import { deleteQueues, describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import { startFetchWorkerService } from '../src/service.ts';

describeWithServices(
  'fetch_worker_app in process',
  ['rabbitmq', 'postgres'],
  ({ rabbitmqUrl, databaseUrl }) => {
    const schema = uniqueName('fetchsvc');
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

    test('from its settings: consumes start_fetch, hands the places to data_processing, answers its probes, and stops', async () => {
      service = await startFetchWorkerService(
        loadFetchWorkerSettings({
          RABBITMQ_URL: rabbitmqUrl,
          DATABASE_URL: databaseUrl,
          DB_SCHEMA: schema,
          QUEUE_PREFIX: prefix,
          FETCH_DELAY_MS: '0',
          HEALTH_PORT: '0',
          LOG_LEVEL: 'error',
        }),
      );
      const handedOn: Envelope[] = [];
      await queue.consume('data_processing', async (message) => void handedOn.push(message));
      const { job } = await store.createJob({ correlationId: 'fetch-service' });

      await queue.publish(
        'start_fetch',
        createEnvelope({
          type: 'start_fetch',
          jobId: job.id,
          correlationId: job.correlation_id,
          payload: {},
        }),
      );

      const handOff = await waitFor(() => handedOn.find((message) => message.job_id === job.id), {
        what: 'the hand-off',
      });
      // A fetch as fast as this one writes no stage start: its time goes on with the places.
      expect(handOff.payload).toMatchObject({ places: expect.any(Array), fetching_at: expect.any(String) });
      expect((await store.getJob(job.id))?.status).toBe('queued');
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
