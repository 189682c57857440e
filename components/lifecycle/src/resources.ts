/** Closers of what a service opened, closed in the reverse order of opening. */
export interface Resources {
  /** Registers how to close something just opened; returns the thing for chaining. */
  add<T>(thing: T, close: (thing: T) => Promise<void> | void): T;
  /** Closes everything registered, newest first; every closer runs even if one fails. */
  closeAll(): Promise<void>;
}

/**
 * Collects closers as a service opens its connections, so that both a normal stop and a start
 * that fails half-way close exactly what was opened, in reverse order.
 */
export function createResources(onError: (error: unknown) => void = () => {}): Resources {
  const closers: (() => Promise<void> | void)[] = [];
  return {
    add(thing, close) {
      closers.push(() => close(thing));
      return thing;
    },
    async closeAll() {
      while (closers.length > 0) {
        const close = closers.pop();
        try {
          await close?.();
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
