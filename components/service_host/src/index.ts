export type {
  HostContext,
  HostedPart,
  HostedService,
  HostOptions,
  OwnDatabase,
  PartStarter,
} from './host.ts';
export { startHost } from './host.ts';
