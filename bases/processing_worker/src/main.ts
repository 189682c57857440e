import { runService } from '@mousetrap/lifecycle';
import { explainFailure, loadProcessingWorkerSettings } from '@mousetrap/settings';
import { startProcessingWorkerService } from './service.ts';

void runService({
  name: 'processing_worker',
  start: (signal) => startProcessingWorkerService(loadProcessingWorkerSettings(process.env), signal),
  explain: explainFailure,
});
