import { Writable } from 'node:stream';

/**
 * Makes the writes that one task (a callback of the event loop) makes to `stream` go out
 * together: its first write corks the stream and the stream is uncorked when the task ends, so
 * the socket gets one `writev` (several past its high-water mark) instead of one write per frame.
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
 * Coalesces the writes to the socket under an amqplib connection, whose writer passes every frame
 * of a turn's publishes and acks to the socket on its own. It reaches into amqplib's own fields
 * (`ChannelModel#connection.stream`, where 2.x keeps the socket): should a version keep it
 * elsewhere, this changes nothing and answers false, and the caller says so, once.
 */
export function coalesceConnectionWrites(model: unknown): boolean {
  const stream = (model as { connection?: { stream?: unknown } } | undefined)?.connection?.stream;
  if (!(stream instanceof Writable)) return false;
  coalesceWrites(stream);
  return true;
}
