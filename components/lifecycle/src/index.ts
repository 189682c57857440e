export { dieNow } from './die-now.ts';
export type { Resources } from './resources.ts';
export { createResources } from './resources.ts';
export type { RunScriptOptions } from './run-script.ts';
export { runScript } from './run-script.ts';
export type { RunServiceOptions, Service } from './run-service.ts';
export { runService } from './run-service.ts';
