import { runService } from '@mousetrap/lifecycle';
import { startWorkerService } from '@mousetrap/service_host';
import { explainFailure, loadFetchWorkerSettings } from '@mousetrap/settings';
import { startFetchWorker } from './worker.ts';

void runService({
  name: 'fetch_worker',
  start: (signal) => {
    const settings = loadFetchWorkerSettings(process.env);
    return startWorkerService({
      service: 'fetch_worker',
      settings,
      signal,
      startWorker: (deps) =>
        startFetchWorker({ ...deps, fetch: settings.fetch, graceMs: settings.shutdownGraceMs }),
    });
  },
  explain: explainFailure,
});
