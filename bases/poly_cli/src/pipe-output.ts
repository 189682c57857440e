/**
 * Wraps process.stdout or process.stderr so that a reader leaving early (`poly ws | head -c 10`)
 * ends the output quietly: after EPIPE the rest of the text is dropped, where an unhandled 'error'
 * event would print a stack trace. The command still finishes and exits with its own code (0 ok,
 * 1 failures…), so the status does not depend on how much of the output the reader took.
 */
export function pipeOutput(stream: NodeJS.WritableStream): { write(text: string): boolean } {
  let readerGone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // After EPIPE the stream is destroyed; a write racing that is refused with ERR_STREAM_DESTROYED.
    if (error.code === 'EPIPE' || (readerGone && error.code === 'ERR_STREAM_DESTROYED')) {
      readerGone = true;
      return;
    }
    throw error;
  });
  return { write: (text) => !readerGone && stream.write(text) };
}
