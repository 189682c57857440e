/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** What is awaited, for the error message. */
  what: string;
  /** Gives up after this long. @default 10000 */
  timeoutMs?: number;
  /** Time between two checks. @default 50 */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns a value other than undefined or false, and returns that value;
 * throws naming `what` when the time is up, so a test fails instead of hanging.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
