import { runService } from '@mousetrap/lifecycle';
import { explainFailure, loadApiSettings } from '@mousetrap/settings';
import { startApiService } from './service.ts';

void runService({
  name: 'api',
  start: (signal) => startApiService(loadApiSettings(process.env), signal),
  explain: explainFailure,
});
