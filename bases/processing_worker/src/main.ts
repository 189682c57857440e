import { runService } from '@mousetrap/lifecycle';
import { startWorkerService } from '@mousetrap/service_host';
import { explainFailure, loadProcessingWorkerSettings } from '@mousetrap/settings';
import { startProcessingWorker } from './worker.ts';

void runService({
  name: 'processing_worker',
  start: (signal) => {
    const settings = loadProcessingWorkerSettings(process.env);
    return startWorkerService({
      service: 'processing_worker',
      settings,
      signal,
      startWorker: (deps) =>
        startProcessingWorker({
          ...deps,
          delayMs: settings.processDelayMs,
          graceMs: settings.shutdownGraceMs,
          crashOnCorrelationId: settings.crashOnCorrelationId,
        }),
    });
  },
  explain: explainFailure,
});
