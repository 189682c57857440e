export { deleteQueues, dropSchema } from './cleanup.ts';
export { uniqueName } from './names.ts';
export type { ServiceProcess } from './processes.ts';
export { startServiceProcess } from './processes.ts';
export { seeded } from './seeded.ts';
export type { Service, ServiceUrls } from './services.ts';
export { describeWithServices } from './services.ts';
export type { WaitOptions } from './wait.ts';
export { waitFor } from './wait.ts';
