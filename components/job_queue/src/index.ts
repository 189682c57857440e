export { connectJobQueue } from './amqp-queue.ts';
export { connectBroker } from './connect-broker.ts';
export type { Envelope, QueueName } from './envelope.ts';
export { createEnvelope, EnvelopeSchema, QUEUE_NAMES } from './envelope.ts';
export type { JobQueueErrorCode } from './errors.ts';
export { isBrokerOutage, isOverloaded, JobQueueError } from './errors.ts';
export type { MemoryJobQueue } from './memory-queue.ts';
export { createMemoryJobQueue } from './memory-queue.ts';
export { queueNames } from './topology.ts';
export type {
  AmqpJobQueueOptions,
  Consumer,
  Delivery,
  Handler,
  HandlerResult,
  JobQueue,
  JobQueueOptions,
  QueueStats,
} from './types.ts';
