import { Writable } from 'node:stream';

/**
 * Makes the writes that one task (a callback of the event loop) makes to `stream` go out
 * together: its first write corks the stream and the stream is uncorked when the task ends, so
 * the socket gets one `writev` instead of one write per frame. amqplib writes every frame set of a
 * turn's publishes and acks on its own; the broker then reads one TCP segment instead of dozens.
 * Nothing waits longer than the task that wrote it.
 */
export function coalesceWrites(stream: Writable): void {
  const write = stream.write;
  let corked = false;
  const release = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: Writable, ...args: Parameters<Writable['write']>) {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(release);
    }
    return write.apply(this, args);
  } as Writable['write'];
}

/**
 * The socket under an amqplib connection, or undefined if amqplib no longer keeps it where 2.x
 * does (`ChannelModel#connection.stream`); callers then go without coalescing.
 */
export function socketOf(model: unknown): Writable | undefined {
  const stream = (model as { connection?: { stream?: unknown } } | undefined)?.connection?.stream;
  return stream instanceof Writable ? stream : undefined;
}
