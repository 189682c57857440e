import type { Writable } from 'node:stream';

/**
 * Groups what one task writes to the socket under an amqplib connection into one `writev`, as
 * job_queue does for the pipeline (privately: it reaches into amqplib's fields), so that the bare
 * flow's baseline gets the same treatment. Throws if amqplib keeps its socket elsewhere: a
 * baseline measured without it would not be the same baseline.
 */
export function groupConnectionWrites(connection: unknown): void {
  const stream = (connection as { connection?: { stream?: Writable } }).connection?.stream;
  if (typeof stream?.cork !== 'function')
    throw new Error('amqplib no longer keeps its socket at connection.stream');
  const write = stream.write.bind(stream);
  let corked = false;
  stream.write = ((...args: Parameters<Writable['write']>) => {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(() => {
        corked = false;
        stream.uncork();
      });
    }
    return write(...args);
  }) as Writable['write'];
}
