import type { Logger } from '@mousetrap/log';
import { failureLine } from './failure-line.ts';

/** A started service as `runService` needs it. */
export interface Service {
  logger: Logger;
  /**
   * Stops intake, finishes work in flight within the service's grace period, closes everything;
   * each part bounds its own stop, so this ends by itself.
   */
  stop(): Promise<void>;
}

/** Options of {@link runService}. */
export interface RunServiceOptions {
  /** The service's name, for the lines written before a logger exists. */
  name: string;
  /**
   * Starts the service; may throw (bad settings, a dependency that never came up). `signal` is
   * aborted when SIGTERM or SIGINT comes before the start has finished: a start that is waiting
   * (for a broker, say) should then give up, close what it opened and reject.
   */
  start: (signal: AbortSignal) => Promise<Service>;
  /**
   * The line for a start that failed, after "failed to start: " (one naming the variables to
   * check, say). @default the error's message
   */
  explain?: (error: unknown) => string;
  /**
   * A backstop: a stop that takes longer than this, although every part bounds its own, is
   * abandoned with exit code 1. Above any grace period a deployment sets. @default 120000
   */
  stopTimeoutMs?: number;
  /**
   * The same signal this soon after the first is taken for one delivered twice, not for a second:
   * Ctrl-C in a terminal reaches the whole process group, and a wrapper in it (tsx, npm) passes it
   * on to its child as well. @default 1000
   */
  repeatWindowMs?: number;
  /** The process to attach to; tests pass a stand-in. @default process */
  process?: Pick<NodeJS.Process, 'on' | 'exit' | 'stderr'>;
}

/**
 * The body of every `main.ts`: starts the service, and on SIGTERM or SIGINT stops it and exits 0
 * (1 when the stop fails or overruns). A start that fails writes one line to stderr and exits 1,
 * so a bad configuration is one clear message, not a stack trace. A signal during start-up
 * (waiting for a broker, say) aborts the start's signal: a start that gives up exits 0, as a stop
 * would; one that finishes anyway is stopped at once. A second signal exits 1 at once, unless it
 * is the first one again within `repeatWindowMs`.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const proc = options.process ?? process;
  let service: Service | undefined;
  let signalled: NodeJS.Signals | undefined;
  let signalledAt = 0;
  const starting = new AbortController();
  const write = (line: string) => proc.stderr.write(`${options.name}: ${line}\n`);

  const stop = (running: Service, signal: NodeJS.Signals) => {
    running.logger.info('stopping', { signal });
    const timeoutMs = options.stopTimeoutMs ?? 120_000;
    const deadline = setTimeout(() => {
      running.logger.error('stop took too long; exiting', { timeout_ms: timeoutMs });
      proc.exit(1);
    }, timeoutMs);
    deadline.unref();
    running.stop().then(
      () => {
        running.logger.info('stopped');
        proc.exit(0);
      },
      (error: unknown) => {
        running.logger.error('stop failed', { error: String(error) });
        proc.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      if (signal === signalled && Date.now() - signalledAt < (options.repeatWindowMs ?? 1000)) return;
      write(`second ${signal}: exiting without waiting`);
      proc.exit(1);
      return;
    }
    signalled = signal;
    signalledAt = Date.now();
    if (service) stop(service, signal);
    else {
      write(`${signal} while starting: giving up the start (again to exit now)`);
      starting.abort(new Error(`${signal} while starting`));
    }
  };
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);

  try {
    service = await options.start(starting.signal);
  } catch (error) {
    // A start that gave up because of the signal; any other failure is reported as one.
    if (error === starting.signal.reason) {
      write('stopped before it had started');
      proc.exit(0);
      return;
    }
    write(`failed to start: ${failureLine(error, options.explain)}`);
    proc.exit(1);
    return;
  }
  if (signalled) stop(service, signalled);
}
