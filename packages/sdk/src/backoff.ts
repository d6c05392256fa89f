// Jittered, capped exponential backoff: the wait before a retry or a reconnect.

export interface BackoffOptions {
  /** The first wait's ceiling, in ms. */
  baseMs: number;
  /** No wait is longer than this, however many attempts failed. */
  maxMs: number;
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * The wait before attempt `attempt + 1` (attempt 0 is the first retry): between half and all of
 * `min(maxMs, baseMs * 2^attempt)`. Half is fixed so waits still grow; the other half is random so clients that lost
 * the server together do not all come back in the same millisecond.
 * @example backoffDelay(3, { baseMs: 100, maxMs: 5_000 }) // between 400 and 800
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const random = options.random ?? Math.random;
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
