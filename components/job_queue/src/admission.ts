import type { InFlight } from './in-flight.ts';

/** Lets at most `limit` handlers run at once; the others wait, in order, for a place. */
export interface Admission {
  /**
   * Runs `handle` now if a place is free, or when one is. `isOpen` is asked again when it is its
   * turn: a message whose channel closed meanwhile is the broker's again, and is not handled.
   */
  admit(isOpen: () => boolean, handle: () => Promise<void>): void;
  /** Handlers running and waiting. */
  readonly size: number;
}

/**
 * Makes an {@link Admission} of `limit` places whose handlers `running` tracks. A consumer needs
 * one for the moment its one-at-a-time consumer and its wide one both deliver: prefetch + 1
 * messages can be delivered, and the last waits.
 */
export function createAdmission(limit: number, running: InFlight): Admission {
  let active = 0;
  const waiting: (() => void)[] = [];
  const next = () => waiting.shift()?.();
  return {
    admit(isOpen, handle) {
      const start = () => {
        if (!isOpen()) return next();
        active += 1;
        running.track(
          handle().finally(() => {
            active -= 1;
            next();
          }),
        );
      };
      if (active < limit) start();
      else waiting.push(start);
    },
    get size() {
      return active + waiting.length;
    },
  };
}
