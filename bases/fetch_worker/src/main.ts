import { runService } from '@mousetrap/lifecycle';
import { explainFailure, loadFetchWorkerSettings } from '@mousetrap/settings';
import { startFetchWorkerService } from './service.ts';

void runService({
  name: 'fetch_worker',
  start: (signal) => startFetchWorkerService(loadFetchWorkerSettings(process.env), signal),
  explain: explainFailure,
});
