export type { Backends } from './backends.ts';
export { openBackends, openQueue, openStore } from './backends.ts';
export type {
  HostedSettings,
  WorkerDependencies,
  WorkerService,
  WorkerServiceOptions,
} from './worker-service.ts';
export { startWorkerService } from './worker-service.ts';
