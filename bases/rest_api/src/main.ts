import { runService } from '@mousetrap/lifecycle';
import { loadApiSettings } from '@mousetrap/settings';
import { startApiService } from './service.ts';

void runService({ name: 'api', start: (signal) => startApiService(loadApiSettings(process.env), signal) });
