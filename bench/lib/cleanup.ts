/** A step that undoes something a benchmark made: stops a process, deletes queues, drops a schema. */
export type CleanupStep = () => Promise<unknown>;

const steps: CleanupStep[] = [];
let running: Promise<void> | undefined;

/**
 * Runs the registered steps, newest first, once; a failing step is reported and the others still
 * run. Called at the end of a benchmark and on Ctrl-C.
 */
export function cleanUp(): Promise<void> {
  running ??= (async () => {
    for (const step of steps.splice(0).reverse()) {
      await step().catch((error: unknown) => process.stderr.write(`cleanup failed: ${String(error)}\n`));
    }
  })();
  return running;
}

/** Registers a step for {@link cleanUp}; returns a function that runs it now and unregisters it. */
export function onCleanup(step: CleanupStep): () => Promise<void> {
  steps.push(step);
  return async () => {
    const index = steps.indexOf(step);
    if (index >= 0) steps.splice(index, 1);
    await step();
  };
}

/**
 * Runs `main` and then the cleanup; on SIGINT or SIGTERM cleans up first and exits 130, and when
 * its output is closed (piped into `head`, say) cleans up and exits 141, so that an interrupted
 * benchmark leaves no queues, schemas or processes behind.
 */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  let interrupted = false;
  const interrupt = (why: string, code: number) => {
    // The same Ctrl-C often arrives twice (from the terminal and relayed by npx or tsx); a
    // second one must not kill the cleanup half way.
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${why}: cleaning up …\n`);
    void cleanUp().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => interrupt('SIGINT', 130));
  process.on('SIGTERM', () => interrupt('SIGTERM', 130));
  // Node ignores SIGPIPE: a write to a closed pipe fails with EPIPE instead, and unheard, that
  // error ended the process without its cleanup, leaving the services it had started running.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => interrupt(`output closed (${error.code})`, 141));
  try {
    await main();
  } catch (error) {
    process.stderr.write(
      `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}
