import { runService } from '@mousetrap/lifecycle';
import { loadApiSettings } from '@mousetrap/settings';
import { startApiService } from './service.ts';

void runService({ name: 'api', start: () => startApiService(loadApiSettings(process.env)) });
