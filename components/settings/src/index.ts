export type { SettingsIssue } from './errors.ts';
export { SettingsError } from './errors.ts';
export { explainFailure } from './explain-failure.ts';
export type { Env } from './read.ts';
export type {
  ApiSettings,
  BrokerSettings,
  ConsumerSettings,
  DatabaseSettings,
  DevelopmentSettings,
  FetchSettings,
  FetchWorkerSettings,
  HttpSettings,
  ProcessingWorkerSettings,
  ServiceSettings,
  SweeperSettings,
  TracingSettings,
} from './services.ts';
export {
  loadApiSettings,
  loadDevelopmentSettings,
  loadFetchWorkerSettings,
  loadProcessingWorkerSettings,
} from './services.ts';
