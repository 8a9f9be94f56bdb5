/**
 * Waiting without sleeping blind: poll a condition until it holds or time runs out, so tests
 * are as fast as the machine allows and still pass on a slow CI box.
 */

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Resolves with the first truthy value `check` returns; rejects with `what` after the timeout. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, options: PollOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
