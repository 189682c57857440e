export { createServiceRegistry, instrumentHandler } from './handler-metrics.ts';
export type { Check, ProbeServer, ProbeServerOptions } from './probe-server.ts';
export { runChecks, startProbeServer } from './probe-server.ts';
export { registerInFlightGauges, unknownJobCounter } from './transport-metrics.ts';
