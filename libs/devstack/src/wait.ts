import { setTimeout as delay } from 'node:timers/promises';
import { DevstackError, messageOf } from './errors.js';

/**
 * Calls `attempt` until it resolves, `timeoutMs` passes (DevstackError built by `onTimeout` with the last
 * failure), or `signal` aborts (rejects with the abort reason). Each attempt gets the time left.
 */
export async function retryUntil(
  attempt: (remainingMs: number) => Promise<void>,
  opts: {
    timeoutMs: number;
    intervalMs?: number;
    signal?: AbortSignal;
    onTimeout: (lastError: string) => DevstackError;
  },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError = 'no attempt finished';
  for (;;) {
    opts.signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw opts.onTimeout(lastError);
    try {
      await attempt(remaining);
      return;
    } catch (error) {
      lastError = messageOf(error);
    }
    opts.signal?.throwIfAborted();
    if (Date.now() >= deadline) throw opts.onTimeout(lastError);
    try {
      await delay(Math.min(opts.intervalMs ?? 250, Math.max(0, deadline - Date.now())), undefined, {
        signal: opts.signal,
      });
    } catch {
      opts.signal?.throwIfAborted();
    }
  }
}
